"""Hostile text in every text field of a spec and of the dataset stays text.

The fields are found by walking the pydantic models (``Spec``, ``DatasetFile``), so a
field added later is covered without anyone remembering to add it here: the base spec
and dataset below must set every field the walk finds (a test says which are missing),
each string the loaders accept gets a hostile string of its own, and every audience's
HTML and the DOCX must show it as text, never as markup.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from pathlib import Path

import docx
import lxml.etree
import lxml.html
import pytest
import yaml
from pydantic import BaseModel

from briefgen.build import BuildOptions, build_briefs
from briefgen.datamodel import DatasetFile
from briefgen.dataset_review import unknown_markings
from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from briefgen.load_spec import load_spec
from briefgen.markings import load_scheme
from briefgen.specmodel import SELECTORS, Spec

AUDIENCES = ("minister", "defence", "humanitarian", "press")
ANY = "*"  # any index of a tuple, any key of a mapping


class Key(str):
    """A key of a mapping (a tag), as opposed to a field name."""


SOURCE_HEAD = "source-id: test\n---\n\nHeadline\n\nAnn said: Hello world, this is said."
SOURCE_TAIL = "\n\nA paragraph about a fact.\n"

ITEM = {"source": "src", "paragraph": 2, "tags": ["peace"], "marking": "OFFICIAL",
        "inferred": {"paragraph": "counted by hand"}}  # fmt: skip
BY = {"by": "A translator"}
BASE_DATASET = {
    "tags": {"peace": "Peace"},
    "sources": [
        {
            "id": "src",
            "title": "A title",
            "publisher": "A paper",
            "date": "2025-10",
            "kind": "news article",
            "language": "en",
            "file": "src.txt",
            "note": "A note on the source",
            "url": "https://example.org/a",
        }
    ],
    "events": [
        {
            "id": "meeting",
            "name": "A meeting",
            "place": "Astana",
            "date": "2025-10-07",
            "date_note": "as reported",
            "organisations": ["agency"],
            "translations": {"ru": {"name": "Встреча", "place": "Астана", **BY}},
            **ITEM,
        },
        {"id": "call", "name": "A call", "date_note": "the source gives no date", **ITEM},
    ],
    "organisations": [
        {"id": "agency", "name": "An agency", "short": "AA", "kind": "agency", "state": "land",
         "name_note": "where the name comes from",
         "translations": {"ru": {"name": "Агентство", **BY}}, **ITEM}
    ],
    "states": [{"id": "land", "name": "A land", "founding": True, "note": "a founder",
                "translations": {"ru": {"name": "Страна", **BY}}, **ITEM}],
    "people": [
        {"id": "ann", "name": "Ann", "role": "Speaker", "organisation": "agency",
         "state": "land", "translations": {"ru": {"name": "Анна", "role": "Оратор", **BY}},
         **ITEM}
    ],
    "workstreams": [{"id": "stream", "name": "A workstream", "leads": "A land",
                     "context": "a-fact",
                     "translations": {"ru": {"name": "Направление", **BY}}, **ITEM}],
    "figures": [
        {"id": "founding-states", "label": "Founding states", "value": 1, "unit": "states",
         "translations": {"ru": {"label": "Основатели", "unit": "государств", **BY}}, **ITEM},
        {"id": "joined-states", "label": "States joined", "value": 2, "bound": "more-than",
         "unit": "states", "derived_from": ["founding-states"], **ITEM},
    ],
    "quotes": [
        {"id": "ann-hello", "speaker": "ann", "text": "Hello world, this is said",
         "event": "meeting", "workstreams": ["stream"],
         "translations": {"ru": {"text": "Привет", **BY}}, **ITEM}
    ],
    "facts": [
        {"id": "a-fact", "text": "Something true.", "people": ["ann"],
         "organisations": ["agency"], "states": ["land"], "workstreams": ["stream"],
         "event": "meeting", "translations": {"ru": {"text": "Правда.", **BY}}, **ITEM}
    ],
    "keywords": {"ru": {"peace": "мир"}},
}  # fmt: skip

BASE_SPEC = {
    "id": "hostile",
    "title": "A title",
    "subject": "A subject",
    "audience": "minister",
    "date": "2026-03-02",
    "reference": "REF-1",
    "marking": "OFFICIAL",
    "language": "en",
    "formats": ["pdf", "docx"],
    "edition": "full",
    "draft": False,
    "page_budget": 9,
    "for": "The Minister",
    "from": "A department",
    "contact": {"name": "A. Officer", "role": "Desk Officer", "phone": "+7 000",
                "email": "a@example.org"},
    "critical_date": {"date": "2026-04-01", "reason": "A reason"},
    "sections": [
        {"heading": "Purpose", "kind": "purpose", "marking": "OFFICIAL",
         "text": [{"text": "Why.", "cite": ["a-fact"]}],
         "points": [{"text": "A point", "cite": ["a-fact"]}]},
        {"heading": "Recommendation", "kind": "recommendation", "text": "Agree."},
        {
            "heading": "Everything",
            "kind": "background",
            "text": "All of it.",
            "releasable": True,
            "charts": ["timeline", "supporting-states"],
            "select": {kind: {"ids": [i["id"] for i in BASE_DATASET[kind]]} for kind in SELECTORS},
        },
        {
            "heading": "Lines",
            "kind": "lines-to-take",
            "points": ["A line"],
            "select": {"facts": {"ids": ["a-fact"]}, "quotes": {"ids": ["ann-hello"]}},
        },
        {
            "heading": "Questions",
            "kind": "q-and-a",
            "questions": [{"question": "Why?", "answer": "Because.", "cite": ["a-fact"]}],
        },
    ],
}  # fmt: skip

# Text fields that no audience prints; each with its reason. The test checks this list
# is exact, so a field that stops being printed (or starts) is noticed.
NOT_SHOWN = {
    "sources[*].kind": "what kind of source it is: for curators",
    "sources[*].language": "the source's language: for curators",
    "sources[*].note": "a curator's note",
    "tags[*]": "the meaning of a tag: for curators and `briefgen data list tags`",
    "organisations[*].kind": "agency, NGO…: for selection and `data list`",
    "organisations[*].short": "an abbreviation: `data list` shows it",
    "states[*].note": "a curator's note",
    "events[*].date_note": "why the source gives no date: briefs print a fixed label",
    "workstreams[*].leads": "who leads it, in the source's words: `data list` shows it",
    "organisations[*].name_note": "where a name comes from: for curators",
    "keywords[*][*]": "a tag's keyword in a language: PDF and DOCX metadata, not the page",
    **{
        f"{kind}[*].inferred[*]": "how a link or value was inferred: for curators"
        for kind in ("events", "organisations", "states", "people", "workstreams", "figures",
                     "quotes", "facts")
    },  # fmt: skip
    # This spec is in English: translations print in Russian and Kazakh briefs (checked as
    # text there by tests/test_languages.py), and `by` is for curators.
    **{
        f"{kind}[*].translations[*].{field}": "a translation: printed in briefs in its language"
        for kind, fields in (("events", ("name", "place", "by")), ("organisations", ("name", "by")),
                             ("states", ("name", "by")), ("people", ("name", "role", "by")),
                             ("workstreams", ("name", "by")), ("figures", ("label", "unit", "by")),
                             ("quotes", ("text", "by")), ("facts", ("text", "by")))
        for field in fields
    },  # fmt: skip
}


# --- walking the models --------------------------------------------------------------


def unwrap(annotation) -> list:
    """The types an annotation stands for, Optional, Annotated and unions removed."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in unwrap(arg)]
    return [annotation]


