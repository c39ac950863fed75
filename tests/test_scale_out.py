"""Several portals and workers sharing one PostgreSQL database: real processes
(``briefgen serve --no-worker`` twice, ``briefgen worker`` twice) on loopback against
a real server, as an operator runs them. Nothing waits for a time: a build is held
mid-job by the test taking the brief's own write lock (``build/.locks/<id>.lock``,
which the writer takes after rendering and before replacing any file), and every
wait ends when the database or a portal says what the test waits for."""

from __future__ import annotations

import json
import os
import signal
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from filelock import FileLock
from pypdf import PdfReader

from briefgen.db import open_database
from briefgen.jobs.pgqueue import conninfo
from briefgen.jobs.store import Store
from portal_fixtures import new_postgres_database, postgres_server  # noqa: F401 - fixtures
from scale_fixtures import (
    Portal,
    Worker,
    registered_workers,
    running,
    token_for,
    wait_until,
    workspace_of,
)

BRIEF = "press-lines-astana"


@pytest.fixture
def url(postgres_server):  # noqa: F811 - the fixture
    return new_postgres_database(postgres_server)


def start(tmp_path, url: str, workers: int = 2, copies: int = 0, options=()):
    workspace = workspace_of(tmp_path / "workspace", copies)
    token = token_for(url)
    logs = tmp_path / "logs"
    logs.mkdir()
    things = [Worker(workspace, url, logs / f"worker-{n}.log", "--stalled-after", "3", *options)
              for n in range(workers)]  # fmt: skip
    wait_until(f"{workers} workers are registered", lambda: registered_workers(url) == 2 * workers,
               logs=[w.log for w in things])  # fmt: skip
    portals = [Portal(workspace, url, token, logs / f"portal-{n}.log", worker=False)
               for n in "ab"]  # fmt: skip
    return workspace, portals, things


def items(url: str):
    return Store(open_database(url)).items()


def queue_rows(url: str) -> list[tuple]:
    """procrastinate's jobs for builds: (id, status, attempts, item), and how many times
    each was started (its 'started' events)."""
    with psycopg.connect(conninfo(url)) as connection:
        return connection.execute(
            "SELECT j.id, j.status, j.attempts, (j.args->>'item')::int,"
            " (SELECT count(*) FROM procrastinate_events e"
            "   WHERE e.job_id = j.id AND e.type = 'started')"
            " FROM procrastinate_jobs j WHERE j.task_name = 'briefgen.build' ORDER BY j.id"
        ).fetchall()


