"""Tables in Word as the PDF draws them, and that behave when the page breaks.

Every row is kept whole (``cantSplit``); the title block and the decision block are
kept on one page (each row kept with the next), since a decision block with its
labels on one page and its boxes on the next cannot be signed; header rows repeat
at the top of each page a long table runs onto; ``th`` cells are bold and shaded
in the audience's ``--shade``, borders in its ``--rule``, as in the PDF.
"""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from briefgen.render import htmltree as tree
from briefgen.render.docx_look import Look
from briefgen.render.docx_runs import add_runs

TABLE_STYLE = "Table Grid"  # Word's built-in plain grid; the look adds colours
KEPT_TOGETHER = {"title-block", "decision"}
CHAR_MM, CELL_PADDING_MM = 2.2, 5.0  # roughly, at 10 pt bold, with Word's cell margins
# CT_TblPr's order: what comes after tblBorders.
AFTER_BORDERS = {"shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription"}


def write_table(out, block: tree.Table, look: Look) -> None:
    """``out`` is the :class:`docx.Writer` of the document being written."""
    columns = max(sum(cell.colspan for cell in row) for row in block.rows)
    table = out.word.add_table(rows=len(block.rows), cols=columns)
    table._tbl.tblStyle_val = out.style_id(TABLE_STYLE)
    no_first_column_emphasis(table)
    # the minister's ruled cover (header.cover's border-bottom): 1.5 pt in the accent
    ruled = block.role == "title-block" and look.cover_rule
    rule_colour(table, look.rule, bottom=(look.accent, 12) if ruled else None)
    widths = column_widths(block, columns, text_width_mm(out.word))
    if block.role == "decision":  # table-layout: fixed in the CSS: equal boxes to tick
        widths = [Mm(text_width_mm(out.word) / columns)] * columns
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
    last = len(block.rows) - 1
    for row_index, row in enumerate(block.rows):
        # Taken once per row, before merging: python-docx's table.cell() walks the whole
        # table each time.
        word_row = table.rows[row_index]
        word_cells = word_row.cells
        for word_cell, width in zip(word_cells, widths, strict=True):
            word_cell.width = width  # the cells, which Word reads
        column = 0
        for cell in row:
            target = word_cells[column]
            if cell.colspan > 1:
                target = target.merge(word_cells[column + cell.colspan - 1])
            add_runs(target.paragraphs[0], cell.runs, bold=cell.header, notes=out.notes)
            if cell.header:
                shade(target, look.shade)
            if block.role in KEPT_TOGETHER and row_index < last:
                for paragraph in target.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
            column += cell.colspan
        if block.role == "decision":
            decision_row(word_row, row, last=row_index == last)
        row_property(word_row, "cantSplit")
        if row_index < block.header_rows:
            row_property(word_row, "tblHeader")  # repeats on each page the table runs onto


def decision_row(word_row, row: list[tree.Cell], last: bool) -> None:
    """As base/style.css sets table.decision: headers centred, room to tick under them
    (16 pt) and to sign on the last row (20 pt, written at the bottom)."""
    if all(cell.header for cell in row):
        for word_cell in word_row.cells:
            word_cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif last:
        word_row.height, word_row.height_rule = Pt(20), WD_ROW_HEIGHT_RULE.AT_LEAST
        for word_cell in word_row.cells:
            word_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    elif not any(run.text.strip() for cell in row for run in cell.runs):
        word_row.height, word_row.height_rule = Pt(16), WD_ROW_HEIGHT_RULE.AT_LEAST


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


def rule_colour(table, colour: str, bottom: tuple[str, int] | None = None) -> None:
    """Thin borders in the audience's rule colour (Table Grid's are black); ``bottom``,
    a colour and a size in eighths of a point, for a heavier rule under the table."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line_colour, size = bottom if side == "bottom" and bottom else (colour, 4)
        for key, value in (("val", "single"), ("sz", str(size)), ("space", "0")):
            line.set(qn(f"w:{key}"), value)
        line.set(qn("w:color"), line_colour)
        borders.append(line)
    properties = table._tbl.tblPr
    for child in properties:
        if child.tag.rpartition("}")[2] in AFTER_BORDERS:
            child.addprevious(borders)
            return
    properties.append(borders)


def shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def row_property(row, name: str) -> None:
    """An on/off row property, on. No ``w:val``: it means on, and the strict schema
    validators accept only on/off, "1"/"0" there, not python-docx's "true"."""
    row._tr.get_or_add_trPr().append(OxmlElement(f"w:{name}"))