def string_fields(model: type[BaseModel], prefix: tuple = ()) -> list[tuple]:
    """Paths (keys as written in YAML, ``ANY`` for an index) of every string field."""
    found = []
    for name, field in model.model_fields.items():
        key = field.alias or name
        found += string_paths(field.annotation, (*prefix, key))
    return found


def string_paths(annotation, path: tuple) -> list[tuple]:
    found = []
    for kind in unwrap(annotation):
        origin = typing.get_origin(kind)
        if kind is str:
            found.append(path)
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            found += string_fields(kind, path)
        elif origin in (tuple, list):
            found += string_paths(typing.get_args(kind)[0], (*path, ANY))
        elif origin is dict:
            found += string_paths(typing.get_args(kind)[1], (*path, ANY))
    return found


def concrete(data, path: tuple, done: tuple = ()) -> list[tuple]:
    """The places in ``data`` that ``path`` (with ``ANY``) stands for."""
    if not path:
        return [done] if isinstance(data, str) else []
    key, rest = path[0], path[1:]
    if key == ANY:
        if isinstance(data, str):  # a field that may be text or a list of it, given as text
            return []
        keys = range(len(data)) if isinstance(data, list) else [Key(k) for k in data or {}]
        return [p for k in keys for p in concrete(data[k], rest, (*done, k))]
    if not isinstance(data, dict) or key not in data:
        return []
    return concrete(data[key], rest, (*done, key))


