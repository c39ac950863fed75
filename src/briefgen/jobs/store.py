"""Build jobs as rows of the shared database: what was asked, by whom, and how far it got.

Every portal process reads the same rows, so a build asked for on one portal shows
its progress on every other. A *job* is what one request asked for; each of its
specs is an *item*, the unit a worker takes (so two workers share a job of fifty
specs). An item's ``waiting_spec`` is unique: a request for a spec that already
waits joins that item, even when two portal processes are asked at the same moment
(a spec being built is joined too, as long as that build forces if the request does).
Which worker takes which item is the queue's business (:mod:`briefgen.jobs.pgqueue`
or :mod:`briefgen.jobs.embedded`); this module only records it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from briefgen.db import Database
from briefgen.db.tables import BuildItem, BuildJob, now

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
ACTIVE = (QUEUED, RUNNING)


def worker_name() -> str:
    """This process, as the rows name it: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class Job:
    """A job as read from the database at one moment (read it again to follow it)."""

    id: str
    specs: list[str]  # relative to the workspace
    force: bool
    pending: list[str] = field(default_factory=list)  # specs queued or being built
    state: str = QUEUED
    done: int = 0  # outputs rendered so far
    total: int = 0
    current: str = ""  # the output last rendered
    problems: list[str] = field(default_factory=list)
    requested_by: str | None = None
    queued_at: float = 0.0
    finished_at: float | None = None


def job_of(job: BuildJob, items: list[BuildItem]) -> Job:
    states = {item.state for item in items}
    if states & set(ACTIVE):
        state = RUNNING if states != {QUEUED} else QUEUED
    else:
        state = FAILED if FAILED in states else DONE
    running = [item for item in items if item.state == RUNNING]
    finished = [item.finished_at for item in items if item.finished_at]
    return Job(
        id=job.id,
        specs=[item.spec for item in items],
        force=job.force,
        pending=[item.spec for item in items if item.state in ACTIVE],
        state=state,
        done=sum(item.done for item in items),
        total=sum(item.total for item in items),
        current=(running or items)[-1].current if items else "",
        problems=[p for item in items for p in json.loads(item.problems or "[]")],
        requested_by=job.requested_by,
        queued_at=stamp(job.queued_at),
        finished_at=stamp(max(finished)) if state in (DONE, FAILED) and finished else None,
    )


def stamp(moment: dt.datetime) -> float:
    return moment.replace(tzinfo=dt.UTC).timestamp()


@dataclass(frozen=True)
class Item:
    """An item a worker took: what it builds."""

    id: int
    job_id: str
    spec: str
    force: bool
    attempts: int


