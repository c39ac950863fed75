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

from briefgen.document import Brief, Withheld
from briefgen.errors import BriefgenError, Problem
from briefgen.render_jobs import (
    Progress,
    docx_pages_countable,
    docx_unmeasured,
    measure_docx,
    render_jobs,
    render_warnings,
)
from briefgen.workers import stand_down, warm_up
from briefgen.workspace import (
    audience_settings,
    audiences,
    expand_spec_paths,
    template_dirs,
)

# The stages that load, check and compose import pydantic and the models; they are
# imported where they run, so that a build with nothing to do never pays for them.
if TYPE_CHECKING:
    from briefgen.load_dataset import Dataset
    from briefgen.load_spec import LoadedSpec
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
    measure_docx: bool | None = None  # count DOCX pages with LibreOffice; None: if strict

    @property
    def measures_docx(self) -> bool:
        return self.strict if self.measure_docx is None else self.measure_docx


@dataclass(frozen=True)
class RenderedBrief:
    loaded: LoadedSpec
    brief: Brief  # one edition of the spec
    outputs: dict[str, Output]  # format → bytes and pages (only what was rebuilt)
    inputs: dict[str, str] = field(default_factory=dict)  # format → hash of its inputs
    current: dict[str, dict] = field(default_factory=dict)  # format → its up-to-date entry
    stamp: str = ""  # what its files looked like on disk (see briefgen.cache.spec_stamp)
    spec_outputs: tuple[str, ...] = ()  # every edition its spec made in this build
    warnings: tuple[Problem, ...] = ()  # about its spec: said again while it is skipped


@dataclass(frozen=True)
class BriefSummary:
    """One edition of one brief, for the table at the end of a build."""

    output_id: str
    spec: Path
    formats: list[str]
    pages: int | None  # the PDF's
    seconds: float  # rendering time, summed over formats (0 when up to date)
    state: str  # "built" (some format was rendered) or "up to date"
    docx_pages: int | None = None  # where LibreOffice counted them (--measure-docx)


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)  # one per brief checked or file written
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what each releasable edition withheld
    briefs: list[BriefSummary] = field(default_factory=list)  # build only


def load_all(spec_paths: list[Path], dataset_path: Path | None = None) -> list[LoadedSpec]:
    """Every spec, validated; raise all problems at once."""
    from briefgen.load_dataset import load_dataset

    loaded, problems = _load(spec_paths, load_dataset(dataset_path))
    if problems:
        raise BriefgenError(problems)
    return loaded


def spec_files(spec_paths: list[Path]) -> list[Path]:
    """The spec files named, folders expanded; an error if there are none."""
    paths = expand_spec_paths(list(spec_paths))
    if not paths:
        where = ", ".join(map(str, spec_paths))
        raise BriefgenError(Problem(f"no spec files (*.yaml) in {where}"))
    return paths


def _load(spec_paths: list[Path], dataset: Dataset) -> tuple[list[LoadedSpec], list[Problem]]:
    from briefgen.load_spec import load_specs

    paths = spec_files(spec_paths)
    return load_specs(paths, dataset, lambda path: audiences(template_dirs(path)))


