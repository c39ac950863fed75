"""What officials expect of a briefing note: page budgets, editions and markings, drafts,
decision blocks, cited Q&A, figures, and accessible, archival PDFs."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from conftest import BRIEFS, unavailable

GLANCE = BRIEFS / "initiative-at-a-glance.yaml"


def pdf_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def docx_text(path: Path) -> str:
    word = docx.Document(str(path))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


@pytest.fixture(scope="module")
def glance(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("glance")
    build_briefs([GLANCE], out_dir=out)
    return out


# --- page budget ---------------------------------------------------------------------


def long_spec(write_yaml, minimal_spec, audience="minister", budget="    page_budget: 1\n"):
    spec = minimal_spec.replace("audience: minister", f"audience: {audience}")
    spec = spec.replace("    marking: OFFICIAL\n", "    marking: OFFICIAL\n" + budget)
    spec += "      - heading: Long\n        text: |\n" + "".join(
        # Words, not numbers: --strict also flags numbers in one's own words that cite nothing.
        f"          Paragraph {'i' * (i % 7 + 1)} of a brief that will not fit.\n\n"
        for i in range(90)
    )
    return write_yaml(spec)


def test_over_budget_warns_and_fails_under_strict(write_yaml, minimal_spec, tmp_path):
    path = long_spec(write_yaml, minimal_spec)
    report = build_briefs([path], out_dir=tmp_path / "a", options=BuildOptions(formats=("pdf",)))
    (warning,) = [w for w in report.warnings if "page budget" in w.message]
    assert "brief 'test-brief' has 3 pages, over its page budget of 1" in warning.message
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([path], out_dir=tmp_path / "b", options=BuildOptions(strict=True))
    assert excinfo.value.summary == "nothing was written"
    assert all(p.severity == "error" for p in excinfo.value.problems)
    assert not (tmp_path / "b").exists()


def test_strict_on_the_command_line(write_yaml, minimal_spec, tmp_path):
    path = long_spec(write_yaml, minimal_spec)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(path), "--strict", "-o", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "error: page_budget: brief 'test-brief' has 3 pages" in result.stderr


def test_audience_budget_applies_when_the_spec_sets_none(write_yaml, minimal_spec, tmp_path):
    path = long_spec(write_yaml, minimal_spec, audience="press", budget="")
    report = build_briefs([path], out_dir=tmp_path, options=BuildOptions(formats=("pdf",)))
    assert any("over the press budget of 1" in w.message for w in report.warnings)


def test_key_points_spilling_past_page_1_warn(write_yaml, minimal_spec, tmp_path):
    spec = minimal_spec + "      - heading: Key points\n        kind: key-points\n        points:\n"
    spec += "".join(f"          - Key point number {i} that takes a line.\n" for i in range(70))
    report = build_briefs(
        [write_yaml(spec)], out_dir=tmp_path, options=BuildOptions(formats=("pdf",))
    )
    assert any("runs onto page 2" in w.message for w in report.warnings)


# --- editions and markings --------------------------------------------------------------

RESTRICTED_FACT = "online-ihl-courses"


@pytest.fixture
def restricted_dataset(changed_dataset) -> Path:
    """The shipped dataset with one fact restricted and another marked OFFICIAL-SENSITIVE."""
    changed_dataset("facts", RESTRICTED_FACT, releasable=False)
    return changed_dataset("facts", "red-crescent-88-year-history", marking="OFFICIAL-SENSITIVE")


def test_releasable_edition_leaves_out_restricted_items(
    write_yaml, minimal_spec, tmp_path, restricted_dataset
):
    spec = (
        minimal_spec
        + f"""
      - heading: Outreach
        select:
          facts: {{ids: [{RESTRICTED_FACT}, online-ihl-courses, red-crescent-public-outreach]}}
      - heading: Internal handling
        releasable: false
        text: Only for us.
