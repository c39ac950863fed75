"""Render a brief through its audience's Jinja template into semantic HTML.

The HTML is the one document both writers read: WeasyPrint lays it out as a
PDF, :mod:`briefgen.render.htmltree` turns it into the DOCX. Templates run
with autoescape (dataset and spec text is data, never markup) and
StrictUndefined (a typo is an error naming the template and line).
"""

from __future__ import annotations

import re
import sys
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import jinja2
import jinja2.sandbox
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from briefgen.dates import long_date
from briefgen.document import Brief, Entry
from briefgen.errors import BriefgenError, Problem
from briefgen.labels import labels_for
from briefgen.render.charts import chart_data_uri
from briefgen.workspace import entry_template


@dataclass
class Notes:
    """Endnote numbering, in order of first citation.

    Numbered while the template renders, so only what a template shows gets a
    note, and items citing the same place share one.
    """

    entries: list[tuple[int, str]] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    links: dict[int, str] = field(default_factory=dict)  # note → its source's web address

    def refs(self, entries) -> list[int]:
        """The note numbers of several entries: each once, in order (``2, 3``, not ``32``)."""
        return sorted({self.ref(entry) for entry in entries})

    def ref(self, entry: Entry) -> int:
        text = entry.citation.text
        if text not in self.numbers:
            self.numbers[text] = len(self.numbers) + 1
            self.entries.append((self.numbers[text], text))
            if entry.citation.url:
                self.links[self.numbers[text]] = entry.citation.url
        return self.numbers[text]


@dataclass
class ParagraphNumbers:
    """Paragraph numbers (1, 2, 3…) through the body, when the audience numbers them."""

    on: bool
    count: int = 0

    def next(self) -> int:
        self.count += 1
        return self.count


def numbered_paragraphs(template_dirs: list[Path], audience: str) -> bool:
    from briefgen.workspace import audience_settings

    return audience_settings(template_dirs, audience).numbered_paragraphs


def css_page_counter(label: str) -> str:
    """``Page {page} of {pages}`` → the CSS ``content`` that prints it."""
    parts = []
    rest = label
    while rest:
        before, brace, after = rest.partition("{")
        if before:
            parts.append(css_string(before))
        if not brace:
            break
        name, _, rest = after.partition("}")
        parts.append(f"counter({'pages' if name == 'pages' else 'page'})")
    return Markup(" ".join(parts))


