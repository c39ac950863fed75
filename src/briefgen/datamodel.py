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

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    model_validator,
)

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

# http(s); a host name (letters, digits, dots, hyphens: a non-Latin name in its xn--
# form), an IPv4 or a bracketed IPv6 address, with no user part (``https://trusted@
# other``); then only the characters RFC 3986 allows, printable ASCII all: a reader
# must see the address the link goes to (no invisible or look-alike characters).
WEB_ADDRESS = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?"
    r"(?:[/?#][a-z0-9\-._~!$&'()*+,;=:@/?#%]*)?$",
    re.I,
)
LONGEST_WEB_ADDRESS = 2000  # what browsers and servers reliably take; a page of endnotes else


def check_web_address(value: str) -> str:
    """Where a source was published: an http(s) address, since briefs print it as a link
    (never javascript:, file: or data:, which a reader's click would run or open)."""
    shown = repr(value if len(value) <= 80 else value[:77] + "...")
    if len(value) > LONGEST_WEB_ADDRESS:
        raise ValueError(f"{shown} is longer than {LONGEST_WEB_ADDRESS:,} characters; give "
                         "the address of the page itself")  # fmt: skip
    odd = next((c for c in value if not " " < c < "\x7f"), None)
    if odd is not None and odd.isspace():
        raise ValueError(f"{shown} holds white space (U+{ord(odd):04X}), which no address "
                         "has: remove it at either end, or write it as %20 inside")  # fmt: skip
    if odd is not None:
        raise ValueError(
            f"{shown} holds U+{ord(odd):04X}, which is not printable ASCII: a reader would "
            "not see where the link goes; write the address percent-encoded (a non-Latin "
            "host in its xn-- form)"
        )
    if not WEB_ADDRESS.match(value) or "%00" in value:
        raise ValueError(
            f"{shown} is not a web address: give one as https://host/path (or http://), "
            "with no spaces, quotes or user@ part, or leave url: out"
        )
    return value


WebAddress = Annotated[str, AfterValidator(check_web_address)]


# Languages a brief can be written in (its fixed labels exist in each).
Language = Literal["en", "ru", "kk"]
LANGUAGES: tuple[str, ...] = ("en", "ru", "kk")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Translation(Strict):
    """An item's text in another language: who translated it, and whether it is official.

    Each kind's translation gives exactly the fields a brief prints of that kind
    (:func:`translated_fields`); quotes stay verbatim in the original, and a brief
    that prints an unofficial translation says so and cites the original wording.
    """

    by: Text = Field(description="who translated it (a person, a unit, or a publisher)")
    official: bool = Field(default=False, description="true: an official translation")


def translation_model(kind: str, *fields: str) -> type[Translation]:
    return create_model(
        f"{kind.title()}Translation",
        __base__=Translation,
        **{name: (Text | None, None) for name in fields},
    )


FactTranslation = translation_model("facts", "text")
QuoteTranslation = translation_model("quotes", "text")
PersonTranslation = translation_model("people", "name", "role")
NameTranslation = translation_model("names", "name")  # organisations, states, workstreams
EventTranslation = translation_model("events", "name", "place")
FigureTranslation = translation_model("figures", "label", "unit")
TRANSLATIONS_DESCRIPTION = "the item in other languages: language → its fields, by, official"


def translated_fields(translation: type[Translation]) -> tuple[str, ...]:
    """The item fields a kind's translation gives (all but ``by`` and ``official``)."""
    return tuple(name for name in translation.model_fields if name not in Translation.model_fields)


DatePart = Literal["year", "month", "day"]
INFERRED_DATE_DESCRIPTION = (
    "the parts of the date the source does not print but that were inferred (say how in "
    "the note); briefs print them marked as inferred"
)


