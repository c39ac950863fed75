"""Locator bounds for every kind of item: the last paragraph of a source is a place,
the one after it is not, and saying so is a located problem, never an IndexError."""

from __future__ import annotations

import pytest

from briefgen.datamodel import ITEM_KINDS
from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset

SOURCE_TEXT = """\
source-id: test
---

Headline

Ann said: Hello world, this is said.

A paragraph about a fact.
"""
PARAGRAPHS = 3  # headline, Ann's words, the fact

# One item of each sourced kind, all citing paragraph 2 unless a test moves one.
ITEMS = {
    "events": "  - id: an-event\n    name: A meeting\n",
    "organisations": "  - id: an-org\n    name: An organisation\n    kind: agency\n",
    "states": "  - id: a-state\n    name: A state\n",
    "people": "  - id: ann\n    name: Ann\n    role: Speaker\n",
    "workstreams": "  - id: a-workstream\n    name: A workstream\n",
    "figures": "  - id: a-figure\n    label: States\n    value: 3\n    unit: states\n",
    "quotes": "  - id: ann-hello\n    speaker: ann\n    text: {quote}\n",
    "facts": "  - id: a-fact\n    text: Something true.\n",
}
SOURCED_KINDS = [kind for kind in ITEM_KINDS if kind != "sources"]
QUOTE_IN = {2: "Hello world, this is said", PARAGRAPHS: "A paragraph about a fact"}


def dataset_text(kind: str, paragraph: int) -> str:
    text = (
        "tags:\n  peace: Peace\n"
        "sources:\n  - id: src\n    title: A title\n    publisher: A paper\n"
        '    date: "2025-10"\n    kind: news article\n    language: en\n    file: src.txt\n'
    )
    for each, item in ITEMS.items():
        cited = paragraph if each == kind else 2
        quote = QUOTE_IN.get(cited, "Hello world, this is said")
        text += f"{each}:\n{item.format(quote=quote)}    source: src\n    paragraph: {cited}\n"
    return text


def load(tmp_path, kind: str, paragraph: int):
    (tmp_path / "src.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    path = tmp_path / "data.yaml"
    path.write_text(dataset_text(kind, paragraph), encoding="utf-8")
    return load_dataset(path), path


def test_every_sourced_kind_is_covered():
    assert set(ITEMS) == set(SOURCED_KINDS)


@pytest.mark.parametrize("kind", SOURCED_KINDS)
def test_the_last_paragraph_is_a_place(tmp_path, kind):
    dataset, _ = load(tmp_path, kind, PARAGRAPHS)
    (item,) = dataset.items(kind)
    assert item.paragraph == PARAGRAPHS
    assert len(dataset.paragraphs["src"]) == PARAGRAPHS


@pytest.mark.parametrize("kind", SOURCED_KINDS)
def test_the_paragraph_after_the_last_is_refused_and_located(tmp_path, kind):
    with pytest.raises(BriefgenError) as excinfo:
        load(tmp_path, kind, PARAGRAPHS + 1)
    (problem,) = excinfo.value.problems
    assert problem.message == (
        f"{kind}[0].paragraph: paragraph {PARAGRAPHS + 1} is outside the source 'src', "
        f"which has {PARAGRAPHS} paragraphs"
    )
    assert problem.file == tmp_path / "data.yaml"
    lines = (tmp_path / "data.yaml").read_text().splitlines()
    assert lines[problem.line - 1] == f"    paragraph: {PARAGRAPHS + 1}"


@pytest.mark.parametrize("paragraph", [0, -1])
def test_paragraphs_count_from_one(tmp_path, paragraph):
    with pytest.raises(BriefgenError) as excinfo:
        load(tmp_path, "quotes", paragraph)
    (problem,) = excinfo.value.problems
    assert problem.message.startswith("quotes[0].paragraph: ")
    assert "greater than or equal to 1" in problem.message
