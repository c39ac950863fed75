"""What a brief is checked against besides its schema: policy, not syntax.

Each check returns located problems: errors that stop a build (a brief marked
lower than what it includes) or warnings that do not, unless ``--strict``
(a selection that picks nothing, a brief over its page budget, key points
that do not fit on page 1).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from briefgen.errors import Problem, did_you_mean
from briefgen.load_spec import LoadedSpec
from briefgen.selection import Selections, shown_items


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


def marking_too_low(item: LoadedSpec, selections: Selections, dataset, scheme) -> list:
    """A brief's marking must be at least that of everything it shows: selected items,
    cited items, charted items, and the speakers and organisations printed with them.
    An item whose marking the workspace's scheme does not have is an error too."""
    errors = [
        item.doc.problem(
            ("sections", index, "marking"),
            f"the section's own words are marked {section.marking}, above the brief's "
            f"{item.spec.marking}; raise the brief's marking or lower the section's",
        )
        for index, section in enumerate(item.spec.sections)
        if section.marking and scheme.above(section.marking, item.spec.marking)
    ]
    reported = set()
    for where, part in shown_items(item.spec, selections, dataset):
        if part.id in reported:
            continue
        level = scheme.item_level(part)
        if level not in scheme.ids:
            reported.add(part.id)
            errors.append(item.doc.problem(where, unknown_item_marking(part, scheme)))
        elif scheme.above(level, item.spec.marking):
            reported.add(part.id)
            errors.append(
                item.doc.problem(
                    where,
                    f"includes '{part.id}', marked {level}, above the brief's "
                    f"{item.spec.marking}; raise the brief's marking or leave it out",
                )
            )
    return errors


def unknown_item_marking(part, scheme) -> str:
    return (
        f"shows '{part.id}', whose marking '{part.marking}' is not in the {scheme.name} "
        f"marking scheme{did_you_mean(part.marking, scheme.ids)} (levels: "
        f"{', '.join(scheme.ids)}); correct the item in the dataset, or the workspace's "
        "markings.yaml"
    )


def untranslated(item: LoadedSpec, selections: Selections, dataset, kept=None) -> list:
    """A brief in a language some item it shows has no translation into: the item is
    printed as curated, and the author is told which (``--strict``: an error)."""
    language = item.spec.language
    warnings = []
    reported = set()
    for where, part in shown_items(item.spec, selections, dataset, kept):
        if part.id in reported or not needs_translation(part, language, dataset):
            continue
        reported.add(part.id)
        original = dataset.get(part.source).language
        warnings.append(
            item.doc.problem(
                where,
                f"'{part.id}' has no translation into {language}, so it would print in its "
                f"original language ({original}); add one under its translations: "
                f"(briefgen data check --missing lists what is missing)",
                severity="warning",
            )
        )
    return warnings


def needs_translation(part, language: str, dataset) -> bool:
    translations = getattr(part, "translations", None)
    if translations is None:  # sources are cited by their own title
        return False
    return language != dataset.get(part.source).language and language not in translations


