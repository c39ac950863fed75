"""The DOCX page furniture: marking in header and footer, "Page X of Y" with live
fields beside it on the PDF's line, the DRAFT watermark, and a table of contents
for briefs long enough to need one."""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import escape as xml_escape

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from briefgen.render import htmltree as tree

# The VML shape Word itself writes for Design > Watermark (a rotated, pale text path).
WATERMARK_XML = (
    '<w:pict xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
    '<v:textpath on="t" fitshape="t"/><o:lock v:ext="edit" text="t" shapetype="t"/>'
    "</v:shapetype>"
    '<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s1025" type="#_x0000_t136" '
    'fillcolor="#a00000" stroked="f" '
    'style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:115pt;'
    "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
    "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
    'mso-position-vertical-relative:margin">'
    '<v:fill opacity=".15"/><v:textpath on="t" fitshape="t" '
    'style="font-family:&quot;Arial&quot;;font-size:1pt" '
    'string="{text}"/></v:shape></w:pict>'
)
FIELD_SIZE = Pt(7.5)  # page numbers in the footer, as the PDF's @bottom-right
MARKING_SPACING = 12  # twentieths of a point: the PDF's letter-spacing 0.12em at 8.5 pt
# For the estimate of a brief's length (whether it needs contents): characters on a
# line of body text at 9.5 pt across A4 less margins, and lines on a page.
LINE_CHARACTERS, PAGE_LINES = 105, 62
CONTENTS_MARGIN = 1  # pages past the budget, beyond the estimate's error, before contents


def headers_and_footers(word) -> list[tuple]:
    """Every header/footer pair a page can get: the default one, and the first-page and
    even-page ones where a reference document turns them on."""
    section = word.sections[0]
    pairs = [(section.header, section.footer)]
    if section.different_first_page_header_footer:
        pairs.append((section.first_page_header, section.first_page_footer))
    if word.settings.odd_and_even_pages_header_footer:
        pairs.append((section.even_page_header, section.even_page_footer))
    return pairs


def free_paragraph(part):
    """The part's first paragraph if empty, else a new one: a reference's own header
    text (a logo line, a department name) is kept, not written into."""
    first = part.paragraphs[0]
    return first if not first.text.strip() and not first.runs else part.add_paragraph()


def write_page_furniture(word, meta: dict[str, str], look=None) -> None:
    """The marking at top and bottom, "Page X of Y" in the footer, on every kind of page.

    The footer is one line, as in the PDF: the marking centred, the page number at the
    right margin (two lines of footer read as crammed).
    """
    marking = meta.get("briefgen:marking", "")
    colour = meta.get("briefgen:marking-colour", "")
    label = meta.get("briefgen:page-label", "Page {page} of {pages}")
    section = word.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    for header, footer in headers_and_footers(word):
        header.is_linked_to_previous = False
        footer.is_linked_to_previous = False
        marking_line(free_paragraph(header), marking, colour)
        line = free_paragraph(footer)
        stops = line.paragraph_format.tab_stops
        if line.style is not None:  # Word's Footer style has Letter-size stops: cleared
            for stop in line.style.paragraph_format.tab_stops:
                stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(width // 2, WD_TAB_ALIGNMENT.CENTER)
        stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
        line.add_run("\t")
        marking_run(line, marking, colour)
        line.add_run("\t")
        write_page_label(line, label)


def add_watermark(word, text: str) -> None:
    """Word's own kind of watermark: text in the header, behind every page."""
    for header, _ in headers_and_footers(word):
        shape = parse_xml(WATERMARK_XML.format(text=xml_escape(text, {'"': "&quot;"})))
        header.paragraphs[0].add_run()._r.append(shape)


def marking_line(paragraph, marking: str, colour: str = "") -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    marking_run(paragraph, marking, colour)


def marking_run(paragraph, marking: str, colour: str = "") -> None:
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(8.5)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(MARKING_SPACING))
    run._r.get_or_add_rPr().insert_element_before(
        spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
        "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
        "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath",
    )  # fmt: skip
    if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):  # the scheme's; anything else is ignored
        run.font.color.rgb = RGBColor.from_string(colour[1:].upper())


