"""Stage 4 — compose a :class:`~briefgen.document.Brief` from a spec and its selections.

Pure: spec, selections and dataset in, document model out. Each dataset item
becomes an entry carrying its display text and a citation of its source and
paragraph, so every fact and quote a brief shows can be traced. The fixed
words an entry needs ("paragraph", a date, "date not given in the source")
come in the brief's language. Dataset text is printed in the brief's language
where the item carries a translation into it (an unofficial translation of a
quote says so, and its endnote gives the original wording), else as curated.
A releasable edition keeps what :mod:`briefgen.release` decided, under the
marking worked out there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from briefgen import document as doc
from briefgen.datamodel import Event, Fact, Figure, Person, Quote
from briefgen.dates import partial_date
from briefgen.labels import labels_for, more_than
from briefgen.load_dataset import Dataset
from briefgen.markings import MarkingScheme, load_scheme
from briefgen.release import Release
from briefgen.selection import Selections, chart_items, in_edition
from briefgen.specmodel import Spec


@dataclass(frozen=True)
class Context:
    dataset: Dataset
    edition: str
    language: str

    @property
    def labels(self) -> dict[str, str]:
        return labels_for(self.language)


def compose_brief(
    spec: Spec,
    selections: Selections,
    dataset: Dataset,
    release: Release | None = None,
    draft: bool = False,
    scheme: MarkingScheme | None = None,
) -> doc.Brief:
    """The brief a spec describes; ``selections`` holds what each section picked.

    With a ``release`` (see :func:`briefgen.release.plan_release`), the releasable
    edition: only the sections it keeps, no phone or email for the contact, and
    its own marking (the selections already hold only releasable items).
    """
    scheme = scheme or load_scheme()
    edition = "full" if release is None else "releasable"
    context = Context(dataset, edition, spec.language)
    sections = tuple(
        unrepeated_context(compose_section(section, picked, context))
        for index, (section, picked) in enumerate(zip(spec.sections, selections, strict=True))
        if release is None or release.kept[index]
    )
    marking = spec.marking if release is None else release.marking
    contact = doc.Contact(**spec.contact.model_dump())
    if release is not None:  # a phone number and an address are for colleagues only
        contact = doc.Contact(contact.name, contact.role, None, None)
    return doc.Brief(
        id=spec.id,
        title=spec.title,
        subject=spec.subject or spec.title,
        audience=spec.audience,
        date=spec.date,
        reference=spec.reference,
        marking=marking,
        marking_label=scheme.label(marking, spec.language),
        marking_colour=scheme.colour(marking),
        language=spec.language,
        addressee=spec.addressee,
        department=spec.department,
        contact=contact,
        # When a decision is needed, and why, is internal: not in a releasable edition.
        critical_date=spec.critical_date.date if spec.critical_date and not release else None,
        critical_reason=spec.critical_date.reason if spec.critical_date and not release else None,
        page_budget=spec.page_budget,
        keywords=keywords(sections, context),
        sections=sections,
        edition=edition,
        draft=draft,
        withheld=None if release is None else release.withheld,
    )


def compose_section(section: Any, picked: dict[str, tuple], context: Context) -> doc.Section:
    entries = {
        kind: tuple(entry(item, context) for item in items) for kind, items in picked.items()
    }
    return doc.Section(
        heading=section.heading,
        kind=section.kind,
        paragraphs=tuple(w for p in section.text if (w := own_words(p, context)) is not None),
        points=tuple(w for p in section.points if (w := own_words(p, context)) is not None),
        questions=tuple(
            answer for q in section.questions if (answer := question(q, context)) is not None
        ),
        charts=tuple(CHARTS[kind](context) for kind in section.charts),
        **entries,
    )


def unrepeated_context(section: doc.Section) -> doc.Section:
    """The section, a workstream's line of context left out where the section shows its
    fact already: it would say again what the reader has just read."""
    facts = {fact.id for fact in section.facts}
    repeated = [w for w in section.workstreams if w.context and w.context.cites[0].id in facts]
    if not repeated:
        return section
    kept = tuple(replace(w, context=None) if w in repeated else w for w in section.workstreams)
    return replace(section, workstreams=kept)


def own_words(words: Any, context: Context) -> doc.OwnWords | None:
    """A paragraph or point of the author's, with endnotes for what it cites; None in a
    releasable edition when it rests on what is not cleared (as a Q&A answer is)."""
    cited = [context.dataset.get(item_id) for item_id in words.cite]
    if not all(in_edition(item, context.edition, context.dataset) for item in cited):
        return None
    return doc.OwnWords(words.text, tuple(entry(item, context) for item in cited))


def question(spec_question: Any, context: Context) -> doc.QuestionAnswer | None:
    """The Q&A, or None in a releasable edition when an answer rests on what is not cleared."""
    cited = [context.dataset.get(item_id) for item_id in spec_question.cite]
    if not all(in_edition(item, context.edition, context.dataset) for item in cited):
        return None
    return doc.QuestionAnswer(
        question=" ".join(spec_question.question.split()),
        answer=" ".join(spec_question.answer.split()),  # a folded answer ends in a newline
        cites=tuple(entry(item, context) for item in cited),
    )


def timeline(context: Context) -> doc.Chart:
    """The initiative's events in date order; an undated one is shown as such, last."""
    events = [
        e for e in chart_items("timeline", context.dataset)
        if in_edition(e, context.edition, context.dataset)
    ]  # fmt: skip
    events.sort(key=lambda event: (event.date is None, event.date or ""))
    rows = tuple(
        doc.ChartEvent(event_date(event, context), shown(event, "name", context),
                       event.date is not None, entry(event, context))
        for event in events
    )  # fmt: skip
    labels = context.labels
    alt = f"{labels['timeline_alt']}: " + "; ".join(f"{r.when}: {r.name}" for r in rows) + "."
    return doc.Chart("timeline", labels["timeline_title"], alt, events=rows)