# Hands the new items to the queue inside the transaction that made them, so an item
# and its queue entry exist together or not at all. Given the session and the items.
Enqueue = Callable[[object, list[BuildItem]], None]


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- asking -------------------------------------------------------------------------

    def request(self, specs: list[str], force: bool, requested_by: str | None,
                enqueue: Enqueue) -> Job | None:  # fmt: skip
        """Queue a build of ``specs``. A spec already waiting joins its item (which then
        forces, if this request does); if every spec joins, that first item's job is
        returned. None if ``specs`` is empty."""
        unique = list(dict.fromkeys(specs))
        for attempt in range(4):
            try:
                return self._request(unique, force, requested_by, enqueue)
            except IntegrityError:  # another process queued one of them meanwhile: join it
                if attempt == 3:
                    raise

    def _request(self, specs, force, requested_by, enqueue) -> Job | None:
        with self.db.session() as session:
            waiting = {item.waiting_spec: item for item in session.scalars(
                select(BuildItem).where(BuildItem.waiting_spec.in_(specs)))}  # fmt: skip
            for item in waiting.values():
                item.force = item.force or force
            # A spec being built joins that build too (a second click is not a second
            # build), unless this request forces and that build does not.
            running = select(BuildItem).where(BuildItem.state == RUNNING,
                                              BuildItem.spec.in_(specs))  # fmt: skip
            for item in session.scalars(running.order_by(BuildItem.id)):
                if item.spec not in waiting and (item.force or not force):
                    waiting[item.spec] = item
            new = [spec for spec in specs if spec not in waiting]
            if not new:
                joined = waiting[specs[0]].job_id if specs else None
            else:
                joined = uuid.uuid4().hex[:16]
                session.add(BuildJob(id=joined, requested_by=requested_by, force=force))
                session.flush()  # the job before its items (their foreign key)
                items = [BuildItem(job_id=joined, spec=spec, waiting_spec=spec, force=force,
                                   state=QUEUED, done=0, total=0, current="", problems="[]",
                                   attempts=0) for spec in new]  # fmt: skip
                session.add_all(items)
                session.flush()
                enqueue(session, items)
        return self.get(joined) if joined else None

    # --- reading ------------------------------------------------------------------------

    def get(self, job_id: str) -> Job | None:
        with self.db.session() as session:
            job = session.get(BuildJob, job_id)
            if job is None:
                return None
            items = session.scalars(
                select(BuildItem).where(BuildItem.job_id == job_id).order_by(BuildItem.id)
            ).all()
            return job_of(job, list(items))

    def building(self) -> dict[str, Job]:
        """Spec → the job that has it queued or building (the newest, if several)."""
        with self.db.session() as session:
            active = session.scalars(
                select(BuildItem).where(BuildItem.state.in_(ACTIVE)).order_by(BuildItem.id)
            ).all()
            ids = {item.job_id for item in active}
            if not ids:
                return {}
            jobs = {job.id: job for job in session.scalars(
                select(BuildJob).where(BuildJob.id.in_(ids)))}  # fmt: skip
            items: dict[str, list[BuildItem]] = {}
            for item in session.scalars(select(BuildItem).where(BuildItem.job_id.in_(ids))
                                        .order_by(BuildItem.id)):  # fmt: skip
                items.setdefault(item.job_id, []).append(item)
            snapshots = {job_id: job_of(jobs[job_id], items[job_id]) for job_id in ids}
            return {item.spec: snapshots[item.job_id] for item in active}

    def items(self, job_id: str | None = None) -> list[BuildItem]:
        """Every item (of one job), oldest first: for tests, benchmarks and operators."""
        query = select(BuildItem).order_by(BuildItem.id)
        if job_id is not None:
            query = query.where(BuildItem.job_id == job_id)
        with self.db.session() as session:
            return list(session.scalars(query))

    # --- working ------------------------------------------------------------------------

    def start(self, item_id: int, worker: str, retry: bool = False) -> Item | None:
        """Mark the item running by ``worker``; None if it is not queued (it was taken,
        or finished, meanwhile). The only way an item starts, whichever queue runs it.
        ``retry``: the queue found the worker that had it gone (its heartbeat stopped),
        so an item still marked running by that worker is taken over too."""
        states = (QUEUED, RUNNING) if retry else (QUEUED,)
        with self.db.session() as session:
            taken = session.execute(
                update(BuildItem)
                .where(BuildItem.id == item_id, BuildItem.state.in_(states))
                .values(state=RUNNING, waiting_spec=None, worker=worker, started_at=now(),
                        attempts=BuildItem.attempts + 1, done=0, total=0, current="")
            )  # fmt: skip
            if taken.rowcount != 1:
                return None
            row = session.get(BuildItem, item_id)
            return Item(row.id, row.job_id, row.spec, row.force, row.attempts)

    def next_queued(self) -> int | None:
        """The oldest queued item whose spec is not being built (the embedded queue)."""
        with self.db.session() as session:
            running = select(BuildItem.spec).where(BuildItem.state == RUNNING)
            return session.scalar(
                select(BuildItem.id)
                .where(BuildItem.state == QUEUED, BuildItem.spec.not_in(running))
                .order_by(BuildItem.id)
                .limit(1)
            )

    def progress(self, item_id: int, total: int = 0, output_id: str | None = None) -> None:
        values: dict = {"total": BuildItem.total + total} if total else {}
        if output_id is not None:
            values.update(done=BuildItem.done + 1, current=output_id[:300])
        if values:
            with self.db.session() as session:
                session.execute(update(BuildItem).where(BuildItem.id == item_id).values(values))

    def finish(self, item_id: int, problems: list[str]) -> None:
        with self.db.session() as session:
            session.execute(
                update(BuildItem)
                .where(BuildItem.id == item_id, BuildItem.state == RUNNING)
                .values(state=FAILED if problems else DONE, finished_at=now(),
                        problems=json.dumps(problems, ensure_ascii=False))
            )  # fmt: skip

    def give_back(self, item_id: int, failed: str | None, attempts: int | None = None) -> None:
        """A worker stopped under the item: queue it again, or give up with the reason
        ``failed`` (a text with ``{spec}`` and ``{times}`` in it). ``attempts``: only if
        the item is still at that attempt (no other worker took it over meanwhile)."""
        with self.db.session() as session:
            item = session.get(BuildItem, item_id)
            if item is None or item.state != RUNNING:
                return
            if attempts is not None and item.attempts != attempts:
                return
            if failed is None:
                item.state, item.worker = QUEUED, None
            else:
                item.state, item.finished_at = FAILED, now()
                times = "once" if item.attempts == 1 else f"{item.attempts} times"
                reason = failed.format(spec=item.spec, times=times)
                item.problems = json.dumps([reason], ensure_ascii=False)

    def attempts(self, item_id: int) -> int | None:
        with self.db.session() as session:
            item = session.get(BuildItem, item_id)
            return None if item is None else item.attempts

    def orphans(self, host: str) -> list[BuildItem]:
        """Items marked running by a process of ``host`` that no longer exists."""
        with self.db.session() as session:
            running = session.scalars(select(BuildItem).where(BuildItem.state == RUNNING))
            return [item for item in running if item.worker and is_dead(item.worker, host)]


def is_dead(worker: str, host: str) -> bool:
    name, _, pid = worker.rpartition(":")
    if name != host or not pid.isdigit():
        return False  # another machine's process: not ours to judge
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False
