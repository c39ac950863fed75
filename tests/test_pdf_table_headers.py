"""Table headers a screen reader can use (issue 15): every ``th`` says its scope, and
in the tagged PDF the title block's cells are read under their own row's header, not
under the column headers of the cells above ("Subject" was read under "Date, From")."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from conftest import BRIEFS, EXAMPLE_SPECS


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("headers")
    build_briefs(EXAMPLE_SPECS, out_dir=out, options=BuildOptions(formats=("html",)))
    minister = BRIEFS / "minister-hlm-2026.yaml"
    build_briefs([minister], out_dir=out, options=BuildOptions(formats=("pdf",)))
    return out


def test_every_th_in_every_example_has_a_scope(built):
    for page in sorted(built.glob("*.html")):
        cells = re.findall(r"<th\b[^>]*>", page.read_text(encoding="utf-8"))
        assert cells, page.name
        assert [c for c in cells if not re.search(r'scope="(row|col)"', c)] == [], page.name


def structure_children(element) -> list:
    children = element.get("/K")
    if children is None:
        return []
    children = children.get_object()
    children = children if isinstance(children, list) else [children]
    found = [child.get_object() for child in children]
    return [child for child in found if isinstance(child, dict) and "/S" in child]


def first(element, kind: str):
    if element.get("/S") == kind:
        return element
    for child in structure_children(element):
        if (found := first(child, kind)) is not None:
            return found
    return None


def cells(element):
    for child in structure_children(element):
        if child["/S"] in ("/TH", "/TD"):
            yield child
        else:
            yield from cells(child)


def test_title_block_cells_are_read_under_their_row_header(built):
    reader = PdfReader(built / "minister-hlm-2026.pdf")
    title_block = first(reader.trailer["/Root"]["/StructTreeRoot"], "/Table")
    sequence = list(cells(title_block))  # TH TD TH TD, TH TD TH TD, TH TD, TH TD
    headers = [cell for cell in sequence if cell["/S"] == "/TH"]
    assert len(headers) == 6
    subject_header = headers[4]  # Reference, Date, For, From, Subject, Critical date
    subject = sequence[sequence.index(subject_header) + 1]
    assert subject["/S"] == "/TD"
    # not under the Date and From headers above it, as before
    assert list(subject["/A"]["/Headers"]) == [subject_header["/ID"]]
    for cell in sequence:
        if cell["/S"] == "/TD":
            assert list(cell["/A"]["/Headers"]), "a title block cell without a header"
