"""Stage 3: selection order is stable and documented."""

from __future__ import annotations

from briefgen.selection import select_items
from briefgen.specmodel import Selection


def pick(dataset, **select):
    selection = Selection.model_validate(select, context={"dataset": dataset})
    return {
        kind: [item.id for item in items]
        for kind, items in select_items(selection, dataset).items()
    }


def test_ids_in_written_order(dataset):
    ids = ["online-ihl-courses", "conference-held-in-astana"]
    assert pick(dataset, facts={"ids": ids}) == {"facts": ids}


def test_tags_any_in_dataset_order(dataset):
    chosen = pick(dataset, facts={"tags": ["naval", "cyber"]})["facts"]
    expected = [f.id for f in dataset.items("facts") if {"naval", "cyber"} & set(f.tags)]
    assert chosen == expected and len(chosen) >= 2


def test_all_tags(dataset):
    chosen = pick(dataset, facts={"all_tags": ["red-crescent", "icrc"]})["facts"]
    assert chosen == [
        f.id for f in dataset.items("facts") if {"red-crescent", "icrc"} <= set(f.tags)
    ]
    assert chosen


def test_ids_first_then_criteria_without_repeats(dataset):
    chosen = pick(dataset, facts={"ids": ["online-ihl-courses"], "tags": ["training"]})["facts"]
    assert chosen[0] == "online-ihl-courses"
    assert chosen.count("online-ihl-courses") == 1
    assert set(chosen[1:]) == {f.id for f in dataset.items("facts") if "training" in f.tags} - {
        "online-ihl-courses"
    }


def test_criteria_combine_with_and(dataset):
    chosen = pick(dataset, facts={"people": ["artur-lastayev"], "tags": ["kazakhstan-diplomacy"]})
    expected = [
        f.id
        for f in dataset.items("facts")
        if "artur-lastayev" in f.people and "kazakhstan-diplomacy" in f.tags
    ]
    assert chosen["facts"] == expected and expected
    for fact_id in chosen["facts"]:
        fact = dataset.get(fact_id)
        assert "artur-lastayev" in fact.people and "kazakhstan-diplomacy" in fact.tags


def test_speakers_and_exclude(dataset):
    chosen = pick(
        dataset, quotes={"speakers": ["biljana-milosevic"], "exclude": ["milosevic-recenter-ihl"]}
    )
    assert chosen == {"quotes": ["milosevic-poor-compliance", "milosevic-ihl-not-optional"]}


def test_quotes_by_organisation_of_speaker(dataset):
    chosen = pick(dataset, quotes={"organisations": ["red-crescent-kazakhstan"]})
    assert chosen == {"quotes": ["kumasheva-support-government"]}


def test_limit_keeps_the_first(dataset):
    assert pick(dataset, quotes={"limit": 2}) == {"quotes": dataset.ids("quotes")[:2]}


def test_nothing_but_kind_selects_all(dataset):
    assert pick(dataset, workstreams={}) == {"workstreams": dataset.ids("workstreams")}


def test_kinds_not_asked_for_are_absent(dataset):
    assert set(pick(dataset, events={"ids": ["high-level-meeting-2026"]})) == {"events"}


def test_quotes_by_tag_and_by_their_speakers_organisation(dataset):
    tag = dataset.items("quotes")[0].tags[0]
    by_tag = pick(dataset, quotes={"tags": [tag]})["quotes"]
    assert by_tag == [q.id for q in dataset.items("quotes") if tag in q.tags]
    assert 0 < len(by_tag) < len(dataset.items("quotes"))
    icrc = pick(dataset, quotes={"organisations": ["icrc-central-asia-delegation"]})["quotes"]
    assert icrc == [q.id for q in dataset.items("quotes") if q.speaker == "biljana-milosevic"]
