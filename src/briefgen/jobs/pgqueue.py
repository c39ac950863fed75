"""The queue on PostgreSQL: procrastinate (https://procrastinate.readthedocs.io).

Each item of a build job becomes one procrastinate job, deferred in the very
transaction that writes the item's row (procrastinate's ``connection=``), so the two
exist together or not at all. What procrastinate gives, so briefgen does not write it:

- **LISTEN/NOTIFY**: a worker is woken the moment a job is queued, on any machine.
- **lock** = the spec: procrastinate never hands out a job while another job with the
  same lock is running, so a spec is never built by two workers at once.
- **heartbeats**: each worker updates its row every ``stalled_after / 3`` seconds. A
  worker killed mid-job (SIGKILL, out of memory, its machine gone) stops beating;
  after ``stalled_after`` seconds its jobs count as stalled, and the periodic
  ``reap`` task (procrastinate's recipe for stalled jobs) retries them, so another
  worker builds them, until a job has been tried ``max_attempts`` times; then it is
  failed with the reason. ``reap`` runs with a lock and a queueing lock of its own:
  one at a time, never piling up, on a worker of its own queue, so it is not stuck
  behind a long build.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from briefgen.jobs.run import Builder
from briefgen.jobs.store import worker_name

BUILDS, HOUSEKEEPING = "briefgen-builds", "briefgen-housekeeping"
BUILD_TASK, REAP_TASK = "briefgen.build", "briefgen.reap"
STALLED = (
    "{spec}: the worker building it stopped before finishing, {times} (killed, "
    "out of memory, or its machine lost); not tried again: see the workers' logs"
)


@dataclass(frozen=True)
class Settings:
    stalled_after: float = 60  # seconds without a heartbeat before a worker counts as gone
    max_attempts: int = 3  # times an item is handed to a worker before it is failed


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://`` too)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def procrastinate_app(url: str, settings: Settings, builder: Builder | None = None):
    """A procrastinate App for the database: its tasks, and (with ``builder``) what they
    run. Deferring needs no builder and no open pool: it uses the caller's connection."""
    import procrastinate
    from procrastinate import jobs

    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=conninfo(url), min_size=1, max_size=4
        ),  # fmt: skip
        worker_defaults={
            "install_signal_handlers": False,
            "update_heartbeat_interval": settings.stalled_after / 3,
            "stalled_worker_timeout": settings.stalled_after,
        },  # fmt: skip
    )

    @app.task(name=BUILD_TASK, queue=BUILDS, pass_context=True)
    def build(context, item: int) -> None:
        # A retried job (procrastinate counts tries) may find its item still marked
        # running by the worker that died: procrastinate's lock keeps out any other.
        taken = builder.store.start(item, worker_name(), retry=context.job.attempts > 0)
        if taken is not None:  # else: finished already
            builder.run(taken)

    seconds = max(1, round(settings.stalled_after / 2))

    @app.periodic(cron=f"* * * * * */{seconds}" if seconds < 60 else "* * * * *")
    @app.task(name=REAP_TASK, queue=HOUSEKEEPING, lock=REAP_TASK, queueing_lock=REAP_TASK,
              pass_context=True)  # fmt: skip
    async def reap(context, timestamp: int) -> None:
        manager = context.app.job_manager
        stalled = await manager.get_stalled_jobs(
            queue=BUILDS, seconds_since_heartbeat=settings.stalled_after
        )
        for job in stalled:
            item = int(job.task_kwargs.get("item", 0))
            if job.attempts + 1 >= settings.max_attempts:
                await manager.finish_job(job, status=jobs.Status.FAILED, delete_job=False)
                await asyncio.to_thread(builder.store.give_back, item, STALLED)
            else:  # queued again; shown as queued unless a worker took it meanwhile
                attempts = await asyncio.to_thread(builder.store.attempts, item)
                await manager.retry_job(job)
                await asyncio.to_thread(builder.store.give_back, item, None, attempts)

    return app


class PostgresQueue:
    """Defers items as procrastinate jobs; runs workers (in a thread of ``serve``, or as
    ``briefgen worker`` in the foreground)."""

    def __init__(self, url: str, builder: Builder, settings: Settings = Settings()) -> None:
        self.url = url
        self.builder = builder
        self.settings = settings
        self.deferrer = procrastinate_app(url, settings)
        self.thread: threading.Thread | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.task: asyncio.Task | None = None
        self.stop_requested = asyncio.Event()  # bound to work()'s loop when first awaited
        self.lock = threading.Lock()

    def enqueue(self, session, items) -> None:
        connection = session.connection().connection.driver_connection  # psycopg 3
        for item in items:
            self.deferrer.configure_task(
                BUILD_TASK, lock=f"briefgen-spec:{item.spec}", connection=connection
            ).defer(item=item.id)

    async def work(self, name: str) -> None:
        """Take jobs until :meth:`stop_taking`; then finish the build in hand and stop."""
        from procrastinate.worker import Worker

        app = procrastinate_app(self.url, self.settings, self.builder)
        async with app.open_async():
            workers = [
                Worker(app=app, **{**app.worker_defaults, **options})
                for options in ({"queues": [BUILDS], "name": name, "concurrency": 1},
                                {"queues": [HOUSEKEEPING], "name": f"{name}-housekeeping"})
            ]  # fmt: skip
            runs = [asyncio.ensure_future(worker.run()) for worker in workers]

            async def relay_stop() -> None:
                # Begun after each run() (tasks start in order), whose first step clears
                # any stop asked before it: a stop asked at any time reaches both.
                await self.stop_requested.wait()
                for worker in workers:
                    worker.stop()  # each finishes the job in hand, then returns

            relay = asyncio.ensure_future(relay_stop())
            try:
                # Stopped by their own stop(), they return before the app closes (cancelled,
                # a job could end after it, and fail to record its end).
                await asyncio.gather(*runs)
            finally:
                relay.cancel()

    def stop_taking(self) -> None:
        """Take no more jobs, and return from :meth:`work` once the build in hand is
        done (call it on the loop work() runs on: a signal handler, call_soon_threadsafe)."""
        self.stop_requested.set()

    def start(self) -> None:
        """Run one worker on a thread of this process (``briefgen serve``'s own)."""
        with self.lock:
            if self.thread is not None and self.thread.is_alive():
                return
            self.stop_requested = asyncio.Event()  # a new worker: not stopped by the last
            ready = threading.Event()

            def run() -> None:
                self.loop = asyncio.new_event_loop()
                self.task = self.loop.create_task(self.work(f"portal-{worker_name()}"))
                ready.set()
                try:
                    self.loop.run_until_complete(self.task)
                except asyncio.CancelledError:
                    pass
                except Exception as exc:  # the database went away: say so
                    print(f"briefgen: the portal's build worker stopped: {exc}",
                          file=sys.stderr)  # fmt: skip

            self.thread = threading.Thread(target=run, name="build-worker", daemon=True)
            self.thread.start()
            ready.wait()

    def stop(self, wait_seconds: float = 5) -> None:
        """Stop taking jobs. A build in hand goes on for ``wait_seconds``; if the process
        then ends, that job counts as stalled and another worker retries it."""
        if self.loop is not None and self.task is not None and not self.task.done():
            self.loop.call_soon_threadsafe(self.stop_taking)
        if self.thread is not None:
            self.thread.join(wait_seconds)
