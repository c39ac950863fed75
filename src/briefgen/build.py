"""The pipeline, top to bottom: load dataset → load specs → select → compose → render → write.

Every brief is validated and rendered before the first byte is written, so a
problem in any brief leaves ``build/`` exactly as it was. Problems that do not
stop a build (an empty selection, a brief over its page budget) come back as
warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from briefgen.checks import (
    empty_selections,
    first_page_spill,
    marking_too_low,
    over_budget,
)
from briefgen.compose import compose_brief
from briefgen.document import Brief
from briefgen.errors import BriefgenError, Problem
from briefgen.load_dataset import Dataset, load_dataset
from briefgen.load_spec import LoadedSpec, load_specs
from briefgen.selection import select_sections
from briefgen.workspace import (
    REFERENCE_DOCX,
    audience_file,
    audience_settings,
    audiences,
    expand_spec_paths,
    template_dirs,
)

if TYPE_CHECKING:
    from briefgen.render import Output

T = TypeVar("T")


@dataclass(frozen=True)
class BuildOptions:
    """What the command line can ask beyond the spec."""

    formats: tuple[str, ...] | None = None  # None: the formats each spec names
    edition: str | None = None  # "full", "releasable" or "both"; None: what each spec says
    draft: bool = False  # every brief a draft, whatever its spec says
    strict: bool = False  # warnings stop the build
    force: bool = False  # rebuild even what is up to date
    pdf_variant: str | None = "pdf/ua-1"
    time_limit_seconds: float = 60


@dataclass(frozen=True)
class RenderedBrief:
    loaded: LoadedSpec
    brief: Brief  # one edition of the spec
    outputs: dict[str, Output]  # format → bytes and pages (only what was rebuilt)
    inputs: dict[str, str] = field(default_factory=dict)  # format → hash of its inputs
    current: dict[str, dict] = field(default_factory=dict)  # format → its up-to-date entry


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
    report.lines = list(dict.fromkeys(each_brief(spec_paths, dataset_path, report, check)))
    return report


def build_briefs(
    spec_paths: list[Path],
    *,
    out_dir: Path,
    dataset_path: Path | None = None,
    options: BuildOptions | None = None,
) -> Report:
    """Build every spec; the report has one line per file written."""
    from briefgen.cache import input_key, up_to_date
    from briefgen.render import Options, render_brief
    from briefgen.write import read_manifest, write_briefs

    options = options or BuildOptions()
    render_options = Options(options.pdf_variant, options.time_limit_seconds)
    report = Report()

    manifest, _ = read_manifest(Path(out_dir))
    option_words = f"{options.pdf_variant}"

    def render(item: LoadedSpec, brief: Brief) -> RenderedBrief:
        dirs = template_dirs(item.path)
        formats = list(dict.fromkeys(options.formats or item.spec.formats))
        # The spec's path counts too: the manifest says which spec each output came from.
        words = f"{option_words} {item.path.resolve()}"
        inputs = {fmt: input_key(brief, dirs, fmt, words) for fmt in formats}
        entry = manifest["briefs"].get(brief.output_id)
        current = {} if options.force else {
            fmt: found
            for fmt in formats
            if (found := up_to_date(entry, fmt, inputs[fmt], Path(out_dir))) is not None
        }  # fmt: skip
        wanted = [fmt for fmt in formats if fmt not in current]
        outputs = render_brief(brief, wanted, dirs, render_options) if wanted else {}
        if "docx" in outputs and outputs["docx"].missing_styles:
            report.warnings.append(
                Problem(
                    f"brief '{brief.output_id}': the reference document has no "
                    f"{', '.join(outputs['docx'].missing_styles)}; used Normal instead",
                    audience_file(dirs, brief.audience, REFERENCE_DOCX),
                    severity="warning",
                )
            )
        pdf_pages = (
            outputs["pdf"].pages if "pdf" in outputs else current.get("pdf", {}).get("pages")
        )
        if "pdf" in formats:
            budget = item.spec.page_budget or audience_settings(dirs, brief.audience).page_budget
            report.warnings.extend(over_budget(item, brief.output_id, pdf_pages, budget))
        if "pdf" in outputs:
            spill = outputs["pdf"].first_page_spill
            report.warnings.extend(first_page_spill(item, brief.output_id, spill))
        return RenderedBrief(item, brief, outputs, inputs, current)

    try:
        rendered = each_brief(spec_paths, dataset_path, report, render, options)
        if options.strict and report.warnings:
            raise BriefgenError([replace(w, severity="error") for w in report.warnings])
    except BriefgenError as exc:
        raise BriefgenError(exc.problems, summary="nothing was written") from None
    report.lines, write_warnings = write_briefs(rendered, Path(out_dir))
    report.warnings += write_warnings
    return report


def editions(spec, options: BuildOptions) -> list[str]:
    wanted = options.edition or spec.edition
    return ["full", "releasable"] if wanted == "both" else [wanted]


def each_brief(
    spec_paths: list[Path],
    dataset_path: Path | None,
    report: Report,
    step: Callable[[LoadedSpec, Brief], T],
    options: BuildOptions | None = None,
) -> list[T]:
    """Select, compose and run ``step`` on every edition of every brief; raise all their
    problems at once."""
    options = options or BuildOptions()
    dataset = load_dataset(dataset_path)
    results: list[T] = []
    loaded, problems = _load(spec_paths, dataset)
    for item in loaded:  # the specs that loaded still get their templates checked
        for edition in editions(item.spec, options):
            selections = select_sections(item.spec, dataset, edition)
            if edition == editions(item.spec, options)[0]:  # once per spec
                problems += marking_too_low(item, select_sections(item.spec, dataset), dataset)
                report.warnings += empty_selections(item, selections)
            draft = options.draft or item.spec.draft
            brief = compose_brief(item.spec, selections, dataset, edition, draft)
            try:
                # A typo in the audience's audience.yaml is found by validate too.
                audience_settings(template_dirs(item.path), item.spec.audience)
                results.append(step(item, brief))
            except BriefgenError as exc:
                problems += exc.problems
    if problems:
        raise BriefgenError(list(dict.fromkeys(problems)))  # an edition pair repeats some
    return results
