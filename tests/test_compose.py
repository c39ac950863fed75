"""Stage 4: composing a brief: entries, citations, dates with their precision."""

from __future__ import annotations

import datetime as dt

import pytest

from briefgen.build import load_all
from briefgen.compose import compose_brief
from briefgen.dates import long_date, partial_date
from briefgen.selection import select_sections
from briefgen.specmodel import paragraphs_of
from conftest import BRIEFS


def test_partial_dates_keep_precision():
    assert partial_date("2026") == "2026"
    assert partial_date("2025-10") == "October 2025"
    assert partial_date("2025-10-07") == "7 October 2025"
    assert long_date(dt.date(2026, 3, 2)) == "2 March 2026"


def test_paragraphs_split_on_blank_lines():
    assert paragraphs_of("One\nline.\n\n  Two.\n") == ["One line.", "Two."]
    assert paragraphs_of(["Given as a list."]) == ["Given as a list."]


def test_minister_brief_composes(dataset):
    (loaded,) = load_all([BRIEFS / "minister-hlm-2026.yaml"])
    brief = compose_brief(loaded.spec, select_sections(loaded.spec, dataset), dataset)
    assert brief.id == "minister-hlm-2026"
    assert [s.kind for s in brief.sections_of("purpose", "recommendation")] == [
        "purpose",
        "recommendation",
    ]
    quotes = [q for s in brief.sections for q in s.quotes]
    assert quotes, "the minister brief quotes someone"
    for quote in quotes:
        source = dataset.get(quote.id)
        assert quote.text == source.text
        assert quote.speaker == dataset.get(source.speaker).name
        assert quote.citation.text.endswith(f"paragraph {source.paragraph}")
    assert "international-humanitarian-law" in brief.keywords


def test_event_without_date_says_so(dataset, write_yaml, minimal_spec):
    spec = (
        minimal_spec
        + """
      - heading: Timeline
        select:
          events: {}
"""
    )
    (loaded,) = load_all([write_yaml(spec)])
    brief = compose_brief(loaded.spec, select_sections(loaded.spec, dataset), dataset)
    when = {event.id: event.when for event in brief.sections[1].events}
    assert when == {
        "astana-conference-2025": "7 October 2025 (year inferred)",  # the article says "Oct. 7"
        "unga-call-for-action": "date not given in the source",
        "high-level-meeting-2026": "2026",
    }


@pytest.mark.parametrize(
    ("language", "endnote"),
    [
        ("en", "October 2025 (inferred), paragraph 2"),
        ("ru", "октябрь 2025 г. (предположительно), абзац 2"),
    ],
)
def test_an_inferred_source_date_says_so_in_every_endnote(
    write_yaml, minimal_spec, dataset, language, endnote
):
    spec = minimal_spec.replace("marking: OFFICIAL", f"marking: OFFICIAL\n    language: {language}")
    spec += (
        "      - heading: Facts\n        select:\n"
        "          facts: {ids: [conference-held-in-astana]}\n"
    )
    (loaded,) = load_all([write_yaml(spec)])
    brief = compose_brief(loaded.spec, select_sections(loaded.spec, dataset), dataset)
    (fact,) = brief.sections[1].facts
    assert fact.citation.text.replace("\u202f", " ").endswith(endnote)
