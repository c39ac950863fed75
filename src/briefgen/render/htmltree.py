"""Read the templates' HTML into a small, closed tree of blocks and runs.

This is the contract between templates and the DOCX writer (pandoc's idea:
one tree, many writers). The subset, documented in README ("Template HTML"):

* containers: ``body header footer main section article div``
* blocks: ``h1``–``h4``, ``p``, ``ul``/``ol`` with ``li``, ``blockquote`` (its
  ``p`` and a ``footer`` attribution), ``table`` (``thead tbody tr th td``,
  ``colspan``), ``aside class="callout"``, ``div class="page-break"``,
  ``figure class="chart"`` (a chart briefgen drew, with its ``figcaption``),
  ``div class="watermark"`` (e.g. DRAFT on every page)
* inline: ``strong b em i sup sub span a cite small br``
* in ``head``: ``title meta style`` and ``link rel="stylesheet"``

Anything else is an error naming the template, never silently dropped. So is
what could smuggle content into a PDF or send a reader elsewhere
(:mod:`htmlcheck` sweeps every element). The tree read here is the one
:func:`read_html` returns for WeasyPrint: one parse, checked once, rendered as checked.
"""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from briefgen.errors import BriefgenError, Problem
from briefgen.longwords import break_long_words
from briefgen.render.charts import SVG_DATA
from briefgen.render.htmlcheck import parse_tree, sweep

CONTAINERS = {"body", "header", "footer", "main", "section", "article", "div"}
INLINE = {"strong", "b", "em", "i", "sup", "sub", "span", "a", "cite", "small", "br"}
HEADINGS = {"h1": 0, "h2": 1, "h3": 2, "h4": 3}  # h1 is the Title
HEAD = {"title", "meta", "style", "link"}
KINDS = {"noteref", "para-no"}  # classes of inline elements the DOCX writer reads
SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML white space only: &nbsp; stays


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    subscript: bool = False
    href: str | None = None
    kind: str = ""  # a class Word has its own form for: noteref (endnotes), para-no


@dataclass
class Heading:
    level: int  # 0 = title, 1-3 = heading levels
    runs: list[Run]


@dataclass
class Paragraph:
    runs: list[Run]
    role: str = "body"  # body, callout, attribution


@dataclass
class ListBlock:
    ordered: bool
    items: list[list[Run]]
    role: str = "body"  # body, callout, endnotes
    numbers: list[int] = field(default_factory=list)


@dataclass
class Quote:
    paragraphs: list[list[Run]]
    attribution: list[Run]


@dataclass
class Cell:
    runs: list[Run]
    header: bool
    colspan: int = 1


@dataclass
class Table:
    rows: list[list[Cell]]
    role: str = "data"  # data, title-block, decision
    header_rows: int = 0


@dataclass
class PageBreak:
    pass


@dataclass
class Figure:
    svg: bytes  # the drawing, as the PDF shows it
    alt: str
    caption: list[Run]


Block = Heading | Paragraph | ListBlock | Quote | Table | PageBreak | Figure


@dataclass
class HtmlDocument:
    title: str
    language: str
    meta: dict[str, str]
    blocks: list[Block]
    watermark: str | None = None  # e.g. DRAFT, across every page


def parse_html(html: str, template_name: str, charts: frozenset[str] = frozenset()) -> HtmlDocument:
    """The blocks the DOCX writer reads; an error naming the template for anything else."""
    return read_html(html, template_name, charts)[1]


def read_html(
    html: str, template_name: str, charts: frozenset[str] = frozenset()
) -> tuple[ET.Element, HtmlDocument]:
    """Parse once, check that tree, and return it with the blocks read from it.

    ``charts`` are the data URIs briefgen drew for this brief: the only images allowed.
    The tree is what WeasyPrint must be given (never the text again).
    """
    if not html.strip():
        raise BriefgenError(Problem("rendered no HTML at all", template_name))
    root = parse_tree(html)
    body = root.find("body")
    if body is not None:  # before anything reads it: PDF and DOCX get the same text
        break_long_words(body, template_name)
    reader = _Reader(template_name)
    reader.unsupported, reader.refused = sweep(root, charts)
    head = root.find("head")
    if head is not None:
        reader.head(head)
    if body is not None:
        reader.container(body, role="body")
    problems = [
        Problem(f"{reason}; see README, 'Template HTML'", template_name)
        for reason in dict.fromkeys(reader.refused)
    ]
    if reader.unsupported:
        # "img" already says what "img in body" would (the sweep and the reader both look)
        named = {tag for tag in reader.unsupported if " " not in tag}
        shown = [tag for tag in reader.unsupported if tag in named or tag.split()[0] not in named]
        tags = ", ".join(f"<{tag}>" for tag in sorted(shown))
        problems.insert(
            0,
            Problem(
                f"uses {tags}, outside the HTML briefgen can write to both PDF and DOCX; "
                "see README, 'Template HTML'",
                template_name,
            ),
        )
    if problems:
        raise BriefgenError(problems)
    meta = {
        element.get("name"): element.get("content", "")
        for element in root.iter("meta")
        if element.get("name")
    }
    title = root.findtext(".//title") or ""
    document = HtmlDocument(
        title.strip(), root.get("lang", "en"), meta, reader.blocks, reader.watermark
    )
    return root, document


