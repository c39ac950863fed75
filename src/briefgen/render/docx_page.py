"""The DOCX page furniture: marking in header and footer, "Page X of Y" with live
fields, the DRAFT watermark, and a table of contents Word fills in on opening."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape as xml_escape

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

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
FIELD_SIZE = Pt(7.5)  # page numbers in the footer


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


def write_page_furniture(word, meta: dict[str, str]) -> None:
    """The marking at top and bottom, "Page X of Y" in the footer, on every kind of page."""
    marking = meta.get("briefgen:marking", "")
    colour = meta.get("briefgen:marking-colour", "")
    label = meta.get("briefgen:page-label", "Page {page} of {pages}")
    for header, footer in headers_and_footers(word):
        header.is_linked_to_previous = False
        footer.is_linked_to_previous = False
        marking_line(free_paragraph(header), marking, colour)
        marking_line(free_paragraph(footer), marking, colour)
        page_line = footer.add_paragraph()
        page_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        write_page_label(page_line, label)


def add_watermark(word, text: str) -> None:
    """Word's own kind of watermark: text in the header, behind every page."""
    for header, _ in headers_and_footers(word):
        shape = parse_xml(WATERMARK_XML.format(text=xml_escape(text, {'"': "&quot;"})))
        header.paragraphs[0].add_run()._r.append(shape)


def marking_line(paragraph, marking: str, colour: str = "") -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(8.5)
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

    def char(kind: str):
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

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
            run._r.append(char(piece))


def add_contents(word, label: str) -> None:
    """A table of contents that Word fills in when the document is opened."""
    add_field(word.add_paragraph(), r'TOC \o "1-2" \h \z \u', label, size=None)
    settings = word.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)
