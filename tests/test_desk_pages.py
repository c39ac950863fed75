"""Issue 17, what officials see on the page, read from the files a real build writes."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import build_briefs
from briefgen.document import Chart, ChartEvent, FactEntry
from briefgen.lastpage import FEWEST_LINES, last_page
from briefgen.render.charts import WIDTH, chart_svg, wrapped
from briefgen.render.textwidth import text_width
from conftest import BRIEFS, citation

BUILT = ["initiative-at-a-glance", "defence-training-peacekeeping", "minister-hlm-2026-ru"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("desk-pages")
    report = build_briefs([BRIEFS / f"{name}.yaml" for name in BUILT], out_dir=out)
    return out, report


def pdf_pages(path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


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


def test_the_examples_timeline_shows_each_event_name_whole(built):
    out, _ = built
    page = pdf_pages(out / "initiative-at-a-glance.pdf")[0]
    for name in ("Global Initiative to Galvanize Political Commitment to IHL (conference)",
                 "Call for action by the ICRC and the founding states of the Global Initiative"):
        assert name in page  # fmt: skip
    assert "…" not in page


# --- the last page ------------------------------------------------------------------------


def test_a_brief_a_few_lines_over_a_page_is_warned(built):
    out, report = built
    pdf = out / "initiative-at-a-glance.pdf"
    found = last_page(pdf.read_bytes())
    assert found.number == 2 and found.lines < FEWEST_LINES
    assert found.first_line == "Contact officer"
    # Poppler, another reader, sees the same: the contact and the sources, nothing else.
    poppler = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"],
                             capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Contact officer" in poppler and "Sources" in poppler and "Key points" not in poppler
    warnings = [str(w) for w in report.warnings]
    assert [w for w in warnings if "over 1 page" in w] == [
        f"{BRIEFS / 'initiative-at-a-glance.yaml'}:7:1: warning: brief 'initiative-at-a-glance' "
        f"is {found.lines} lines over 1 page: page 2 holds only those lines, from 'Contact "
        f"officer' on; shorten the brief by about {found.lines} lines to end on page 1"
    ]


def test_a_full_last_page_and_a_one_page_brief_are_not_warned(built):
    out, report = built
    assert last_page((out / "defence-training-peacekeeping.pdf").read_bytes()).lines > 20
    assert last_page((out / "initiative-at-a-glance-releasable.pdf").read_bytes()) is None
    assert not [w for w in report.warnings if "defence" in w.message or "-ru" in w.message]


# --- keep together ------------------------------------------------------------------------


def test_the_decision_block_is_not_split_across_pages(built):
    out, _ = built
    pages = pdf_pages(out / "minister-hlm-2026-ru.pdf")
    (signed,) = [page for page in pages if "Подпись:" in page]
    assert "Согласовано" in signed and "Решение" in signed