def supporting_states(context: Context) -> doc.Chart:
    """Founding and joined states, as bars, from the dataset's figures."""
    labels = context.labels
    figures = chart_items("supporting-states", context.dataset)
    bars = tuple(
        # Each bar's short label is the label "bar_<figure id>" in the brief's language.
        doc.ChartBar(labels[f"bar_{figure.id}"], figure.value, entry(figure, context))
        for figure in figures
        if in_edition(figure, context.edition, context.dataset)
    )
    alt = f"{labels['states_title']}: " + "; ".join(f"{b.label}: {b.value}" for b in bars) + "."
    return doc.Chart("supporting-states", labels["states_title"], alt, bars=bars)


CHARTS = {"timeline": timeline, "supporting-states": supporting_states}


def citation(item: Any, context: Context, original: str | None = None) -> doc.Citation:
    """Source, title, date and paragraph (page and paragraph, in a PDF); for a translated
    quote, its original wording. Its short form, for a table's Source column, names the
    publisher and paragraph. The source's web address goes with it, as a link."""
    labels = context.labels
    source = context.dataset.get(item.source)
    paragraph = labels["paragraph_n"].format(n=item.paragraph)
    short = labels["para_n"].format(n=item.paragraph)
    if getattr(item, "page", None) is not None:
        paragraph = short = labels["page_paragraph_n"].format(page=item.page, n=item.paragraph)
    when = dated(source.date, source.date_inferred, context)
    text = f"{source.publisher}, {quoted(source.title, context)}, {when}, {paragraph}"
    if original is not None:
        text += f". {labels['original_wording']}: {quoted(original, context)}"
    return doc.Citation(text, f"{source.publisher}, {short}", url=source.url)


def context_line(item: Any, context: Context) -> doc.OwnWords | None:
    """A workstream's line of context: the fact the dataset names for it, with its endnote.
    Left out where that fact may not be shown (a releasable edition) or would print in
    another language than the brief's."""
    fact_id = getattr(item, "context", None)
    if fact_id is None:
        return None
    fact = context.dataset.get(fact_id)
    source_language = context.dataset.get(fact.source).language
    if not in_edition(fact, context.edition, context.dataset) or (
        context.language != source_language and translation(fact, context) is None
    ):
        return None
    return doc.OwnWords(shown(fact, "text", context), (entry(fact, context),))


