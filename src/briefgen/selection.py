"""Stage 3 — pick dataset items for each section of a spec.

The order is stable and documented (README, "Selecting items"):

1. the items named in ``ids``, in the order written;
2. then, if any criterion is given (``tags``, ``all_tags``, ``speakers``,
   ``people``, ``organisations``, ``states``, ``workstreams``, ``events``),
   every other item of that kind that meets *all* the criteria given (any one
   value within a criterion), in dataset order;
3. with neither ``ids`` nor criteria, every item of that kind, in dataset order;
4. ``exclude`` removes items; ``limit`` keeps the first N.

A releasable edition then drops the items not cleared for release.
"""

from __future__ import annotations

from typing import Any

from briefgen.load_dataset import Dataset

NOT_CRITERIA = {"ids", "exclude", "limit"}

# What each section of a spec picked: kind → items, one mapping per section.
Selections = tuple[dict[str, tuple[Any, ...]], ...]


def select_sections(spec: Any, dataset: Dataset, edition: str = "full") -> Selections:
    """What each section picks; a releasable edition picks only items cleared for release."""
    return tuple(select_items(section.select, dataset, edition) for section in spec.sections)


def shown_with(item: Any, dataset: Dataset) -> list[Any]:
    """The item and what a brief prints with it: a quote's speaker and the speaker's
    organisation, a person's organisation, a workstream's fact of context. Markings and
    release apply to all of them."""
    shown = [item]
    if isinstance(getattr(item, "context", None), str):
        shown.append(dataset.get(item.context))
    person = dataset.get(item.speaker) if hasattr(item, "speaker") else item
    if person is not item:
        shown.append(person)
    organisation = getattr(person, "organisation", None)
    if isinstance(organisation, str):
        shown.append(dataset.get(organisation))
    return shown


def in_edition(item: Any, edition: str, dataset: Dataset) -> bool:
    if edition == "full":
        return True
    return all(getattr(thing, "releasable", True) for thing in shown_with(item, dataset))


def shown_items(spec: Any, selections: Selections, dataset: Dataset, kept=None):
    """Everything a brief shows from the dataset, as ``(key path, item)``: what its sections
    selected, what their answers cite, what their charts draw, and what is printed with
    each (:func:`shown_with`). ``kept`` (one bool per section) leaves sections out; an
    edition's ``selections`` already hold only what it may show, and so does this."""
    edition = "full" if kept is None else "releasable"
    for index, (section, picked) in enumerate(zip(spec.sections, selections, strict=True)):
        if kept is not None and not kept[index]:
            continue
        found = [(("select", kind), thing) for kind, things in picked.items() for thing in things]
        # What the author's answers, paragraphs and points cite; in a releasable
        # edition, only those whose every citation is cleared are shown at all.
        cited = [("questions", q, question.cite) for q, question in enumerate(section.questions)]
        cited += [("text", p, words.cite) for p, words in enumerate(section.text)]
        cited += [("points", p, words.cite) for p, words in enumerate(section.points)]
        found += [
            ((key, n, "cite", c), dataset.get(item_id))
            for key, n, cite in cited
            if all(in_edition(dataset.get(i), edition, dataset) for i in cite)
            for c, item_id in enumerate(cite)
        ]
        found += [
            (("charts", c), thing)
            for c, chart in enumerate(section.charts)
            for thing in chart_items(chart, dataset)
            if in_edition(thing, edition, dataset)
        ]
        for where, thing in found:
            for part in shown_with(thing, dataset):
                yield ("sections", index, *where), part


# The figures the supporting-states chart draws, as bars in this order.
SUPPORTING_STATES = ("founding-states", "joined-states")


def chart_items(chart: str, dataset: Dataset) -> list[Any]:
    """The dataset items a chart draws (compose.CHARTS draws them)."""
    if chart == "timeline":
        return list(dataset.items("events"))
    return [dataset.by_id[i] for i in SUPPORTING_STATES if i in dataset.by_id]


def select_items(
    selection: Any, dataset: Dataset, edition: str = "full"
) -> dict[str, tuple[Any, ...]]:
    """Items picked by one section's ``select:``, by kind (kinds not asked for are absent)."""
    if selection is None:
        return {}
    picked = {}
    for kind in type(selection).model_fields:
        selector = getattr(selection, kind)
        if selector is not None:
            items = select_kind(kind, selector, dataset)
            picked[kind] = tuple(item for item in items if in_edition(item, edition, dataset))
    return picked


def select_kind(kind: str, selector: Any, dataset: Dataset) -> tuple[Any, ...]:
    criteria = {
        key: set(values)
        for key, values in selector.model_dump(exclude=NOT_CRITERIA).items()
        if values
    }
    chosen = [dataset.get(item_id) for item_id in dict.fromkeys(selector.ids)]
    if criteria or not selector.ids:
        named = set(selector.ids)
        chosen += [
            item
            for item in dataset.items(kind)
            if item.id not in named and matches(item, criteria, dataset)
        ]
    excluded = set(selector.exclude)
    chosen = [item for item in chosen if item.id not in excluded]
    return tuple(chosen[: selector.limit] if selector.limit else chosen)


def matches(item: Any, criteria: dict[str, set[str]], dataset: Dataset) -> bool:
    for key, wanted in criteria.items():
        if key == "all_tags":
            if not wanted <= set(item.tags):
                return False
        elif not wanted & linked_ids(item, key, dataset):
            return False
    return True


def linked_ids(item: Any, key: str, dataset: Dataset) -> set[str]:
    """The ids ``item`` is linked to under a criterion such as ``organisations``."""
    if key == "speakers":
        return {item.speaker}
    if key == "organisations" and hasattr(item, "speaker"):
        # A quote belongs to the organisation of the person who said it.
        return {dataset.get(item.speaker).organisation} - {None}
    for attribute in (key, key.removesuffix("s")):  # facts.people, person.organisation
        value = getattr(item, attribute, None)
        if value is not None:
            return set(value) if isinstance(value, tuple) else {value}
    return set()
