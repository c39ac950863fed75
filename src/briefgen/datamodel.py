"""The curated dataset: what each kind of item holds.

Every item has a stable slug ``id`` and is tied to a source and a paragraph of
it (``paragraph``, counted as described in :mod:`briefgen.sources`). Facts are
in our own words; quotes are verbatim. Cross-references (speaker, organisation,
workstream…) are ids and are checked by :mod:`briefgen.load_dataset`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"  # ids, tags, audience names
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def check_partial_date(value: str) -> str:
    """A date given with the precision the source has: ``2026``, ``2025-10`` or ``2025-10-07``."""
    match = PARTIAL_DATE.match(value)
    if not match:
        raise ValueError(f"'{value}' is not a date; write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a real date ({exc})") from None
    return value


PartialDate = Annotated[str, AfterValidator(check_partial_date)]


# Protective markings, lowest first.
MARKINGS = ("UNCLASSIFIED", "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
Marking = Literal["UNCLASSIFIED", "OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(Strict):
    """An item tied to a place in a source."""

    id: Slug
    source: Slug
    paragraph: int = Field(ge=1, description="paragraph number in the source text")
    tags: tuple[Slug, ...] = ()
    marking: Marking = Field(default="OFFICIAL", description="handling marking of the item")
    releasable: bool = Field(default=True, description="cleared for a releasable edition")


class Source(Strict):
    id: Slug
    title: Text
    publisher: Text
    date: PartialDate
    kind: Text
    language: Text
    file: Text = Field(description="text of the source, relative to the dataset folder")
    note: str | None = None


class Event(Sourced):
    name: Text
    place: str | None = None
    date: PartialDate | None = Field(
        default=None, description="None where the source gives no date"
    )
    date_note: str | None = None
    organisations: tuple[Slug, ...] = ()


class Organisation(Sourced):
    name: Text
    short: str | None = None
    kind: Text
    state: Slug | None = None


class State(Sourced):
    name: Text
    founding: bool = False
    note: str | None = None


class Person(Sourced):
    name: Text
    role: Text
    organisation: Slug | None = None
    state: Slug | None = None


class Workstream(Sourced):
    name: Text
    leads: str | None = None


class Figure(Sourced):
    """A number the source states (or one derived from such numbers)."""

    label: Text
    value: int
    bound: Literal["exact", "more-than"] = "exact"
    unit: Text
    derived_from: tuple[Slug, ...] = ()


class Quote(Sourced):
    speaker: Slug
    text: Text
    event: Slug | None = None
    workstreams: tuple[Slug, ...] = ()


class Fact(Sourced):
    text: Text
    people: tuple[Slug, ...] = ()
    organisations: tuple[Slug, ...] = ()
    states: tuple[Slug, ...] = ()
    workstreams: tuple[Slug, ...] = ()
    event: Slug | None = None


class DatasetFile(Strict):
    """The shape of the dataset YAML file."""

    tags: dict[Slug, Text] = Field(description="the tag vocabulary: tag → meaning")
    sources: tuple[Source, ...]
    events: tuple[Event, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    states: tuple[State, ...] = ()
    people: tuple[Person, ...] = ()
    workstreams: tuple[Workstream, ...] = ()
    figures: tuple[Figure, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts: tuple[Fact, ...] = ()


def singular(kind: str) -> str:
    """``people`` → ``person``, ``facts`` → ``fact``."""
    return "person" if kind == "people" else kind.removesuffix("s")


# Item kinds a spec can select and ``briefgen data list`` can show, in display order.
ITEM_KINDS = (
    "facts",
    "quotes",
    "people",
    "organisations",
    "states",
    "workstreams",
    "events",
    "figures",
    "sources",
)
