"""What a briefing spec (``briefs/*.yaml``) holds.

The models double as the spec's schema: one field per key, with its meaning.
Ids, tags and audiences are checked against the dataset and the templates
passed in the validation context, so pydantic reports them in the same pass
as wrong keys and wrong types: every problem at once, each at its key path.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    create_model,
)

from briefgen.datamodel import Language, Slug, Strict, Text, singular
from briefgen.errors import did_you_mean
from briefgen.sources import split_blocks

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
Format = Literal["pdf", "docx"]
Edition = Literal["full", "releasable", "both"]
# Figures drawn from the dataset: the initiative's events, and its supporting states.
Chart = Literal["timeline", "supporting-states"]
SectionKind = Literal[
    "summary",
    "purpose",
    "recommendation",
    "key-points",
    "background",
    "key-messages",
    "lines-to-take",
    "quotes",
    "q-and-a",
    "annex",
    "other",
]


@dataclass(frozen=True)
class Choices:
    """Marks a value whose choices depend on the workspace or the dataset (``ids:facts``,
    ``tags``, ``audiences``, ``markings``, ``cite``, ``routine``): validation checks them
    through its context; :mod:`briefgen.schema` writes them into the JSON Schema, so an
    editor completes them. The mark is all the JSON Schema needs from here."""

    of: str

    def __get_pydantic_json_schema__(self, core_schema, handler):
        schema = handler(core_schema)
        schema["x-briefgen-choices"] = self.of
        return schema


def _dataset(info: ValidationInfo):
    return (info.context or {}).get("dataset")


def item_id(kind: str):
    """An id that must name an item of ``kind`` in the dataset (when one is given)."""

    def check(value: str, info: ValidationInfo) -> str:
        dataset = _dataset(info)
        if dataset is None or value in dataset.ids(kind):
            return value
        other = dataset.kind_of.get(value)
        if other:
            raise ValueError(f"'{value}' is one of the {other}, not one of the {kind}")
        singular_name = singular(kind)
        raise ValueError(
            f"unknown {singular_name} id '{value}'{did_you_mean(value, dataset.ids(kind))}"
            f" (see: briefgen data list {kind})"
        )

    return Annotated[str, AfterValidator(check), Choices(f"ids:{kind}")]


def check_tag(value: str, info: ValidationInfo) -> str:
    dataset = _dataset(info)
    if dataset is None or value in dataset.tags:
        return value
    raise ValueError(f"unknown tag '{value}'{did_you_mean(value, dataset.tags)}")


def check_audience(value: str, info: ValidationInfo) -> str:
    audiences = (info.context or {}).get("audiences")
    if not audiences or value in audiences:
        return value
    raise ValueError(
        f"unknown audience '{value}'{did_you_mean(value, audiences)}"
        f" (known: {', '.join(sorted(audiences))})"
    )


def check_marking(value: str, info: ValidationInfo) -> str:
    """A level of the workspace's marking scheme: its id, or a label or short form of it
    (``ДСП``), which stands for the id from here on."""
    scheme = (info.context or {}).get("scheme")
    if scheme is None:
        return value
    level = scheme.resolve(value)
    if level is None:
        raise ValueError(scheme.unknown(value))
    return level


Marking = Annotated[Text, AfterValidator(check_marking), Choices("markings")]


def routine_or_date(value: Any) -> Any:
    """``critical_date: Routine`` means no critical date; an empty one is a mistake."""
    if value is None or isinstance(value, str):
        if isinstance(value, str) and value.strip().lower() == "routine":
            return None
        raise ValueError("write 'Routine', or give 'date:' and 'reason:' beneath it")
    return value


def iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD``: pydantic alone would also take ``0`` (1970) or a timestamp."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError(f"expected a date as YYYY-MM-DD, got '{value}'")
    return value


Date = Annotated[dt.date, BeforeValidator(iso_date)]


Tag = Annotated[str, AfterValidator(check_tag), Choices("tags")]
Audience = Annotated[str, AfterValidator(check_audience), Choices("audiences")]


def selector_model(kind: str, **criteria: str) -> type[Strict]:
    """The selection keys for one item kind; ``criteria`` maps key → kind of id it takes.

    Order of the result: the ``ids`` first, in the order written; then every
    other item matching all criteria given, in dataset order; ``exclude``
    removes, ``limit`` keeps the first N.
    """
    ids = tuple[item_id(kind), ...]
    fields: dict[str, Any] = {
        "ids": (ids, Field(default=(), description="these items, in this order")),
        "tags": (tuple[Tag, ...], Field(default=(), description="items with any of these tags")),
        "all_tags": (tuple[Tag, ...], Field(default=(), description="items with all these tags")),
        "exclude": (ids, Field(default=(), description="never these items")),
        "limit": (int | None, Field(default=None, ge=1, description="at most this many")),
    }
    for key, target in criteria.items():
        fields[key] = (
            tuple[item_id(target), ...],
            Field(default=(), description=f"items that name any of these {target}"),
        )
    return create_model(f"{kind.title()}Selector", __base__=Strict, **fields)


# What a section can pick from the dataset, and by which criteria.
SELECTORS: dict[str, type[Strict]] = {
    "facts": selector_model(
        "facts",
        people="people",
        organisations="organisations",
        states="states",
        workstreams="workstreams",
        events="events",
    ),
    "quotes": selector_model(
        "quotes",
        speakers="people",
        organisations="organisations",
        workstreams="workstreams",
    ),
    "people": selector_model("people", organisations="organisations", states="states"),
    "organisations": selector_model("organisations"),
    "states": selector_model("states"),
    "workstreams": selector_model("workstreams"),
    "events": selector_model("events"),
    "figures": selector_model("figures"),
}

Selection = create_model(
    "Selection",
    __base__=Strict,
    **{
        kind: (model | None, Field(default=None, description=f"pick {kind}"))
        for kind, model in SELECTORS.items()
    },
)


def any_item_id(value: str, info: ValidationInfo) -> str:
    """An item a brief can cite: anything in the dataset but a source itself."""
    dataset = _dataset(info)
    if dataset is None or dataset.kind_of.get(value, "sources") != "sources":
        return value
    raise ValueError(
        f"unknown id '{value}'{did_you_mean(value, dataset.kind_of)} (see: briefgen data list)"
    )


CiteId = Annotated[str, AfterValidator(any_item_id), Choices("cite")]


class CitedText(Strict):
    """A paragraph or point in the author's own words, and what it rests on."""

    text: Text = Field(description="your own words")
    cite: tuple[CiteId, ...] = Field(
        default=(), description="dataset items it rests on (endnotes), e.g. [six-founding-states]"
    )


