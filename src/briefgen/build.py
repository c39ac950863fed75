"""The pipeline, top to bottom: load dataset → load specs → select → compose → render → write.

Every brief is validated and rendered before the first byte is written, so a
problem in any brief leaves ``build/`` exactly as it was. Problems that do not
stop a build (an empty selection, a brief over its page budget) come back as
warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from briefgen.compose import compose_brief
from briefgen.document import Brief
from briefgen.errors import BriefgenError, Problem
from briefgen.load_dataset import Dataset, load_dataset
from briefgen.load_spec import LoadedSpec, load_specs
from briefgen.selection import select_sections
from briefgen.workspace import audiences, expand_spec_paths, template_dirs

T = TypeVar("T")


@dataclass(frozen=True)
class RenderedBrief:
    loaded: LoadedSpec
    outputs: dict[str, bytes]  # format → bytes
    pages: dict[str, int | None]  # format → page count where known


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)  # one per brief checked or file written
    warnings: list[Problem] = field(default_factory=list)


def load_all(spec_paths: list[Path], dataset_path: Path | None = None) -> list[LoadedSpec]:
    """Every spec, validated; raise all problems at once."""
    loaded, problems = _load(spec_paths, load_dataset(dataset_path))
    if problems:
        raise BriefgenError(problems)
    return loaded


def _load(spec_paths: list[Path], dataset: Dataset) -> tuple[list[LoadedSpec], list[Problem]]:
    paths = expand_spec_paths(list(spec_paths))
    if not paths:
        where = ", ".join(map(str, spec_paths))
        raise BriefgenError(Problem(f"no spec files (*.yaml) in {where}"))
    return load_specs(paths, dataset, lambda path: audiences(template_dirs(path)))


def check_briefs(spec_paths: list[Path], dataset_path: Path | None = None) -> Report:
    """What ``validate`` does: everything a build does short of PDF, DOCX and writing."""
    from briefgen.render import check_template

    def check(item: LoadedSpec, brief: Brief) -> str:
        check_template(brief, template_dirs(item.path))
        return f"{item.path}: ok ({item.spec.audience}, {len(item.spec.sections)} sections)"

    report = Report()
    report.lines = each_brief(spec_paths, dataset_path, report, check)
    return report


def build_briefs(
    spec_paths: list[Path],
    *,
    formats: list[str] | None,
    out_dir: Path,
    dataset_path: Path | None = None,
    time_limit_seconds: float | None = None,
) -> Report:
    """Build every spec; the report has one line per file written."""
    from briefgen.render import render_brief
    from briefgen.timelimit import DEFAULT_SECONDS
    from briefgen.write import write_briefs

    def render(item: LoadedSpec, brief: Brief) -> RenderedBrief:
        outputs, pages = render_brief(
            brief,
            formats or list(item.spec.formats),
            template_dirs(item.path),
            time_limit_seconds or DEFAULT_SECONDS,
        )
        report.warnings.extend(over_budget(item, pages.get("pdf")))
        return RenderedBrief(item, outputs, pages)

    report = Report()
    try:
        rendered = each_brief(spec_paths, dataset_path, report, render)
    except BriefgenError as exc:
        raise BriefgenError(exc.problems, summary="nothing was written") from None
    report.lines, write_warnings = write_briefs(rendered, Path(out_dir))
    report.warnings += write_warnings
    return report


def each_brief(
    spec_paths: list[Path],
    dataset_path: Path | None,
    report: Report,
    step: Callable[[LoadedSpec, Brief], T],
) -> list[T]:
    """Load, compose and run ``step`` on every brief; raise all their problems at once."""
    dataset = load_dataset(dataset_path)
    results: list[T] = []
    loaded, problems = _load(spec_paths, dataset)
    for item in loaded:  # the specs that loaded still get their templates checked
        brief = compose_brief(item.spec, select_sections(item.spec, dataset), dataset)
        report.warnings += empty_selections(item, brief) + untranslated(item)
        try:
            results.append(step(item, brief))
        except BriefgenError as exc:
            problems += exc.problems
    if problems:
        raise BriefgenError(problems)
    return results


def empty_selections(item: LoadedSpec, brief: Brief) -> list[Problem]:
    warnings = []
    for index, (section, composed) in enumerate(
        zip(item.spec.sections, brief.sections, strict=True)
    ):
        if section.select is None:
            continue
        for kind in type(section.select).model_fields:
            if getattr(section.select, kind) is not None and not getattr(composed, kind):
                warnings.append(
                    item.doc.problem(
                        ("sections", index, "select", kind),
                        f"selects no {kind}; check its criteria (briefgen data list {kind})",
                        severity="warning",
                    )
                )
    return warnings


def untranslated(item: LoadedSpec) -> list[Problem]:
    from briefgen.labels import CATALOGUES

    language = item.spec.language
    if language in CATALOGUES:
        return []
    return [
        item.doc.problem(
            ("language",),
            f"no '{language}' labels yet: headings such as 'Reference' and dates print in English",
            severity="warning",
        )
    ]


def over_budget(item: LoadedSpec, pdf_pages: int | None) -> list[Problem]:
    budget = item.spec.page_budget
    if pdf_pages is None or budget is None or pdf_pages <= budget:
        return []
    return [
        item.doc.problem(
            ("page_budget",),
            f"the PDF has {pdf_pages} pages, over the page budget of {budget}",
            severity="warning",
        )
    ]
