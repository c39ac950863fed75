"""Stage 1: the shipped dataset is sound, and every kind of flaw is caught and located."""

from __future__ import annotations

import textwrap

import pytest

from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from briefgen.sources import normalise_space, read_paragraphs, split_paragraphs
from briefgen.workspace import DEFAULT_DATASET
from conftest import SHARED_SOURCES, unavailable

SOURCE_TEXT = """\
source-id: test
---

Headline

\u201cHello   world, this is said,\u201d said Ann.

A paragraph about a fact.
"""

MINI_DATASET = """\
tags:
  peace: Peace
sources:
  - id: src
    title: A title
    publisher: A paper
    date: "2025-10"
    kind: news article
    language: en
    file: src.txt
people:
  - id: ann
    name: Ann
    role: Speaker
    source: src
    paragraph: 2
quotes:
  - id: ann-hello
    speaker: ann
    text: Hello world, this is said
    source: src
    paragraph: 2
facts:
  - id: a-fact
    text: Something true.
    source: src
    paragraph: 3
    tags: [peace]
"""


@pytest.fixture
def mini(tmp_path):
    """Write the mini dataset, with replacements applied; return a loader."""
    (tmp_path / "src.txt").write_text(SOURCE_TEXT, encoding="utf-8")

    def load(*replacements: tuple[str, str]):
        text = MINI_DATASET
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        path = tmp_path / "data.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return load_dataset(path)

    return load


def errors_of(load, *replacements) -> list[str]:
    with pytest.raises(BriefgenError) as excinfo:
        load(*replacements)
    return [str(problem).split(": error: ", 1)[1] for problem in excinfo.value.problems]


def test_shipped_dataset_passes(dataset):
    assert len(dataset.items("quotes")) == 13
    assert len(dataset.items("facts")) >= 25
    assert len(dataset.items("workstreams")) == 6  # the article names six of seven


def test_shipped_copy_matches_the_shared_source():
    if not SHARED_SOURCES.is_dir():
        unavailable(f"{SHARED_SOURCES} (the original article)", "shared/ beside the checkout")
    shipped = DEFAULT_DATASET.parent / "sources"
    for original in SHARED_SOURCES.glob("*.txt"):
        assert (shipped / original.name).read_bytes() == original.read_bytes()


def test_dataset_passes_against_shared_sources():
    if not SHARED_SOURCES.is_dir():
        unavailable(f"{SHARED_SOURCES} (the original article)", "shared/ beside the checkout")
    loaded = load_dataset(sources_dir=SHARED_SOURCES)
    assert len(loaded.items("quotes")) == 13


def test_every_quote_is_verbatim_in_its_paragraph(dataset):
    for quote in dataset.items("quotes"):
        paragraph = dataset.paragraphs[quote.source][quote.paragraph - 1]
        assert normalise_space(quote.text) in normalise_space(paragraph), quote.id


def test_facts_are_not_copied_sentences(dataset):
    """Facts are in our own words: none repeats a long run of the article verbatim (15 words)."""
    article = normalise_space(" ".join(dataset.paragraphs["astana-times-2025-10"]))
    for fact in dataset.items("facts"):
        words = fact.text.split()
        for start in range(0, max(1, len(words) - 14)):
            run = " ".join(words[start : start + 15])
            assert run not in article, (fact.id, run)


def test_dates_keep_the_source_precision(dataset):
    events = {event.id: event for event in dataset.items("events")}
    assert events["astana-conference-2025"].date == "2025-10-07"
    assert events["high-level-meeting-2026"].date == "2026"
    assert events["unga-call-for-action"].date is None


def test_counts_from_the_article(dataset):
    figures = {figure.id: figure for figure in dataset.items("figures")}
    assert (figures["founding-states"].value, figures["joined-states"].value) == (6, 90)
    assert figures["total-states"].value == 96
    lead = figures["workstream-lead-states"]
    assert (lead.bound, lead.value) == ("more-than", 27)  # a lower bound, never "27"
    founders = {state.name for state in dataset.items("states") if state.founding}
    assert founders == {"Kazakhstan", "Brazil", "China", "France", "Jordan", "South Africa"}


def test_paragraphs_are_counted_after_the_header():
    paragraphs = split_paragraphs(SOURCE_TEXT)
    assert paragraphs[0] == "Headline"
    assert len(paragraphs) == 3


def test_shipped_source_has_36_paragraphs():
    paragraphs = read_paragraphs(
        DEFAULT_DATASET.parent / "sources" / "astana-times-2025-10-ihl-global-initiative.txt"
    )
    assert len(paragraphs) == 36
    assert paragraphs[34].startswith("She detailed seven thematic workstreams")


def test_mini_dataset_loads(mini):
    assert mini().ids("quotes") == ["ann-hello"]


def test_duplicate_id(mini):
    assert errors_of(mini, ("  - id: a-fact", "  - id: ann")) == [
        "people[0].id: duplicate id 'ann' (also facts[0], line 24); "
        "ids must be unique across the dataset"
    ]


def test_unresolved_reference(mini):
    assert errors_of(mini, ("speaker: ann", "speaker: anne")) == [
        "quotes[0].speaker: unknown person 'anne'; did you mean 'ann'?"
    ]


def test_unknown_tag(mini):
    assert errors_of(mini, ("tags: [peace]", "tags: [peas]")) == [
        "facts[0].tags[0]: tag 'peas' is not in the vocabulary (tags:); did you mean 'peace'?"
    ]


def test_quote_not_verbatim(mini):
    assert errors_of(
        mini, ("text: Hello world, this is said", "text: Hello world, this was said")
    ) == [
        "quotes[0].text: quote 'ann-hello' does not occur word for word in paragraph 2 of "
        "'src'; copy it exactly from the source"
    ]