def own_words(value: Any) -> Any:
    """A point or paragraph is text, or ``{text: ..., cite: [ids]}``. A line with ': ' in
    it that YAML read as a mapping is the commonest slip: say how to write it."""
    if isinstance(value, str):
        return {"text": value}
    if isinstance(value, dict) and len(value) == 1 and not {"text", "cite"} & set(value):
        key = next(iter(value))
        raise ValueError(
            f"this line has ': ' after '{key}', so YAML read it as a key and a value; put "
            f"the whole line in quotes, e.g. - \"{key}: ...\" (or give text: and cite:)"
        )
    return value


OwnWords = Annotated[CitedText, BeforeValidator(own_words, json_schema_input_type=Text | CitedText)]


def paragraphs_of(value: Any) -> Any:
    """``text:`` is paragraphs separated by blank lines, or a list of them (each text, or
    text with cite)."""
    if isinstance(value, str):
        return [" ".join(block.split()) for block in split_blocks(value)]
    return value


class QuestionAnswer(Strict):
    question: Text = Field(description="the question as it may be asked")
    answer: Text = Field(description="the answer, in your own words")
    cite: tuple[CiteId, ...] = Field(
        default=(), description="dataset items the answer rests on (endnotes)"
    )


class Section(Strict):
    heading: Text = Field(description="the section's heading, as printed")
    kind: SectionKind = Field(
        default="other",
        description="what the section is for: audiences place and style sections by kind",
    )
    text: Annotated[
        tuple[OwnWords, ...],
        BeforeValidator(paragraphs_of, json_schema_input_type=str | list[Text | CitedText]),
    ] = Field(
        default=(),
        description="paragraphs, separated by blank lines; or a list of them, each text or "
        "{text, cite}",
    )
    points: tuple[OwnWords, ...] = Field(
        default=(), description="bullet points: each text, or {text, cite: [ids]}"
    )
    select: Selection | None = Field(  # type: ignore[valid-type]
        default=None, description="items picked from the dataset, by kind"
    )
    questions: tuple[QuestionAnswer, ...] = Field(
        default=(), description="defensive Q&A: question, answer, cite"
    )
    releasable: bool | None = Field(
        default=None,
        description="in a releasable edition? Default: yes, but for the kinds that hold "
        "internal advice (summary, recommendation, key-messages, lines-to-take, q-and-a, "
        "annex)",
    )
    marking: Marking | None = Field(
        default=None,
        description="the marking of this section's own words (text, points, answers); "
        "default: the brief's. A releasable edition is marked at least this",
    )
    charts: tuple[Chart, ...] = Field(default=(), description="figures drawn from the dataset")


