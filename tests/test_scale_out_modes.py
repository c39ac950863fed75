"""The embedded mode (SQLite, nothing configured, no other process), what each mode
refuses, and the start-up check of the output folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

from briefgen.db import database_url, open_database
from briefgen.db.tables import BuildItem, BuildJob
from briefgen.jobs.storage import check_shared_folder, mount_of, mount_problem
from briefgen.jobs.store import RUNNING
from briefgen.portal.builds import Builds
from briefgen.portal.catalogue import Workspace
from scale_fixtures import SOURCE, Portal, running, token_for, wait_until, workspace_of

BRIEF = "press-lines-astana"


def briefgen(*args: str, cwd=None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SOURCE)}
    env.pop("BRIEFGEN_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "briefgen", *args], capture_output=True,
                          text=True, timeout=120, env=env, cwd=cwd)  # fmt: skip


def test_briefgen_serve_alone_builds_with_nothing_configured(tmp_path):
    workspace = workspace_of(tmp_path / "workspace")
    token = token_for(database_url(workspace))  # the workspace's own SQLite file
    with running(Portal(workspace, database_url(workspace), token, tmp_path / "log", True)) \
            as (portal,):  # fmt: skip
        job = portal.http.post(f"/api/briefs/{BRIEF}/build").json()
        done = wait_until("the build is done", lambda: (j := portal.job(job["id"]))["state"]
                          in ("done", "failed") and j, logs=[portal.log])  # fmt: skip
    assert done["state"] == "done" and done["requested_by"] == "ada"
    assert (workspace / ".briefgen" / "portal.db").is_file()
    assert BRIEF in json.loads((workspace / "build" / "manifest.json").read_text())["briefs"]


def test_a_worker_over_sqlite_and_serve_without_one_are_refused(tmp_path):
    workspace = workspace_of(tmp_path / "workspace")
    worker = briefgen("worker", "--workspace", str(workspace))
    assert worker.returncode == 1 and "Traceback" not in worker.stderr
    assert "briefgen worker needs a PostgreSQL database" in worker.stderr
    assert "with SQLite, builds run inside briefgen serve" in worker.stderr
    assert not (workspace / ".briefgen").exists()  # refused before the database is made
    serve = briefgen("serve", "--workspace", str(workspace), "--no-worker")
    assert serve.returncode == 1 and "Traceback" not in serve.stderr
    assert "--no-worker needs a PostgreSQL database" in serve.stderr
    help_text = briefgen("worker", "--help").stdout
    assert "--stalled-after" in help_text and "never built by two at once" in help_text


def orphan(db, job: str, spec: str, attempts: int, pid: int) -> int:
    with db.session() as session:
        session.add(BuildJob(id=job, requested_by="ada", force=False))
        session.flush()
        item = BuildItem(job_id=job, spec=spec, force=False, state=RUNNING,
                         done=1, total=2, current="x", problems="[]", attempts=attempts,
                         worker=f"{socket.gethostname()}:{pid}")  # fmt: skip
        session.add(item)
        session.flush()
        return item.id


def test_a_build_left_running_by_a_dead_portal_is_built_again_then_given_up(tmp_path):
    workspace = workspace_of(tmp_path / "workspace")
    (workspace / "briefs" / "other.yaml").write_text(
        (workspace / "briefs" / f"{BRIEF}.yaml").read_text().replace(f"id: {BRIEF}", "id: other")
    )
    db = open_database(database_url(workspace))
    gone = subprocess.Popen(["true"])
    gone.wait()  # a process id that no longer runs: the portal that was building
    retried = orphan(db, "retried", f"briefs/{BRIEF}.yaml", 1, gone.pid)
    given_up = orphan(db, "given-up", "briefs/other.yaml", 3, gone.pid)
    alive = orphan(db, "alive", "briefs/other.yaml", 1, os.getpid())  # still building: left alone
    builds = Builds(Workspace(workspace, workspace / "build"), db)
    builds.start()
    job = wait_until(
        "the orphan is built again",
        lambda: (j := builds.get("retried")).state in ("done", "failed") and j,
    )
    assert job.state == "done" and job.done == job.total == 2
    states = {item.id: (item.state, item.attempts) for item in builds.store.items()}
    assert states[retried] == ("done", 2)
    assert states[given_up] == ("failed", 3) and states[alive] == (RUNNING, 1)
    assert builds.get("given-up").problems == [
        "briefs/other.yaml: the portal building it stopped before finishing, 3 times "
        "(killed, or out of memory); not tried again: see the server's log"
    ]
    builds.stop()


def test_the_output_folder_must_give_atomic_renames_and_shared_locks(tmp_path):
    check_shared_folder(tmp_path / "build")  # a local disk: fine
    assert (tmp_path / "build").is_dir() and list((tmp_path / "build").iterdir()) == []
    kind, options = mount_of(tmp_path)
    assert kind and "rw" in options
    assert mount_problem("nfs4", {"rw", "vers=4.2"}) is None
    assert "NFS mount with local_lock=all" in mount_problem("nfs4", {"local_lock=all"})
    assert "NFS mount with nolock" in mount_problem("nfs", {"nolock", "rw"})
    assert "renames are not atomic" in mount_problem("fuse.s3fs", {"rw"})
    refused = briefgen("serve", "--workspace", str(workspace_of(tmp_path / "w")),
                       "--out", "/proc/briefgen-build")  # fmt: skip
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "/proc/briefgen-build: cannot make the output folder" in refused.stderr
