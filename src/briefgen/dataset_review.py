"""What ``briefgen data check`` tells a curator beyond errors: which items lack a
translation into each language briefs are written in, and facts whose time words
will rot.

A fact that says "next year" or "recently" reads wrong in a brief dated a year
later, and officials repeat what a brief says: facts give the year instead (an
inferred one marked as such). Words inside quotation marks are the source's own
and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefgen.datamodel import ITEM_KINDS, LANGUAGES
from briefgen.errors import Problem
from briefgen.load_dataset import Dataset, walk_items

# Time words that depend on when they are read, in the languages briefs are written in.
RELATIVE_TIME = re.compile(
    r"\b(?:(?:next|following|last|previous|this|coming|past)\s+(?:year|month|week|decade)"
    r"|recently|currently|nowadays|presently|at\s+present|today|tomorrow|yesterday|soon"
    r"|upcoming|(?:в\s+)?(?:следующем|прошлом|этом|будущем)\s+году|недавно|в\s+настоящее\s+время"
    r"|сейчас|вскоре|келесі\s+жылы|биыл|былтыр|жақында|қазіргі\s+уақытта)\b",
    re.IGNORECASE,
)
# Quoted words are the source's own: “…”, "…", «…», ‘…’.
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|‘[^’]*’")

# What a brief prints of each kind, and so what a translation must give.
TRANSLATED_KINDS = tuple(kind for kind in ITEM_KINDS if kind != "sources")


def relative_time_words(dataset: Dataset) -> list[Problem]:
    """A warning for each fact (and each translation of one) with a time word that rots."""
    warnings = []
    for fact in dataset.items("facts"):
        texts = [(("text",), fact.text)]
        texts += [
            (("translations", language, "text"), translated.text)
            for language, translated in fact.translations.items()
            if translated.text
        ]
        for where, text in texts:
            found = RELATIVE_TIME.findall(QUOTED.sub("", text))
            if not found:
                continue
            words = ", ".join(f"'{word}'" for word in dict.fromkeys(w.lower() for w in found))
            warnings.append(
                dataset.problem(
                    fact.id,
                    where,
                    f"fact '{fact.id}' says {words}, which reads wrong in a brief dated later; "
                    "give the year or date (say so where it is inferred), or quote the "
                    "source's own words",
                    severity="warning",
                )
            )
    return warnings


@dataclass(frozen=True)
class Coverage:
    """How many items of one kind have a translation into one language."""

    kind: str
    language: str
    translated: int
    total: int
    missing: tuple[str, ...]  # item ids


def translation_coverage(dataset: Dataset) -> list[Coverage]:
    """Per kind and language, the items a brief in that language would print untranslated
    (an item already in that language needs none)."""
    rows = []
    for language in LANGUAGES:
        for kind in TRANSLATED_KINDS:
            wanted = [
                item for _, _, item in walk_items(dataset.content)
                if dataset.kind_of[item.id] == kind
                and dataset.get(item.source).language != language
            ]  # fmt: skip
            missing = tuple(item.id for item in wanted if language not in item.translations)
            rows.append(Coverage(kind, language, len(wanted) - len(missing), len(wanted), missing))
    return [row for row in rows if row.total]


def coverage_table(rows: list[Coverage]) -> list[str]:
    """Lines of a table: one row per kind, one column per language, ``translated/total``."""
    languages = list(dict.fromkeys(row.language for row in rows))
    kinds = list(dict.fromkeys(row.kind for row in rows))
    cells = {(row.kind, row.language): f"{row.translated}/{row.total}" for row in rows}
    width = max([len("translations"), *(len(kind) for kind in kinds)])  # none: a new folder
    lines = ["translations".ljust(width) + "".join(f"  {lang:>7}" for lang in languages)]
    for kind in kinds:
        row = "".join(f"  {cells.get((kind, lang), '-'):>7}" for lang in languages)
        lines.append(kind.ljust(width) + row)
    return lines


def missing_lines(rows: list[Coverage]) -> list[str]:
    """The ids behind the table, per language and kind."""
    return [
        f"missing in {row.language}: {row.kind}: {', '.join(row.missing)}"
        for row in rows
        if row.missing
    ]


def unknown_markings(dataset: Dataset, scheme) -> list[Problem]:
    """Items marked with a level the workspace's scheme does not have, at their line."""
    return [
        dataset.problem(item.id, ("marking",), scheme.unknown(item.marking))
        for kind in ITEM_KINDS
        if kind != "sources"
        for item in dataset.items(kind)
        if item.marking is not None and scheme.resolve(item.marking) is None
    ]
