"""Stage 5 — render a composed brief: template → HTML → PDF and DOCX.

The writers are a table from format name to function (pandoc's idea); each
returns bytes and a page count where it knows one, never touching the disk.
WeasyPrint and python-docx are imported only when a format needs them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from briefgen.document import Brief
from briefgen.errors import BriefgenError, did_you_mean
from briefgen.render.html import render_html
from briefgen.workspace import audiences

Output = tuple[bytes, int | None]  # bytes, pages (None where the format has no fixed pages)


def write_html(html: str, dirs: list[Path], template: str) -> Output:
    return html.encode("utf-8"), None


def write_pdf(html: str, dirs: list[Path], template: str) -> Output:
    from briefgen.render.pdf import render_pdf

    return render_pdf(html, dirs, template)


def write_docx(html: str, dirs: list[Path], template: str) -> Output:
    from briefgen.render.docx import render_docx
    from briefgen.render.htmltree import parse_html

    audience_dir = audiences(dirs)[template.split("/")[0]]
    reference = audience_dir / "reference.docx"
    return render_docx(parse_html(html, template), reference if reference.is_file() else None), None


WRITERS: dict[str, Callable[[str, list[Path], str], Output]] = {
    "pdf": write_pdf,
    "docx": write_docx,
    "html": write_html,
}


def check_formats(formats: list[str]) -> None:
    unknown = [name for name in formats if name not in WRITERS]
    if unknown:
        raise BriefgenError(
            [
                f"unknown format '{name}'{did_you_mean(name, WRITERS)}; choose pdf, docx or html"
                for name in unknown
            ]
        )


def render_brief(
    brief: Brief, formats: list[str], template_dirs: list[Path]
) -> tuple[dict[str, bytes], dict[str, int | None]]:
    """Bytes and page counts of each format, all from one rendering of the template."""
    check_formats(formats)
    html = render_html(brief, template_dirs)
    template = f"{brief.audience}/brief.html.j2"
    outputs, pages = {}, {}
    for name in dict.fromkeys(formats):
        outputs[name], pages[name] = WRITERS[name](html, template_dirs, template)
    return outputs, pages