def test_quote_in_wrong_paragraph(mini):
    replaced = (
        "    text: Hello world, this is said\n    source: src\n    paragraph: 2",
        "    text: Hello world, this is said\n    source: src\n    paragraph: 3",
    )
    assert errors_of(mini, replaced) == [
        "quotes[0].text: quote 'ann-hello' does not occur word for word in paragraph 3 of "
        "'src'; copy it exactly from the source"
    ]


def test_locator_outside_source(mini):
    assert errors_of(mini, ("    paragraph: 3\n    tags", "    paragraph: 9\n    tags")) == [
        "facts[0].paragraph: paragraph 9 is outside the source 'src', which has 3 paragraphs"
    ]


def test_all_problems_reported_together(mini):
    found = errors_of(mini, ("speaker: ann", "speaker: bob"), ("tags: [peace]", "tags: [war]"))
    assert len(found) == 2


def test_problems_carry_file_and_line(mini, tmp_path):
    with pytest.raises(BriefgenError) as excinfo:
        mini(("tags: [peace]", "tags: [peas]"))
    problem = excinfo.value.problems[0]
    assert (problem.file, problem.line) == (tmp_path / "data.yaml", 28)


def test_missing_source_file(mini, tmp_path):
    assert errors_of(mini, ("file: src.txt", "file: gone.txt")) == [
        f"sources[0].file: cannot read {tmp_path / 'gone.txt'}: No such file or directory"
    ]


def test_a_missing_source_file_is_named_as_the_dataset_writes_it(mini, tmp_path):
    # Not as the by-name fallback tried (a folder of a user's that holds files by name).
    assert errors_of(mini, ("file: src.txt", "file: sources/gone.pdf")) == [
        f"sources[0].file: cannot read {tmp_path / 'sources' / 'gone.pdf'}: "
        "No such file or directory"
    ]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2025-13", "'2025-13' is not a real date (month must be in 1..12)"),
        ("2025-02-30", "'2025-02-30' is not a real date (day is out of range for month)"),
        ("2025-00", "'2025-00' is not a real date (month must be in 1..12)"),
        ("Oct 2025", "'Oct 2025' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD"),
    ],
)
def test_dataset_dates_are_real(mini, date, message):
    assert errors_of(mini, ('date: "2025-10"', f'date: "{date}"')) == [
        f"sources[0].date: {message}"
    ]


def test_lookups_by_id_and_kind(mini):
    dataset = mini()
    assert dataset.kind_of == {"ann-hello": "quotes", "a-fact": "facts", "ann": "people",
                               "src": "sources"}  # fmt: skip
    assert dataset.get("ann").name == "Ann"
    assert dataset.by_id["a-fact"].text == "Something true."
    assert dataset.ids("quotes") == ["ann-hello"]
    assert dataset.tags == {"peace": "Peace"}
    assert dataset.items("facts") == dataset.content.facts


# --- limits, lookups and every problem at once (each found by a surviving mutant) -----


def messages_of(path) -> list[str]:
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(path)
    return [problem.message for problem in excinfo.value.problems]


@pytest.mark.parametrize("extra", [0, 1])
def test_dataset_size_limit_is_exact(tmp_path, extra):
    from briefgen.load_dataset import MAX_DATASET_BYTES

    assert MAX_DATASET_BYTES == 4 * 1024 * 1024
    text = "tags: []\n" + ("#" * 1023 + "\n") * (MAX_DATASET_BYTES // 1024)
    text = text[: MAX_DATASET_BYTES - 1] + "\n" + "#" * extra
    path = tmp_path / "big.yaml"
    path.write_text(text, encoding="ascii")
    assert path.stat().st_size == MAX_DATASET_BYTES + extra
    too_big = "file is larger than 4096 KiB; split it or trim it"
    assert (too_big in messages_of(path)) is bool(extra)  # else: read, and refused for its shape


@pytest.mark.parametrize(("depth", "refused"), [(32, False), (33, True)])
def test_dataset_nesting_limit_is_exact(tmp_path, depth, refused):
    path = tmp_path / "deep.yaml"
    # The top mapping is one of the levels; the rest are lists.
    path.write_text("x: " + "[" * (depth - 1) + "]" * (depth - 1) + "\n")
    deep = "nesting is deeper than 32 levels"
    assert any(deep in m for m in messages_of(path)) is refused


def test_the_dataset_cannot_be_changed_once_loaded(mini):
    import dataclasses

    dataset = mini()
    with pytest.raises(dataclasses.FrozenInstanceError):
        dataset.paragraphs = {}


def test_every_unreadable_source_is_reported(mini, tmp_path):
    second = (
        '  - id: src2\n    title: B\n    publisher: P\n    date: "2025"\n    kind: k\n'
        "    language: en\n    file: gone.txt\n"
    )
    (tmp_path / "a-folder").mkdir()
    text = MINI_DATASET.replace("file: src.txt", "file: a-folder")
    text = text[: text.index("people:")] + second + text[text.index("people:") :]
    path = tmp_path / "data.yaml"
    path.write_text(text, encoding="utf-8")
    assert messages_of(path) == [
        f"sources[0].file: must name a regular file inside {tmp_path}, not a-folder",
        f"sources[1].file: cannot read {tmp_path / 'gone.txt'}: No such file or directory",
    ]


def test_every_unknown_reference_in_a_list_is_reported(mini):
    listed = ("    tags: [peace]", "    tags: [peace]\n    people: [ann, bob, ann, cy]")
    assert errors_of(mini, listed) == [
        "facts[0].people[1]: unknown person 'bob'",
        "facts[0].people[3]: unknown person 'cy'",
    ]