class _Reader:
    def __init__(self, template_name: str) -> None:
        self.template_name = template_name
        self.blocks: list[Block] = []
        self.unsupported: set[str] = set()
        self.refused: list[str] = []
        self.watermark: str | None = None

    def head(self, head) -> None:
        for element in head:
            if isinstance(element.tag, str) and element.tag not in HEAD:
                self.unsupported.add(f"{element.tag} in head")

    def container(self, element, role: str) -> None:
        """Blocks inside a container; loose inline content becomes a paragraph."""
        loose: list[Run] = []
        self.add_text(loose, element.text, {})
        for child in element:
            if not isinstance(child.tag, str):  # comments, processing instructions
                self.add_text(loose, child.tail, {})
                continue
            if child.tag in INLINE:
                self.inline(child, loose, {})
            else:
                self.flush(loose, role)
                loose = []
                self.block(child, role)
            self.add_text(loose, child.tail, {})
        self.flush(loose, role)

    def flush(self, runs: list[Run], role: str) -> None:
        runs = trim(runs)
        if runs:
            self.blocks.append(Paragraph(runs, role))

    def block(self, element, role: str) -> None:
        tag = element.tag
        classes = set((element.get("class") or "").split())
        if tag in HEADINGS:
            self.blocks.append(Heading(HEADINGS[tag], self.runs(element)))
        elif tag == "p":
            self.blocks.append(Paragraph(self.runs(element), role))
        elif tag in ("ul", "ol"):
            self.list_block(element, "endnotes" if "endnotes" in classes else role)
        elif tag == "blockquote":
            self.quote(element)
        elif tag == "table":
            role = next((r for r in ("title-block", "decision") if r in classes), "data")
            self.table(element, role)
        elif tag == "aside" and "callout" in classes:
            self.container(element, role="callout")
        elif tag == "figure" and "chart" in classes:
            self.figure(element)
        elif tag == "div" and "watermark" in classes:
            self.watermark = " ".join(run.text for run in self.runs(element))
        elif tag == "div" and "page-break" in classes:
            self.blocks.append(PageBreak())  # and what it holds starts the new page
            self.container(element, role)
        elif tag in CONTAINERS:
            self.container(element, role)
        else:
            self.unsupported.add(tag)

    def list_block(self, element, role: str) -> None:
        items, numbers = [], []
        if has_words(element.text) or any(has_words(child.tail) for child in element):
            self.unsupported.add(f"text outside <li> in {element.tag}")
        for child in element:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "li":
                self.unsupported.add(f"{child.tag} in {element.tag}")
                continue
            items.append(self.runs(child))
            value = child.get("value")
            numbers.append(whole_number(value, default=len(items)))
        self.blocks.append(ListBlock(element.tag == "ol", items, role, numbers))

    def quote(self, element) -> None:
        paragraphs, attribution = [], []
        loose: list[Run] = []
        self.add_text(loose, element.text, {})
        for child in element:
            self.add_text(loose, child.tail, {})
            if not isinstance(child.tag, str):
                continue
            if child.tag == "p":
                paragraphs.append(self.runs(child))
            elif child.tag in ("footer", "cite"):
                attribution = self.runs(child)
            else:
                self.unsupported.add(f"{child.tag} in blockquote")
        if trim(loose):  # words straight inside <blockquote> are its first paragraph
            paragraphs.insert(0, trim(loose))
        self.blocks.append(Quote(paragraphs, attribution))

    def figure(self, element) -> None:
        """A chart: one SVG image drawn by briefgen, its alt text, and a caption.

        Every child is looked at: the PDF shows whatever a figure holds, so a figure
        holding more than its image and caption is refused, not half read.
        """
        images = [child for child in element if child.tag == "img"]
        captions = [child for child in element if child.tag == "figcaption"]
        others = [
            child.tag for child in element if isinstance(child.tag, str)
        ]  # fmt: skip
        if len(images) != 1 or len(captions) > 1 or len(others) != len(images) + len(captions):
            self.unsupported.add("figure holding more than one chart and its caption")
            return
        if has_words(element.text) or any(has_words(child.tail) for child in element):
            self.unsupported.add("text in figure outside its caption")
            return
        (image,) = images
        source = image.get("src", "")
        if not source.startswith(SVG_DATA):
            self.unsupported.add("figure without a briefgen chart")
            return
        self.blocks.append(
            Figure(
                base64.b64decode(source.removeprefix(SVG_DATA)),
                image.get("alt", ""),
                self.runs(captions[0]) if captions else [],
            )
        )

    def table(self, element, role: str) -> None:
        rows: list[list[Cell]] = []
        header_rows = 0
        for part in element:
            if not isinstance(part.tag, str):
                continue
            if part.tag == "tr":
                section, in_head = [part], False
            elif part.tag in ("thead", "tbody"):
                section, in_head = list(part), part.tag == "thead"
            else:
                self.unsupported.add(f"{part.tag} in table")
                continue
            for row in section:
                if not isinstance(row.tag, str):
                    continue
                if row.tag != "tr":
                    self.unsupported.add(f"{row.tag} in {part.tag}")
                    continue
                cells = self.cells(row)
                if cells:
                    rows.append(cells)
                    header_rows += in_head
        if rows:  # an empty table shows nothing in the PDF either
            self.blocks.append(Table(rows, role, header_rows))

    def cells(self, row) -> list[Cell]:
        cells = []
        for cell in row:
            if not isinstance(cell.tag, str):
                continue
            if cell.tag not in ("th", "td"):
                self.unsupported.add(f"{cell.tag} in tr")
                continue
            colspan = max(1, whole_number(cell.get("colspan"), default=1))
            cells.append(Cell(self.runs(cell), cell.tag == "th", colspan))
        return cells

    def runs(self, element) -> list[Run]:
        runs: list[Run] = []
        self.add_text(runs, element.text, {})
        for child in element:
            if isinstance(child.tag, str):
                self.inline(child, runs, {})
            self.add_text(runs, child.tail, {})
        return trim(runs)

    def inline(self, element, runs: list[Run], style: dict) -> None:
        tag = element.tag
        if tag not in INLINE:
            self.unsupported.add(tag)
            return
        if tag == "br":
            runs.append(Run("\n", **style))
            return
        style = dict(style)
        if tag in ("strong", "b"):
            style["bold"] = True
        elif tag in ("em", "i", "cite"):
            style["italic"] = True
        elif tag == "sup":
            style["superscript"] = True
        elif tag == "sub":
            style["subscript"] = True
        elif tag == "a":
            style["href"] = element.get("href")
        classes = element.get("class", "").split()
        style["kind"] = next((c for c in classes if c in KINDS), style.get("kind", ""))
        self.add_text(runs, element.text, style)
        for child in element:
            if isinstance(child.tag, str):
                self.inline(child, runs, style)
            self.add_text(runs, child.tail, style)

    @staticmethod
    def add_text(runs: list[Run], text: str | None, style: dict) -> None:
        if text:
            runs.append(Run(SPACE.sub(" ", text), **style))


def whole_number(text: str | None, default: int) -> int:
    """An attribute's number; anything else ("x", "²", "") gives the default."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() else default


def has_words(text: str | None) -> bool:
    return bool(text and SPACE.sub("", text))


def trim(runs: list[Run]) -> list[Run]:
    """HTML white space rules: collapse, and drop it at the start and end of a block."""
    out: list[Run] = []
    for run in runs:
        text = run.text
        previous_ends_in_space = not out or out[-1].text.endswith((" ", "\n"))
        if previous_ends_in_space and text.startswith(" "):
            text = text[1:]
        if text:
            run.text = text
            out.append(run)
    while out and out[-1].text.endswith(" "):
        out[-1].text = out[-1].text.rstrip(" ")
        if not out[-1].text:
            out.pop()
    return out
