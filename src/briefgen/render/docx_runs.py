"""Runs of text into a Word paragraph: bold, italic, super- and subscript, links, and
note references that become real Word endnote references (see :mod:`docx_notes`)."""

from __future__ import annotations

import re

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from briefgen.render import htmltree as tree

NOTE_NUMBER = re.compile(r"\d+")
NUMBER_HANG = Pt(16)  # the PDF's 1.7em at 9.5 pt


def add_runs(paragraph, runs: list[tree.Run], bold: bool = False, notes=None) -> None:
    """``notes`` (a :class:`docx_notes.Notes`) turns note references into endnotes;
    without it they stay superscript numbers (as in the endnotes themselves)."""
    for run in runs:
        if run.href and not run.href.startswith("#"):  # htmltree let only safe schemes through
            add_hyperlink(paragraph, run)
            continue
        if run.text == "\n":
            paragraph.add_run().add_break()
            continue
        if run.kind == "noteref" and notes is not None:
            add_note_references(paragraph, run, notes)
            continue
        if run.kind == "para-no":
            hang_number(paragraph, run.text.strip())
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


def add_note_references(paragraph, run: tree.Run, notes) -> None:
    """ "2, 3" as two endnote references; what is not a note number stays as text."""
    for piece in re.split(r"(\d+)", run.text):
        if not piece:
            continue
        if NOTE_NUMBER.fullmatch(piece) and notes.reference(paragraph, int(piece)):
            continue
        word_run = paragraph.add_run()
        word_run._r.add_t(piece)
        word_run.font.superscript = True


def hang_number(paragraph, number: str) -> None:
    """A paragraph number as the PDF sets it (``.para-no``): bold, hanging in front of
    the text, so wrapped lines align with the first and the numbers stand out."""
    layout = paragraph.paragraph_format
    style_indent = paragraph.style.paragraph_format.left_indent if paragraph.style else None
    indent = (layout.left_indent or style_indent or 0) + NUMBER_HANG
    layout.left_indent, layout.first_line_indent = indent, -NUMBER_HANG
    layout.tab_stops.add_tab_stop(indent)
    word_run = paragraph.add_run()
    word_run._r.add_t(number)
    word_run.bold = True
    paragraph.add_run("\t")


def add_hyperlink(paragraph, run: tree.Run) -> None:
    ensure_link_style(paragraph.part.package.main_document_part.document)
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


def ensure_link_style(word) -> None:
    """Word's own "Hyperlink" character style, which links' runs name: a reference
    document without it would show a link (a source's web address) as plain text."""
    if "Hyperlink" in {style.name for style in word.styles}:
        return
    link = word.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    link.font.underline = True
