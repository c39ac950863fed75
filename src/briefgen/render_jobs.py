"""Stage 5 of a build: render every brief's template, then its formats, in worker
processes when there are several, and say what only a rendered brief can tell (page
budget, page 1, the reference document's styles).

A worker that dies costs only the call it was running, which runs again; the second
death is that call's problem (see :mod:`briefgen.pool`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from briefgen.errors import BriefgenError, Problem
from briefgen.workspace import REFERENCE_DOCX, audience_file, audience_settings

if TYPE_CHECKING:
    from briefgen.build import BuildOptions, Job


class Progress:
    """What a build tells as it renders (nothing, here); the command line shows a bar."""

    def start(self, total: int) -> None:
        """``total`` outputs are to be rendered."""

    def advance(self, output_id: str) -> None:
        """One output of brief ``output_id`` is rendered."""


def render_jobs(
    jobs: list[Job], options: BuildOptions, progress: Progress | None = None
) -> list[dict]:
    """Render each job's template, then write its formats, in worker processes when
    there are several; every brief's problems are collected before any is raised. Each
    format is a task of its own, so one brief's PDF and DOCX are written on two cores."""
    from briefgen.render import Options, render_template, write_output

    render_options = Options(options.pdf_variant, options.time_limit_seconds)
    progress = progress or Progress()
    # Off the main thread (the portal's builds) a time limit only works in a worker
    # process, so everything is rendered there.
    off_main_thread = threading.current_thread() is not threading.main_thread()
    wanted = [job for job in jobs if job.wanted]
    templates = run_calls(
        [(job, render_template, (job.brief, job.dirs, render_options)) for job in wanted],
        options.jobs,
        in_workers=off_main_thread and options.jobs > 1,
    )
    rendered = {id(job): result for job, (result, _) in zip(wanted, templates, strict=True)}
    problems = [problem for _, found in templates for problem in found]
    tasks = [(job, fmt) for job in wanted if rendered[id(job)] for fmt in job.wanted]
    # Counting DOCX pages is one step more: LibreOffice's seconds show on the bar.
    counting = options.measures_docx and any(fmt == "docx" for _, fmt in tasks)
    progress.start(len(tasks) + int(counting))
    longest_first = sorted(tasks, key=lambda task: task[1] != "pdf")  # no core idles at the end
    outcomes = run_calls(
        [
            (job, write_output, (rendered[id(job)], fmt, render_options))
            for job, fmt in longest_first
        ],
        options.jobs,
        in_workers=options.jobs > 1 and (len(tasks) > 1 or off_main_thread),
        done=lambda job: progress.advance(job.brief.output_id),
    )
    outcome = {(id(job), fmt): o for (job, fmt), o in zip(longest_first, outcomes, strict=True)}
    results: dict[int, dict] = {id(job): {} for job in jobs}
    for job, fmt in tasks:  # in spec order, for the messages
        output, found = outcome[id(job), fmt]
        problems += found
        if output is not None:
            results[id(job)][fmt] = output
    if problems:
        raise BriefgenError(list(dict.fromkeys(problems)))  # a shared template fails alike
    return [results[id(job)] for job in jobs]


def run_calls(
    calls: list[tuple[Job, Callable, tuple]],
    workers: int,
    in_workers: bool,
    done: Callable[[Job], None] = lambda job: None,
) -> list[tuple[object | None, list[Problem]]]:
    """``function(*args)`` for each call, in worker processes if ``in_workers``: for each
    call, in order, its result (None if it failed) and its problems; ``done`` is told of
    each call as it finishes. A worker that dies costs only the call it was running,
    which runs again; the second death is that call's problem (see briefgen.pool)."""
    from briefgen.pool import run_in_workers

    def outcome(job: Job, result: Callable[[], object]) -> tuple[object | None, list[Problem]]:
        try:
            return result(), []
        except BriefgenError as exc:
            return None, exc.problems

    if not (in_workers and calls):
        outcomes = []
        for job, function, args in calls:
            outcomes.append(outcome(job, lambda: function(*args)))  # noqa: B023 - called now
            done(job)
        return outcomes
    found = run_in_workers(
        [(function, args) for _, function, args in calls],
        workers,
        done=lambda index: done(calls[index][0]),
    )
    results: list[tuple[object | None, list[Problem]]] = []
    for (job, _, _), call in zip(calls, found, strict=True):
        if call.lost is not None:
            results.append((None, [worker_lost(job, call.lost)]))
        elif isinstance(call.error, BriefgenError):
            results.append((None, call.error.problems))
        elif call.error is not None:
            raise call.error  # a bug, not a problem in the inputs: shown with its traceback
        else:
            results.append((call.result, []))
    return results