def check_briefs(spec_paths: list[Path], dataset_path: Path | None = None) -> Report:
    """What ``validate`` does: everything a build does short of PDF, DOCX and writing."""
    from briefgen.render import check_template

    def check(item: LoadedSpec, brief: Brief) -> str:
        check_template(brief, template_dirs(item.path))
        count = len(item.spec.sections)
        return f"{item.path}: ok ({item.spec.audience}, {count} section{'s' if count > 1 else ''})"

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
    progress: Progress | None = None,
) -> Report:
    """Build every spec; the report has one line per file written or up to date."""
    from briefgen.cache import spec_stamp, unchanged_outputs
    from briefgen.write import read_manifest, write_briefs

    options = options or BuildOptions()
    out_dir = Path(out_dir)
    report = Report()
    manifest, _ = read_manifest(out_dir)
    walked: dict = {}
    stamps = {
        path.resolve(): (path, spec_stamp(path, dataset_path, stamp_words(options), walked))
        for path in spec_files(spec_paths)
    }
    stale = []
    recount = options.measures_docx and docx_pages_countable()
    for path, stamp in stamps.values():
        # Files untouched since the last build of this spec: its outputs are too, and
        # the spec is not even read (the content hash below decides the rest).
        unchanged = None if options.force else unchanged_outputs(manifest, out_dir, path, stamp)
        if unchanged is None or (
            recount and any(docx_unmeasured(f) for entry in unchanged for f in entry["files"])
        ):
            stale.append(path)
            continue
        for entry in unchanged:
            report.warnings += remembered_warnings(entry)
            report.notes += remembered_note(entry)
            # HTML is for debugging templates: reported only when asked for (-f html).
            wanted = options.formats or ("pdf", "docx")
            files = [f for f in entry["files"] if f["format"] in wanted]
            report.lines += [f"{out_dir / f['name']}  up to date" for f in files]
            pages = {f["format"]: f.get("pages") for f in files}
            formats = [f["format"] for f in files]
            summary = BriefSummary(
                entry["id"], path, formats, pages.get("pdf"), 0.0, "up to date",
                pages.get("docx"),
            )  # fmt: skip
            report.briefs.append(summary)
    if not stale:
        stand_down()  # the workers the command line got ready are not needed
        report.warnings = list(dict.fromkeys(report.warnings))  # editions share their spec's
        return report
    if options.jobs > 1:
        # The workers' imports run while the specs load; their first page is laid out
        # with the house fonts of these specs' templates, if they share one workspace.
        dirs = {tuple(template_dirs(path)) for path in stale}
        warm_up(list(dirs.pop()) if len(dirs) == 1 else None)
    try:
        plan = plan_job(manifest, out_dir, options, walked, recount)
        jobs = each_brief(stale, dataset_path, report, plan, options)
        outputs = render_jobs(jobs, options, progress)
        report.notes += measure_docx(jobs, outputs, options, progress)
        editions: dict[Path, tuple[str, ...]] = {}
        for job in jobs:
            spec = job.item.path.resolve()
            editions[spec] = (*editions.get(spec, ()), job.brief.output_id)
        for job, job_outputs in zip(jobs, outputs, strict=True):
            report.warnings += render_warnings(job, job_outputs)
        rendered = []
        for job, job_outputs in zip(jobs, outputs, strict=True):
            spec = job.item.path.resolve()
            about_spec = tuple(
                w for w in report.warnings if w.file and Path(w.file).resolve() == spec
            )
            rendered.append(
                RenderedBrief(
                    job.item, job.brief, job_outputs, job.inputs, job.current,
                    stamps[spec][1], editions[spec], about_spec,
                )
            )  # fmt: skip
        if options.strict and report.warnings:
            raise BriefgenError([replace(w, severity="error") for w in report.warnings])
    except BriefgenError as exc:
        raise BriefgenError(exc.problems, summary="nothing was written") from None
    lines, write_warnings = write_briefs(rendered, out_dir)
    report.lines += lines
    report.warnings += write_warnings
    report.briefs += [summarise(item) for item in rendered]
    report.warnings = list(dict.fromkeys(report.warnings))  # editions share their spec's
    in_spec_order(report, list(stamps))
    return report


def in_spec_order(report: Report, specs: list[Path]) -> None:
    """Briefs skipped at once, briefs found up to date and briefs built are reported in
    the order of their specs, not in the order they were dealt with."""
    position = {spec: index for index, spec in enumerate(specs)}
    report.briefs.sort(key=lambda brief: position.get(brief.spec.resolve(), len(specs)))
    brief_position = {brief.output_id: index for index, brief in enumerate(report.briefs)}

    def line_position(line: str) -> int:
        output_id = Path(line.split("  ")[0]).stem
        return brief_position.get(output_id, len(brief_position))

    report.lines.sort(key=line_position)


def remembered_warnings(entry: dict) -> list[Problem]:
    """The warnings the manifest keeps for a brief skipped unread (over its page budget…)."""
    kept = entry.get("warnings")
    if not isinstance(kept, list):
        return []
    fields = ("message", "file", "line", "column")
    return [
        Problem(**{key: warning.get(key) for key in fields}, severity="warning")
        for warning in kept
        if isinstance(warning, dict) and isinstance(warning.get("message"), str)
    ]


def remembered_note(entry: dict) -> list[str]:
    """What a releasable edition skipped unread withheld, as the manifest keeps it."""
    withheld = entry.get("withheld")
    if not isinstance(withheld, dict):
        return []
    parts = {key: tuple(map(str, withheld.get(key) or ())) for key in Withheld.KEYS}
    described = Withheld(**parts).describe()
    return [f"{entry.get('id')}: marked {entry.get('marking')}; withheld {described}"]


