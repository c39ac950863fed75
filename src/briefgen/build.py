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
    jobs: int = 1  # worker processes for rendering (the command line uses every core)


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


@dataclass(frozen=True)
class Job:
    """One edition of one brief, with what the cache decided about each format."""

    item: LoadedSpec
    brief: Brief
    dirs: list[Path]
    formats: list[str]
    inputs: dict[str, str]  # format → hash of its inputs
    current: dict[str, dict]  # format → manifest entry of an up-to-date output

    @property
    def wanted(self) -> list[str]:
        return [fmt for fmt in self.formats if fmt not in self.current]


def build_briefs(
    spec_paths: list[Path],
    *,
    out_dir: Path,
    dataset_path: Path | None = None,
    options: BuildOptions | None = None,
) -> Report:
    """Build every spec; the report has one line per file written."""
    from briefgen.cache import input_key, templates_digest, up_to_date
    from briefgen.render import Options
    from briefgen.write import read_manifest, write_briefs

    options = options or BuildOptions()
    report = Report()
    manifest, _ = read_manifest(Path(out_dir))

    def plan(item: LoadedSpec, brief: Brief) -> Job:
        dirs = template_dirs(item.path)
        formats = list(dict.fromkeys(options.formats or item.spec.formats))
        # The spec's path counts too: the manifest says which spec each output came from.
        words = f"{options.pdf_variant} {item.path.resolve()}"
        templates = templates_digest(dirs)
        inputs = {fmt: input_key(brief, templates, fmt, words) for fmt in formats}
        entry = manifest["briefs"].get(brief.output_id)
        current = {} if options.force else {
            fmt: found
            for fmt in formats
            if (found := up_to_date(entry, fmt, inputs[fmt], Path(out_dir))) is not None
        }  # fmt: skip
        return Job(item, brief, dirs, formats, inputs, current)

    try:
        jobs = each_brief(spec_paths, dataset_path, report, plan, options)
        render_options = Options(options.pdf_variant, options.time_limit_seconds)
        outputs = render_jobs(jobs, render_options, options.jobs)
        rendered = []
        for job, job_outputs in zip(jobs, outputs, strict=True):
            report.warnings += render_warnings(job, job_outputs)
            rendered.append(
                RenderedBrief(job.item, job.brief, job_outputs, job.inputs, job.current)
            )
        if options.strict and report.warnings:
            raise BriefgenError([replace(w, severity="error") for w in report.warnings])
    except BriefgenError as exc:
        raise BriefgenError(exc.problems, summary="nothing was written") from None
    report.lines, write_warnings = write_briefs(rendered, Path(out_dir))
    report.warnings += write_warnings
    return report


def render_jobs(jobs: list[Job], render_options, workers: int) -> list[dict]:
    """Render what each job wants, in worker processes when there is more than one to do;
    every brief's problems are collected before any is raised."""
    from briefgen.render import render_brief

    todo = [job for job in jobs if job.wanted]
    results: dict[int, dict] = {}
    problems: list[Problem] = []
    if workers > 1 and len(todo) > 1:
        with worker_pool(min(workers, len(todo))) as pool:
            futures = {
                id(job): pool.submit(render_brief, job.brief, job.wanted, job.dirs, render_options)
                for job in todo
            }
            for job in todo:
                try:
                    results[id(job)] = futures[id(job)].result()
                except BriefgenError as exc:
                    problems += exc.problems
    else:
        for job in todo:
            try:
                results[id(job)] = render_brief(job.brief, job.wanted, job.dirs, render_options)
            except BriefgenError as exc:
                problems += exc.problems
    if problems:
        raise BriefgenError(list(dict.fromkeys(problems)))  # a shared template fails alike
    return [results.get(id(job), {}) for job in jobs]


# A worker renders this many briefs, then a fresh one takes over: memory stays flat
# however long the batch (WeasyPrint's caches grow a little with every render).
RENDERS_PER_WORKER = 100


def worker_pool(workers: int):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),  # needed to recycle workers
        max_tasks_per_child=RENDERS_PER_WORKER,
    )


def render_warnings(job: Job, outputs: dict) -> list[Problem]:
    """Page budget, page 1, and DOCX styles: what only a rendered brief can tell."""
    warnings = []
    brief, dirs = job.brief, job.dirs
    if "docx" in outputs and outputs["docx"].missing_styles:
        warnings.append(
            Problem(
                f"brief '{brief.output_id}': the reference document has no "
                f"{', '.join(outputs['docx'].missing_styles)}; used Normal instead",
                audience_file(dirs, brief.audience, REFERENCE_DOCX),
                severity="warning",
            )
        )
    if "pdf" in job.formats:
        pages = outputs["pdf"].pages if "pdf" in outputs else job.current["pdf"].get("pages")
        budget = job.item.spec.page_budget or audience_settings(dirs, brief.audience).page_budget
        warnings += over_budget(job.item, brief.output_id, pages, budget)
    if "pdf" in outputs:
        warnings += first_page_spill(job.item, brief.output_id, outputs["pdf"].first_page_spill)
    return warnings


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
        # Checked once per spec, on everything the full edition shows.
        full = select_sections(item.spec, dataset)
        problems += marking_too_low(item, full, dataset)
        report.warnings += empty_selections(item, full)
        try:  # a typo in the audience's audience.yaml is found by validate too
            audience_settings(template_dirs(item.path), item.spec.audience)
        except BriefgenError as exc:
            problems += exc.problems
            continue
        for edition in editions(item.spec, options):
            selections = full if edition == "full" else select_sections(item.spec, dataset, edition)
            draft = options.draft or item.spec.draft
            brief = compose_brief(item.spec, selections, dataset, edition, draft)
            try:
                results.append(step(item, brief))
            except BriefgenError as exc:
                problems += exc.problems
    if problems:
        raise BriefgenError(list(dict.fromkeys(problems)))  # editions share a template
    return results
