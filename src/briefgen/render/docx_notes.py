"""Sources as real Word endnotes: an endnotes part holding each source's citation,
referenced from the body where the PDF prints its superscript number.

Word's reference tools, pandoc and screen readers see notes only in this form;
typed numbers and a list at the end were plain text to them. One source is one
endnote (cited again, its number is repeated as a superscript, since a Word note
has one reference). Word numbers endnotes itself, in order of reference; where the
template numbered them in another order, each reference carries its number as a
custom mark, so both formats always show the same numbers.
"""

from __future__ import annotations

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from briefgen.render import htmltree as tree
from briefgen.render.docx_runs import add_runs

TEXT_STYLE, TEXT_STYLE_ID = "endnote text", "EndnoteText"  # Word's own names
MARK_STYLE, MARK_STYLE_ID = "endnote reference", "EndnoteReference"
SEPARATORS = (
    f"<w:endnotes {nsdecls('w', 'r')}>"
    '<w:endnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
    "<w:r><w:separator/></w:r></w:p></w:endnote>"
    '<w:endnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0"/>'
    "</w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:endnote></w:endnotes>"
)
# Schema order (ECMA-376 CT_Settings, CT_SectPr): what must come after endnotePr.
AFTER_IN_SETTINGS = (
    "compat docVars rsids mathPr attachedSchema themeFontLang clrSchemeMapping "
    "doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
    "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags "
    "decimalSymbol listSeparator"
).split()
AFTER_IN_SECTION = (
    "type pgSz pgMar paperSrc pgBorders lnNumType pgNumType cols formProt vAlign noEndnote "
    "titlePg textDirection bidi rtlGutter docGrid printerSettings sectPrChange"
).split()


class Notes:
    """The brief's endnotes: their citations by number, and the references written."""

    def __init__(self, word, blocks: list[tree.Block]) -> None:
        self.word = word
        self.citations: dict[int, list[tree.Run]] = {}
        for block in blocks:
            if isinstance(block, tree.ListBlock) and block.role == "endnotes":
                self.citations.update(zip(block.numbers, block.items, strict=True))
        order = first_references(blocks, set(self.citations))
        # Word's own numbering where it gives the template's numbers; marks otherwise.
        self.custom_marks = order != list(range(1, len(order) + 1))
        self.ids: dict[int, int] = {}  # note number → endnote id, in reference order

    def reference(self, paragraph, number: int) -> bool:
        """Write a reference to note ``number``; False if there is no such note."""
        if number not in self.citations:
            return False
        run = paragraph.add_run()
        run._r.style = MARK_STYLE_ID
        if number in self.ids:  # a Word note has one reference: repeat its number
            run._r.add_t(str(number))
            return True
        self.ids[number] = len(self.ids) + 1
        reference = OxmlElement("w:endnoteReference")
        if self.custom_marks:
            reference.set(qn("w:customMarkFollows"), "1")
        reference.set(qn("w:id"), str(self.ids[number]))
        run._r.append(reference)
        if self.custom_marks:
            run._r.add_t(str(number))
        return True

    def unreferenced(self) -> list[int]:
        """Notes the body never referred to: these stay a visible list."""
        return [number for number in self.citations if number not in self.ids]

    def finish(self) -> None:
        """The endnotes part with every referenced citation, and the settings for it."""
        if not self.ids:
            return
        ensure_note_styles(self.word)
        root = parse_xml(SEPARATORS)
        part = XmlPart(
            PackURI("/word/endnotes.xml"), CONTENT_TYPE.WML_ENDNOTES, root, self.word.part.package
        )
        self.word.part.relate_to(part, RELATIONSHIP_TYPE.ENDNOTES)
        holder = type("Holder", (), {"part": part})()  # what Paragraph asks for links
        for number, note_id in self.ids.items():
            endnote = OxmlElement("w:endnote")
            endnote.set(qn("w:id"), str(note_id))
            paragraph = Paragraph(OxmlElement("w:p"), holder)
            endnote.append(paragraph._p)
            paragraph._p.style = TEXT_STYLE_ID
            mark = paragraph.add_run()
            mark._r.style = MARK_STYLE_ID
            if self.custom_marks:
                mark._r.add_t(str(number))
            else:
                mark._r.append(OxmlElement("w:endnoteRef"))
            paragraph.add_run(" ")
            add_runs(paragraph, self.citations[number])
            root.append(endnote)
        number_decimally(self.word)


def first_references(blocks: list[tree.Block], known: set[int]) -> list[int]:
    """Note numbers in the order the body first refers to them."""
    seen: dict[int, None] = {}
    for runs in block_runs(blocks):
        for run in runs:
            if run.kind == "noteref":
                for piece in run.text.replace(",", " ").split():
                    if piece.isdigit() and int(piece) in known:
                        seen.setdefault(int(piece), None)
    return list(seen)


def block_runs(blocks: list[tree.Block]):
    """Every run list of the body, in document order (not the endnotes themselves)."""
    for block in blocks:
        if isinstance(block, tree.Heading | tree.Paragraph):
            yield block.runs
        elif isinstance(block, tree.ListBlock) and block.role != "endnotes":
            yield from block.items
        elif isinstance(block, tree.Quote):
            yield from block.paragraphs
            yield block.attribution
        elif isinstance(block, tree.Table):
            yield from (cell.runs for row in block.rows for cell in row)
        elif isinstance(block, tree.Figure):
            yield block.caption


def ensure_note_styles(word) -> None:
    present = {style.name for style in word.styles}
    if TEXT_STYLE not in present:
        text = word.styles.add_style(TEXT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
        text.element.set(qn("w:styleId"), TEXT_STYLE_ID)
        text.base_style = word.styles["Normal"]
        text.font.size = Pt(7.5)
        text.paragraph_format.space_after = Pt(0)
    if MARK_STYLE not in present:
        mark = word.styles.add_style(MARK_STYLE, WD_STYLE_TYPE.CHARACTER)
        mark.element.set(qn("w:styleId"), MARK_STYLE_ID)
        mark.font.superscript = True


def number_decimally(word) -> None:
    """1, 2, 3: Word's default for endnotes is i, ii, iii."""
    settings = word.settings.element
    properties = note_properties()
    for separator in ("-1", "0"):
        reference = OxmlElement("w:endnote")
        reference.set(qn("w:id"), separator)
        properties.append(reference)
    insert_before(settings, properties, AFTER_IN_SETTINGS)
    section = word.sections[-1]._sectPr
    insert_before(section, note_properties(), AFTER_IN_SECTION)


def note_properties():
    properties = OxmlElement("w:endnotePr")
    # No <w:pos>: the end of the document is the default, and openxml-audit 0.8 checks
    # an endnote's position against the footnote values (rejecting docEnd).
    number_format = OxmlElement("w:numFmt")
    number_format.set(qn("w:val"), "decimal")
    properties.append(number_format)
    return properties


def insert_before(parent, element, successors: list[str]) -> None:
    """Insert ``element`` before the first child that the schema puts after it."""
    for child in parent:
        if isinstance(child.tag, str) and child.tag.rpartition("}")[2] in successors:
            child.addprevious(element)
            return
    parent.append(element)
