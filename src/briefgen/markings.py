"""Marking schemes: the protective markings a workspace uses, as data.

A scheme (``markings.yaml`` in a workspace, else briefgen's default) lists its
levels lowest first, each with a label per language, a short form and a
colour; which level a dataset item without a marking has; and what a
releasable edition may carry (its floor and the highest level that may be
released). Everything that orders or prints markings asks the scheme: no
other module compares marking names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints, model_validator

from briefgen.datamodel import Strict, Text
from briefgen.errors import BriefgenError, did_you_mean
from briefgen.workspace import SCHEMES_DIR, scheme_path

LANGUAGES = ("en", "ru", "kk")

def check_colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"'{value}' is not a colour; write it as #rrggbb, e.g. \"#7a1f1f\"")
    return value


Colour = Annotated[str, AfterValidator(check_colour)]
Language = Annotated[str, StringConstraints(pattern=r"^(en|ru|kk)$")]


class Level(Strict):
    id: Text = Field(description="what specs and dataset items write, e.g. OFFICIAL-SENSITIVE")
    label: dict[Language, Text] = Field(min_length=1, description="printed marking, per language")
    short: dict[Language, Text] = Field(default_factory=dict, description="short form")
    colour: Colour = Field(default="#000000", description="of the marking line on the page")
    unconfirmed: dict[Language, Text] = Field(
        default_factory=dict,
        description="labels not yet checked against their legal text: language → why; a "
        "brief printing one is warned",
    )


class ReleaseRule(Strict):
    floor: Text = Field(description="the lowest marking a releasable edition carries")
    highest: Text = Field(description="the highest level that may be released")


class SchemeFile(Strict):
    """The shape of a ``markings.yaml``."""

    name: Text
    description: str = ""
    sources: tuple[Text, ...] = Field(default=(), description="where the wording comes from")
    levels: tuple[Level, ...] = Field(description="lowest first")
    items_default: Text = Field(description="the marking of a dataset item that gives none")
    release: ReleaseRule

    @model_validator(mode="after")
    def levels_named(self) -> SchemeFile:
        if not self.levels:
            raise ValueError("levels: give at least one level, lowest first")
        ids = [level.id for level in self.levels]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"levels: each id once; repeated: {', '.join(duplicates)}")
        for key, value in (
            ("items_default", self.items_default),
            ("release.floor", self.release.floor),
            ("release.highest", self.release.highest),
        ):
            if value not in ids:
                raise ValueError(f"{key}: '{value}' is not a level{did_you_mean(value, ids)}")
        if ids.index(self.release.floor) > ids.index(self.release.highest):
            raise ValueError("release.floor is above release.highest")
        return self


@dataclass(frozen=True)
class MarkingScheme:
    content: SchemeFile
    path: Path

    @property
    def name(self) -> str:
        return self.content.name

    @cached_property
    def ids(self) -> tuple[str, ...]:
        return tuple(level.id for level in self.content.levels)

    @cached_property
    def _levels(self) -> dict[str, Level]:
        return {level.id: level for level in self.content.levels}

    def rank(self, level: str) -> int:
        return self.ids.index(level)

    def highest(self, levels: list[str] | tuple[str, ...], at_least: str | None = None) -> str:
        """The highest of ``levels`` (and ``at_least``)."""
        candidates = [*levels, *([at_least] if at_least else [])]
        return max(candidates, key=self.rank)

    def above(self, level: str, other: str) -> bool:
        return self.rank(level) > self.rank(other)

    def item_level(self, item) -> str:
        """A dataset item's marking as a level id (it may be written as a label or short
        form); an item that gives none has the scheme's default. A marking the scheme
        does not have comes back as written: callers check ``in scheme.ids``."""
        marking = getattr(item, "marking", None)
        if marking is None:
            return self.content.items_default
        return self.resolve(marking) or marking

    def releasable(self, level: str) -> bool:
        return not self.above(level, self.content.release.highest)

    @property
    def release_floor(self) -> str:
        return self.content.release.floor

    @property
    def release_highest(self) -> str:
        return self.content.release.highest

    def label(self, level: str, language: str) -> str:
        return _in_language(self._levels[level].label, language)

    def has_label(self, level: str, language: str) -> bool:
        return language in self._levels[level].label

    def short(self, level: str, language: str) -> str:
        short = self._levels[level].short
        return _in_language(short, language) if short else self.label(level, language)

    def colour(self, level: str) -> str:
        return self._levels[level].colour

    def resolve(self, value: str) -> str | None:
        """The level a spec or item names: its id, or any of its labels or short forms
        (``marking: ДСП`` in a Russian brief), whatever their case."""
        if value in self._levels:
            return value
        wanted = _fold(value)
        for level in self.content.levels:
            names = (level.id, *level.label.values(), *level.short.values())
            if any(_fold(name) == wanted for name in names):
                return level.id
        return None

    def unknown(self, value: str) -> str:
        """The message for a marking the scheme does not have."""
        names = [
            name
            for level in self.content.levels
            for name in (level.id, *level.label.values(), *level.short.values())
        ]
        shorts = [s for level in self.content.levels for s in level.short.values()]
        if self.path.parent == SCHEMES_DIR:
            where = f"the {self.name} scheme has: {', '.join(self.ids)}; a workspace's " \
                "markings.yaml may set others"  # fmt: skip
        else:
            where = f"the {self.name} scheme of {self.path} has: {', '.join(self.ids)}"
            where += f", or their labels and short forms, e.g. {shorts[-1]}" if shorts else ""
        # A near id first; a near label or short form (ДПС for ДСП) else.
        near = did_you_mean(value, self.ids) or did_you_mean(value, names)
        return f"unknown marking '{value}'{near} ({where})"

    def unconfirmed(self, level: str, language: str) -> str | None:
        """Why a level's label in a language is not confirmed yet, if the scheme says so."""
        return self._levels[level].unconfirmed.get(language)


def _in_language(texts: dict[str, str], language: str) -> str:
    """The text in ``language``, else in English, else the first given."""
    return texts.get(language) or texts.get("en") or next(iter(texts.values()))


def _fold(text: str) -> str:
    return re.sub(r"[\s\-–—_]+", " ", text).strip().casefold()


def shipped_schemes() -> dict[str, Path]:
    """The schemes briefgen ships, by name (``briefgen init --markings NAME``)."""
    return {path.stem: path for path in sorted(SCHEMES_DIR.glob("*.yaml"))}


def load_scheme(workspace: Path | None = None) -> MarkingScheme:
    """The marking scheme of a workspace (its ``markings.yaml``, or the default)."""
    path = scheme_path(workspace)
    stat = path.stat()
    return _load(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load(path: Path, mtime_ns: int, size: int) -> MarkingScheme:
    from briefgen.validation import validate_document
    from briefgen.yamlsource import read_yaml

    content, problems = validate_document(
        SchemeFile, read_yaml(path, max_bytes=64 * 1024, max_depth=6)
    )
    if content is None:
        raise BriefgenError(problems)
    return MarkingScheme(content, path)