def css_string(text: str) -> Markup:
    """Any text as a quoted CSS string; every other character is hex-escaped, so it is safe
    inside ``<style>``, where HTML escaping does not apply."""
    if isinstance(text, Markup):  # e.g. a macro's output: already HTML-escaped
        text = text.unescape()
    escaped = "".join(ch if ch.isalnum() or ch in " .,-" else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')


def css_colour(value: str) -> Markup:
    """A ``#rrggbb`` colour for a stylesheet; anything else is black (never raw CSS)."""
    return Markup(value if re.fullmatch(r"#[0-9a-fA-F]{6}", str(value)) else "#000000")


class ConfinedLoader(jinja2.FileSystemLoader):
    """Loads templates from the template folders only: a symlink leading out is refused."""

    def __init__(self, template_dirs: list[Path]) -> None:
        super().__init__([str(path) for path in template_dirs])
        self.roots = [Path(path).resolve() for path in template_dirs]

    def get_source(self, environment, template):
        source, filename, uptodate = super().get_source(environment, template)
        if not any(Path(filename).resolve().is_relative_to(root) for root in self.roots):
            raise jinja2.TemplateError(
                f"template '{template}' leads outside the template folders (a symlink?)"
            )
        return source, filename, uptodate


MAX_REPEAT = 1_000_000  # the longest text or list a template may make with * (a brief is ~20 kB)


class BriefSandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox, refusing a huge repetition (``'x' * 10**9``) before it is made;
    other huge sizes (``center``, format widths) meet the render's memory limit."""

    intercepted_binops = frozenset({"*"})

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(count, int):
                    if len(sequence) * count > MAX_REPEAT:
                        raise jinja2.sandbox.SecurityError(
                            f"repetition makes more than {MAX_REPEAT:,} items; refused"
                        )
        return super().call_binop(context, operator, left, right)


@lru_cache(maxsize=32)
def environment(template_dirs: tuple[Path, ...], language: str) -> jinja2.Environment:
    """One environment per template folders and language, kept for the process: it keeps
    compiled templates (and recompiles one whose file changed), so a batch, a --watch
    loop or the web portal compile each template once, not once per brief."""
    # Sandboxed: a template cannot reach Python internals (no __globals__, no open()),
    # so a copied template can lay a brief out but not read files or run code.
    env = BriefSandbox(
        loader=ConfinedLoader(list(template_dirs)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = lambda value: long_date(value, language)  # the brief's language
    env.filters["page_counter"] = css_page_counter
    env.filters["css_string"] = css_string
    env.filters["css_colour"] = css_colour
    return env


def asset_finder(template_dirs: list[Path]):
    """``asset('base/style.css')`` → file URL of the first match in lookup order."""

    def asset(name: str) -> str:
        for base in template_dirs:
            candidate = (base / name).resolve()
            if candidate.is_file() and candidate.is_relative_to(base.resolve()):
                return candidate.as_uri()
        raise jinja2.TemplateError(
            f"asset '{name}' not found in {', '.join(map(str, template_dirs))}"
        )

    return asset


def render_html(brief: Brief, template_dirs: list[Path]) -> str:
    return render_html_and_charts(brief, template_dirs)[0]


def render_html_and_charts(brief: Brief, template_dirs: list[Path]) -> tuple[str, frozenset[str]]:
    """The HTML, and the chart data URIs drawn while it rendered: the only images the
    HTML check lets through (a template cannot bring its own picture in as a "chart")."""
    env = environment(tuple(template_dirs), brief.language)
    name = entry_template(brief.audience)
    drawn: set[str] = set()

    def chart_image(chart) -> str:
        uri = chart_data_uri(chart)
        drawn.add(uri)
        return uri

    try:
        template = env.get_template(name)
        html = template.render(
            brief=brief,
            notes=Notes(),
            numbers=ParagraphNumbers(numbered_paragraphs(template_dirs, brief.audience)),
            labels=labels_for(brief.language),
            asset=asset_finder(template_dirs),
            chart_image=chart_image,
        )
        return html, frozenset(drawn)
    except jinja2.TemplateSyntaxError as exc:
        raise BriefgenError(
            Problem(f"template syntax: {exc.message}", exc.filename or exc.name, exc.lineno)
        ) from None
    except jinja2.TemplateNotFound as exc:
        file, line = template_location(exc, template_dirs)  # the include or extends asking
        looked_in = ", ".join(map(str, template_dirs))
        raise BriefgenError(
            Problem(f"template '{exc.name}' not found (looked in {looked_in})", file or name, line)
        ) from None
    except (BriefgenError, MemoryError):  # a MemoryError is reported where the limit is set
        raise
    except Exception as exc:  # anything a template's own code raises: 1/0, recursion, a bad call
        file, line = template_location(exc, template_dirs)
        message = (
            str(exc) if isinstance(exc, jinja2.TemplateError) else f"{type(exc).__name__}: {exc}"
        )
        raise BriefgenError(Problem(f"template: {message}", file or name, line)) from None


def template_location(
    exc: BaseException, template_dirs: list[Path]
) -> tuple[str | None, int | None]:
    """The innermost template file and line in the traceback (Jinja maps them for us)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__ or sys.exc_info()[2]):
        if any(Path(frame.filename).is_relative_to(root) for root in template_dirs):
            found = (frame.filename, frame.lineno)
    return found
