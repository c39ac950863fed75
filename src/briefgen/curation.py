"""Tools for curators: register a source, find where words stand in the sources, and turn
a verbatim passage into a quote item ready to paste.

Curators write locators (source and paragraph) by hand; these tools count the
paragraphs the way the checks do (:mod:`briefgen.sources`), so what they
print is what ``briefgen data check`` proves.
"""

from __future__ import annotations

import difflib
import re
import shutil
import textwrap
from dataclasses import dataclass
from pathlib import Path

from briefgen.datamodel import SLUG_PATTERN
from briefgen.errors import BriefgenError, Problem, did_you_mean
from briefgen.inputfiles import is_regular
from briefgen.load_dataset import Dataset, load_dataset
from briefgen.pdfsource import SourceUnreadable
from briefgen.sources import (
    SOFT_HYPHEN,
    SOURCE_SUFFIXES,
    SourceText,
    normalise_space,
    read_source,
    shown,
    where_in,
)

# Where one sentence ends and the next begins (after a closing quotation mark, too).
NEXT_SENTENCE = r"\s+(?=[\"“«(]?[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ0-9])"
SENTENCE_END = re.compile(rf"(?<=[.!?…]){NEXT_SENTENCE}|(?<=[.!?…][”\"»’)]){NEXT_SENTENCE}")


@dataclass(frozen=True)
class Found:
    source: str
    paragraph: int
    sentence: str  # the sentence holding the words (the paragraph if they span several)
    page: int | None = None  # for a PDF source

    @property
    def locator(self) -> str:
        """``page 3 paragraph 2``, or ``paragraph 12`` for a source without pages."""
        return (f"page {self.page} " if self.page else "") + f"paragraph {self.paragraph}"


def source_texts(dataset: Dataset) -> dict[str, SourceText]:
    # A dataset made by hand (tests) may give paragraphs only.
    return dataset.texts or {
        source: SourceText((tuple(paragraphs),))
        for source, paragraphs in dataset.paragraphs.items()
    }


def find_words(dataset: Dataset, words: str, source: str | None = None) -> list[Found]:
    """Every place the words stand (case and spacing aside), in source, page and
    paragraph order."""
    texts = source_texts(dataset)
    if source is not None and source not in texts:
        raise BriefgenError(unknown_source(dataset, source, "--source"))
    found = []
    for source_id, text in texts.items():
        if source is not None and source_id != source:
            continue
        for page, number, paragraph in text.places():
            if where_in(words, paragraph, fold=True) is None:
                continue
            flat = shown(normalise_space(paragraph))
            sentences = [
                s for s in SENTENCE_END.split(normalise_space(paragraph))
                if where_in(words, s, fold=True)
            ]  # fmt: skip
            found.append(Found(source_id, number, shown(sentences[0]) if sentences else flat, page))
    return found


def quote_item(
    dataset: Dataset,
    source: str,
    paragraph: int,
    text: str,
    speaker: str | None = None,
    page: int | None = None,
) -> str:
    """A quote item, as YAML to paste under ``quotes:``, for words that stand verbatim in
    the paragraph (of ``page``, for a PDF); else an error that says where the nearest
    match differs."""
    texts = source_texts(dataset)
    if source not in texts:
        raise BriefgenError(unknown_source(dataset, source, "--source"))
    paragraphs = located_paragraphs(texts[source], source, page)
    on_page = f" of page {page}" if page else ""
    if not 1 <= paragraph <= len(paragraphs):
        raise BriefgenError(
            f"--paragraph: '{source}' has paragraphs 1 to {len(paragraphs)}{on_page}, not "
            f"{paragraph}"
        )
    if speaker is not None and speaker not in dataset.ids("people"):
        raise BriefgenError(
            f"--speaker: unknown person '{speaker}'{did_you_mean(speaker, dataset.ids('people'))}"
            " (see: briefgen data list people)"
        )
    words = normalise_space(text).strip("\"“”«»")
    where = normalise_space(paragraphs[paragraph - 1])
    if where_in(words, where) is None:
        raise BriefgenError(
            f"not word for word in paragraph {paragraph}{on_page} of '{source}': "
            f"{difference(shown(where), words)}"
        )
    slug = "-".join(re.findall(r"[a-z0-9]+", words.lower())[:4]) or "quote"
    lines = [
        f"  - id: {(speaker.split('-')[-1] + '-') if speaker else ''}{slug}",
        f"    source: {source}",
        *([f"    page: {page}"] if page else []),
        f"    paragraph: {paragraph}",
        f"    speaker: {speaker}" if speaker else
        "    speaker: SPEAKER-ID   # who said it: briefgen data list people",
        "    text: >-",
        *textwrap.wrap(words, width=78, initial_indent=" " * 6, subsequent_indent=" " * 6,
                       break_long_words=False, break_on_hyphens=False),
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def located_paragraphs(text: SourceText, source: str, page: int | None) -> tuple[str, ...]:
    """The paragraphs ``--paragraph`` counts: those of ``--page`` for a PDF source."""
    if text.paged and page is None:
        raise BriefgenError(
            f"--page: '{source}' is a PDF; give --page (1 to {len(text.pages)}) with "
            "--paragraph, counted on that page"
        )
    if not text.paged and page is not None:
        raise BriefgenError(f"--page: '{source}' has no pages (only PDF sources do); leave "
                            "--page out")  # fmt: skip
    if text.paged and not 1 <= page <= len(text.pages):
        raise BriefgenError(f"--page: '{source}' has pages 1 to {len(text.pages)}, not {page}")
    return text.on_page(page)


def line_break_words(words: str, paragraph: str) -> list[str]:
    """The words of a quote that run over a hyphen at a line's end in a PDF: the quote
    holds them as given, hyphen or not, and a curator should check which is meant."""
    span = where_in(normalise_space(words).strip("\"“”«»"), paragraph)
    if span is None:
        return []
    passage = normalise_space(paragraph)[span[0] : span[1]]
    return [shown(word) for word in passage.split() if SOFT_HYPHEN in word]


def difference(paragraph: str, words: str) -> str:
    """Where ``words`` part from the passage of ``paragraph`` that matches them best."""
    matcher = difflib.SequenceMatcher(None, paragraph, words, autojunk=False)
    # Aligned on the first run of a dozen letters that agree, in the order of the words.
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= min(12, len(words))]
    if not blocks:
        return "nothing close to these words there; try: briefgen data find \"some words\""
    start = blocks[0].a - blocks[0].b  # where the words would begin in the paragraph
    for offset, letter in enumerate(words):
        at = start + offset
        if at < 0 or at >= len(paragraph) or paragraph[at] != letter:
            back = words.rfind(" ", 0, offset) + 1  # from the start of the word that differs
            offset, at = back, start + back
            agreed = words[max(0, offset - 30) : offset]
            source_has = paragraph[max(at, 0) : max(at, 0) + 25] if at < len(paragraph) else ""
            return (
                f"after «…{agreed}» the source has «{source_has}…», you gave "
                f"«{words[offset : offset + 25]}…»"
            )
    return "the words run past the end of the paragraph"