"""
    )
    out = tmp_path / "out"
    build_briefs(
        [write_yaml(spec)],
        out_dir=out,
        dataset_path=restricted_dataset,
        options=BuildOptions(edition="both"),
    )
    restricted_text = "launch of online IHL courses"
    full_pdf = " ".join(pdf_text(out / "test-brief.pdf"))
    assert restricted_text in full_pdf and "Internal handling" in full_pdf
    for name in ("test-brief-releasable.pdf", "test-brief-releasable.docx"):
        text = " ".join(pdf_text(out / name)) if name.endswith("pdf") else docx_text(out / name)
        assert restricted_text not in text and "Internal handling" not in text
        assert "spread humanitarian values" in text  # the releasable fact stays
        assert "OFFICIAL – RELEASABLE EDITION" in text or name.endswith("docx")
    word = docx.Document(str(out / "test-brief-releasable.docx"))
    assert word.sections[0].header.paragraphs[0].text.strip() == "OFFICIAL – RELEASABLE EDITION"


def test_marking_below_an_included_item_is_an_error(
    write_yaml, minimal_spec, tmp_path, restricted_dataset
):
    path = write_yaml(
        minimal_spec + "      - heading: History\n        select:\n"
        "          facts: {ids: [red-crescent-88-year-history]}\n"
    )
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([path], out_dir=tmp_path / "o", dataset_path=restricted_dataset)
    (problem,) = excinfo.value.problems
    assert str(problem) == (
        f"{path}:17:7: error: section 2 \"History\" (sections[1].select.facts): includes "
        "'red-crescent-88-year-history', marked OFFICIAL-SENSITIVE, above the brief's OFFICIAL; "
        "raise the brief's marking or leave it out"
    )


# --- the example with a draft, two editions and figures --------------------------------


def test_draft_watermark_on_every_page_of_both_formats(glance):
    pages = pdf_text(glance / "initiative-at-a-glance.pdf")
    assert pages and all("DRAFT" in page for page in pages)
    word = docx.Document(str(glance / "initiative-at-a-glance.docx"))
    header = word.sections[0].header._element.xml
    assert 'string="DRAFT"' in header  # Word repeats the header, so the watermark, on each page


def test_not_a_draft_has_no_watermark(tmp_path):
    build_briefs([BRIEFS / "press-lines-astana.yaml"], out_dir=tmp_path)
    assert not any("DRAFT" in page for page in pdf_text(tmp_path / "press-lines-astana.pdf"))
    word = docx.Document(str(tmp_path / "press-lines-astana.docx"))
    assert "textpath" not in word.sections[0].header._element.xml


def test_minister_note_has_decision_block_and_contact_officer(glance):
    pdf = " ".join(pdf_text(glance / "initiative-at-a-glance.pdf"))
    words = docx_text(glance / "initiative-at-a-glance.docx")
    for text in (pdf, words):
        for label in ("Decision", "Agreed", "Not agreed", "Noted", "Please discuss", "Signature"):
            assert label in text
        assert "Contact officer" in text and "A. Seitkali" in text


def test_figures_in_both_formats_with_alt_text(glance):
    reader = PdfReader(glance / "initiative-at-a-glance.pdf")
    images = [page["/Resources"].get("/XObject") for page in reader.pages]
    assert any(images), "the charts are drawn in the PDF"
    word = docx.Document(str(glance / "initiative-at-a-glance.docx"))
    pictures = word.inline_shapes
    assert len(pictures) == 2
    alts = [shape._inline.docPr.get("descr") for shape in pictures]
    assert "date not given in the source: Call for action" in alts[0]
    assert "7 October 2025" in alts[0] and "2026" in alts[0]
    assert "Founding states: 6" in alts[1] and "States that joined: 90" in alts[1]
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("The initiative in time")


def test_answers_cite_their_sources(tmp_path):
    build_briefs([BRIEFS / "minister-hlm-2026.yaml"], out_dir=tmp_path)
    word = docx.Document(str(tmp_path / "minister-hlm-2026.docx"))
    answer = next(p for p in word.paragraphs if "not to create a new compliance" in p.text)
    assert any(run.font.superscript for run in answer.runs)


# --- accessible and archival PDF ------------------------------------------------------


def structure_types(reader: PdfReader) -> set[str]:
    found: set[str] = set()
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not isinstance(node, dict):
            continue
        if "/S" in node:
            found.add(str(node["/S"]))
        kids = node.get("/K")
        if kids is not None:
            stack.extend(kids if isinstance(kids, list) else [kids])
    return found


def test_pdf_is_tagged_with_headings_lists_and_tables(glance):
    reader = PdfReader(glance / "initiative-at-a-glance.pdf")
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfuaid:part="1"' in xmp  # declared PDF/UA-1
    assert {"/H1", "/H2", "/L", "/LI", "/Table", "/Figure"} <= structure_types(reader)


def test_qpdf_check_passes(glance):
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        unavailable("qpdf", "scripts/install-system-packages --test")
    result = subprocess.run([qpdf, "--check", str(glance / "initiative-at-a-glance.pdf")],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_pdf_a_variant(tmp_path):
    build_briefs(
        [BRIEFS / "press-lines-astana.yaml"],
        out_dir=tmp_path,
        options=BuildOptions(formats=("pdf",), pdf_variant="pdf/a-3b"),
    )
    reader = PdfReader(tmp_path / "press-lines-astana.pdf")
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp


def test_briefs_within_their_budget_get_no_contents(tmp_path):
    # Contents only for a brief well past its page budget (issue 15): a two-page note
    # with contents made Word ask to update fields on every opening.
    build_briefs([BRIEFS / "minister-hlm-2026.yaml", BRIEFS / "press-lines-astana.yaml"],
                 out_dir=tmp_path, options=BuildOptions(formats=("docx",)))  # fmt: skip
    long_one = docx.Document(str(tmp_path / "minister-hlm-2026.docx"))
    assert "TOC" not in long_one.element.xml
    assert "updateFields" not in long_one.settings.element.xml
    short_one = docx.Document(str(tmp_path / "press-lines-astana.docx"))
    assert "TOC" not in short_one.element.xml


def test_charts_cites_and_speakers_count_for_markings_and_release(
    write_yaml, minimal_spec, tmp_path, restricted_dataset
):
    import yaml as yaml_module

    data = yaml_module.safe_load(restricted_dataset.read_text(encoding="utf-8"))
    for event in data["events"]:
        if event["id"] == "high-level-meeting-2026":
            event["marking"] = "SECRET"
    for person in data["people"]:
        if person["id"] == "biljana-milosevic":
            person["releasable"] = False
    restricted_dataset.write_text(yaml_module.safe_dump(data, allow_unicode=True, sort_keys=False))
    charted = write_yaml(minimal_spec + "      - heading: Time\n        charts: [timeline]\n")
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([charted], out_dir=tmp_path / "a", dataset_path=restricted_dataset)
    assert "includes 'high-level-meeting-2026', marked SECRET" in str(excinfo.value)

    quoted = write_yaml(
        minimal_spec
        + """
      - heading: Voices
        select:
          quotes: {ids: [milosevic-ihl-not-optional, quintin-choice-spiral]}
      - heading: Q&A
        questions:
          - question: Is IHL optional?
            answer: No.
            cite: [milosevic-ihl-not-optional]