class Sourced(Strict):
    """An item tied to a place in a source."""

    id: Slug
    source: Slug
    page: int | None = Field(
        default=None, ge=1,
        description="page of a PDF source (the file's first page is 1); its paragraphs "
        "are then counted on that page. Only for PDF sources",
    )  # fmt: skip
    paragraph: int = Field(ge=1, description="paragraph number in the source text")
    tags: tuple[Slug, ...] = ()
    marking: Text | None = Field(
        default=None, description="handling marking (a level of the workspace's scheme)"
    )
    releasable: bool = Field(default=True, description="cleared for a releasable edition")
    inferred: dict[Slug, Text] = Field(
        default_factory=dict,
        description="what of this item is an inference, not what the source says: "
        "field → how it was inferred (e.g. event: two paragraphs taken as one meeting)",
    )

    @model_validator(mode="after")
    def inferred_names_fields(self):
        unknown = sorted(set(self.inferred) - set(type(self).model_fields))
        if unknown:
            raise ValueError(
                f"inferred: {', '.join(unknown)} is not a field of this item "
                f"(fields: {', '.join(type(self).model_fields)})"
            )
        return self


class Source(Strict):
    id: Slug
    title: Text
    publisher: Text
    date: PartialDate
    kind: Text
    language: Text
    file: Text = Field(
        description="the source's text, relative to the dataset file's folder: .txt (blocks "
        "after a --- line), .md or .html (paragraphs as a reader sees them), or .pdf "
        "(paragraphs counted on each page; items give page: too)"
    )
    url: WebAddress | None = Field(
        default=None, description="where it was published (http or https); briefs link to it"
    )
    note: str | None = None
    date_inferred: tuple[DatePart, ...] = Field(default=(), description=INFERRED_DATE_DESCRIPTION)


class Event(Sourced):
    name: Text
    place: str | None = None
    date: PartialDate | None = Field(
        default=None, description="None where the source gives no date"
    )
    date_note: str | None = None
    date_inferred: tuple[DatePart, ...] = Field(default=(), description=INFERRED_DATE_DESCRIPTION)
    organisations: tuple[Slug, ...] = ()
    translations: dict[Language, EventTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class Organisation(Sourced):
    name: Text
    short: str | None = None
    kind: Text
    state: Slug | None = None
    name_note: str | None = Field(
        default=None, description="for curators: where the name comes from (not printed)"
    )
    translations: dict[Language, NameTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class State(Sourced):
    name: Text
    founding: bool = False
    note: str | None = None
    translations: dict[Language, NameTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class Person(Sourced):
    name: Text
    role: Text
    organisation: Slug | None = None
    state: Slug | None = None
    translations: dict[Language, PersonTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class Workstream(Sourced):
    name: Text  # as the source names it
    leads: str | None = None
    context: Slug | None = Field(
        default=None,
        description="the fact a brief prints beside the name, as its line of context",
    )
    translations: dict[Language, NameTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class Figure(Sourced):
    """A number the source states (or one derived from such numbers)."""

    label: Text
    value: int
    bound: Literal["exact", "more-than"] = "exact"
    unit: Text
    derived_from: tuple[Slug, ...] = ()
    translations: dict[Language, FigureTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class Quote(Sourced):
    speaker: Slug
    text: Text
    event: Slug | None = None
    workstreams: tuple[Slug, ...] = ()
    translations: dict[Language, QuoteTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class Fact(Sourced):
    text: Text
    people: tuple[Slug, ...] = ()
    organisations: tuple[Slug, ...] = ()
    states: tuple[Slug, ...] = ()
    workstreams: tuple[Slug, ...] = ()
    event: Slug | None = None
    translations: dict[Language, FactTranslation] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )


class DatasetFile(Strict):
    """The shape of a dataset YAML file (a dataset may be a folder of them)."""

    tags: dict[Slug, Text] = Field(
        default_factory=dict,
        description="the tag vocabulary: tag → meaning (in any file of the dataset)",
    )
    sources: tuple[Source, ...] = ()
    events: tuple[Event, ...] = ()
    organisations: tuple[Organisation, ...] = ()
    states: tuple[State, ...] = ()
    people: tuple[Person, ...] = ()
    workstreams: tuple[Workstream, ...] = ()
    figures: tuple[Figure, ...] = ()
    quotes: tuple[Quote, ...] = ()
    facts: tuple[Fact, ...] = ()
    keywords: dict[Language, dict[Slug, Text]] = Field(
        default_factory=dict,
        description="a tag's keyword in a brief's language (PDF and DOCX keywords): "
        "language → tag → keyword",
    )


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