def worker_lost(job: Job, how: str) -> Problem:
    return Problem(
        f"rendering brief '{job.brief.output_id}' stopped its worker process twice, "
        f"{how}; build again, or with --jobs 1 to render in one process",
        job.item.path,
    )


NOT_ASKED = "not measured: ask with --measure-docx (a --strict build measures)"


def measure_docx(
    jobs: list[Job], outputs: list[dict], options: BuildOptions, progress: Progress | None = None
) -> list[str]:
    """Count the pages of every DOCX just written, laid out by LibreOffice in one process
    (see briefgen.office), into ``outputs``; a note for the build if they
    could not be counted, said once, however many briefs. An error only under --strict,
    which gates page budgets: else Word lays out its own pages, and a DOCX not measured
    is as good as before."""
    written = {
        job.brief.output_id: found for job, found in zip(jobs, outputs, strict=True)
        if "docx" in found
    }  # fmt: skip
    if not written:
        return []
    if not options.measures_docx:
        for found in written.values():
            found["docx"] = replace(found["docx"], pages_from=NOT_ASKED)
        return []
    from briefgen.office import measure_pages

    measured = measure_pages({name: found["docx"].data for name, found in written.items()})
    (progress or Progress()).advance("DOCX pages counted")
    for name, found in written.items():
        pages = measured.pages.get(name)
        laid_out = measured.by if pages is not None else f"not measured: {measured.why_not}"
        found["docx"] = replace(found["docx"], pages=pages, pages_from=laid_out)
    missed = [name for name in written if name not in measured.pages]
    if not missed:
        return []
    which = "" if len(missed) == len(written) else f" of {', '.join(missed)}"
    note = f"DOCX pages{which} not measured: {measured.why_not}"
    if options.strict:  # the build that gates page budgets cannot pass what it never checked
        raise BriefgenError(
            f"{note}; --strict checks every DOCX against its page budget: install "
            "LibreOffice (scripts/install-system-packages does), or build with "
            "--no-measure-docx"
        )
    return [note]


def docx_unmeasured(file: dict) -> bool:
    """Is this manifest file entry a DOCX whose pages were never counted? A build that
    counts them builds it again (its measuring is not part of the spec's stamp: the
    outputs are the same bytes, and the portal would take a measured brief for a stale
    one)."""
    return file.get("format") == "docx" and file.get("pages") is None


def docx_pages_countable() -> bool:
    from briefgen.office import find_soffice  # light: not the renderers

    return find_soffice() is not None


def render_warnings(job: Job, outputs: dict) -> list[Problem]:
    """Page budget, page 1, the last page, and DOCX styles: what only a rendered brief
    can tell."""
    from briefgen.checks import first_page_spill, over_budget
    from briefgen.lastpage import near_empty_last_page

    warnings = []
    brief, dirs = job.brief, job.dirs
    docx = outputs.get("docx")
    if docx is not None and docx.missing_styles:
        missing = ", ".join(docx.missing_styles)
        warnings.append(
            reference_warning(job, f"the reference document has no {missing}; used Normal instead")
        )
    if docx is not None and docx.dropped:
        dropped = "; ".join(docx.dropped)
        warnings.append(
            reference_warning(
                job, f"left out of the DOCX what a reference document does not give: {dropped}"
            )
        )
    budget = job.item.spec.page_budget or audience_settings(dirs, brief.audience).page_budget
    for fmt in ("pdf", "docx"):  # a DOCX's pages are known where LibreOffice counted them
        if fmt in job.formats:
            pages = outputs[fmt].pages if fmt in outputs else job.current[fmt].get("pages")
            warnings += over_budget(job.item, brief.output_id, pages, budget, fmt)
    if "pdf" in outputs:
        warnings += first_page_spill(job.item, brief.output_id, outputs["pdf"].first_page_spill)
        warnings += near_empty_last_page(job.item, brief.output_id, outputs["pdf"].data)
    return warnings


def reference_warning(job: Job, message: str) -> Problem:
    """A warning about a brief's reference document, located at that document."""
    where = audience_file(job.dirs, job.brief.audience, REFERENCE_DOCX)
    return Problem(f"brief '{job.brief.output_id}': {message}", where, severity="warning")
