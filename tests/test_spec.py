"""Stage 2: specs validate against the dataset and templates, every problem at once."""

from __future__ import annotations

import pytest

from briefgen.build import load_all
from briefgen.errors import BriefgenError
from briefgen.load_spec import default_id, load_spec
from conftest import EXAMPLE_SPECS, REPO

AUDIENCES = ["defence", "humanitarian", "minister", "press"]


def problems_of(path, dataset) -> list[str]:
    with pytest.raises(BriefgenError) as excinfo:
        load_spec(path, dataset, AUDIENCES)
    return [str(problem) for problem in excinfo.value.problems]


def with_section(spec: str, section: str) -> str:
    return spec + section


def test_example_briefs_exist():
    assert len(EXAMPLE_SPECS) >= 5
    audiences = {load_all([path])[0].spec.audience for path in EXAMPLE_SPECS}
    assert audiences == set(AUDIENCES)


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda p: p.stem)
def test_every_example_validates(path):
    (loaded,) = load_all([path])
    assert loaded.spec.id == path.stem


def test_minimal_spec_loads(write_yaml, minimal_spec, dataset):
    loaded = load_spec(write_yaml(minimal_spec), dataset, AUDIENCES)
    assert loaded.spec.addressee == "Minister"
    assert loaded.spec.critical_date is None
    assert loaded.spec.formats == ("pdf", "docx")


def test_id_defaults_to_file_name(write_yaml, minimal_spec, dataset):
    path = write_yaml(minimal_spec.replace("    id: test-brief\n", ""), "My Brief 2026.yaml")
    assert load_spec(path, dataset, AUDIENCES).spec.id == "my-brief-2026"
    assert default_id(path) == "my-brief-2026"


def test_typo_unknown_id_and_wrong_type_in_one_run(write_yaml, minimal_spec, dataset):
    spec = minimal_spec.replace(
        "    marking: OFFICIAL\n", "    marking: OFFICIAL\n    page_budget: two\n"
    )
    spec += """
      - heading: Quotes
        txt: a typo in a key
        select:
          quotes:
            ids: [milosevic-ihl-not-optionl]
"""
    path = write_yaml(spec)
    assert problems_of(path, dataset) == [
        f"{path}:7:1: error: page_budget: expected a whole number, got 'two'",
        f"{path}:18:5: error: section 2 \"Quotes\" (sections[1].txt): unknown key 'txt'; did "
        "you mean 'text'?",
        f"{path}:21:15: error: section 2 \"Quotes\" (sections[1].select.quotes.ids[0]): "
        "unknown quote id "
        "'milosevic-ihl-not-optionl'; did you mean 'milosevic-ihl-not-optional'? "
        "(see: briefgen data list quotes)",
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "audience: minister",
            "audience: ministr",
            "3:1: error: audience: unknown audience 'ministr'; did you mean 'minister'? "
            "(known: defence, humanitarian, minister, press)",
        ),
        (
            "marking: OFFICIAL",
            "marking: OFICIAL",
            "6:1: error: marking: unknown marking 'OFICIAL'; did you mean 'OFFICIAL'? (the "
            "default scheme has: UNCLASSIFIED, OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET; "
            "a workspace's markings.yaml may set others)",
        ),
        (
            "date: 2026-03-02",
            "date: 2 March",
            "4:1: error: date: expected a date as YYYY-MM-DD, got '2 March'",
        ),
        (
            "date: 2026-03-02",
            "date: 2026-13-45",
            "4:1: error: date: '2026-13-45' is not a real date (month value is outside "
            "expected range of 1-12)",
        ),
        (
            "marking: OFFICIAL",
            "marking: ДСП",  # a level of another scheme than the workspace's
            "6:1: error: marking: unknown marking 'ДСП' (the default scheme has: UNCLASSIFIED, "
            "OFFICIAL, OFFICIAL-SENSITIVE, SECRET, TOP SECRET; a workspace's markings.yaml may "
            "set others)",
        ),
        (
            "critical_date: Routine",
            "critical_date: soon",
            "10:1: error: critical_date: write 'Routine', or give 'date:' and 'reason:' beneath it",
        ),
        (
            "contact: {name: A. Officer, role: Desk Officer}",
            "contact: A. Officer",
            "9:1: error: contact: give the contact officer as name: and role: on lines beneath "
            "it, e.g. contact: {name: A. Officer, role: Desk Officer} (phone: and email: may "
            "follow)",
        ),
        (
            "    for: Minister\n",
            "",
            "1:1: error: for: missing required key 'for'",
        ),
        (
            "id: test-brief",
            "id: Test Brief",
            "1:1: error: id: 'Test Brief' is not a valid id; use lowercase letters, digits and "
            "hyphens",
        ),
        (
            "text: To test.",
            "points: To test.",
            "14:5: error: section 1 \"Purpose\" (sections[0].points): expected a list (lines "
            "starting with '- '), got "
            "'To test.'",
        ),
    ],
    ids=[
        "audience",
        "marking",
        "date",
        "unreal-date",
        "other-scheme-marking",
        "critical",
        "contact",
        "missing",
        "id",
        "points",
    ],  # fmt: skip
)
def test_single_errors(write_yaml, minimal_spec, dataset, old, new, expected):
    assert old in minimal_spec
    path = write_yaml(minimal_spec.replace(old, new))
    assert problems_of(path, dataset) == [f"{path}:{expected}"]