def quoted(text: str, context: Context) -> str:
    return f"{context.labels['open_quote']}{text}{context.labels['close_quote']}"


def translation(item: Any, context: Context) -> Any | None:
    """The item's translation into the brief's language, when it is not in it already."""
    if context.language == context.dataset.get(item.source).language:
        return None
    return getattr(item, "translations", {}).get(context.language)


def shown(item: Any, field: str, context: Context) -> Any:
    """A field as the brief prints it: translated where a translation gives it."""
    translated = translation(item, context)
    value = getattr(translated, field, None) if translated is not None else None
    return getattr(item, field) if value is None else value


def entry(item: Any, context: Context) -> doc.Entry:
    dataset = context.dataset
    common = {"id": item.id, "kind": dataset.kind_of[item.id], "citation": citation(item, context)}
    if isinstance(item, Fact):
        return doc.FactEntry(text=shown(item, "text", context), **common)
    if isinstance(item, Quote):
        speaker = dataset.get(item.speaker)
        translated = translation(item, context)
        note = None
        if translated is not None:  # the words printed are not the speaker's own
            common["citation"] = citation(item, context, original=item.text)
            note = None if translated.official else context.labels["unofficial_translation"]
        return doc.QuoteEntry(
            text=shown(item, "text", context),
            speaker=shown(speaker, "name", context),
            role=shown(speaker, "role", context),
            organisation=organisation_name(speaker, context),
            translation_note=note,
            **common,
        )
    if isinstance(item, Person):
        return doc.PersonEntry(
            name=shown(item, "name", context),
            role=shown(item, "role", context),
            organisation=organisation_name(item, context),
            **common,
        )
    if isinstance(item, Event):
        when = event_date(item, context)
        name, place = shown(item, "name", context), shown(item, "place", context)
        return doc.EventEntry(name=name, place=place, when=when, **common)
    if isinstance(item, Figure):
        value = str(item.value)
        if item.bound == "more-than":
            value = more_than(item.value, context.language)
        label, unit = shown(item, "label", context), shown(item, "unit", context)
        return doc.FigureEntry(label=label, value=value, unit=unit, **common)
    return doc.NamedEntry(
        name=shown(item, "name", context),
        note=getattr(item, "note", None),
        context=context_line(item, context),
        **common,
    )


def organisation_name(person: Person, context: Context) -> str | None:
    if person.organisation is None:
        return None
    return shown(context.dataset.get(person.organisation), "name", context)


def event_date(event: Event, context: Context) -> str:
    """The date with exactly the precision the dataset has."""
    if event.date is None:
        return context.labels["date_not_given"]
    return dated(event.date, event.date_inferred, context)


def dated(value: str, inferred: tuple[str, ...], context: Context) -> str:
    """A date as the dataset gives it, saying which of its parts are inferred (the
    source does not print them): officials must not repeat an inference as fact."""
    text = partial_date(value, context.language)
    if not inferred:
        return text
    if set(inferred) == {"year"}:
        key = "inferred_year"
    elif set(inferred) <= {"year", "month"}:
        key = "inferred_month_year"
    else:
        key = "inferred_date"
    return f"{text} ({context.labels[key]})"


def keywords(sections: tuple[doc.Section, ...], context: Context) -> tuple[str, ...]:
    """Document keywords: the tags of everything the brief cites, sorted. In a brief in
    another language than English, each tag's keyword in that language (the dataset's
    ``keywords:``); a tag without one is left out rather than printed in English."""
    dataset = context.dataset
    tags = set()
    for section in sections:
        for kind in ("facts", "quotes"):
            for item_entry in getattr(section, kind):
                tags.update(dataset.get(item_entry.id).tags)
    words = {context.labels["keyword_ihl"]}
    if context.language == "en":
        words.update(tags)
    else:
        in_language = dataset.content.keywords.get(context.language, {})
        words.update(in_language[tag] for tag in tags if tag in in_language)
    return tuple(sorted(words))
