"""Issue 17, what officials see on the page: workstreams with a line of context, a
readable Source column, timeline labels not cut, no near-empty last page unwarned, a
decision block kept whole. Read from the PDF and DOCX files a real build writes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs, load_all
from briefgen.compose import Context, compose_brief
from briefgen.document import Chart, ChartEvent, FactEntry
from briefgen.errors import BriefgenError
from briefgen.lastpage import FEWEST_LINES, last_page
from briefgen.load_dataset import load_dataset
from briefgen.render.charts import WIDTH, chart_svg, wrapped
from briefgen.render.textwidth import text_width
from briefgen.selection import select_sections
from conftest import BRIEFS, citation

BUILT = [
    "defence-training-peacekeeping",
    "red-crescent-outreach",
    "delegation-national-committees",
    "initiative-at-a-glance",
    "minister-hlm-2026-ru",
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("desk-pages")
    report = build_briefs([BRIEFS / f"{name}.yaml" for name in BUILT], out_dir=out)
    return out, report


def pdf_pages(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def docx_paragraphs(path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def composed(name: str, dataset):
    (loaded,) = load_all([BRIEFS / f"{name}.yaml"])
    return compose_brief(loaded.spec, select_sections(loaded.spec, dataset), dataset)


# --- workstreams ----------------------------------------------------------------------


def test_each_workstream_context_is_a_fact_of_its_source(dataset):
    for workstream in dataset.content.workstreams:
        if workstream.context is None:
            continue
        fact = dataset.get(workstream.context)
        assert dataset.kind_of[fact.id] == "facts", workstream.id
        assert fact.source == workstream.source, workstream.id


def test_an_unknown_context_fact_is_an_error_at_its_field(tmp_path):
    text = (BRIEFS.parent / "src/briefgen/data/ihl-global-initiative.yaml").read_text("utf-8")
    text = text.replace("context: quintin-spiral-or-correct-course", "context: quintin-spiral")
    (tmp_path / "data.yaml").write_text(text, "utf-8")
    shutil.copytree(BRIEFS.parent / "src/briefgen/data/sources", tmp_path / "sources")
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(tmp_path / "data.yaml")
    assert [p.message for p in excinfo.value.problems] == [
        "workstreams[0].context: unknown fact 'quintin-spiral'; did you mean "
        "'quintin-spiral-or-correct-course'?"
    ]


def test_a_workstream_is_printed_with_its_fact_and_that_fact_s_endnote(built):
    out, _ = built
    text = pdf_pages(out / "defence-training-peacekeeping.pdf")
    whole = " ".join(text)
    found = re.search(r"Prevention of violations ?(\d+) – Quintin said the choice is between "
                      r"continuing a spiral of mounting violations.*? in war\. ?(\d+)", whole)
    assert found, whole
    # The notes in order: pypdf reads their numbers apart from their text.
    notes = re.findall(r"paragraph (\d+)", text[-1].split("SOURCES")[1])
    assert notes[int(found.group(1)) - 1] == "35"  # the name: where the article lists it
    assert notes[int(found.group(2)) - 1] == "32"  # the context: where Quintin says it
    words = docx_paragraphs(out / "defence-training-peacekeeping.docx")
    assert any(p.startswith("Prevention of violations") and " – Quintin said the choice" in p
               for p in words)  # fmt: skip


def test_workstreams_among_other_points_are_introduced_as_such(built):
    out, _ = built
    for suffix, read in (("pdf", lambda p: "\n".join(pdf_pages(p))),
                         ("docx", lambda p: "\n".join(docx_paragraphs(p)))):  # fmt: skip
        text = read(out / f"delegation-national-committees.{suffix}")
        lead = text.index("One of the initiative's workstreams:")  # it shows one
        assert text.index("Strengthening national IHL committees", lead) > lead, suffix
        assert "The article reports that the initiative encourages states to invest" in text[lead:]


def test_a_context_line_is_left_out_where_its_section_shows_the_fact(dataset):
    brief = composed("red-crescent-outreach", dataset)
    (section,) = [s for s in brief.sections if s.workstreams]
    assert "milosevic-hospitals-attacked" in {fact.id for fact in section.facts}
    assert [(w.id, w.context) for w in section.workstreams] == [("medical-facilities", None)]
    # ... and printed where it is news: the defence brief's section of workstreams
    brief = composed("defence-training-peacekeeping", dataset)
    (section,) = [s for s in brief.sections if s.workstreams]
    assert [w.context is not None for w in section.workstreams] == [True, True, False]


def test_a_brief_in_another_language_prints_no_english_context(dataset):
    (loaded,) = load_all([BRIEFS / "defence-training-peacekeeping.yaml"])
    spec = loaded.spec.model_copy(update={"language": "ru"})
    brief = compose_brief(spec, select_sections(spec, dataset), dataset)
    (section,) = [s for s in brief.sections if s.workstreams]
    assert [w.name for w in section.workstreams][0] == "Предотвращение нарушений"
    assert all(w.context is None for w in section.workstreams)  # its facts have no ru


# --- the defence Source column -----------------------------------------------------------


def test_the_defence_source_column_names_publisher_and_paragraph(built):
    out, _ = built
    page = pdf_pages(out / "defence-training-peacekeeping.pdf")[0]
    assert re.search(r"Vassilenko cited Kazakhstan's contributions to UN peacekeeping "
                     r"missions\. ?1 The Astana Times, para\. 6 ", page), page  # fmt: skip
    word = docx.Document(str(out / "defence-training-peacekeeping.docx"))
    facts = [t for t in word.tables if t.rows[0].cells[-1].text == "Source"][0]
    assert facts.rows[1].cells[-1].text.strip() == "The Astana Times, para. 6"
    assert 'w:endnoteReference' in facts.rows[1].cells[-1]._tc.xml  # the note, as Word's own


# --- the timeline -------------------------------------------------------------------------


def test_timeline_labels_wrap_to_their_width_and_lose_no_word():
    name = "A very long name of an event that would never fit on one line of the timeline " * 2
    entry = FactEntry("e", "events", citation(1), "x")
    chart = Chart("timeline", "T", "alt", events=(
        ChartEvent("7 October 2025 (year inferred)", name.strip(), True, entry),
        ChartEvent("date not given in the source", "Short", False, entry),
    ))  # fmt: skip
    svg = chart_svg(chart)
    assert "…" not in svg
    axis = int(re.search(r"<line x1='(\d+)'", svg).group(1))
    lines = re.findall(r"<text x='(\d+)'[^>]*>([^<]*)</text>", svg)
    name_lines = [text for x, text in lines if int(x) > axis and text != "Short"]
    assert len(name_lines) >= 2 and " ".join(name_lines) == " ".join(name.split())
    assert all(text_width(t, 11) <= WIDTH - axis for t in name_lines)
    assert wrapped("", 100, 11) == [""]


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans is not installed")
def test_timeline_labels_fit_the_drawing_in_the_fallback_font_too(dataset):
    """The DOCX's picture of a chart is drawn with the system's fonts: where Noto Sans is
    missing, DejaVu Sans (wider) sets the labels, and they must still fit the drawing."""
    from fontTools.ttLib import TTFont

    from briefgen.compose import timeline

    font = TTFont(DEJAVU, lazy=True)
    advances, cmap = font["hmtx"].metrics, font.getBestCmap()

    def dejavu(text: str) -> float:
        return sum(advances[cmap[ord(ch)]][0] for ch in text) / font["head"].unitsPerEm * 11

    for language in ("en", "ru", "kk"):
        chart = timeline(Context(dataset, "full", language))
        for x, anchor, text in re.findall(
            r"<text x='(\d+)'[^>]*?(text-anchor='end')?[^>]*>([^<]*)</text>", chart_svg(chart)
        ):
            left = int(x) - dejavu(text) if anchor else int(x)
            assert 0 <= left and left + dejavu(text) <= WIDTH, (language, text)


def test_the_examples_timeline_shows_each_event_name_whole(built):
    out, _ = built
    page = pdf_pages(out / "initiative-at-a-glance.pdf")[0]
    for name in ("Global Initiative to Galvanize Political Commitment to IHL (conference)",
                 "Call for action by the ICRC and the founding states of the Global Initiative"):
        assert name in page  # fmt: skip
    assert "…" not in page


# --- the last page ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spilling(tmp_path_factory):
    """The at-a-glance example with three more key points and a line of text: a few
    lines over its one page (the contact and the sources on page 2)."""
    folder = tmp_path_factory.mktemp("spilling")
    text = (BRIEFS / "initiative-at-a-glance.yaml").read_text("utf-8")
    more = "          - quintin-not-new-laws\n          - six-founding-states\n" \
           "          - ninety-states-joined\n          - workstreams-led-by-27-plus-states\n"
    text = text.replace("          - workstreams-led-by-27-plus-states\n", more)
    words = "The timeline gives each date as precisely as the source does; the founding " \
            "states and those that joined them are in the second figure, after it."
    text = text.replace("    charts: [", f"    text: {words}\n    charts: [")
    spec = folder / "briefs" / "initiative-at-a-glance.yaml"
    spec.parent.mkdir()
    spec.write_text(text, "utf-8")
    return spec, build_briefs([spec], out_dir=folder / "build")


def test_a_brief_a_few_lines_over_a_page_is_warned(spilling):
    spec, report = spilling
    pdf = spec.parent.parent / "build" / "initiative-at-a-glance.pdf"
    found = last_page(pdf.read_bytes())
    assert found.number == 2 and found.lines < FEWEST_LINES
    assert found.first_line == "Contact officer"
    # Poppler, another reader, sees the same: the contact and the sources, nothing else.
    poppler = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Contact officer" in poppler and "Sources" in poppler and "Key points" not in poppler
    warnings = [str(w) for w in report.warnings]
    assert [w for w in warnings if "over 1 page" in w] == [
        f"{spec}:7:1: warning: brief 'initiative-at-a-glance' "
        f"is {found.lines} lines over 1 page: page 2 holds only those lines, from 'Contact "
        f"officer' on; shorten the brief by about {found.lines} lines to end on page 1"
    ]


def test_a_full_last_page_and_a_one_page_brief_are_not_warned(built):
    out, report = built
    assert last_page((out / "defence-training-peacekeeping.pdf").read_bytes()).lines > 20
    assert last_page((out / "initiative-at-a-glance.pdf").read_bytes()) is None
    assert not [w for w in report.warnings if "over 1 page" in w.message]


# --- keep together ------------------------------------------------------------------------


def test_the_decision_block_is_not_split_across_pages(built):
    out, _ = built
    pages = pdf_pages(out / "minister-hlm-2026-ru.pdf")
    (signed,) = [page for page in pages if "Подпись:" in page]
    assert "Согласовано" in signed and "Решение" in signed


def test_a_single_workstream_is_introduced_as_one(tmp_path):
    # The Red Crescent note's releasable edition keeps one workstream of its section.
    options = BuildOptions(formats=("html",), edition="releasable")
    build_briefs([BRIEFS / "red-crescent-outreach.yaml"], out_dir=tmp_path, options=options)
    import html as markup

    html = markup.unescape((tmp_path / "red-crescent-outreach-releasable.html").read_text("utf-8"))
    assert html.count('class="lead-in"') == 1
    assert "One of the initiative's workstreams:" in html
    assert "The initiative's workstreams:" not in html