class Contact(Strict):
    """The contact officer: name and role, e.g. {name: A. Seitkali, role: Desk Officer}."""

    name: Text = Field(description="the contact officer's name")
    role: Text = Field(description="their role, e.g. Desk Officer, IHL Unit")
    phone: str | None = Field(default=None, description="left out of releasable editions")
    email: str | None = Field(default=None, description="left out of releasable editions")


def contact_shape(value: Any) -> Any:
    """``contact: A. Officer, Desk Officer`` on one line is a natural slip: show the shape."""
    if isinstance(value, str):
        raise ValueError(
            "give the contact officer as name: and role: on lines beneath it, e.g. "
            "contact: {name: A. Officer, role: Desk Officer} (phone: and email: may follow)"
        )
    return value


class CriticalDate(Strict):
    date: Date = Field(description="when a decision is needed, YYYY-MM-DD")
    reason: Text = Field(description="why by then")


class Spec(Strict):
    id: Slug = Field(description="names the outputs: build/<id>.pdf; defaults to the file name")
    title: Text = Field(description="the brief's title")
    subject: str | None = Field(default=None, description="defaults to the title")
    audience: Audience = Field(description="who it is for: a folder of templates/")
    date: Date = Field(description="the brief's date, YYYY-MM-DD")
    as_of: Date | None = Field(
        default=None,
        description="the date the brief's facts must hold at, if not its own date "
        "(items' age and events described as to come are judged then)",
    )
    reference: Text = Field(description="the brief's reference number")
    marking: Marking = Field(description="a level of the workspace's marking scheme")
    language: Language = Field(default="en", description="of the brief's fixed text and dates")
    formats: tuple[Format, ...] = Field(default=("pdf", "docx"), description="what to write")
    edition: Edition = Field(
        default="full", description="releasable: only what is cleared; both: the two editions"
    )
    draft: bool = Field(default=False, description="a DRAFT watermark on every page")
    page_budget: int | None = Field(
        default=None, ge=1, description="pages it should fit in (default: the audience's)"
    )
    addressee: Text = Field(alias="for", description="who the brief is for")
    department: Text = Field(alias="from", description="who it is from")
    contact: Annotated[
        Contact, BeforeValidator(contact_shape, json_schema_input_type=Contact)
    ] = Field(description="the contact officer: name and role beneath it (phone, email)")
    critical_date: Annotated[
        CriticalDate | None, BeforeValidator(routine_or_date), Choices("routine")
    ] = Field(description="'Routine', or date: and reason: beneath it")
    sections: tuple[Section, ...] = Field(
        min_length=1, description="in the order you want them (an audience may regroup them)"
    )


class AudienceSettings(Strict):
    """``templates/<audience>/audience.yaml``: what briefgen needs besides the templates."""

    description: str = ""
    page_budget: int | None = Field(default=None, ge=1, description="for specs that set none")
    numbered_paragraphs: bool = Field(
        default=False,
        description="number the body's paragraphs and points 1, 2, 3… in both formats",
    )
    max_source_age_months: int | None = Field(
        default=None, ge=1,
        description="warn of items whose source is older than this at the brief's date",
    )
    cite_numbers: bool = Field(
        default=False,
        description="warn of a number in the author's own words that cites nothing "
        "(always with --strict)",
    )
