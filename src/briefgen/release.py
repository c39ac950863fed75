"""Stage 3b — decide what a releasable edition may carry, and how it is marked.

A releasable edition is built from what may be released, not from the full
edition minus a few items. Internal advice stays out unless the spec says
otherwise: the sections whose kinds hold advice (:data:`INTERNAL_KINDS`), the
decision block that goes with a recommendation, the contact officer's phone
and email, any section marked ``releasable: false`` and any item not cleared
for release. Its marking is worked out from what remains (the highest marking
among the items it still shows, and at least the scheme's floor for release),
and it may not show anything above the highest level the scheme releases.

Pure: spec, selections, dataset and scheme in; a :class:`Release` and any
problems out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefgen.document import Brief, Withheld
from briefgen.errors import Problem
from briefgen.places import section_name
from briefgen.selection import Selections, chart_items, in_edition, shown_items

# Section kinds that hold the ministry's own advice, withheld unless a section says
# ``releasable: true``: what to decide, what to say, how to answer, and annexes.
INTERNAL_KINDS = (
    "summary", "recommendation", "key-messages", "lines-to-take", "q-and-a", "annex"
)


def why_withheld(section: Any) -> str:
    """The spec's line that keeps a section out, as its author wrote it."""
    return "releasable: false" if section.releasable is False else f"kind: {section.kind}"


def released(section: Any) -> bool:
    """Whether a spec's section goes into a releasable edition."""
    if section.releasable is not None:
        return section.releasable
    return section.kind not in INTERNAL_KINDS


@dataclass(frozen=True)
class Release:
    marking: str  # a level of the scheme, worked out from what the edition shows
    kept: tuple[bool, ...]  # one per section of the spec
    withheld: Withheld


def plan_release(
    loaded: Any, full: Selections, releasable: Selections, dataset: Any, scheme: Any
) -> tuple[Release, list[Problem]]:
    """What the releasable edition of ``loaded`` keeps, withholds and is marked.

    ``full`` is what each section selects in the full edition, ``releasable`` the
    same with the items not cleared for release taken out.
    """
    spec = loaded.spec
    kept = tuple(released(section) for section in spec.sections)
    withheld = Withheld(
        sections=tuple(
            f"{section_name(i, section.heading)} (sections[{i}], {why_withheld(section)})"
            for i, section in enumerate(spec.sections)
            if not kept[i]
        ),
        items=withheld_items(spec, full, releasable, kept, dataset),
        words=withheld_words(spec, kept, dataset),
        other=withheld_other(spec),
    )
    problems, levels = own_words_levels(loaded, kept, dataset, scheme), []
    reported = set()
    for where, part in shown_items(spec, releasable, dataset, kept):
        level = scheme.item_level(part)
        if level not in scheme.ids:
            continue  # the full edition's check has said so already
        levels.append(level)
        if not scheme.releasable(level) and part.id not in reported:
            reported.add(part.id)
            problems.append(
                loaded.doc.problem(
                    where,
                    f"the releasable edition would show '{part.id}', marked {level}, above "
                    f"{scheme.release_highest}, the highest level the {scheme.name} scheme "
                    "releases; mark it 'releasable: false' in the dataset, or its section "
                    "'releasable: false' in the spec",
                )
            )
    levels += [level for level, _ in own_words_portions(spec, kept, dataset)]
    marking = scheme.highest(levels, at_least=scheme.release_floor)
    return Release(marking, kept, withheld), problems


def withheld_items(
    spec: Any, full: Selections, releasable: Selections, kept: tuple[bool, ...], dataset: Any
) -> tuple[str, ...]:
    """Items the kept sections select, cite or chart in full but not when released."""
    ids: dict[str, None] = {}
    for index, section in enumerate(spec.sections):
        if not kept[index]:
            continue
        for kind, items in full[index].items():
            cleared = {item.id for item in releasable[index].get(kind, ())}
            ids.update((item.id, None) for item in items if item.id not in cleared)
        for cite in [q.cite for q in section.questions] + [w.cite for w in section.text] + [
            w.cite for w in section.points
        ]:
            ids.update(
                (item_id, None)
                for item_id in cite
                if not in_edition(dataset.get(item_id), "releasable", dataset)
            )
        ids.update(
            (thing.id, None)
            for chart in section.charts
            for thing in chart_items(chart, dataset)
            if not in_edition(thing, "releasable", dataset)
        )
    return tuple(ids)


def own_words_portions(spec: Any, kept: tuple[bool, ...], dataset: Any):
    """(marking, index) of each kept section that still prints the author's own words:
    they carry the section's ``marking:``, or the brief's (portion marking)."""
    for index, section in enumerate(spec.sections):
        if kept[index] and any(shown_words(section, dataset)):
            yield section.marking or spec.marking, index


def own_words_levels(loaded: Any, kept: tuple[bool, ...], dataset: Any, scheme: Any) -> list:
    """Errors for own words kept at a level the scheme does not release."""
    spec = loaded.spec
    problems = []
    for level, index in own_words_portions(spec, kept, dataset):
        if scheme.releasable(level):
            continue
        section = spec.sections[index]
        whose = "" if section.marking else " (the brief's marking)"
        problems.append(
            loaded.doc.problem(
                ("sections", index),
                "the releasable edition would keep your own words in this section, "
                f"marked {level}{whose}, above {scheme.release_highest}, the highest level the "
                f"{scheme.name} scheme releases; if they may be released, give the section "
                f"'marking: {scheme.release_highest}', else 'releasable: false'",
            )
        )
    return problems


def shown_words(section: Any, dataset: Any):
    """The section's own paragraphs, points and answers a releasable edition prints (what
    rests on an item not cleared is left out with it)."""
    cleared = lambda cite: all(in_edition(dataset.get(i), "releasable", dataset) for i in cite)  # noqa: E731
    yield from (w.text for w in (*section.text, *section.points) if cleared(w.cite))
    yield from (q.answer for q in section.questions if cleared(q.cite))


def withheld_words(spec: Any, kept: tuple[bool, ...], dataset: Any) -> tuple[str, ...]:
    """The author's paragraphs, points and answers left out of kept sections because
    they rest on what is not cleared for release, by section and key path."""
    paths = []
    for index, section in enumerate(spec.sections):
        if not kept[index]:
            continue
        for key, entries in (("text", section.text), ("points", section.points),
                             ("questions", section.questions)):  # fmt: skip
            paths += [
                f"{section_name(index, section.heading)} (sections[{index}].{key}[{n}])"
                for n, entry in enumerate(entries)
                if not all(in_edition(dataset.get(i), "releasable", dataset) for i in entry.cite)
            ]
    return tuple(paths)


def withheld_other(spec: Any) -> tuple[str, ...]:
    other = []
    if spec.critical_date is not None:
        other.append("critical date")
    if any(section.kind == "recommendation" for section in spec.sections):
        other.append("decision block")
    if spec.contact.phone:
        other.append("contact phone")
    if spec.contact.email:
        other.append("contact email")
    return tuple(other)


def withheld_note(brief: Brief) -> str:
    """One line for the build's report: what a releasable edition left out, its marking."""
    return (
        f"{brief.output_id}: marked {brief.marking}; withheld "
        f"{brief.withheld.describe() if brief.withheld else 'nothing'}"
    )


def floor_note(item: Any, brief: Brief) -> str:
    """Why a releasable edition is marked above its full edition: the scheme's floor."""
    if item.scheme.above(brief.marking, item.spec.marking):
        return f" ({brief.marking} is the {item.scheme.name} scheme's floor for release)"
    return ""
