"""Page furniture in the tagged PDF (issue 15): the marking at the top and bottom of each
page, "Page X of Y" and the DRAFT watermark are pagination artifacts, not text a screen
reader reads on every page (or never: WeasyPrint tagged them outside the structure tree);
the marking is read once, first. Read from the PDF's content streams and structure tree
with pikepdf, and from poppler's reading of the tree (``pdfinfo -struct-text``)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections import Counter

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from briefgen.render import pdf as pdf_module
from briefgen.render.pdf_furniture import Margins, tag_page_furniture
from conftest import BRIEFS, unavailable

MARKING = "OFFICIAL-SENSITIVE"  # the minister's brief's


@pytest.fixture(scope="module")
def minister(tmp_path_factory):
    """The minister's two-page brief, as a draft: header, footer and watermark."""
    out = tmp_path_factory.mktemp("furniture")
    options = BuildOptions(formats=("pdf",), draft=True)
    build_briefs([BRIEFS / "minister-hlm-2026.yaml"], out_dir=out, options=options)
    return out / "minister-hlm-2026.pdf"


def marked_content(page) -> list[tuple[str, pikepdf.Dictionary | None]]:
    """Each marked-content sequence the page opens: its tag and properties."""
    found = []
    for instruction in pikepdf.parse_content_stream(page):
        if str(instruction.operator) == "BDC":
            found.append((str(instruction.operands[0]), instruction.operands[1]))
        elif str(instruction.operator) == "BMC":
            found.append((str(instruction.operands[0]), None))
    return found


def tree_mcids(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page number, MCID) of every piece of content the structure tree reaches."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
    found, stack = set(), [(pdf.Root.StructTreeRoot, None)]
    while stack:
        node, page = stack.pop()
        if isinstance(node, pikepdf.Dictionary):
            page = pages.get(node.Pg.objgen) if "/Pg" in node else page
            if "/MCID" in node:  # a marked-content reference
                found.add((page, int(node.MCID)))
            kids = node.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            stack += [(kid, page) for kid in kids]
        elif isinstance(node, int):
            found.add((page, node))
    return found


def test_all_tagged_content_is_in_the_structure_tree(minister):
    with pikepdf.open(minister) as pdf:
        reached = tree_mcids(pdf)
        for number, page in enumerate(pdf.pages):
            tagged = {
                (number, int(properties.MCID))
                for _, properties in marked_content(page)
                if properties is not None and "/MCID" in properties
            }
            assert tagged, f"page {number + 1}"
            assert tagged <= reached, f"page {number + 1}: tagged but not in the tree"


def test_header_footer_and_watermark_are_pagination_artifacts(minister):
    with pikepdf.open(minister) as pdf:
        kinds = [
            Counter(
                str(properties.Subtype)
                for tag, properties in marked_content(page)
                if tag == "/Artifact" and properties is not None
                and properties.get("/Type") == "/Pagination"
            )
            for page in pdf.pages
        ]  # fmt: skip
    # Footer: the marking and "Page X of Y". Page 1's header and watermark are read.
    assert kinds == [
        {"/Footer": 2},
        {"/Header": 1, "/Footer": 2, "/Watermark": 1},
    ]


@pytest.fixture(scope="module")
def read_aloud(minister) -> list[str]:
    """The texts of the structure tree, in order, as poppler reads it."""
    if shutil.which("pdfinfo") is None:
        unavailable("pdfinfo (poppler-utils)", "scripts/install-system-packages --test")
    listing = subprocess.run(
        ["pdfinfo", "-struct-text", str(minister)], capture_output=True, text=True, check=True
    ).stdout
    return re.findall(r'^\s*"(.*)"$', listing, flags=re.MULTILINE)


def test_the_marking_then_draft_are_read_first_and_once(read_aloud):
    # A draft is heard to be one, as it is seen to be: once, after the marking.
    assert read_aloud[:2] == [MARKING, "DRAFT"]
    assert read_aloud.count(MARKING) == 1 and " ".join(read_aloud).count("DRAFT") == 1
    assert read_aloud[2].startswith("Global high-level meeting")  # then the title


def test_page_numbers_are_not_read(read_aloud):
    assert not re.search(r"Page \d of \d", " ".join(read_aloud))


def test_the_page_still_shows_them(minister):
    for number, page in enumerate(PdfReader(minister).pages, start=1):
        text = page.extract_text()  # artifacts are text on the page all the same
        assert text.count(MARKING) == 2, f"page {number}"
        assert f"Page {number} of 2" in text
        assert "DRAFT" in text


def test_qpdf_finds_nothing_wrong(minister):
    if shutil.which("qpdf") is None:
        unavailable("qpdf", "scripts/install-system-packages --test")
    result = subprocess.run(["qpdf", "--check", str(minister)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pages_look_as_weasyprint_drew_them(minister, tmp_path, monkeypatch):
    """Only marked-content operators change: every page is drawn pixel for pixel the same."""
    if shutil.which("pdftoppm") is None:
        unavailable("pdftoppm (poppler-utils)", "scripts/install-system-packages --test")
    monkeypatch.setattr(pdf_module, "tag_page_furniture", lambda data, margins: data)
    options = BuildOptions(formats=("pdf",), draft=True)
    build_briefs([BRIEFS / "minister-hlm-2026.yaml"], out_dir=tmp_path, options=options)
    drawn = {}
    for label, path in (("as drawn", tmp_path / "minister-hlm-2026.pdf"), ("tagged", minister)):
        subprocess.run(
            ["pdftoppm", "-r", "50", "-png", str(path), str(tmp_path / label)], check=True
        )
        drawn[label] = [
            Image.open(page).convert("RGB").tobytes()
            for page in sorted(tmp_path.glob(f"{label}-*.png"))
        ]
    assert len(drawn["tagged"]) == 2
    assert drawn["tagged"] == drawn["as drawn"]


def test_an_archival_pdf_gets_the_same_artifacts(tmp_path):
    """PDF/A-3b keeps its declaration and ID; the furniture is tagged as in PDF/UA."""
    options = BuildOptions(formats=("pdf",), pdf_variant="pdf/a-3b")
    build_briefs([BRIEFS / "press-lines-astana.yaml"], out_dir=tmp_path, options=options)
    path = tmp_path / "press-lines-astana.pdf"
    with pikepdf.open(path) as pdf:
        assert 'pdfaid:part="3"' in pdf.Root.Metadata.read_bytes().decode()
        assert len(pdf.trailer.ID) == 2
        [page] = pdf.pages
        kinds = Counter(
            str(properties.Subtype)
            for tag, properties in marked_content(page)
            if tag == "/Artifact" and properties is not None
        )
        assert kinds == {"/Footer": 2}  # one page: its header is read, first
        assert tree_mcids(pdf) >= {
            (0, int(p.MCID)) for _, p in marked_content(page) if p is not None and "/MCID" in p
        }
    if shutil.which("qpdf") is not None:
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def test_an_untagged_pdf_is_left_as_it_is():
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    assert tag_page_furniture(out.getvalue(), [Margins(50, 50)]) == out.getvalue()