def session_members(session: int) -> list[int]:
    """Processes still alive in a session (a worker's, with its render processes)."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[3]) == session:
            found.append(int(entry))
    return found


def hold(workspace):
    """The brief's write lock, taken by the test: a worker building it renders, then
    waits at this lock before it replaces any file."""
    (workspace / "build" / ".locks").mkdir(parents=True, exist_ok=True)
    return FileLock(workspace / "build" / ".locks" / f"{BRIEF}.lock")


def test_a_build_asked_on_one_portal_shows_its_progress_on_the_other(tmp_path, url):
    workspace, (a, b), workers = start(tmp_path, url)
    logs = [w.log for w in workers]
    with running(*workers, a, b):
        with hold(workspace):
            asked = a.http.post(f"/api/briefs/{BRIEF}/build")
            assert asked.status_code == 202
            job_id = asked.json()["id"]
            # Portal B, which did not queue it and builds nothing, follows it from the rows.
            seen = wait_until("portal B shows the build rendered, waiting to write",
                              lambda: (j := b.job(job_id))["state"] == "running"
                              and j["total"] and j["done"] == j["total"] and j,
                              logs=logs)  # fmt: skip
            assert seen["specs"] == [f"briefs/{BRIEF}.yaml"] and seen["requested_by"] == "ada"
            assert b.http.get(f"/api/briefs/{BRIEF}").json()["building"] == job_id
            assert not (workspace / "build" / f"{BRIEF}.pdf").exists()
        finished = wait_until(
            "portal B shows it done",
            lambda: (j := b.job(job_id))["state"] == "done" and j,
            logs=logs,
        )
        assert finished["problems"] == [] and a.job(job_id) == finished
        assert b.http.get(f"/api/briefs/{BRIEF}").json()["state"] == "up to date"
    (item,) = items(url)
    assert item.attempts == 1 and int(item.worker.rpartition(":")[2]) in {w.pid for w in workers}
    assert [row[1:] for row in queue_rows(url)] == [("succeeded", 1, item.id, 1)]
    assert len(PdfReader(workspace / "build" / f"{BRIEF}.pdf").pages) >= 1


def test_a_portal_on_postgresql_builds_by_itself_unless_told_not_to(tmp_path, url):
    workspace = workspace_of(tmp_path / "workspace")
    portal = Portal(workspace, url, token_for(url), tmp_path / "portal.log", worker=True)
    with running(portal):
        job_id = portal.http.post(f"/api/briefs/{BRIEF}/build").json()["id"]
        done = wait_until("the portal's own worker has built it",
                          lambda: (j := portal.job(job_id))["state"] in ("done", "failed") and j,
                          logs=[portal.log])  # fmt: skip
    assert done["state"] == "done" and done["problems"] == []
    (item,) = items(url)
    assert int(item.worker.rpartition(":")[2]) == portal.process.pid


def test_a_worker_killed_mid_build_is_replaced_and_the_build_completes(tmp_path, url):
    workspace, (a, b), workers = start(tmp_path, url)
    logs = [w.log for w in workers]
    with running(*workers, a, b):
        with hold(workspace):
            job_id = a.http.post(f"/api/briefs/{BRIEF}/build").json()["id"]
            wait_until("a worker has rendered the brief and waits to write it",
                       lambda: (j := b.job(job_id))["total"] and j["done"] == j["total"],
                       logs=logs)  # fmt: skip
            (item,) = items(url)
            victim = int(item.worker.rpartition(":")[2])
            os.kill(victim, signal.SIGKILL)
            killed = next(w for w in workers if w.pid == victim)
            assert killed.process.wait(timeout=60) == -signal.SIGKILL
            # Its heartbeat stops; after --stalled-after the other worker's housekeeping
            # gives the build back to the queue, and the other worker takes it.
            wait_until("the other worker has taken the build",
                       lambda: (i := items(url)[0]).attempts == 2 and i.state == "running",
                       logs=logs)  # fmt: skip
        finished = wait_until("the build is done",
                              lambda: (j := b.job(job_id))["state"] in ("done", "failed") and j,
                              logs=logs)  # fmt: skip
    assert finished["state"] == "done", finished
    # Its fork server and render processes see it gone and end by themselves.
    wait_until(
        "the killed worker's render processes have ended",
        lambda: session_members(victim) == [],
        patience=120,
    )
    (item,) = items(url)
    survivor = next(w for w in workers if w.pid != victim)
    assert (item.attempts, int(item.worker.rpartition(":")[2])) == (2, survivor.pid)
    ((_, status, attempts, _, starts),) = queue_rows(url)
    assert (status, attempts, starts) == ("succeeded", 2, 2)  # procrastinate counts tries
    build = workspace / "build"
    assert len(PdfReader(build / f"{BRIEF}.pdf").pages) >= 1
    assert not [p.name for p in build.iterdir() if p.name.startswith(".") and "tmp" in p.name]
    manifest = json.loads((build / "manifest.json").read_text())["briefs"]
    assert {f["format"] for f in manifest[BRIEF]["files"]} == {"pdf", "docx"}


def test_a_build_whose_workers_keep_dying_is_failed_with_the_reason(tmp_path, url):
    workspace, (a, b), workers = start(tmp_path, url, options=("--attempts", "1"))
    logs = [w.log for w in workers]
    with running(*workers, a, b), hold(workspace):
        job_id = a.http.post(f"/api/briefs/{BRIEF}/build").json()["id"]
        wait_until("a worker has taken the build",
                   lambda: (i := items(url)) and i[0].worker, logs=logs)  # fmt: skip
        victim = int(items(url)[0].worker.rpartition(":")[2])
        os.kill(victim, signal.SIGKILL)
        failed = wait_until(
            "the build is failed",
            lambda: (j := b.job(job_id))["state"] == "failed" and j,
            logs=logs,
        )
    assert failed["problems"] == [
        f"briefs/{BRIEF}.yaml: the worker building it stopped before finishing, once "
        "(killed, out of memory, or its machine lost); not tried again: see the workers' logs"
    ]
    ((_, status, attempts, _, starts),) = queue_rows(url)
    assert (status, attempts, starts) == ("failed", 1, 1)
    assert not (workspace / "build" / f"{BRIEF}.pdf").exists()


def test_fifty_briefs_queued_at_once_are_each_built_exactly_once(tmp_path, url):
    workspace, (a, b), workers = start(tmp_path, url, copies=50)
    logs = [w.log for w in workers]
    ids = [f"{BRIEF}-{n:02d}" for n in range(50)]
    with running(*workers, a, b), ThreadPoolExecutor(10) as pool:
        # Fifty requests at once, half through each portal.
        asked = list(pool.map(lambda n: (a, b)[n % 2].http.post(f"/api/briefs/{ids[n]}/build"),
                              range(50)))  # fmt: skip
        assert {response.status_code for response in asked} == {202}
        jobs = {response.json()["id"] for response in asked}
        assert len(jobs) == 50

        def finished():
            states = [b.job(job)["state"] for job in jobs]
            return all(state in ("done", "failed") for state in states)

        wait_until("all fifty builds have finished", finished, logs=logs)
        outcome = [a.job(job) for job in jobs]
    assert [j["problems"] for j in outcome if j["state"] != "done"] == []
    assert {(j["done"], j["total"]) for j in outcome} == {(2, 2)}  # a PDF and a DOCX each
    built = items(url)
    assert len(built) == 50 and len({item.spec for item in built}) == 50
    assert {(item.state, item.attempts) for item in built} == {("done", 1)}
    rows = queue_rows(url)
    assert len(rows) == 50 and {row[3] for row in rows} == {item.id for item in built}
    assert {(status, attempts, starts) for _, status, attempts, _, starts in rows} == {
        ("succeeded", 1, 1)
    }
    # Both workers took a share (each is woken by LISTEN/NOTIFY while the other builds).
    assert {int(item.worker.rpartition(":")[2]) for item in built} == {w.pid for w in workers}
    manifest = json.loads((workspace / "build" / "manifest.json").read_text())["briefs"]
    assert sorted(manifest) == ids
    for brief_id, entry in manifest.items():
        for file in entry["files"]:
            assert (workspace / "build" / file["name"]).stat().st_size == file["bytes"], brief_id


def test_a_worker_told_to_stop_finishes_the_build_in_hand_quietly(tmp_path, url):
    # SIGTERM (systemctl stop, Ctrl-C) during a build: the worker finishes it, records it
    # done, and ends, with no traceback and nothing left for another worker to retry.
    workspace, (a, b), workers = start(tmp_path, url)
    logs = [w.log for w in workers]
    with running(*workers, a, b):
        with hold(workspace):
            job_id = a.http.post(f"/api/briefs/{BRIEF}/build").json()["id"]
            wait_until("a worker has rendered the brief and waits to write it",
                       lambda: (j := b.job(job_id))["total"] and j["done"] == j["total"],
                       logs=logs)  # fmt: skip
            builder = int(items(url)[0].worker.rpartition(":")[2])
            stopped = next(w for w in workers if w.pid == builder)
            os.kill(builder, signal.SIGTERM)
            wait_until("the worker says it stops after the build in hand",
                       lambda: "stopping after the build in hand" in stopped.log.read_text(),
                       logs=logs)  # fmt: skip
        assert stopped.process.wait(timeout=300) == 0
        finished = b.job(job_id)
    log = stopped.log.read_text()
    assert finished["state"] == "done" and "Traceback" not in log, log
    (item,) = items(url)
    assert (item.state, item.attempts, int(item.worker.rpartition(":")[2])) == ("done", 1, builder)
    assert [row[1:3] for row in queue_rows(url)] == [("succeeded", 1)]
