"""A picture of page 1 of each PDF, for the portal's list.

Made with PDFium (pypdfium2) when first asked for, and kept under
``build/.portal/previews/`` by the PDF's sha256, so a rebuilt PDF gets a new
picture and an unchanged one is drawn once.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from briefgen.write import write_bytes_atomically

WIDTH = 360  # pixels: a thumbnail a reader can still recognise
# PDFium is not thread-safe, and the server draws previews on several threads.
PDFIUM = threading.Lock()


def preview_png(pdf: bytes, sha256: str, folder: Path) -> bytes:
    """The PNG of page 1 of ``pdf`` (whose hash is ``sha256``), cached in ``folder``."""
    cached = folder / f"{sha256}.png"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    png = draw_first_page(pdf)
    folder.mkdir(parents=True, exist_ok=True)
    write_bytes_atomically(cached, png)
    return png


def draw_first_page(pdf: bytes) -> bytes:
    import pypdfium2

    with PDFIUM:
        return draw(pypdfium2, pdf)


def draw(pypdfium2, pdf: bytes) -> bytes:
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=WIDTH / page.get_width())
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()
    finally:
        document.close()
