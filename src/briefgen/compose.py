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
from briefgen.selection import Selections
from briefgen.sources import split_blocks
from briefgen.specmodel import Spec


def compose_brief(spec: Spec, selections: Selections, dataset: Dataset) -> doc.Brief:
    """The brief a spec describes; ``selections`` holds what each section picked."""
    sections = tuple(
        compose_section(section, picked, dataset)
        for section, picked in zip(spec.sections, selections, strict=True)
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
    )


def compose_section(section: Any, picked: dict[str, tuple], dataset: Dataset) -> doc.Section:
    entries = {
        kind: tuple(entry(item, dataset) for item in items) for kind, items in picked.items()
    }
    return doc.Section(
        heading=section.heading,
        kind=section.kind,
        paragraphs=split_paragraphs(section.text),
        points=section.points,
        questions=tuple(doc.QuestionAnswer(q.question, q.answer) for q in section.questions),
        **entries,
    )


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