def stamp_words(options: BuildOptions) -> str:
    """The options that change what a spec's outputs are (or whether warnings stop it)."""
    return repr(
        (options.formats, options.edition, options.draft, options.strict, options.pdf_variant)
    )


def plan_job(
    manifest: dict, out_dir: Path, options: BuildOptions, walked: dict, recount: bool = False
):
    """What to render of each edition: the formats whose inputs' hash changed (and, if
    ``recount``, a DOCX whose pages were never counted)."""
    from briefgen.cache import input_key, templates_digest, up_to_date

    def plan(item: LoadedSpec, brief: Brief) -> Job:
        dirs = template_dirs(item.path)
        formats = list(dict.fromkeys(options.formats or item.spec.formats))
        # The spec's path counts too: the manifest says which spec each output came from.
        words = f"{options.pdf_variant} {item.path.resolve()}"
        templates = templates_digest(dirs, walked)
        inputs = {fmt: input_key(brief, templates, fmt, words) for fmt in formats}
        entry = manifest["briefs"].get(brief.output_id)
        current = {} if options.force else {
            fmt: found
            for fmt in formats
            if (found := up_to_date(entry, fmt, inputs[fmt], out_dir)) is not None
            and not (recount and docx_unmeasured(found))
        }  # fmt: skip
        return Job(item, brief, dirs, formats, inputs, current)

    return plan


def summarise(item: RenderedBrief) -> BriefSummary:
    formats = [*item.current, *item.outputs]
    pdf = item.outputs.get("pdf")
    pages = pdf.pages if pdf else item.current.get("pdf", {}).get("pages")
    docx = item.outputs.get("docx")
    docx_pages = docx.pages if docx else item.current.get("docx", {}).get("pages")
    state = "built" if item.outputs else "up to date"
    seconds = sum(output.seconds for output in item.outputs.values())
    return BriefSummary(
        item.brief.output_id, item.loaded.path, formats, pages, seconds, state, docx_pages
    )


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
    from briefgen.checks import (
        dated_items,
        empty_selections,
        marking_too_low,
        nothing_withheld,
        rotting_words,
        uncited_numbers,
        unconfirmed_label,
        untranslated,
    )
    from briefgen.compose import compose_brief
    from briefgen.load_dataset import load_dataset
    from briefgen.longwords import long_words
    from briefgen.release import floor_note, plan_release, withheld_note
    from briefgen.schema import stale_schemas
    from briefgen.selection import select_sections

    options = options or BuildOptions()
    dataset = load_dataset(dataset_path)
    results: list[T] = []
    loaded, problems = _load(spec_paths, dataset)
    report.warnings += stale_schemas(loaded, dataset_path)
    for item in loaded:  # the specs that loaded still get their templates checked
        # Checked once per spec, on everything the full edition shows.
        full = select_sections(item.spec, dataset)
        problems += marking_too_low(item, full, dataset, item.scheme)
        report.warnings += empty_selections(item, full)
        report.warnings += untranslated(item, full, dataset)
        report.warnings += rotting_words(item, full, dataset)
        report.warnings += long_words(item.doc)  # broken where the line ends: say so
        try:  # a typo in the audience's audience.yaml is found by validate too
            settings = audience_settings(template_dirs(item.path), item.spec.audience)
        except BriefgenError as exc:
            problems += exc.problems
            continue
        report.warnings += dated_items(item, full, dataset, settings.max_source_age_months)
        if options.strict or settings.cite_numbers:
            report.warnings += uncited_numbers(item)
        report.warnings += unconfirmed_label(item)
        draft = options.draft or item.spec.draft
        for edition in editions(item.spec, options):
            if edition == "full":
                brief = compose_brief(item.spec, full, dataset, None, draft, item.scheme)
            else:
                cleared = select_sections(item.spec, dataset, edition)
                release, found = plan_release(item, full, cleared, dataset, item.scheme)
                problems += found
                report.warnings += nothing_withheld(item, release)
                brief = compose_brief(item.spec, cleared, dataset, release, draft, item.scheme)
                report.notes.append(withheld_note(brief) + floor_note(item, brief))
            try:
                results.append(step(item, brief))
            except BriefgenError as exc:
                problems += exc.problems
    if problems:
        raise BriefgenError(list(dict.fromkeys(problems)))  # editions share a template
    return results
