"""Synthetic PDF sources for the tests, made here with WeasyPrint (no PDF is shipped):
each says it is a SYNTHETIC EXAMPLE and says nothing about the world.

Line breaks are given (``<br>``), not left to a font's widths, so the paragraphs and
the line-end hyphens are the same on every machine.
"""

from __future__ import annotations

import io
from pathlib import Path

STYLE = """
@page { size: A5; margin: 18mm; @bottom-center { content: "Page " counter(page) } }
body { font: 11pt/1.2 sans-serif; }
h1 { font-size: 18pt; margin: 0 0 10pt; }
p { margin: 0 0 9pt; }
.next { break-before: page; }
"""

# What a reader sees: page → paragraphs (the running foot counts where it stands).
REPORT_HTML = f"""<html lang="en"><head><style>{STYLE}</style></head><body>
<h1>A synthetic report</h1>
<p>This report is a SYNTHETIC EXAMPLE made for a test.<br>It says nothing about the world.</p>
<p>The example body speaks of inter-<br>national cooperation and well-<br>known rules.</p>
<p>A one-line paragraph.</p>
<p class="next">“Examples are checked like sources,” said the example speaker.</p>
<p>Its last paragraph has two<br>lines.</p>
</body></html>"""
REPORT_PAGES = (
    (
        "A synthetic report",
        "This report is a SYNTHETIC EXAMPLE made for a test. It says nothing about the world.",
        "The example body speaks of inter\u00adnational cooperation and well\u00adknown rules.",
        "A one-line paragraph.",
        "Page 1",
    ),
    (
        "“Examples are checked like sources,” said the example speaker.",
        "Its last paragraph has two lines.",
        "Page 2",
    ),
)


def write_pdf(path: Path, html: str = REPORT_HTML) -> Path:
    from weasyprint import HTML

    HTML(string=html).write_pdf(path)
    return path


def encrypted(source: Path, target: Path, user_password: str) -> Path:
    """A copy of ``source`` encrypted (AES-256); an empty user password opens it."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password, owner_password="owner", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())
    return target


def scanned(target: Path) -> Path:
    """A PDF of two pages with no text layer, as a scanner without OCR makes."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=420, height=595)
    writer.add_blank_page(width=420, height=595)
    buffer = io.BytesIO()
    writer.write(buffer)
    target.write_bytes(buffer.getvalue())
    return target


# examples/dataset-folder/sources/example-report-2026.pdf was made from this, with
# write_pdf(path, EXAMPLE_REPORT_HTML); tests/test_pdf_sources.py checks it still reads so.
EXAMPLE_REPORT_HTML = f"""<html lang="en"><head><title>Example report (synthetic)</title>
<style>{STYLE}</style></head><body>
<h1>Example report 2026</h1>
<p>This PDF is a SYNTHETIC EXAMPLE written for briefgen's documentation. It is not a<br>
real document and says nothing true about the Global Initiative or anyone in it.</p>
<p>It shows how a PDF source is counted: by page, then by paragraph on that page.</p>
<p class="next">The example speaker said: “Examples are checked like sources.” Nothing<br>
here is true.</p>
<p>A hyphen at a line’s end, as in inter-<br>national, reads either way.</p>
</body></html>"""
EXAMPLE_REPORT_PAGES = (
    (
        "Example report 2026",
        "This PDF is a SYNTHETIC EXAMPLE written for briefgen's documentation. It is not a "
        "real document and says nothing true about the Global Initiative or anyone in it.",
        "It shows how a PDF source is counted: by page, then by paragraph on that page.",
        "Page 1",
    ),
    (
        "The example speaker said: “Examples are checked like sources.” Nothing here is true.",
        "A hyphen at a line’s end, as in inter\u00adnational, reads either way.",
        "Page 2",
    ),
)
