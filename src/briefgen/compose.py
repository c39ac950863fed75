"""Stage 4 — compose a :class:`~briefgen.document.Brief` from a spec and its selections.

Pure: spec, selections and dataset in, document model out. Each dataset item
becomes an entry carrying its display text and a citation of its source and
paragraph, so every fact and quote a brief shows can be traced.
"""

from __future__ import annotations

from typing import Any

from briefgen import document as doc
from briefgen.datamodel import Event, Fact, Figure, Person, Quote
from briefgen.dates import partial_date
from briefgen.load_dataset import Dataset
from briefgen.selection import Selections, in_edition
from briefgen.sources import split_blocks
from briefgen.specmodel import Spec


def compose_brief(
    spec: Spec, selections: Selections, dataset: Dataset, edition: str = "full", draft: bool = False
) -> doc.Brief:
    """The brief a spec describes; ``selections`` holds what each section picked.

    A releasable edition leaves out the sections marked ``releasable: false``
    (the selections already hold only releasable items).
    """
    sections = tuple(
        compose_section(section, picked, dataset, edition)
        for section, picked in zip(spec.sections, selections, strict=True)
        if section.releasable or edition == "full"
    )
    return doc.Brief(
        id=spec.id,
        title=spec.title,
        subject=spec.subject or spec.title,
        audience=spec.audience,
        date=spec.date,
        reference=spec.reference,
        marking=spec.marking,
        language=spec.language,
        addressee=spec.addressee,
        department=spec.department,
        contact=doc.Contact(**spec.contact.model_dump()),
        critical_date=spec.critical_date.date if spec.critical_date else None,
        critical_reason=spec.critical_date.reason if spec.critical_date else None,
        page_budget=spec.page_budget,
        keywords=keywords(sections, dataset),
        sections=sections,
        edition=edition,
        draft=draft,
    )


def compose_section(
    section: Any, picked: dict[str, tuple], dataset: Dataset, edition: str
) -> doc.Section:
    entries = {
        kind: tuple(entry(item, dataset) for item in items) for kind, items in picked.items()
    }
    return doc.Section(
        heading=section.heading,
        kind=section.kind,
        paragraphs=split_paragraphs(section.text),
        points=section.points,
        questions=tuple(question(q, dataset, edition) for q in section.questions),
        charts=tuple(CHARTS[kind](dataset, edition) for kind in section.charts),
        **entries,
    )


def question(spec_question: Any, dataset: Dataset, edition: str) -> doc.QuestionAnswer:
    cited = (dataset.get(item_id) for item_id in spec_question.cite)
    return doc.QuestionAnswer(
        question=spec_question.question,
        answer=spec_question.answer,
        cites=tuple(entry(item, dataset) for item in cited if in_edition(item, edition)),
    )


def timeline(dataset: Dataset, edition: str) -> doc.Chart:
    """The initiative's events in date order; an undated one is shown as such, last."""
    events = [event for event in dataset.items("events") if in_edition(event, edition)]
    events.sort(key=lambda event: (event.date is None, event.date or ""))
    rows = tuple(
        doc.ChartEvent(event_date(event), event.name, event.date is not None, entry(event, dataset))
        for event in events
    )
    alt = "Timeline of the initiative: " + "; ".join(f"{r.when}: {r.name}" for r in rows) + "."
    return doc.Chart("timeline", "The initiative in time", alt, events=rows)


# The dataset's figures the chart shows, with the short label a bar has room for.
SUPPORTING_STATES = {"founding-states": "Founding states", "joined-states": "States that joined"}


def supporting_states(dataset: Dataset, edition: str) -> doc.Chart:
    """Founding and joined states, as bars, from the dataset's figures."""
    figures = [dataset.get(figure_id) for figure_id in SUPPORTING_STATES]
    bars = tuple(
        doc.ChartBar(SUPPORTING_STATES[figure.id], figure.value, entry(figure, dataset))
        for figure in figures
        if in_edition(figure, edition)
    )
    alt = (
        "States supporting the initiative: "
        + "; ".join(f"{bar.label}: {bar.value}" for bar in bars)
        + "."
    )
    return doc.Chart("supporting-states", "States supporting the initiative", alt, bars=bars)


CHARTS = {"timeline": timeline, "supporting-states": supporting_states}


def split_paragraphs(text: str | None) -> tuple[str, ...]:
    """Blank lines separate paragraphs; single line breaks are just spaces."""
    if not text:
        return ()
    return tuple(" ".join(block.split()) for block in split_blocks(text))


def citation(item: Any, dataset: Dataset) -> doc.Citation:
    source = dataset.get(item.source)
    return doc.Citation(
        text=f"{source.publisher}, \u201c{source.title}\u201d, {partial_date(source.date)}, "
        f"paragraph {item.paragraph}",
    )


def entry(item: Any, dataset: Dataset) -> doc.Entry:
    kind = dataset.kind_of[item.id]
    common = {"id": item.id, "kind": kind, "citation": citation(item, dataset)}
    if isinstance(item, Fact):
        return doc.FactEntry(text=item.text, **common)
    if isinstance(item, Quote):
        speaker = dataset.get(item.speaker)
        return doc.QuoteEntry(
            text=item.text,
            speaker=speaker.name,
            role=speaker.role,
            organisation=organisation_name(speaker, dataset),
            **common,
        )
    if isinstance(item, Person):
        return doc.PersonEntry(
            name=item.name, role=item.role, organisation=organisation_name(item, dataset), **common
        )
    if isinstance(item, Event):
        return doc.EventEntry(name=item.name, place=item.place, when=event_date(item), **common)
    if isinstance(item, Figure):
        return doc.FigureEntry(label=item.label, value=item.display, unit=item.unit, **common)
    return doc.NamedEntry(name=item.name, note=getattr(item, "note", None), **common)


def organisation_name(person: Person, dataset: Dataset) -> str | None:
    if person.organisation is None:
        return None
    return dataset.get(person.organisation).name


def event_date(event: Event) -> str:
    """The date with exactly the precision the dataset has."""
    return partial_date(event.date) if event.date else "date not given in the source"


def keywords(sections: tuple[doc.Section, ...], dataset: Dataset) -> tuple[str, ...]:
    """Document keywords: the tags of everything the brief cites, sorted."""
    tags = {"international-humanitarian-law"}
    for section in sections:
        for kind in ("facts", "quotes"):
            for item_entry in getattr(section, kind):
                tags.update(dataset.get(item_entry.id).tags)
    return tuple(sorted(tags))
