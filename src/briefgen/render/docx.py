"""HTML tree → DOCX with python-docx, in real Word styles.

The same HTML that WeasyPrint lays out is read into :mod:`htmltree` blocks and
written here, so whatever a template shows appears in both formats. Blocks
map to Word's own styles (``Title``, ``Heading 1-3``, ``List Bullet``,
``List Number``, ``Quote``, ``Table Grid``…) and a few of ours (the recommendation
box, the quote's attribution) so that people can restyle the document in Word; the
audience's CSS gives them its look (:mod:`docx_look`), and a reference .docx may
restyle them instead. Header, footer, watermark and contents are in
:mod:`docx_page`; tables in :mod:`docx_tables`; sources as Word endnotes in
:mod:`docx_notes`; core properties and the reproducible ZIP in :mod:`docx_package`.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from briefgen.errors import BriefgenError, Problem
from briefgen.render import htmltree as tree
from briefgen.render.docx_look import CALLOUT_STYLE, Look, add_callout_style, apply_look
from briefgen.render.docx_notes import Notes
from briefgen.render.docx_package import normalise_zip, set_properties, zip_timestamp
from briefgen.render.docx_page import (
    add_contents,
    add_watermark,
    contents_wanted,
    write_page_furniture,
)
from briefgen.render.docx_reference import clean_reference
from briefgen.render.docx_runs import add_runs
from briefgen.render.docx_tables import TABLE_STYLE, text_width_mm, write_table

HEADING_STYLES = {0: "Title", 1: "Heading 1", 2: "Heading 2", 3: "Heading 3"}
FONT = "Arial"  # on every Word installation; covers Latin and Cyrillic, Kazakh letters included
ATTRIBUTION_STYLE = "Quote Attribution"
ENDNOTE_STYLE = "Source Note"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"


def render_docx(
    document: tree.HtmlDocument,
    reference: Path | None = None,
    source_date_epoch: str | None = None,
    dropped: list[str] | None = None,
    look: Look | None = None,
) -> tuple[bytes, list[str]]:
    """The DOCX bytes, and the styles the reference document lacked (fallen back from).

    With a reference .docx (pandoc's idea), its styles, numbering, page size, margins,
    header and footer text are the document's (see :mod:`docx_reference`; what it
    left behind is added to ``dropped``); without one, briefgen's house style in the
    audience's ``look``.
    """
    look = look or Look()
    if reference:
        word, left_behind = open_reference(reference)
        if dropped is not None:
            dropped += left_behind
    else:
        word = docx.Document(io.BytesIO(house_template()))
        apply_look(word, look)
    ensure_styles(word)
    add_callout_style(word, look)  # a reference may have its own
    out = Writer(word, Notes(word, document.blocks), look)
    write_page_furniture(word, document.meta, look)
    if document.watermark:
        add_watermark(word, document.watermark)
    contents_due = contents_wanted(document)
    for block in document.blocks:
        if contents_due and isinstance(block, tree.Heading) and block.level == 1:
            # before the first section, after the title block
            label = document.meta.get("briefgen:contents-label", "Contents")
            add_contents(word, label, contents_entries(document.blocks))
            contents_due = False
        write_block(out, block)
    out.notes.finish()
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
    keep = {"Normal Table", TABLE_STYLE}
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

    def __init__(self, word, notes: Notes, look: Look) -> None:
        self.word = word
        self.notes = notes
        self.look = look
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


def contents_entries(blocks: list[tree.Block]) -> list[tuple[int, str]]:
    return [
        (block.level, "".join(run.text for run in block.runs if run.kind != "noteref"))
        for block in blocks
        if isinstance(block, tree.Heading) and block.level in (1, 2)
    ]


def write_block(out: Writer, block: tree.Block) -> None:
    notes = out.notes
    if isinstance(block, tree.Heading):
        add_runs(out.paragraph(HEADING_STYLES[block.level]), block.runs, notes=notes)
    elif isinstance(block, tree.Paragraph):
        style = CALLOUT_STYLE if block.role == "callout" else None
        add_runs(out.paragraph(style), block.runs, notes=notes)
    elif isinstance(block, tree.ListBlock):
        write_list(out, block)
    elif isinstance(block, tree.Quote):
        for runs in block.paragraphs:
            add_runs(out.paragraph("Quote"), runs, notes=notes)
        if block.attribution:
            add_runs(out.paragraph(ATTRIBUTION_STYLE), block.attribution, notes=notes)
    elif isinstance(block, tree.Table):
        write_table(out, block, out.look)
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
        add_runs(out.paragraph("Caption"), figure.caption, notes=out.notes)


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
        # The sources the body refers to are Word endnotes (docx_notes), which Word sets
        # at the end; one the body never refers to stays here, with its number written.
        unreferenced = set(out.notes.unreferenced())
        for number, runs in zip(block.numbers, block.items, strict=True):
            if number in unreferenced:
                add_runs(out.paragraph(ENDNOTE_STYLE, f"{number}. "), runs)
        return
    style = "List Number" if block.ordered else "List Bullet"
    for runs in block.items:
        add_runs(out.paragraph(style), runs, notes=out.notes)
