"""The portal's side of builds: ask for one, follow it, run a worker in this process.

A request only records what to build (rows in the shared database, see
:mod:`briefgen.jobs`) and returns; a worker takes it, in this process (embedded
mode, the default) or in any ``briefgen worker`` sharing the PostgreSQL database,
and runs the ordinary incremental build, whose rendering happens in worker
processes, so the server keeps answering meanwhile. Every portal process reads the
same rows, so each shows the same jobs, states and progress.

The same spec is never built twice at once: a request for a spec still waiting for
its turn joins that job, and the queue never hands out a spec being built (see
:mod:`briefgen.jobs.pgqueue`, :mod:`briefgen.jobs.embedded`).
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager

from briefgen.db import Database, database_url, open_database
from briefgen.errors import BriefgenError
from briefgen.jobs import open_queue, uses_postgresql
from briefgen.jobs.run import Builder
from briefgen.jobs.store import DONE, FAILED, QUEUED, RUNNING, Job, Store
from briefgen.portal.catalogue import Workspace

__all__ = ["Builds", "Job", "QUEUED", "RUNNING", "DONE", "FAILED"]
NO_WORKER_ON_SQLITE = (
    "--no-worker needs a PostgreSQL database (--database-url or BRIEFGEN_DATABASE_URL) "
    "with briefgen worker processes: with SQLite, builds run inside briefgen serve"
)


class Builds:
    """The build queue as a portal process sees it; safe to call from any request thread.

    ``worker``: run one worker in this process (a thread), started with the app or at
    the first request; without it (PostgreSQL only), ``briefgen worker`` builds."""

    def __init__(
        self, workspace: Workspace, database: Database | None = None, worker: bool = True,
        jobs: int | None = None, time_limit_seconds: float = 60,
    ) -> None:  # fmt: skip
        self.workspace = workspace
        self.db = database or open_database(database_url(workspace.root))
        if not worker and not uses_postgresql(self.db):
            raise BriefgenError(NO_WORKER_ON_SQLITE)
        self.store = Store(self.db)
        processes = jobs or os.cpu_count() or 1
        self.queue = open_queue(self.db, Builder(workspace, self.store, processes,
                                                 time_limit_seconds))  # fmt: skip
        self.worker = worker

    def request(self, specs: list[str], force: bool = False,
                requested_by: str | None = None) -> Job | None:  # fmt: skip
        """Queue a build of ``specs`` (relative paths), asked for by ``requested_by``. A
        spec still waiting in a job joins it (forced, if this request forces); if all
        do, that job is returned; None if ``specs`` is empty."""
        job = self.store.request(specs, force, requested_by, self.queue.enqueue)
        self.start()  # the embedded runner is told of the new rows after they are committed
        return job

    def building(self) -> dict[str, Job]:
        """Spec → the job that has it waiting or building."""
        return self.store.building()

    def get(self, job_id: str) -> Job | None:
        return self.store.get(job_id)

    def start(self) -> None:
        if self.worker:
            self.queue.start()

    def stop(self, wait_seconds: float = 5) -> None:
        self.queue.stop(wait_seconds)

    @asynccontextmanager
    async def lifespan(self, _app):
        """The app's lifespan: this process's worker runs while the server does."""
        self.start()
        try:
            yield
        finally:
            self.stop()
