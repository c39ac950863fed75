"""A picture of page 1 of each PDF, for the portal's list.

Made with PDFium (pypdfium2) when first asked for, and kept under
``build/.portal/previews/`` by the PDF's sha256, so a rebuilt PDF gets a new
picture and an unchanged one is drawn once. A cached picture is read only if it
is a regular file there (never through a symbolic link); a PDF that PDFium
cannot read gives :class:`NoPreview`, not an error page.
"""

from __future__ import annotations

import io
import os
import stat
import threading
from pathlib import Path

from briefgen.write import write_bytes_atomically

WIDTH = 360  # pixels: a thumbnail a reader can still recognise
# PDFium is not thread-safe, and the server draws previews on several threads.
PDFIUM = threading.Lock()


class NoPreview(Exception):
    """The PDF cannot be drawn."""


def preview_png(pdf: bytes, sha256: str, folder: Path) -> bytes:
    """The PNG of page 1 of ``pdf`` (whose hash is ``sha256``), cached in ``folder``."""
    name = f"{sha256}.png"
    cached = read_cached(folder, name)
    if cached is not None:
        return cached
    png = draw_first_page(pdf)
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(folder / name, png)  # replaces a link, never writes through it
    return png


def read_cached(folder: Path, name: str) -> bytes | None:
    """The cached picture if it is a regular file directly in ``folder``, else None."""
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=directory)
    except OSError:
        return None
    finally:
        os.close(directory)
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None
        data = file.read()
    return data if data.startswith(b"\x89PNG\r\n\x1a\n") else None


def draw_first_page(pdf: bytes) -> bytes:
    import pypdfium2

    with PDFIUM:
        try:
            return draw(pypdfium2, pdf)
        except (pypdfium2.PdfiumError, IndexError, ValueError, OSError) as exc:
            raise NoPreview(str(exc)) from None


def draw(pypdfium2, pdf: bytes) -> bytes:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return png_of(document[0], WIDTH, optimize=True)
    finally:
        document.close()


def png_of(page, width: int, optimize: bool = False) -> bytes:
    """One PDFium page drawn ``width`` pixels wide, as PNG (hold :data:`PDFIUM`)."""
    bitmap = page.render(scale=width / page.get_width())
    buffer = io.BytesIO()
    bitmap.to_pil().save(buffer, format="PNG", optimize=optimize)
    return buffer.getvalue()
