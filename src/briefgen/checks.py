"""What a brief is checked against besides its schema: policy, not syntax.

Each check returns located problems: errors that stop a build (a brief marked
lower than what it includes) or warnings that do not, unless ``--strict``
(a selection that picks nothing, a brief over its page budget, key points
that do not fit on page 1).
"""

from __future__ import annotations

from briefgen.datamodel import MARKINGS
from briefgen.load_spec import LoadedSpec
from briefgen.selection import Selections


def empty_selections(item: LoadedSpec, selections: Selections) -> list:
    warnings = []
    for index, picked in enumerate(selections):
        for kind, items in picked.items():
            if not items:
                warnings.append(
                    item.doc.problem(
                        ("sections", index, "select", kind),
                        f"selects no {kind}; check its criteria (briefgen data list {kind})",
                        severity="warning",
                    )
                )
    return warnings


def marking_too_low(item: LoadedSpec, selections: Selections, dataset) -> list:
    """A brief's marking must be at least that of everything it includes."""
    rank = MARKINGS.index
    errors = []
    for index, (section, picked) in enumerate(zip(item.spec.sections, selections, strict=True)):
        selected = [
            (("select", kind), thing) for kind, things in picked.items() for thing in things
        ]
        cited = [(("questions",), dataset.get(i)) for q in section.questions for i in q.cite]
        for where, thing in selected + cited:
            if rank(thing.marking) > rank(item.spec.marking):
                errors.append(
                    item.doc.problem(
                        ("sections", index, *where),
                        f"includes '{thing.id}', marked {thing.marking}, above the brief's "
                        f"{item.spec.marking}; raise the brief's marking or leave the item out",
                    )
                )
    return errors


def over_budget(item: LoadedSpec, output_id: str, pages: int | None, budget: int | None) -> list:
    if pages is None or budget is None or pages <= budget:
        return []
    where = ("page_budget",) if item.spec.page_budget else ("audience",)
    source = "its page budget" if item.spec.page_budget else f"the {item.spec.audience} budget"
    return [
        item.doc.problem(
            where,
            f"brief '{output_id}' has {pages} pages, over {source} of {budget}",
            severity="warning",
        )
    ]


def first_page_spill(item: LoadedSpec, output_id: str, spilled: bool) -> list:
    if not spilled:
        return []
    return [
        item.doc.problem(
            ("sections",),
            f"brief '{output_id}': what its template keeps on page 1 (purpose, recommendation, "
            "key points) runs onto page 2; shorten those sections",
            severity="warning",
        )
    ]