def over_budget(
    item: LoadedSpec, output_id: str, pages: int | None, budget: int | None, fmt: str = "pdf"
) -> list:
    """The PDF's pages, or the DOCX's as LibreOffice laid it out, over the budget."""
    if pages is None or budget is None or pages <= budget:
        return []
    where = ("page_budget",) if item.spec.page_budget else ("audience",)
    source = "its page budget" if item.spec.page_budget else f"the {item.spec.audience} budget"
    what = f"brief '{output_id}'" if fmt == "pdf" else f"the DOCX of brief '{output_id}'"
    laid_out = " (as LibreOffice lays it out)" if fmt == "docx" else ""
    return [
        item.doc.problem(
            where,
            f"{what} has {pages} pages{laid_out}, over {source} of {budget}",
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


# A number in the author's own words: a count, a share, an amount. Years (1900-2099)
# are dates, not claims to source.
NUMBER = re.compile(r"(?<![\w.-])\d+(?:[.,]\d+)*%?(?![\w-])")
YEAR = re.compile(r"^(19|20)\d\d$")


def uncited_numbers(item: LoadedSpec) -> list:
    """Warnings for numbers in the author's paragraphs, points and answers that cite
    nothing: officials repeat figures, so each should say where it comes from."""
    warnings = []
    for index, section in enumerate(item.spec.sections):
        own = [(("text", n), words.text, words.cite) for n, words in enumerate(section.text)]
        own += [(("points", n), words.text, words.cite) for n, words in enumerate(section.points)]
        own += [
            (("questions", n, "answer"), qa.answer, qa.cite)
            for n, qa in enumerate(section.questions)
        ]
        for where, text, cite in own:
            numbers = [n for n in NUMBER.findall(text) if not YEAR.match(n)]
            if numbers and not cite:
                warnings.append(
                    item.doc.problem(
                        ("sections", index, *where),
                        f"'{numbers[0]}' is a number in your own words that cites nothing; "
                        "give it cite: [ids] (see briefgen data list facts), or leave the "
                        "number out",
                        severity="warning",
                    )
                )
    return warnings


def rotting_words(item: LoadedSpec, selections: Selections, dataset) -> list:
    """Facts shown whose time words ("next year") read wrong at the brief's date: the
    dataset check says so too, but the author of this brief must hear it."""
    from briefgen.dataset_review import QUOTED, RELATIVE_TIME

    warnings, reported = [], set()
    for where, part in shown_items(item.spec, selections, dataset):
        if dataset.kind_of.get(part.id) != "facts" or part.id in reported:
            continue
        texts = [part.text, *(t.text for t in part.translations.values() if t.text)]
        found = [w for text in texts for w in RELATIVE_TIME.findall(QUOTED.sub("", text))]
        if found:
            reported.add(part.id)
            warnings.append(
                item.doc.problem(
                    where,
                    f"shows '{part.id}', which says '{found[0].lower()}': a time word that "
                    f"reads wrong in a brief dated {item.spec.date.isoformat()}; fix the fact "
                    "(briefgen data check lists such facts)",
                    severity="warning",
                )
            )
    return warnings


def nothing_withheld(item: LoadedSpec, release) -> list[Problem]:
    """A releasable edition identical to the full one is probably not what was meant."""
    if release.withheld:
        return []
    return [
        item.doc.problem(
            ("edition",) if "edition" in item.doc.data else (),
            "its releasable edition withholds nothing: it shows all the full edition shows; "
            "check the sections' 'releasable:' and the items' 'releasable:' in the dataset, "
            "or build the full edition only",
            severity="warning",
        )
    ]


def unconfirmed_label(item: LoadedSpec) -> list[Problem]:
    """A marking printed in a wording the scheme itself says is not checked yet."""
    why = item.scheme.unconfirmed(item.spec.marking, item.spec.language)
    if why is None:
        return []
    label = item.scheme.label(item.spec.marking, item.spec.language)
    return [
        item.doc.problem(
            ("marking",),
            f"prints the marking as '{label}', which the {item.scheme.name} scheme marks as "
            f"unconfirmed: {why}; confirm it and remove its 'unconfirmed:' entry in "
            f"{item.scheme.path.name}",
            severity="warning",
        )
    ]


def period_end(value: str) -> dt.date:
    """The last day a partial date (``2026``, ``2025-10``, ``2025-10-07``) can mean."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 12, 31)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return dt.date(*parts)


def dated_items(item: LoadedSpec, selections: Selections, dataset, max_age_months) -> list:
    """Items that may no longer hold at the brief's date (or its ``as_of``): an event the
    source describes as to come that should have happened by then, and, where the
    audience sets an age limit, an item whose source is older than that."""
    as_of = item.spec.as_of or item.spec.date
    warnings, reported = [], set()
    for where, part in shown_items(item.spec, selections, dataset):
        if part.id in reported or not hasattr(part, "source"):
            continue
        source = dataset.get(part.source)
        event = dataset.get(part.event) if getattr(part, "event", None) else part
        message = None
        if getattr(event, "date", None) and period_end(event.date) > period_end(source.date) \
                and period_end(event.date) < as_of:  # fmt: skip
            message = (
                f"shows '{part.id}', about '{event.id}' ({event.date}), which its source "
                f"({source.date}) describes as to come; by {as_of.isoformat()} it has happened "
                "or not: check before repeating it"
            )
        elif max_age_months and months_between(period_end(source.date), as_of) > max_age_months:
            message = (
                f"shows '{part.id}', from a source of {source.date}, older than the audience's "
                f"limit of {max_age_months} months at {as_of.isoformat()}; check it still holds"
            )
        if message:
            reported.add(part.id)
            warnings.append(item.doc.problem(where, message, severity="warning"))
    return warnings


def months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month