def test_yaml_1_1_words_stay_text(write_yaml, minimal_spec, dataset):
    spec = minimal_spec.replace("reference: REF-1", "reference: NO").replace(
        "text: To test.", "text: 12:30"
    )
    loaded = load_spec(write_yaml(spec), dataset, AUDIENCES)
    assert loaded.spec.reference == "NO"
    assert [words.text for words in loaded.spec.sections[0].text] == ["12:30"]


def test_unknown_tag_speaker_and_wrong_kind(write_yaml, minimal_spec, dataset):
    path = write_yaml(
        minimal_spec
        + """
      - heading: Mixed
        select:
          facts: {tags: [cyberr], ids: [milosevic-ihl-not-optional]}
          quotes: {speakers: [milosevic]}
"""
    )
    assert problems_of(path, dataset) == [
        f"{path}:18:22: error: section 2 \"Mixed\" (sections[1].select.facts.tags[0]): unknown "
        "tag 'cyberr'; "
        "did you mean 'cyber'?",
        f"{path}:18:37: error: section 2 \"Mixed\" (sections[1].select.facts.ids[0]): "
        "'milosevic-ihl-not-optional' "
        "is one of the quotes, not one of the facts",
        f"{path}:19:27: error: section 2 \"Mixed\" (sections[1].select.quotes.speakers[0]): "
        "unknown person id "
        "'milosevic'; did you mean 'biljana-milosevic'? (see: briefgen data list people)",
    ]


def test_criterion_not_offered_for_a_kind(write_yaml, minimal_spec, dataset):
    path = write_yaml(
        minimal_spec
        + """
      - heading: People
        select:
          people: {speakers: [anne-quintin]}
"""
    )
    assert problems_of(path, dataset) == [
        f"{path}:18:16: error: section 2 \"People\" (sections[1].select.people.speakers): "
        "unknown key 'speakers'"
    ]


def test_empty_section(write_yaml, minimal_spec, dataset):
    path = write_yaml(minimal_spec + "      - heading: Nothing here\n")
    assert problems_of(path, dataset) == [
        f"{path}:15:5: error: section 2 \"Nothing here\" (sections[1]): nothing to show; give "
        "it text, points, select, questions or charts"
    ]


def test_all_specs_reported_together(write_yaml, minimal_spec):
    first = write_yaml(minimal_spec.replace("marking: OFFICIAL", "marking: x"), "one.yaml")
    second = write_yaml(minimal_spec.replace("title: Test brief", "titel: Test brief"), "two.yaml")
    with pytest.raises(BriefgenError) as excinfo:
        load_all([first, second])
    files = [problem.file for problem in excinfo.value.problems]
    assert first in files and second in files


def test_duplicate_brief_ids_across_specs(write_yaml, minimal_spec):
    first = write_yaml(minimal_spec, "one.yaml")
    second = write_yaml(minimal_spec, "two.yaml")
    with pytest.raises(BriefgenError) as excinfo:
        load_all([first, second])
    assert [str(p) for p in excinfo.value.problems] == [
        f"{second}:1:1: error: id: brief id 'test-brief' is also used by {first}; "
        "outputs would overwrite each other"
    ]