def unknown_source(dataset: Dataset, source: str, option: str) -> str:
    known = list(dataset.paragraphs)
    return f"{option}: unknown source '{source}'{did_you_mean(source, known)} (sources: " \
        f"{', '.join(known)})"  # fmt: skip


@dataclass(frozen=True)
class NewSource:
    id: str
    title: str
    publisher: str
    date: str  # YYYY, YYYY-MM or YYYY-MM-DD
    language: str = "en"
    kind: str = "news article"
    url: str | None = None


def add_source(folder: Path, file: Path, new: NewSource) -> tuple[list[Path], SourceText]:
    """Copy ``file`` into the dataset folder's ``sources/`` and register it in a dataset
    file of its own (``<id>.yaml``); return what was written and the source's numbered
    paragraphs (on each page, for a PDF). The dataset must still load afterwards, or
    nothing is left written."""
    folder, file = Path(folder), Path(file)
    if not folder.is_dir():
        raise BriefgenError(Problem(
            "add-source needs the dataset's folder (a dataset may be a folder of YAML "
            "files); give --dataset DIR", folder))  # fmt: skip
    if not re.match(SLUG_PATTERN, new.id):
        raise BriefgenError(f"--id: '{new.id}' is not a valid id; use lowercase letters, "
                            "digits and hyphens")  # fmt: skip
    if not is_regular(file) or file.suffix.lower() not in SOURCE_SUFFIXES:
        raise BriefgenError(Problem(
            f"not a source file briefgen reads: a regular {', '.join(SOURCE_SUFFIXES)} file",
            file))  # fmt: skip
    checked_options(new)  # a bad --date or --url: said as the option, before any writing
    text_path = folder / "sources" / f"{new.id}{file.suffix.lower()}"
    entry_path = folder / f"{new.id}.yaml"
    for taken in (text_path, entry_path):
        if taken.exists():
            raise BriefgenError(Problem("already exists; choose another --id", taken))
    try:
        paragraphs = read_source(file)
    except SourceUnreadable as exc:
        raise BriefgenError(Problem(str(exc), file)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BriefgenError(Problem(f"cannot read it as UTF-8 text: {exc}", file)) from None
    if not paragraphs.paragraphs:
        raise BriefgenError(Problem("has no paragraphs of text", file))
    written = []
    try:
        text_path.parent.mkdir(exist_ok=True)
        shutil.copyfile(file, text_path)
        written.append(text_path)
        entry_path.write_text(source_entry(new, text_path.relative_to(folder)), "utf-8")
        written.append(entry_path)
        load_dataset(folder)  # proves the new file (dates, ids unique across the folder)
    except (OSError, BriefgenError) as exc:
        for path in written:
            path.unlink(missing_ok=True)
        if isinstance(exc, BriefgenError):
            raise
        raise BriefgenError(Problem(f"cannot write: {exc.strerror}", exc.filename)) from None
    return written, paragraphs


def checked_options(new: NewSource) -> None:
    """The options as the dataset will read them (its own ``Source`` model), each problem
    named by its option: ``--date: '2026-13' is not a real date (...)``."""
    from pydantic import ValidationError

    from briefgen.datamodel import Source
    from briefgen.validation import describe

    fields = {"id": new.id, "title": new.title, "publisher": new.publisher, "date": new.date,
              "kind": new.kind, "language": new.language, "file": "-", "url": new.url}  # fmt: skip
    try:
        Source.model_validate(fields)
    except ValidationError as exc:
        raise BriefgenError([
            Problem(f"--{error['loc'][0]}: {describe(Source, tuple(error['loc']), error)}")
            for error in exc.errors()
        ]) from None


def source_entry(new: NewSource, relative: Path) -> str:
    def quoted(value: str) -> str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        f"# {new.id}: registered by `briefgen data add-source`. Add the facts and quotes",
        "# curated from it below (under facts: and quotes:), each with its paragraph.",
        "",
        "sources:",
        f"  - id: {new.id}",
        f"    title: {quoted(new.title)}",
        f"    publisher: {quoted(new.publisher)}",
        f"    date: {quoted(new.date)}",
        f"    kind: {quoted(new.kind)}",
        f"    language: {quoted(new.language)}",
        f"    file: {relative.as_posix()}",
    ]
    if new.url:
        lines.append(f"    url: {quoted(new.url)}")
    return "\n".join(lines) + "\n"