def write_page_label(paragraph, label: str) -> None:
    """``Page {page} of {pages}`` with live PAGE and NUMPAGES fields."""
    for part in re.split(r"(\{page\}|\{pages\})", label):
        if part == "{page}":
            add_field(paragraph, "PAGE")
        elif part == "{pages}":
            add_field(paragraph, "NUMPAGES")
        elif part:
            paragraph.add_run(part).font.size = Pt(7.5)


def add_field(paragraph, instruction: str, shown: str = "1", size: Pt | None = FIELD_SIZE) -> None:
    """A Word field; ``shown`` stands until Word updates it."""

    for piece in ("begin", "instr", "separate", "shown", "end"):
        run = paragraph.add_run()
        if size is not None:
            run.font.size = size
        if piece == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        elif piece == "shown":
            run.text = shown
        else:
            run._r.append(field_char(piece))


def contents_wanted(document: tree.HtmlDocument) -> bool:
    """Contents only where they help: when the template asks for them
    (``<meta name="briefgen:contents" content="yes">``), or when the brief runs well
    past its page budget. A two-page note with contents was a page of navigation."""
    meta = document.meta
    if meta.get("briefgen:contents", "").lower() in ("yes", "true"):
        return True
    budget = meta.get("briefgen:page-budget", "")
    return budget.isdigit() and estimated_pages(document.blocks) > int(budget) + CONTENTS_MARGIN


def estimated_pages(blocks: list[tree.Block]) -> int:
    """A rough count from lines of text (Word lays out its own pages; this only has to
    tell a two-page note from a ten-page one)."""

    def lines(runs: list[tree.Run], characters: int = LINE_CHARACTERS) -> float:
        return math.ceil(max(1, sum(len(run.text) for run in runs)) / characters) + 0.3

    total = 0.0
    for block in blocks:
        if isinstance(block, tree.Heading):
            total += 2
        elif isinstance(block, tree.Paragraph):
            total += lines(block.runs)
        elif isinstance(block, tree.ListBlock):
            total += sum(lines(item) for item in block.items)
        elif isinstance(block, tree.Quote):
            total += sum(lines(p) for p in block.paragraphs) + 1
        elif isinstance(block, tree.Table):
            for row in block.rows:
                share = LINE_CHARACTERS // max(1, len(row))
                total += max(lines(cell.runs, share) for cell in row)
        elif isinstance(block, tree.Figure):
            total += 20
    return math.ceil(total / PAGE_LINES)


def add_contents(word, label: str, entries: list[tuple[int, str]]) -> None:
    """A table of contents whose entries are already written (the field's last result).

    Word shows them as they are and refreshes them on F9 or printing. We do not set
    ``updateFields``: it makes Word ask on every opening, and LibreOffice and pandoc,
    which never update fields, showed a lone "Contents" line.
    """
    heading = word.add_paragraph(label)
    if has_style(word, "TOC Heading"):
        heading.style = word.styles["TOC Heading"]
    for index, (level, text) in enumerate(entries):
        paragraph = word.add_paragraph()
        style = f"toc {level}"  # Word's own names; a reference document may define them
        if has_style(word, style):
            paragraph.style = word.styles[style]
        elif level > 1:
            paragraph.paragraph_format.left_indent = Mm(5)
        if index == 0:
            begin_field(paragraph, r'TOC \o "1-2" \h \z \u')
        paragraph.add_run(text)
        if index == len(entries) - 1:
            end_field(paragraph)


def has_style(word, name: str) -> bool:
    return any(style.name == name for style in word.styles)


def begin_field(paragraph, instruction: str) -> None:
    for piece in ("begin", "instr", "separate"):
        run = paragraph.add_run()
        if piece == "instr":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        else:
            run._r.append(field_char(piece))


def end_field(paragraph) -> None:
    paragraph.add_run()._r.append(field_char("end"))


def field_char(kind: str):
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    return element
