"""Builds the portal runs: queued, one at a time, off the request handlers.

A request only records what to build and returns; a background thread takes
jobs from the queue and runs the ordinary incremental build, whose rendering
happens in worker processes, so the server keeps answering meanwhile. Each
spec is built on its own, so one broken spec does not hold back the others;
its errors are kept (``build/.portal/failures.json``) and shown on the page.

The same spec is never built twice at once: a request for a spec still waiting
for its turn in a queued or running job joins that job, and a lock per spec in
``build/.locks/`` keeps out the builds of other server processes. (A build from
the command line meanwhile takes turns with it file by file, through the
per-brief locks of :mod:`briefgen.write`.)
"""

from __future__ import annotations

import json
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from briefgen.build import BuildOptions, Progress, build_briefs, stamp_words
from briefgen.cache import spec_stamp
from briefgen.errors import BriefgenError
from briefgen.portal.catalogue import FAILURES, Workspace, read_failures, shown
from briefgen.write import LOCKS, write_atomically

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"


@dataclass
class Job:
    id: str
    specs: list[str]  # relative to the workspace
    force: bool
    pending: list[str] = field(default_factory=list)  # specs not yet built by this job
    state: str = QUEUED
    done: int = 0  # outputs rendered so far
    total: int = 0
    current: str = ""  # the brief last rendered
    problems: list[str] = field(default_factory=list)
    queued_at: float = field(default_factory=time.time)
    finished_at: float | None = None


class JobProgress(Progress):
    def __init__(self, job: Job) -> None:
        self.job = job

    def start(self, total: int) -> None:
        self.job.total += total

    def advance(self, output_id: str) -> None:
        self.job.done += 1
        self.job.current = output_id


class Builds:
    """The portal's build queue; safe to call from any request thread."""

    def __init__(
        self, workspace: Workspace, jobs: int | None = None, time_limit_seconds: float = 60
    ) -> None:
        self.workspace = workspace
        self.workers = jobs or os.cpu_count() or 1
        self.time_limit_seconds = time_limit_seconds
        self.jobs: dict[str, Job] = {}
        self.queue: queue.Queue[Job] = queue.Queue()
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def request(self, specs: list[str], force: bool = False) -> Job | None:
        """Queue a build of ``specs`` (relative paths). A spec still waiting in a job
        (one that forces, if this request forces) joins it; if all do, that job is
        returned; None if ``specs`` is empty."""
        with self.lock:
            waiting = {
                spec: job
                for job in self.jobs.values()
                if job.state in (QUEUED, RUNNING) and (job.force or not force)
                for spec in job.pending
            }
            new = [spec for spec in dict.fromkeys(specs) if spec not in waiting]
            if not new:
                return waiting.get(specs[0]) if specs else None
            job = Job(uuid.uuid4().hex[:16], new, force, pending=list(new))
            self.jobs[job.id] = job
            self.queue.put(job)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="builds", daemon=True)
                self.thread.start()
            return job

    def building(self) -> dict[str, Job]:
        """Spec → the job that has it waiting or building."""
        with self.lock:
            return {spec: job for job in self.jobs.values() if job.state in (QUEUED, RUNNING)
                    for spec in job.pending}  # fmt: skip

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def run(self) -> None:
        while True:
            job = self.queue.get()
            job.state = RUNNING
            try:
                for spec in job.specs:
                    self.build_one(job, spec)
                    with self.lock:
                        job.pending.remove(spec)
            except BaseException as exc:  # never leave a job "running" for ever
                job.problems.append(f"the build stopped: {type(exc).__name__}: {exc}")
            finally:
                job.pending.clear()
                job.state = FAILED if job.problems else DONE
                job.finished_at = time.time()

    def build_one(self, job: Job, spec: str) -> None:
        path = self.workspace.root / spec
        options = BuildOptions(
            force=job.force,
            jobs=max(2, self.workers),  # in worker processes, where time limits work
            time_limit_seconds=self.time_limit_seconds,
        )
        out_dir = self.workspace.out_dir
        try:
            stamp = spec_stamp(path, self.workspace.dataset, stamp_words(options), {})
            (out_dir / LOCKS).mkdir(parents=True, exist_ok=True)
            guard = FileLock(out_dir / LOCKS / f"portal-{Path(spec).stem}.lock", timeout=0)
            with guard:
                build_briefs(
                    [path],
                    out_dir=out_dir,
                    dataset_path=self.workspace.dataset,
                    options=options,
                    progress=JobProgress(job),
                )
            self.record_failure(spec, None)
        except Timeout:
            job.problems.append(f"{spec}: being built by another process; try again shortly")
        except BriefgenError as exc:
            problems = [shown(problem, self.workspace.root) for problem in exc.problems]
            job.problems += problems
            self.record_failure(spec, {"stamp": stamp, "problems": problems})
        except Exception as exc:  # never let the build thread die: say what happened
            job.problems.append(f"{spec}: {type(exc).__name__}: {exc}")

    def record_failure(self, spec: str, failure: dict | None) -> None:
        folder = self.workspace.portal_dir
        folder.mkdir(parents=True, exist_ok=True)
        # A file lock too: several server processes may share the file.
        with self.lock, FileLock(folder / f"{FAILURES}.lock"):
            failures = read_failures(self.workspace)
            if failure is None and spec not in failures:
                return
            if failure is None:
                del failures[spec]
            else:
                failures[spec] = failure
            text = json.dumps(failures, indent=2, ensure_ascii=False) + "\n"
            write_atomically(folder / FAILURES, text)