def test_readme_example_spec_validates(tmp_path):
    """The commented example in README.md is a working spec."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "readme-example.yaml"
    path.write_text(example, encoding="utf-8")
    (loaded,) = load_all([path])
    assert loaded.spec.id == "my-brief"


def test_releasable_suffix_is_kept_for_editions(write_yaml, minimal_spec, dataset):
    path = write_yaml(minimal_spec.replace("id: test-brief", "id: test-brief-releasable"))
    assert problems_of(path, dataset) == [
        f"{path}:1:1: error: id: ids ending in '-releasable' are kept for releasable editions; "
        "choose another"
    ]


def test_a_source_cannot_be_cited(write_yaml, minimal_spec, dataset):
    path = write_yaml(
        minimal_spec + "      - heading: Q\n        questions:\n"
        "          - question: Why\n            answer: Because\n"
        "            cite: [astana-times-2025-10]\n"
    )
    (message,) = problems_of(path, dataset)
    assert "unknown id 'astana-times-2025-10'" in message


@pytest.mark.parametrize("written", ["official", "ОФИЦИАЛЬНО", "РЕСМИ", "O"])
def test_a_marking_may_be_written_as_any_of_its_labels(write_yaml, minimal_spec, dataset, written):
    """Whatever case or language the author writes a level in, the brief carries its id."""
    path = write_yaml(minimal_spec.replace("marking: OFFICIAL", f"marking: {written}"))
    assert load_spec(path, dataset, AUDIENCES).spec.marking == "OFFICIAL"


# --- messages (each found by a surviving mutant of briefgen.validation) --------------


def spec_problems(write_yaml, text: str, dataset) -> list[str]:
    with pytest.raises(BriefgenError) as excinfo:
        load_spec(write_yaml(text), dataset, ["minister"])
    return [problem.message for problem in excinfo.value.problems]


def test_an_empty_section_list_is_reported(write_yaml, minimal_spec, dataset):
    text = minimal_spec[: minimal_spec.index("    sections:")] + "    sections: []\n"
    assert spec_problems(write_yaml, text, dataset) == [
        "sections: Tuple should have at least 1 item after validation, not 0 (got a list)"
    ]


def test_a_broken_section_is_reported_not_the_list_as_too_short(write_yaml, minimal_spec, dataset):
    text = minimal_spec[: minimal_spec.index("    sections:")] + "    sections:\n      - kind: x\n"
    found = spec_problems(write_yaml, text, dataset)
    assert found[0] == "section 1 (sections[0].heading): missing required key 'heading'"
    assert not any(message.startswith("sections:") for message in found)


@pytest.mark.parametrize(("length", "shown"), [(40, "x" * 40), (41, "x" * 37 + "...")])
def test_long_values_are_cut_in_messages(length, shown):
    from briefgen.validation import show

    assert show("x" * length) == repr(shown)


def test_the_model_inside_an_optional_whichever_way_round():
    import typing

    from briefgen.specmodel import Contact
    from briefgen.validation import _model_in

    assert _model_in(None | Contact) is Contact
    assert _model_in(typing.Optional[Contact]) is Contact  # noqa: UP045 - the other spelling
    assert _model_in(tuple[Contact, ...]) is Contact
    assert _model_in(str | None) is None


def test_a_misspelt_key_inside_a_mapping_gets_that_mappings_keys(write_yaml, minimal_spec, dataset):
    text = minimal_spec.replace("contact: {name: A. Officer", "contact: {nmae: A. Officer")
    assert spec_problems(write_yaml, text, dataset) == [
        "contact.name: missing required key 'name'",
        "contact.nmae: unknown key 'nmae'; did you mean 'name'?",
    ]


def test_a_list_where_a_mapping_or_routine_belongs(write_yaml, minimal_spec, dataset):
    text = minimal_spec.replace("critical_date: Routine", "critical_date: [1, 2]")
    assert spec_problems(write_yaml, text, dataset) == [
        "critical_date: expected a mapping of 'key: value' lines, got a list"
    ]


def test_only_an_id_pattern_gets_the_advice_for_ids():
    from pathlib import Path
    from typing import Annotated

    from pydantic import BaseModel, StringConstraints

    from briefgen.datamodel import Slug
    from briefgen.validation import validate_document
    from briefgen.yamlsource import parse_yaml

    class Shape(BaseModel):
        id: Slug
        colour: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]

    doc = parse_yaml("id: Not An Id\ncolour: red\n", Path("m.yaml"), max_depth=8)
    _, problems = validate_document(Shape, doc)
    assert problems[0].message == (
        "id: 'Not An Id' is not a valid id; use lowercase letters, digits and hyphens"
    )
    assert problems[1].message.startswith("colour: ")
    assert "not a valid id" not in problems[1].message


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "critical_date: Routine",
            "critical_date: {date: 2026-01-01, reasn: x}",
            "critical_date.reasn: unknown key 'reasn'; did you mean 'reason'?",
        ),
        (
            "        text: To test.",
            "        text: To test.\n        select: {facts: {tgas: [cyber]}}",
            'section 1 "Purpose" (sections[0].select.facts.tgas): unknown key \'tgas\'; '
            "did you mean 'tags'?",
        ),
        (
            "date: 2026-03-02",
            "date: 20260302",
            "date: expected a date as YYYY-MM-DD, got '20260302'",
        ),
    ],
    ids=["inside-an-annotated-optional", "deep-in-a-selector", "a-number-for-a-date"],
)
def test_messages_deep_in_the_spec(write_yaml, minimal_spec, dataset, old, new, message):
    assert old in minimal_spec
    assert message in spec_problems(write_yaml, minimal_spec.replace(old, new), dataset)
