"""The document model: a composed brief, ready for any template.

Plain frozen dataclasses, no behaviour beyond display helpers. Templates see
exactly these names (documented in README, "What templates see"), which is
what lets StrictUndefined turn a typo into an error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    text: str  # e.g. 'The Astana Times, "Kazakhstan Pushes…", paragraph 12'
    # What a table's Source column prints beside the note number: "The Astana Times, para. 12"
    short: str = ""
    url: str | None = None  # where the source was published: http(s), checked at load


@dataclass(frozen=True)
class Entry:
    """One dataset item as a brief shows it."""

    id: str
    kind: str
    citation: Citation


@dataclass(frozen=True)
class FactEntry(Entry):
    text: str


@dataclass(frozen=True)
class QuoteEntry(Entry):
    text: str
    speaker: str
    role: str
    organisation: str | None
    translation_note: str | None = None  # "unofficial translation", in the brief's language


@dataclass(frozen=True)
class PersonEntry(Entry):
    name: str
    role: str
    organisation: str | None


@dataclass(frozen=True)
class NamedEntry(Entry):
    """Organisations, states and workstreams: a name and an optional note."""

    name: str
    note: str | None = None
    # A workstream's line of context from the dataset, citing its own paragraph.
    context: OwnWords | None = None


@dataclass(frozen=True)
class EventEntry(Entry):
    name: str
    place: str | None
    when: str  # the date with the precision the source has, or a statement that it gives none


@dataclass(frozen=True)
class FigureEntry(Entry):
    label: str
    value: str  # "96", "more than 27"
    unit: str


@dataclass(frozen=True)
class QuestionAnswer:
    question: str
    answer: str
    cites: tuple[Entry, ...] = ()  # what the answer rests on, for endnotes


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: int
    entry: Entry


@dataclass(frozen=True)
class ChartEvent:
    when: str  # with the precision the dataset has
    name: str
    dated: bool  # False: the source gives no date, and the chart says so
    entry: Entry


@dataclass(frozen=True)
class Chart:
    """A figure drawn from the dataset; render.charts draws it, alt text included."""

    kind: str  # "timeline" or "supporting-states"
    title: str
    alt: str  # the whole figure in words, for screen readers and the DOCX image
    events: tuple[ChartEvent, ...] = ()
    bars: tuple[ChartBar, ...] = ()

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The dataset items the chart shows, one per place cited, for its endnotes."""
        by_place = {row.entry.citation: row.entry for row in (*self.events, *self.bars)}
        return tuple(by_place.values())


class OwnWords(str):
    """A paragraph or point in the author's own words. It prints as its text (so a
    template written for plain text still works); ``cites`` holds the entries of the
    dataset items it rests on, for endnotes."""

    cites: tuple[Entry, ...]

    def __new__(cls, text: str, cites: tuple[Entry, ...] = ()) -> OwnWords:
        words = super().__new__(cls, text)
        words.cites = tuple(cites)
        return words

    def __repr__(self) -> str:  # what the build cache hashes: the cites count
        return f"OwnWords({str.__repr__(self)}, {self.cites!r})"


@dataclass(frozen=True)
class Section:
    heading: str
    kind: str
    paragraphs: tuple[str, ...] = ()  # each an OwnWords when composed from a spec
    points: tuple[str, ...] = ()
    facts: tuple[FactEntry, ...] = ()
    quotes: tuple[QuoteEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    organisations: tuple[NamedEntry, ...] = ()
    states: tuple[NamedEntry, ...] = ()
    workstreams: tuple[NamedEntry, ...] = ()
    events: tuple[EventEntry, ...] = ()
    figures: tuple[FigureEntry, ...] = ()
    questions: tuple[QuestionAnswer, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class Contact:
    name: str
    role: str
    phone: str | None
    email: str | None


@dataclass(frozen=True)
class Withheld:
    """What a releasable edition leaves out (see briefgen.release), for the build's
    report and the manifest; templates do not see it."""

    # e.g. 'section 3 "Recommendation" (sections[2], kind: recommendation)'
    sections: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # dataset ids left out of the sections it keeps
    # the author's, resting on those: 'section 3 "Key points" (sections[2].points[0])'
    words: tuple[str, ...] = ()
    other: tuple[str, ...] = ()  # "critical date", "decision block", "contact phone"…
    KEYS = ("sections", "items", "words", "other")

    def __bool__(self) -> bool:
        return bool(self.sections or self.items or self.words or self.other)

    def as_dict(self) -> dict[str, list[str]]:
        return {key: list(getattr(self, key)) for key in self.KEYS}

    def describe(self) -> str:
        parts = []
        if self.sections:
            parts.append(", ".join(self.sections))
        if self.items:
            parts.append(f"items {', '.join(self.items)}")
        if self.words:
            parts.append(f"own words resting on them: {', '.join(self.words)}")
        if self.other:
            parts.append(", ".join(self.other))
        return "; ".join(parts) or "nothing"


@dataclass(frozen=True)
class Brief:
    id: str
    title: str
    subject: str
    audience: str
    date: dt.date
    reference: str
    marking: str  # a level of the workspace's marking scheme
    marking_label: str  # that level as printed, in the brief's language
    marking_colour: str  # of the marking line, from the scheme
    language: str
    addressee: str
    department: str
    contact: Contact
    critical_date: dt.date | None  # None: routine
    critical_reason: str | None
    page_budget: int | None
    keywords: tuple[str, ...]
    edition: str = "full"  # "full" or "releasable"
    draft: bool = False
    sections: tuple[Section, ...] = field(default=())
    withheld: Withheld | None = None  # a releasable edition's

    @property
    def output_id(self) -> str:
        """What its files are called: ``<id>`` or ``<id>-releasable``."""
        return self.id if self.edition == "full" else f"{self.id}-{self.edition}"

    @property
    def shows_decision(self) -> bool:
        """A decision block goes with a recommendation, in the full edition only."""
        return self.edition == "full" and bool(self.sections_of("recommendation"))

    def sections_of(self, *kinds: str) -> tuple[Section, ...]:
        """The sections of these kinds, in spec order (for templates that regroup)."""
        return tuple(section for section in self.sections if section.kind in kinds)

    def sections_except(self, *kinds: str) -> tuple[Section, ...]:
        """The sections of all other kinds, in spec order."""
        return tuple(section for section in self.sections if section.kind not in kinds)
