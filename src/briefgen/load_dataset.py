"""Stage 1 — load the curated dataset and prove it sound.

:func:`load_dataset` reads the dataset YAML, validates its shape, then checks
what a shape cannot: ids are unique, references resolve, tags are declared,
every locator lies inside its source, and every quote stands word for word in
the paragraph it cites. All problems are reported together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from briefgen.datamodel import ITEM_KINDS, DatasetFile, Sourced, singular
from briefgen.errors import BriefgenError, Problem, did_you_mean
from briefgen.inputfiles import is_regular
from briefgen.pdfsource import SourceUnreadable
from briefgen.sources import SourceText, occurs, read_source
from briefgen.validation import validate_document
from briefgen.workspace import DEFAULT_DATASET
from briefgen.yamlsource import YamlDocument, printable, read_yaml

MAX_DATASET_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32

# Which kind each reference field points to (field name → item kind).
REFERENCE_FIELDS = {
    "source": "sources",
    "speaker": "people",
    "organisation": "organisations",
    "organisations": "organisations",
    "state": "states",
    "states": "states",
    "people": "people",
    "workstreams": "workstreams",
    "event": "events",
    "derived_from": "figures",
    "context": "facts",  # a workstream's line of context
}


@dataclass(frozen=True)
class DatasetPart:
    """One YAML file of a dataset: what it holds and where each thing is in it."""

    content: DatasetFile
    doc: YamlDocument


@dataclass(frozen=True)
class Dataset:
    """The validated dataset, one file or a folder of them, with lookups by kind and id."""

    content: DatasetFile  # every file's items together, in file order
    path: Path  # the dataset file, or the folder of its files
    paragraphs: dict[str, list[str]]  # source id → its numbered paragraphs (all pages')
    parts: tuple[DatasetPart, ...] = ()
    texts: dict[str, SourceText] = dataclasses.field(default_factory=dict)  # pages: PDFs

    def items(self, kind: str) -> tuple[Any, ...]:
        return getattr(self.content, kind)

    @cached_property
    def by_id(self) -> dict[str, Any]:
        return {item.id: item for kind in ITEM_KINDS for item in self.items(kind)}

    @cached_property
    def kind_of(self) -> dict[str, str]:
        return {item.id: kind for kind in ITEM_KINDS for item in self.items(kind)}

    @property
    def tags(self) -> dict[str, str]:
        return self.content.tags

    def ids(self, kind: str) -> list[str]:
        return [item.id for item in self.items(kind)]

    def get(self, item_id: str) -> Any:
        return self.by_id[item_id]

    @cached_property
    def _where(self) -> dict[str, tuple[YamlDocument, str, int]]:
        return {
            item.id: (part.doc, kind, index)
            for part in self.parts
            for kind, index, item in walk_items(part.content)
        }

    def problem(self, item_id: str, key_path: tuple, message: str, severity="error") -> Problem:
        """A problem with one item, located in the file and at the line that hold it."""
        doc, kind, index = self._where[item_id]
        return doc.problem((kind, index, *key_path), message, severity)


def dataset_files(path: Path) -> list[Path]:
    """The YAML files of a dataset: the file itself, or every ``*.yaml`` in the folder
    and below it, in name order (hidden ones left out)."""
    if not path.is_dir():
        return [path]
    return sorted(
        found for found in path.rglob("*.yaml")
        if not any(part.startswith(".") for part in found.relative_to(path).parts)
        and is_regular(found)
    )  # fmt: skip


def load_dataset(path: Path | None = None, *, sources_dir: Path | None = None) -> Dataset:
    """Read and check the dataset; raise :class:`BriefgenError` listing every problem.

    ``path`` is a dataset file, or a folder whose YAML files together make one
    dataset (ids unique across them all). ``sources_dir`` checks the quotes
    against source texts in another folder (for instance the originals the
    dataset was curated from).
    """
    path = Path(path or DEFAULT_DATASET)
    files = dataset_files(path)
    if not files:
        raise BriefgenError(Problem("no dataset files (*.yaml) in this folder", path))
    parts, problems = [], []
    for file in files:  # the limits are per file: a big dataset is many files
        doc = read_yaml(file, max_bytes=MAX_DATASET_BYTES, max_depth=MAX_DEPTH)
        content, found = validate_document(DatasetFile, doc)
        problems += found
        if content is not None:
            parts.append(DatasetPart(content, doc))
    if problems:
        raise BriefgenError(problems)
    content = merged(parts)
    texts: dict[str, SourceText] = {}
    for part in parts:
        found_texts, found = read_source_texts(
            part.content, part.doc, sources_dir or part.doc.path.parent
        )
        texts.update(found_texts)
        problems += found
    problems += check_dataset(parts, content, texts)
    if any(p.severity == "error" for p in problems):
        raise BriefgenError(problems)
    paragraphs = {source: text.paragraphs for source, text in texts.items()}
    return Dataset(content, path, paragraphs, tuple(parts), texts)


def merged(parts: list[DatasetPart]) -> DatasetFile:
    """One dataset of several files: their items in file order, their tags together."""
    if len(parts) == 1:
        return parts[0].content
    fields = {
        kind: tuple(item for part in parts for item in getattr(part.content, kind))
        for kind in ITEM_KINDS
    }
    tags = {tag: meaning for p in parts for tag, meaning in p.content.tags.items()}
    keywords: dict[str, dict[str, str]] = {}
    for part in parts:
        for language, words in part.content.keywords.items():
            keywords.setdefault(language, {}).update(words)
    return DatasetFile.model_construct(tags=tags, keywords=keywords, **fields)


def read_source_texts(
    content: DatasetFile, doc: YamlDocument, folder: Path
) -> tuple[dict[str, SourceText], list[Problem]]:
    texts: dict[str, SourceText] = {}
    problems: list[Problem] = []
    for index, source in enumerate(content.sources):
        # A folder given by the user holds the files by name; ours keeps the relative path.
        text_path = folder / source.file
        if not text_path.exists() and (folder / Path(source.file).name).exists():
            text_path = folder / Path(source.file).name
        # Only a regular file inside the folder: not /etc/passwd, not a FIFO or device.
        if not text_path.resolve().is_relative_to(folder.resolve()) or (
            text_path.exists() and not is_regular(text_path)
        ):
            problems.append(
                doc.problem(
                    ("sources", index, "file"),
                    f"must name a regular file inside {folder}, not {printable(source.file)}",
                )
            )
            continue
        try:
            texts[source.id] = read_source(text_path)
        except SourceUnreadable as exc:
            problems.append(doc.problem(("sources", index, "file"), f"{text_path} {exc}"))
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            problems.append(
                doc.problem(("sources", index, "file"), f"cannot read {text_path}: {reason}")
            )
    return texts, problems


def walk_items(content: DatasetFile) -> Iterator[tuple[str, int, Any]]:
    for kind in ITEM_KINDS:
        for index, item in enumerate(getattr(content, kind)):
            yield kind, index, item


def check_dataset(
    parts: list[DatasetPart], content: DatasetFile, texts: dict[str, SourceText]
) -> list[Problem]:
    problems = check_unique_ids(parts)
    known = {kind: {item.id for item in getattr(content, kind)} for kind in ITEM_KINDS}
    problems += check_tag_vocabulary(parts)
    for part in parts:
        for kind, index, item in walk_items(part.content):
            where = (kind, index)
            problems += check_references(item, where, known, part.doc)
            problems += check_tags(item, where, content.tags, part.doc)
            if isinstance(item, Sourced) and item.source in texts:
                problems += check_locator(item, where, texts[item.source], part.doc)
    return problems


def check_unique_ids(parts: list[DatasetPart]) -> list[Problem]:
    problems = []
    first_seen: dict[str, tuple[YamlDocument, str, int]] = {}
    for part in parts:
        for kind, index, item in walk_items(part.content):
            if item.id not in first_seen:
                first_seen[item.id] = (part.doc, kind, index)
                continue
            doc, other_kind, other_index = first_seen[item.id]
            line = doc.locate((other_kind, other_index, "id"))[0]
            where = "" if doc is part.doc else f"{doc.path}, "
            problems.append(
                part.doc.problem(
                    (kind, index, "id"),
                    f"duplicate id '{item.id}' (also {other_kind}[{other_index}], {where}line "
                    f"{line}); ids must be unique across the dataset",
                )
            )
    return problems


def check_tag_vocabulary(parts: list[DatasetPart]) -> list[Problem]:
    """A tag declared in two files must mean the same in both."""
    problems = []
    meaning: dict[str, tuple[str, YamlDocument]] = {}
    for part in parts:
        for tag, text in part.content.tags.items():
            if tag in meaning and meaning[tag][0] != text:
                problems.append(
                    part.doc.problem(
                        ("tags", tag),
                        f"tag '{tag}' is declared in {meaning[tag][1].path} too, with another "
                        "meaning; declare it once",
                    )
                )
            meaning.setdefault(tag, (text, part.doc))
    return problems


def check_references(item: Any, where: tuple, known: dict, doc: YamlDocument) -> list[Problem]:
    problems = []
    for field, target_kind in REFERENCE_FIELDS.items():
        value = getattr(item, field, None)
        if value is None:
            continue
        values = value if isinstance(value, tuple) else (value,)
        for position, ref in enumerate(values):
            if ref in known[target_kind]:
                continue
            key_path = (*where, field, position) if isinstance(value, tuple) else (*where, field)
            singular_name = singular(target_kind)
            problems.append(
                doc.problem(
                    key_path,
                    f"unknown {singular_name} '{ref}'{did_you_mean(ref, known[target_kind])}",
                )
            )
    return problems


def check_tags(item: Any, where: tuple, vocabulary: dict, doc: YamlDocument) -> list[Problem]:
    return [
        doc.problem(
            (*where, "tags", position),
            f"tag '{tag}' is not in the vocabulary (tags:){did_you_mean(tag, vocabulary)}",
        )
        for position, tag in enumerate(getattr(item, "tags", ()))
        if tag not in vocabulary
    ]


def check_locator(item: Sourced, where: tuple, source: SourceText, doc: YamlDocument):
    """The item's page and paragraph lie in its source, and a quote stands there."""
    wrong = wrong_page(item, source)
    if wrong:
        return [doc.problem((*where, wrong[0]), wrong[1])]
    paragraphs = source.on_page(item.page)
    on_page = f" on page {item.page}" if source.paged else ""
    if item.paragraph > len(paragraphs):
        if source.paged:
            message = (
                f"paragraph {item.paragraph} is outside page {item.page} of the source "
                f"'{item.source}', which has {len(paragraphs) or 'no'} paragraph"
                f"{'' if len(paragraphs) == 1 else 's'} on that page"
            )
        else:
            message = (
                f"paragraph {item.paragraph} is outside the source "
                f"'{item.source}', which has {len(paragraphs)} paragraphs"
            )
        return [doc.problem((*where, "paragraph"), message)]
    text = getattr(item, "text", None)
    if where[0] == "quotes" and text is not None:
        if not occurs(text, paragraphs[item.paragraph - 1]):
            return [
                doc.problem(
                    (*where, "text"),
                    f"quote '{item.id}' does not occur word for word in paragraph "
                    f"{item.paragraph}{on_page} of '{item.source}'; copy it exactly from the "
                    "source",
                )
            ]
    return []


def wrong_page(item: Sourced, source: SourceText) -> tuple[str, str] | None:
    """(field, message) when the item's page does not fit its source: a PDF's items need
    one in range; other sources have no pages."""
    pages = len(source.pages)
    if source.paged and item.page is None:
        return "paragraph", (
            f"the source '{item.source}' is a PDF: give page: (1 to {pages}) as well as "
            "paragraph:, counted on that page"
        )
    if not source.paged and item.page is not None:
        return "page", (
            f"the source '{item.source}' has no pages (only PDF sources do); remove page: "
            "and count paragraphs through the whole text"
        )
    if source.paged and item.page > pages:
        return "page", (
            f"page {item.page} is outside the source '{item.source}', which has {pages} "
            f"page{'' if pages == 1 else 's'}"
        )
    return None