def general(path: tuple) -> str:
    """``sections[*].questions[*].answer`` for ``("sections", 3, "questions", 0, "answer")``."""
    text = ""
    for key in path:
        if isinstance(key, int | Key) or key == ANY:
            text += "[*]"
        else:
            text += f".{key}" if text else key
    return text


def put(data, path: tuple, value: str):
    data = copy.deepcopy(data)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return data


def hostile(number: int) -> str:
    """Markup, a template expression, quotes and an entity: text that must stay text."""
    return f"<i id=h{number}>&amp;\"'{{{{7*7}}}}</i><script>h{number}</script>"


# --- the workspace -------------------------------------------------------------------


class NoAliases(yaml.SafeDumper):
    """Specs and datasets may not use YAML aliases; write shared values out."""

    def ignore_aliases(self, data) -> bool:
        return True


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=NoAliases, allow_unicode=True, sort_keys=False)


def write_dataset(folder: Path, data: dict, markers: list[str]) -> Path:
    # Every hostile string stands in paragraph 2, so a hostile quote is verbatim.
    (folder / "src.txt").write_text(
        SOURCE_HEAD + " " + " ".join(markers) + SOURCE_TAIL, encoding="utf-8"
    )
    path = folder / "data.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def write_spec(folder: Path, data: dict) -> Path:
    path = folder / "hostile.yaml"
    path.write_text(dump(data), encoding="utf-8")
    return path


def accepted(places: list[tuple], check) -> list[tuple]:
    """The places where the loader takes a hostile string (one place at a time)."""
    taken = []
    for place in places:
        try:
            check(place)
        except BriefgenError as exc:  # refused: at that very field, and for it
            where = "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in place)
            at = (where.lstrip(".") + ":", f"({where.lstrip('.')}):")  # a section's: named first
            assert any(p.message.startswith(at[0]) or at[1] in p.message for p in exc.problems), (
                where,
                exc.problems,
            )
            continue
        taken.append(place)
    return taken