""",
        "quoted.yaml",
    )
    out = tmp_path / "b"
    build_briefs([quoted], out_dir=out, dataset_path=restricted_dataset,
                 options=BuildOptions(edition="both"))  # fmt: skip
    full = " ".join(pdf_text(out / "test-brief.pdf"))
    releasable = " ".join(pdf_text(out / "test-brief-releasable.pdf"))
    assert "Milosevic" in full and "Is IHL optional?" in full
    assert "Milosevic" not in releasable and "Is IHL optional?" not in releasable
    assert "Quintin" in releasable


# --- decision block --------------------------------------------------------------------


@pytest.mark.parametrize("with_recommendation", [True, False])
def test_decision_block_only_with_a_recommendation(with_recommendation):
    from briefgen.render import render_brief
    from briefgen.workspace import builtin_templates_dir
    from conftest import sample_brief

    brief = sample_brief()
    if not with_recommendation:
        sections = tuple(s for s in brief.sections if s.kind != "recommendation")
        brief = sample_brief(sections=sections)
    assert any(s.kind == "recommendation" for s in brief.sections) is with_recommendation
    outputs = render_brief(brief, ["pdf", "docx"], [builtin_templates_dir()])
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(outputs["pdf"].data)).pages)
    word = docx.Document(io.BytesIO(outputs["docx"].data))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    words = "\n".join([p.text for p in word.paragraphs] + cells)
    for text in (pdf, words):
        for label in ("Agreed", "Not agreed", "Please discuss", "Signature"):
            assert (label in text) is with_recommendation, label
        assert "Contact officer" in text  # the block after it is there either way


@pytest.mark.parametrize(("budget", "warned"), [(3, False), (2, True)])
def test_page_budget_boundaries(write_yaml, minimal_spec, tmp_path, budget, warned):
    """Exactly at the budget: no warning; one page over: a warning. (DOCX pages are not
    measured, Word lays out its own, so only the PDF counts.)"""
    path = long_spec(write_yaml, minimal_spec, budget=f"    page_budget: {budget}\n")
    report = build_briefs([path], out_dir=tmp_path, options=BuildOptions(formats=("pdf", "docx")))
    assert len(PdfReader(tmp_path / "test-brief.pdf").pages) == 3
    found = [w.message for w in report.warnings if "page budget" in w.message]
    expected = [f"page_budget: brief 'test-brief' has 3 pages, over its page budget of {budget}"]
    assert found == (expected if warned else [])


def test_no_budget_or_no_page_count_is_no_warning(write_yaml, minimal_spec, dataset):
    """A budget or a page count that is unknown (an audience without a budget, a PDF the
    manifest does not count) is not a warning, and not a crash either."""
    from briefgen.checks import over_budget
    from briefgen.load_spec import load_spec

    item = load_spec(write_yaml(minimal_spec), dataset, ["minister"])
    assert over_budget(item, "test-brief", 3, None) == []
    assert over_budget(item, "test-brief", None, 2) == []
    assert over_budget(item, "test-brief", 2, 2) == []
    (warning,) = over_budget(item, "test-brief", 3, 2)
    assert (warning.severity, warning.message) == (
        "warning",
        "audience: brief 'test-brief' has 3 pages, over the minister budget of 2",
    )
