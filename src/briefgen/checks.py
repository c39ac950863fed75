"""What a brief is checked against besides its schema: policy, not syntax.

Each check returns located problems: errors that stop a build (a brief marked
lower than what it includes) or warnings that do not, unless ``--strict``
(a selection that picks nothing, a brief over its page budget, key points
that do not fit on page 1).
"""

from __future__ import annotations

from briefgen.datamodel import MARKINGS
from briefgen.load_spec import LoadedSpec
from briefgen.selection import Selections, chart_items, shown_with


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
    """A brief's marking must be at least that of everything it shows: selected items,
    cited items, charted items, and the speakers and organisations printed with them."""
    rank = MARKINGS.index
    errors = []
    for index, (section, picked) in enumerate(zip(item.spec.sections, selections, strict=True)):
        shown = [(("select", kind), thing) for kind, things in picked.items() for thing in things]
        shown += [
            (("questions", q, "cite", c), dataset.get(item_id))
            for q, question in enumerate(section.questions)
            for c, item_id in enumerate(question.cite)
        ]
        shown += [
            (("charts", c), thing)
            for c, chart in enumerate(section.charts)
            for thing in chart_items(chart, dataset)
        ]
        reported = set()
        for where, thing in shown:
            for part in shown_with(thing, dataset):
                if rank(part.marking) > rank(item.spec.marking) and part.id not in reported:
                    reported.add(part.id)
                    errors.append(
                        item.doc.problem(
                            ("sections", index, *where),
                            f"includes '{part.id}', marked {part.marking}, above the brief's "
                            f"{item.spec.marking}; raise the brief's marking or leave it out",
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