@pytest.fixture(scope="module")
def hostile_workspace(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    data_places = [p for f in string_fields(DatasetFile) for p in concrete(BASE_DATASET, f)]
    spec_places = [p for f in string_fields(Spec) for p in concrete(BASE_SPEC, f)]
    markers = [hostile(n) for n in range(len(data_places) + len(spec_places))]
    base_dataset = write_dataset(folder, BASE_DATASET, markers)
    dataset = load_dataset(base_dataset)

    def check_data(place):
        """Loaded as `briefgen data check` loads it: markings held to the scheme too."""
        loaded = load_dataset(write_dataset(folder, put(BASE_DATASET, place, hostile(0)), markers))
        if errors := unknown_markings(loaded, load_scheme()):
            raise BriefgenError(errors)

    def check_spec(place):
        load_spec(write_spec(folder, put(BASE_SPEC, place, hostile(0))), dataset, AUDIENCES)

    data_taken = accepted(data_places, check_data)
    spec_taken = accepted(spec_places, check_spec)
    data, spec = BASE_DATASET, BASE_SPEC
    markers_of: dict[str, list[str]] = {}  # a field → the hostile strings put in it
    for number, place in enumerate(data_taken):
        data = put(data, place, hostile(number))
        markers_of.setdefault("data:" + general(place), []).append(hostile(number))
    for number, place in enumerate(spec_taken, start=len(data_taken)):
        spec = put(spec, place, hostile(number))
        markers_of.setdefault("spec:" + general(place), []).append(hostile(number))
    dataset_path = write_dataset(folder, data, markers)
    html = {}
    for audience in AUDIENCES:
        spec_path = write_spec(folder, {**spec, "audience": audience})
        out = folder / audience
        build_briefs(
            [spec_path],
            out_dir=out,
            dataset_path=dataset_path,
            options=BuildOptions(formats=("html", "docx") if audience == "minister" else ("html",)),
        )
        html[audience] = (out / "hostile.html").read_text(encoding="utf-8")
    return types.SimpleNamespace(
        markers_of=markers_of,
        refused=[general(p) for p in data_places if p not in data_taken]
        + [general(p) for p in spec_places if p not in spec_taken],
        html=html,
        docx=folder / "minister" / "hostile.docx",
    )


# --- the tests -----------------------------------------------------------------------


@pytest.mark.parametrize(("model", "base"), [(DatasetFile, BASE_DATASET), (Spec, BASE_SPEC)])
def test_the_base_documents_set_every_string_field_of_the_models(model, base):
    # Under select: only ids and tags, which the dataset checks (the base selects by ids).
    missing = [f for f in string_fields(model) if not concrete(base, f) and "select" not in f]
    assert missing == [], "add these fields to the base document above"


def test_the_walk_finds_the_fields_of_nested_models():
    spec_fields = {general(f) for f in string_fields(Spec)}
    assert {"sections[*].questions[*].answer", "reference", "contact.name", "contact.role",
            "critical_date.reason", "for", "sections[*].points[*].text"} <= spec_fields  # fmt: skip
    data_fields = {general(f) for f in string_fields(DatasetFile)}
    assert {"quotes[*].text", "people[*].role", "tags[*]", "events[*].date_note"} <= data_fields


def test_only_ids_dates_and_files_refuse_hostile_text(hostile_workspace):
    """What refuses markup is a slug, a date, an id or a file name, not free text."""
    for path in hostile_workspace.refused:
        last = re.sub(r"\[\*\]$", "", path).rsplit(".", 1)[-1]
        assert last in {
            "id", "source", "date", "file", "speaker", "organisation", "organisations",
            "state", "states", "people", "workstreams", "event", "derived_from", "ids",
            "cite", "tags", "audience", "marking", "context",
            "url",  # a source's web address: only http(s), since briefs link to it
        }, path  # fmt: skip


def test_hostile_text_is_never_markup(hostile_workspace):
    for audience, html in hostile_workspace.html.items():
        root = lxml.html.document_fromstring(html)
        assert root.xpath("//script | //i[starts-with(@id, 'h')]") == [], audience
        assert "<script" not in html and "<i id=h" not in html, audience
        # No template ran {{7*7}} (the markers' own numbers, h49, set aside).
        assert "49" not in re.sub(r"h\d+", "", root.text_content()), audience


def shown_text(html: str) -> str:
    root = lxml.html.document_fromstring(html)
    attributes = [value for element in root.iter() for value in element.attrib.values()]
    return "\n".join([root.text_content(), *attributes])


def test_every_text_field_is_printed_as_text_somewhere(hostile_workspace):
    shown = "\n".join(shown_text(html) for html in hostile_workspace.html.values())
    never = {
        field.split(":", 1)[1]
        for field, markers in hostile_workspace.markers_of.items()
        if not any(marker in shown for marker in markers)
    }
    assert never == set(NOT_SHOWN)


def endnotes_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as package:
        return "".join(lxml.etree.fromstring(package.read("word/endnotes.xml")).itertext())


def test_hostile_text_is_text_in_the_docx(hostile_workspace):
    word = docx.Document(str(hostile_workspace.docx))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    properties = word.core_properties
    parts = [section.header for section in word.sections] + [s.footer for s in word.sections]
    text = "\n".join(
        [p.text for p in word.paragraphs]
        + cells
        + [p.text for part in parts for p in part.paragraphs]
        + [properties.title, properties.subject, properties.author, properties.content_status]
        + [endnotes_text(hostile_workspace.docx)]  # the sources are Word endnotes
    )
    minister = shown_text(hostile_workspace.html["minister"])
    every = [m for markers in hostile_workspace.markers_of.values() for m in markers]
    in_html = [m for m in every if m in minister]
    assert in_html
    missing = [m for m in in_html if m not in text]
    assert missing == []
