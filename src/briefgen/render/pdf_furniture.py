"""Page furniture in the tagged PDF: the marking at the top and bottom of each page,
"Page X of Y" and the DRAFT watermark become pagination artifacts, and the marking is
read once, first.

WeasyPrint 70 tags what it draws in page margin boxes as marked content with structure
elements of its own, but leaves those elements out of the structure tree
(``weasyprint/pdf/tags.py``, ``_build_box_tree``: they "could be included in tree as
Artifact, but that's only allowed in PDF 2.0"; Kozea/WeasyPrint#1836 is open). Content
neither in the tree nor an artifact is what PDF/UA-1 forbids (ISO 14289-1, 7.1), and a
screen reader may read it out on every page, or never. briefgen's base style puts the
watermark in a margin box too (a running element), so all three are found the same way:
the marked content whose structure element the tree cannot reach. After WeasyPrint has
written the PDF, each such sequence becomes ``/Artifact <</Type /Pagination /Subtype
/Header>>`` (or ``/Footer``, ``/Watermark``: where its text starts, in the top margin, the
bottom margin, or over the body), and leaves the parent tree. Page 1's header is the one
exception: its elements become the first paragraph of the document, so assistive
technology reads the marking first, as a sighted reader sees it first; so does page 1's
watermark, after it, so that a draft is heard to be one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Matrix, Name


@dataclass(frozen=True)
class Margins:
    """A page's top and bottom margins, in PDF points: where its header and footer are."""

    top: float
    bottom: float


def tag_page_furniture(data: bytes, margins: list[Margins]) -> bytes:
    """The PDF with its margin-box content as pagination artifacts, page 1's header read
    first; an untagged PDF is returned as it is."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tree = pdf.Root.get("/StructTreeRoot")
        parents = tree.get("/ParentTree", Dictionary()).get("/Nums") if tree else None
        if parents is None or not isinstance(tree.get("/K"), Array) or not len(tree.K):
            return data  # untagged, or not as WeasyPrint tags (the tests would say)
        document = tree.K[0]  # WeasyPrint's one /Document element
        reachable = set(elements_under(document))
        by_key = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
        read_first: list[Dictionary] = []
        for index, page in enumerate(pdf.pages):
            mcids = by_key.get(int(page.obj.get("/StructParents", -1)))
            if not isinstance(mcids, Array):
                continue
            orphans = {
                mcid
                for mcid, element in enumerate(mcids)
                if isinstance(element, Dictionary) and element.objgen not in reachable
            }
            if not orphans:
                continue
            first_page = index == 0
            found = artifacts(pdf, page, orphans, margins[index], first_page)
            # Page 1's marking, then its DRAFT (a draft must be heard as one, once), are
            # read first; everything else of the furniture is an artifact.
            for mcid, kind in sorted(found.items(), key=lambda item: item[1] != "Header"):
                if first_page and kind in ("Header", "Watermark"):
                    top = top_element(mcids[mcid], document)
                    if all(top.objgen != e.objgen for e in read_first):
                        read_first.append(top)
                else:
                    mcids[mcid] = None
            while len(mcids) and mcids[len(mcids) - 1] is None:  # MCIDs no longer used
                del mcids[len(mcids) - 1]
        for element in read_first:
            element.S = Name.P
        document.K = Array([*read_first, *document.K])
        out = io.BytesIO()
        # The ID from the content, not the clock: the same brief gives the same bytes.
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def elements_under(element: Dictionary):
    """``element`` and every structure element below it, as object ids."""
    stack = [element]
    while stack:
        node = stack.pop()
        yield node.objgen
        kids = node.get("/K")
        kids = kids if isinstance(kids, Array) else [kids] if kids is not None else []
        stack += [kid for kid in kids if isinstance(kid, Dictionary) and "/S" in kid]


def top_element(element: Dictionary, document: Dictionary) -> Dictionary:
    """The ancestor of ``element`` whose parent is the document: one margin box's content."""
    while element.get("/P") is not None and element.P.objgen != document.objgen:
        element = element.P
    return element


def artifacts(pdf, page, orphans: set[int], margins: Margins, keep_header: bool) -> dict[int, str]:
    """Rewrite the page's marked-content sequences whose MCID is in ``orphans`` as
    pagination artifacts (but for its header and watermark, if ``keep_header``: page 1's
    are read first); return each one's
    kind: Header, Footer or Watermark."""
    instructions = pikepdf.parse_content_stream(page)
    media = [float(value) for value in page.mediabox]
    kinds: dict[int, str] = {}
    opened: dict[int, int] = {}  # MCID → index of its BDC
    pending: int | None = None  # the MCID whose text position is not known yet
    ctm, saved = Matrix(), []
    for index, instruction in enumerate(instructions):
        operator, operands = str(instruction.operator), instruction.operands
        if operator == "q":
            saved.append(ctm)
        elif operator == "Q" and saved:
            ctm = saved.pop()
        elif operator == "cm":
            ctm = Matrix(*map(float, operands)) @ ctm
        elif operator == "BDC" and isinstance(operands[1], Dictionary):
            mcid = operands[1].get("/MCID")
            if mcid is not None and int(mcid) in orphans:
                pending = int(mcid)
                opened[pending] = index
        elif operator == "Tm" and pending is not None:
            origin = float(operands[4]), float(operands[5])  # where the text starts
            kinds[pending] = kind_at(ctm.transform(origin)[1], media, margins)
            pending = None
        elif operator == "EMC" and pending is not None:  # no text: a picture, say
            kinds[pending] = kind_at(ctm.transform((0, 0))[1], media, margins)
            pending = None
    for mcid, kind in kinds.items():
        if keep_header and kind in ("Header", "Watermark"):  # page 1's: read first
            continue
        properties = Dictionary(Type=Name.Pagination, Subtype=Name("/" + kind))
        if kind != "Watermark":
            properties.Attached = Array([Name.Top if kind == "Header" else Name.Bottom])
        instructions[opened[mcid]] = pikepdf.ContentStreamInstruction(
            [Name.Artifact, properties], pikepdf.Operator("BDC")
        )
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))
    return kinds


def kind_at(y: float, media: list[float], margins: Margins) -> str:
    """What page furniture starting at height ``y`` is: in the top margin a header, in the
    bottom margin a footer, over the body (as the watermark is) a watermark."""
    if y > media[3] - margins.top:
        return "Header"
    if y < media[1] + margins.bottom:
        return "Footer"
    return "Watermark"
