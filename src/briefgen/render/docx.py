"""HTML tree → DOCX with python-docx, in real Word styles.

The same HTML that WeasyPrint lays out is read into :mod:`htmltree` blocks and
written here, so whatever a template shows appears in both formats. Blocks
map to Word's own styles (``Title``, ``Heading 1-3``, ``List Bullet``,
``List Number``, ``Quote``, ``Intense Quote``, ``Table Grid``…) so that people
can restyle the document in Word; a reference .docx may restyle them first.
Header, footer and watermark are in :mod:`docx_page`; core properties and the
reproducible ZIP in :mod:`docx_package`.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from briefgen.errors import BriefgenError, Problem
from briefgen.render import htmltree as tree
from briefgen.render.docx_package import normalise_zip, set_properties, zip_timestamp
from briefgen.render.docx_page import add_contents, add_watermark, write_page_furniture
from briefgen.render.docx_reference import clean_reference

HEADING_STYLES = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
TABLE_STYLES = {
    "title-block": "Table Grid",
    "decision": "Table Grid",
    "data": "Light Grid Accent 1",
}
TITLE_BLOCK_SHADE = "EEF2F6"  # the PDF's th background
CHAR_MM, CELL_PADDING_MM = 2.2, 5.0  # roughly, at 10 pt bold, with Word's cell margins
FONT = "Arial"  # on every Word installation; covers Latin and Cyrillic, Kazakh letters included
CONTENTS_FROM_SECTIONS = 10  # a brief with this many top-level headings gets a contents field
ATTRIBUTION_STYLE = "Quote Attribution"
ENDNOTE_STYLE = "Source Note"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def render_docx(
    document: tree.HtmlDocument,
    reference: Path | None = None,
    source_date_epoch: str | None = None,
    dropped: list[str] | None = None,
) -> tuple[bytes, list[str]]:
    """The DOCX bytes, and the styles the reference document lacked (fallen back from).

    With a reference .docx (pandoc's idea), its styles, numbering, page size, margins,
    header and footer text are the document's (see :mod:`docx_reference`; what it
    left behind is added to ``dropped``); without one, briefgen's house style.
    """
    if reference:
        word, left_behind = open_reference(reference)
        if dropped is not None:
            dropped += left_behind
    else:
        word = docx.Document(io.BytesIO(house_template()))
    ensure_styles(word)
    out = Writer(word)
    write_page_furniture(word, document.meta)
    if document.watermark:
        add_watermark(word, document.watermark)
    long_brief = sum(isinstance(b, tree.Heading) and b.level == 1 for b in document.blocks)
    contents_due = long_brief >= CONTENTS_FROM_SECTIONS
    for block in document.blocks:
        if contents_due and isinstance(block, tree.Heading) and block.level == 1:
            # before the first section, after the title block
            add_contents(word, document.meta.get("briefgen:contents-label", "Contents"))
            contents_due = False
        write_block(out, block)
    set_properties(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    timestamp = zip_timestamp(document.meta, source_date_epoch)
    return normalise_zip(buffer.getvalue(), timestamp), sorted(out.missing)


def house_document():
    """An empty document in briefgen's house style: A4, the PDF's margins, Arial."""
    word = docx.Document()
    apply_house_style(word)
    section = word.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    # python-docx's template carries a hundred table styles (330 KB of styles.xml) and
    # a second copy of every style for Word 2010 (stylesWithEffects, 430 KB). Reading,
    # writing and compressing them was half the time a DOCX took; Word has them all
    # built in, and adds one to the document when someone picks it.
    keep = {"Normal Table", *TABLE_STYLES.values()}
    for style in word.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table" and style.name_val not in keep:
            word.styles.element.remove(style)
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            word.part.drop_rel(rel_id)
    return word


@cache
def house_template() -> bytes:
    """The house document with briefgen's styles, made once per process; each brief
    opens a copy."""
    word = house_document()
    ensure_styles(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def house_reference() -> bytes:
    """A reference .docx to restyle in Word (written by ``briefgen audience new``)."""
    word = house_document()
    ensure_styles(word)
    word.add_paragraph(
        "Reference document: briefgen takes the styles, page size, margins, header and "
        "footer of this file, never this text. Restyle Title, Heading 1-3, Normal, "
        "List Bullet, Quote… in Word, then save."
    )
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def open_reference(path: Path):
    """The reference document, rebuilt from what it may give, and what it left behind."""
    data, dropped = clean_reference(path)
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a file that is not a .docx
        raise BriefgenError(
            Problem(f"cannot read the reference document: {exc}; save it again from Word", path)
        ) from None
    return word, dropped


class Writer:
    """The document being written, with its styles looked up once.

    python-docx finds a style by scanning every style in the document, for each
    paragraph; with a hundred paragraphs that was most of the DOCX's time.
    """

    def __init__(self, word) -> None:
        self.word = word
        self.style_ids = {style.name: style.style_id for style in word.styles}
        self.missing: set[str] = set()  # styles asked for that the document lacks

    def style_id(self, name: str) -> str | None:
        """The id of style ``name``; None (Normal) if the document lacks it, noted."""
        found = self.style_ids.get(name)
        if found is None:
            self.missing.add(name)
        return found

    def paragraph(self, style: str | None = None, text: str = ""):
        """A new paragraph at the end of the body, in ``style`` (None: Normal)."""
        paragraph = self.word.add_paragraph(text)
        if style is not None:
            paragraph._p.style = self.style_id(style)
        return paragraph


# --- styles -------------------------------------------------------------------


def apply_house_style(word) -> None:
    """Fonts and sizes close to the PDF."""
    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 18), ("Heading 1", 12), ("Heading 2", 11), ("Heading 3", 10)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        style.paragraph_format.space_before = Pt(10 if name != "Title" else 0)
        style.paragraph_format.space_after = Pt(3)


def ensure_styles(word) -> None:
    """Our own paragraph styles, beside Word's (a reference document may have restyled them)."""
    styles = word.styles
    present = {style.name for style in styles}
    if ATTRIBUTION_STYLE not in present:  # each on its own: a reference may have one
        attribution = styles.add_style(ATTRIBUTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        attribution.base_style = styles["Normal"]
        attribution.font.size = Pt(8.5)
        attribution.paragraph_format.left_indent = Mm(10)
        attribution.paragraph_format.space_after = Pt(6)
    if ENDNOTE_STYLE not in present:
        endnote = styles.add_style(ENDNOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        endnote.base_style = styles["Normal"]
        endnote.font.size = Pt(7.5)
        endnote.paragraph_format.space_after = Pt(0)


# --- blocks ----------------------------------------------------------------------------


def write_block(out: Writer, block: tree.Block) -> None:
    if isinstance(block, tree.Heading):
        add_runs(out.paragraph(HEADING_STYLES[block.level]), block.runs)
    elif isinstance(block, tree.Paragraph):
        add_runs(out.paragraph("Intense Quote" if block.role == "callout" else None), block.runs)
    elif isinstance(block, tree.ListBlock):
        write_list(out, block)
    elif isinstance(block, tree.Quote):
        for runs in block.paragraphs:
            add_runs(out.paragraph("Quote"), runs)
        if block.attribution:
            add_runs(out.paragraph(ATTRIBUTION_STYLE), block.attribution)
    elif isinstance(block, tree.Table):
        write_table(out, block)
    elif isinstance(block, tree.PageBreak):
        out.paragraph().add_run().add_break(WD_BREAK.PAGE)
    elif isinstance(block, tree.Figure):
        write_figure(out, block)


def write_figure(out: Writer, figure: tree.Figure) -> None:
    """The chart as a picture (Word cannot take the SVG alone), with its alt text."""
    png = chart_png(figure.svg)
    width = Mm(text_width_mm(out.word))
    shape = out.paragraph().add_run().add_picture(io.BytesIO(png), width=width)
    shape._inline.docPr.set("descr", figure.alt)  # the alt text Word shows and reads out
    if figure.caption:
        add_runs(out.paragraph("Caption"), figure.caption)


@lru_cache(maxsize=16)
def chart_png(svg: bytes) -> bytes:
    """The drawing as a PNG; kept, since briefs of a batch draw the same charts."""
    import cairosvg  # only briefs with charts need it

    try:
        return cairosvg.svg2png(bytestring=svg, scale=3)
    except Exception as exc:  # cairosvg raises XML and value errors of several kinds
        raise BriefgenError(f"a figure's drawing cannot be read: {exc}") from None


def write_list(out: Writer, block: tree.ListBlock) -> None:
    if block.role == "endnotes":
        # Numbers are the note numbers the body cites, so they are written, not counted.
        for number, runs in zip(block.numbers, block.items, strict=True):
            add_runs(out.paragraph(ENDNOTE_STYLE, f"{number}. "), runs)
        return
    style = "List Number" if block.ordered else "List Bullet"
    for runs in block.items:
        add_runs(out.paragraph(style), runs)


def write_table(out: Writer, block: tree.Table) -> None:
    columns = max(sum(cell.colspan for cell in row) for row in block.rows)
    table = out.word.add_table(rows=len(block.rows), cols=columns)
    table._tbl.tblStyle_val = out.style_id(TABLE_STYLES[block.role])
    no_first_column_emphasis(table)
    widths = column_widths(block, columns, text_width_mm(out.word))
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    for row_index, row in enumerate(block.rows):
        # Taken once per row, before merging: python-docx's table.cell() walks the whole
        # table each time.
        word_cells = table.rows[row_index].cells
        for word_cell, width in zip(word_cells, widths, strict=True):
            word_cell.width = width  # the cells, which Word reads
        column = 0
        for cell in row:
            target = word_cells[column]
            if cell.colspan > 1:
                target = target.merge(word_cells[column + cell.colspan - 1])
            add_runs(target.paragraphs[0], cell.runs, bold=cell.header)
            if cell.header and block.role == "title-block":
                shade(target, TITLE_BLOCK_SHADE)
            column += cell.colspan
        if row_index < block.header_rows:
            mark_header_row(table.rows[row_index])


def text_width_mm(word) -> float:
    """The width between the margins, whatever page the reference document sets."""
    section = word.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / Mm(1)


def column_widths(block: tree.Table, columns: int, total_mm: float) -> list[Mm]:
    """Widths from the content (Word would split the width evenly): each column gets room
    for its longest word, and the rest of the width goes by how much text it holds."""
    longest_word = [1] * columns
    amount = [1] * columns
    for row in block.rows:
        column = 0
        for cell in row:
            text = "".join(run.text for run in cell.runs)
            if cell.colspan == 1:
                words = text.split() or [""]
                longest_word[column] = max(longest_word[column], *map(len, words))
                amount[column] = max(amount[column], min(len(text), 60))  # long text wraps
            column += cell.colspan
    minimum = [CHAR_MM * length + CELL_PADDING_MM for length in longest_word]
    spare = total_mm - sum(minimum)
    if spare <= 0:
        return [Mm(total_mm * width / sum(minimum)) for width in minimum]
    return [
        Mm(width + spare * share / sum(amount))
        for width, share in zip(minimum, amount, strict=True)
    ]


def no_first_column_emphasis(table) -> None:
    """Table styles bold the first column by default; ours holds ordinary text."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:val"), "0420")  # bit mask: header row, no vertical banding
        look.set(qn("w:firstColumn"), "0")


def shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def mark_header_row(row) -> None:
    """Repeat this row at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def add_runs(paragraph, runs: list[tree.Run], bold: bool = False) -> None:
    for run in runs:
        if run.href and not run.href.startswith("#"):  # htmltree let only safe schemes through
            add_hyperlink(paragraph, run)
            continue
        if run.text == "\n":
            paragraph.add_run().add_break()
            continue
        word_run = paragraph.add_run()
        # Straight into <w:t>: python-docx's run.text reads the text a character at a time.
        word_run._r.add_t(run.text)
        word_run.bold = run.bold or bold or None
        word_run.italic = run.italic or None
        if run.superscript:
            word_run.font.superscript = True
        if run.subscript:
            word_run.font.subscript = True


def add_hyperlink(paragraph, run: tree.Run) -> None:
    relationship = paragraph.part.relate_to(run.href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    word_run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    word_run.append(properties)
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = run.text
    word_run.append(text)
    link.append(word_run)
    paragraph._p.append(link)
