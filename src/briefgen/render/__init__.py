"""Stage 5 — render a composed brief: template → HTML → PDF and DOCX.

The writers are a table from format name to function (pandoc's idea); each
returns an :class:`Output` (bytes, and pages where it knows them), never
touching the disk.
WeasyPrint and python-docx are imported only when a format needs them, Jinja
only where templates are rendered: worker processes run writers only.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefgen.document import Brief
from briefgen.errors import BriefgenError, Problem, did_you_mean
from briefgen.render.htmltree import HtmlDocument, parse_html
from briefgen.timelimit import (
    DEFAULT_SECONDS,
    MEMORY_BUDGET_BYTES,
    TimeLimitExceeded,
    memory_limit,
    time_limit,
)
from briefgen.workspace import REFERENCE_DOCX, audience_file, entry_template


@dataclass(frozen=True)
class Output:
    data: bytes
    pages: int | None = None  # None where the format has no fixed pages
    first_page_spill: bool = False  # a block the template marks "first-page" ran past page 1
    missing_styles: tuple[str, ...] = ()  # DOCX styles the reference document lacks
    dropped: tuple[str, ...] = ()  # what the reference document held and gave no brief
    seconds: float = 0.0  # how long the writer took
    pages_from: str = ""  # a DOCX's: what laid it out ("LibreOffice 7.4"), or why not measured


@dataclass(frozen=True)
class Options:
    """How to render, beyond what the brief says."""

    pdf_variant: str | None = "pdf/ua-1"  # tagged and accessible by default
    time_limit_seconds: float | None = DEFAULT_SECONDS
    # Read where the build starts, not in the worker: workers come from a fork server
    # that may have started before the variable was set.
    source_date_epoch: str | None = field(
        default_factory=lambda: os.environ.get("SOURCE_DATE_EPOCH")
    )


@dataclass(frozen=True)
class Rendered:
    """One rendering of a brief's template, which every writer starts from."""

    html: str
    tree: HtmlDocument  # the same HTML, read and checked against the supported subset
    template_dirs: list[Path]
    audience: str
    template: str  # e.g. "minister/brief.html.j2", for messages
    brief_id: str
    charts: frozenset[str]  # the chart data URIs briefgen drew: the only images allowed


def write_html(rendered: Rendered, options: Options) -> Output:
    return Output(rendered.html.encode("utf-8"))


def write_pdf(rendered: Rendered, options: Options) -> Output:
    from briefgen.render.pdf import render_pdf

    data, pages, spill = render_pdf(
        rendered.html,
        rendered.template_dirs,
        rendered.template,
        options.pdf_variant,
        charts=rendered.charts,
    )
    return Output(data, pages=pages, first_page_spill=spill)


def write_docx(rendered: Rendered, options: Options) -> Output:
    from briefgen.render.docx import render_docx
    from briefgen.render.docx_look import read_look

    reference = audience_file(rendered.template_dirs, rendered.audience, REFERENCE_DOCX)
    # The audience's look from the CSS the PDF uses: base first, then the audience's own.
    stylesheets = [
        audience_file(rendered.template_dirs, folder, "style.css")
        for folder in ("base", rendered.audience)
    ]
    look = read_look([path for path in stylesheets if path is not None])
    dropped: list[str] = []
    try:
        data, missing = render_docx(
            rendered.tree, reference, options.source_date_epoch, dropped, look
        )
    except BriefgenError as exc:  # name the template where the writer could not
        raise BriefgenError(
            [p if p.file else replace(p, file=rendered.template) for p in exc.problems]
        ) from None
    return Output(data, missing_styles=tuple(missing), dropped=tuple(dropped))


WRITERS: dict[str, Callable[[Rendered, Options], Output]] = {
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
    brief: Brief, formats: list[str], template_dirs: list[Path], options: Options | None = None
) -> dict[str, Output]:
    """Every format asked for, all from one rendering of the template."""
    options = options or Options()
    formats = list(dict.fromkeys(formats))
    check_formats(formats)
    rendered = render_template(brief, template_dirs, options)
    return {name: write_output(rendered, name, options) for name in formats}


def render_template(
    brief: Brief, template_dirs: list[Path], options: Options | None = None
) -> Rendered:
    """The brief through its audience's template: the HTML every writer starts from."""
    from briefgen.render.html import render_html_and_charts  # Jinja: not for the writers

    options = options or Options()
    template = entry_template(brief.audience)
    with stopped_after(options.time_limit_seconds, brief.id, template):
        html, charts = render_html_and_charts(brief, template_dirs)
        # Checked whatever the formats: a template is valid for both or for neither.
        tree = parse_html(html, template, charts)
    return Rendered(html, tree, template_dirs, brief.audience, template, brief.id, charts)


def write_output(rendered: Rendered, output_format: str, options: Options) -> Output:
    """One format of a rendered brief (what a worker process does)."""
    with stopped_after(options.time_limit_seconds, rendered.brief_id, rendered.template):
        started = time.perf_counter()
        output = WRITERS[output_format](rendered, options)
    return replace(output, seconds=time.perf_counter() - started)


@contextmanager
def stopped_after(seconds: float | None, brief_id: str, template: str) -> Iterator[None]:
    try:
        with memory_limit(MEMORY_BUDGET_BYTES), time_limit(seconds):
            yield
    except MemoryError:
        raise BriefgenError(
            Problem(
                f"rendering brief '{brief_id}' needed more than "
                f"{MEMORY_BUDGET_BYTES // 1024**3} GB of memory and was stopped; look for "
                "huge repetitions or widths in the template ('x' * n, center(n), format "
                "widths) and its CSS",
                template,
            )
        ) from None
    except OSError as exc:  # a full TMPDIR, 'ulimit -f': WeasyPrint copies fonts there
        raise BriefgenError(system_refusal(exc, template)) from None
    except TimeLimitExceeded:
        raise BriefgenError(
            Problem(
                f"rendering brief '{brief_id}' took longer than {seconds:g} s and was "
                "stopped; look for huge sizes or tables in the template and its CSS, or "
                "raise --time-limit",
                template,
            )
        ) from None


def system_refusal(exc: OSError, template: str) -> Problem:
    """What rendering writes is WeasyPrint's copies of fonts, in our scratch folder;
    what it reads is templates, stylesheets and fonts."""
    from briefgen.diskerrors import explain, is_disk_refusal, scratch_parent

    filename = exc.filename if isinstance(exc.filename, (str, Path)) else None
    ours = filename is None or scratch_parent(Path(filename)) is not None
    if is_disk_refusal(exc) and (ours or exc.errno not in (errno.EACCES, errno.EPERM)):
        return explain(exc, temporary=ours)
    return Problem(f"cannot read or write: {exc.strerror or exc}", filename or template)


def check_template(brief: Brief, template_dirs: list[Path]) -> None:
    """Render the brief's template and check its HTML, writing nothing (for ``validate``)."""
    render_template(brief, template_dirs)
