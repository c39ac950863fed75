"""Real processes for the scale-out tests and the benchmark: ``briefgen serve`` and
``briefgen worker`` started as an operator would, on loopback, against one database,
and ways to wait for what the database or a portal says (never for a time)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

import briefgen

SOURCE = Path(briefgen.__file__).parents[1]
BRIEFS = Path(__file__).resolve().parent.parent / "briefs"
# Ample for a slow, shared machine: each wait ends as soon as its condition holds.
PATIENCE = 600


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def briefgen_process(*args: str, log: Path) -> subprocess.Popen:
    """``briefgen ARGS`` in a new process (its own process group), output to ``log``."""
    env = {**os.environ, "PYTHONPATH": str(SOURCE), "PYTHONUNBUFFERED": "1"}
    env.pop("BRIEFGEN_DATABASE_URL", None)  # each test names its database
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "briefgen", *args], stdout=out,
                                stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)  # fmt: skip


def wait_until(what: str, condition, patience: float = PATIENCE, logs: list[Path] = ()):
    """Return ``condition()`` once it is true; fail, showing the logs, if it never is."""
    deadline = time.monotonic() + patience
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            shown = "\n".join(f"--- {log}\n{log.read_text(errors='replace')[-3000:]}"
                              for log in logs if log.exists())  # fmt: skip
            raise AssertionError(f"never happened: {what}\n{shown}")
        time.sleep(0.1)


class Portal:
    def __init__(self, workspace: Path, url: str, token: str, log: Path, worker: bool):
        self.port = free_port()
        self.log = log
        self.process = briefgen_process(
            "serve", "--workspace", str(workspace), "--port", str(self.port),
            "--database-url", url, *([] if worker else ["--no-worker"]), log=log,
        )  # fmt: skip
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60,
                                 headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        wait_until(f"the portal on port {self.port} answers", self.answers, logs=[log])

    def answers(self) -> bool:
        assert self.process.poll() is None, self.log.read_text(errors="replace")
        try:
            return self.http.get("/api/briefs").status_code == 200
        except httpx.TransportError:
            return False

    def job(self, job_id: str) -> dict:
        return self.http.get(f"/api/builds/{job_id}").json()


class Worker:
    def __init__(self, workspace: Path, url: str, log: Path, *options: str):
        self.log = log
        self.process = briefgen_process(
            "worker", "--workspace", str(workspace), "--database-url", url, "--jobs", "2",
            *options, log=log,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the process's group, then SIGKILL what is left."""
    for number in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, number)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=30)
            os.killpg(process.pid, signal.SIGKILL)  # its render processes, if any remain
        except (subprocess.TimeoutExpired, ProcessLookupError):
            continue
        return


@contextmanager
def running(*things):
    try:
        yield things
    finally:
        for thing in things:
            stop(thing.process)
            if isinstance(thing, Portal):
                thing.http.close()


def workspace_of(folder: Path, copies: int = 0, spec: str = "press-lines-astana.yaml") -> Path:
    """A workspace with ``spec``, or with ``copies`` copies of it under ids of their own."""
    (folder / "briefs").mkdir(parents=True)
    if not copies:
        shutil.copy(BRIEFS / spec, folder / "briefs" / spec)
        return folder
    text = (BRIEFS / spec).read_text(encoding="utf-8")
    original = re.search(r"^id: (.+)$", text, re.M).group(1)
    for number in range(copies):
        brief_id = f"{original}-{number:02d}"
        (folder / "briefs" / f"{brief_id}.yaml").write_text(
            text.replace(f"id: {original}", f"id: {brief_id}", 1), encoding="utf-8"
        )
    return folder


def token_for(url: str, name: str = "ada") -> str:
    from briefgen.accounts import add_person, create_token, people
    from briefgen.db import open_database

    db = open_database(url)
    if name not in {person.name for person in people(db)}:
        add_person(db, name, "TOP SECRET", "admin", False, "correct horse battery staple")
    return create_token(db, name)[1]


def registered_workers(url: str) -> int:
    """Workers procrastinate has registered (each briefgen worker registers two: its
    builds and its housekeeping)."""
    import psycopg

    from briefgen.jobs.pgqueue import conninfo

    with psycopg.connect(conninfo(url)) as connection:
        return connection.execute("SELECT count(*) FROM procrastinate_workers").fetchone()[0]
