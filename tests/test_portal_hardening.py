"""The portal under faults and tricks (issue 14's portal items, issue 20's caching):
preview cache links, corrupt PDFs, two specs with one id, server folders in
errors, conditional requests, and a server stopped with SIGTERM mid-build."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from fastapi.testclient import TestClient

from briefgen.portal import create_app
from briefgen.portal.serving import descendants
from portal_fixtures import PASSWORD, bearer, built_workspace

SPECS = ["press-lines-astana.yaml", "minister-hlm-2026.yaml"]


@pytest.fixture
def built(tmp_path):
    return built_workspace(tmp_path, SPECS)


def admin(workspace) -> TestClient:
    app = create_app(workspace)
    return TestClient(app, base_url="http://127.0.0.1", headers=bearer(app.state.database, "ada"))


def pdf_sha256(workspace, brief_id: str) -> str:
    return hashlib.sha256((workspace / "build" / f"{brief_id}.pdf").read_bytes()).hexdigest()


def test_a_preview_cache_entry_that_is_a_link_is_not_followed(built):
    http = admin(built)
    secret = built / "secret.png"  # looks like a picture, so only the link check stops it
    secret.write_bytes(b"\x89PNG\r\n\x1a\n" + b"SECRET" * 100)
    previews = built / "build" / ".portal" / "previews"
    previews.mkdir(parents=True)
    entry = previews / f"{pdf_sha256(built, 'press-lines-astana')}.png"
    os.symlink(secret, entry)
    response = http.get("/preview/press-lines-astana.png")
    assert response.status_code == 200 and b"SECRET" not in response.content
    assert not entry.is_symlink() and secret.read_bytes().endswith(b"SECRET")  # replaced


def test_a_corrupt_pdf_gives_no_preview_and_no_traceback(built):
    http = admin(built)
    (built / "build" / "press-lines-astana.pdf").write_bytes(b"%PDF-1.7\n garbage \x00\xff")
    response = http.get("/preview/press-lines-astana.png")
    assert response.status_code == 404
    assert response.json() == {"detail": "no preview: the PDF cannot be read; rebuild the brief"}
    assert "Traceback" not in response.text


def test_two_specs_with_one_id_are_listed_once_and_not_built_by_the_id(built):
    copy = built / "briefs" / "press-copy.yaml"
    copy.write_text((built / "briefs" / "press-lines-astana.yaml").read_text(encoding="utf-8"))
    http = admin(built)
    listed = [b for b in http.get("/api/briefs").json() if b["id"] == "press-lines-astana"]
    assert len(listed) == 1 and listed[0]["state"] == "failed"
    assert listed[0]["problems"] == [
        "briefs/press-copy.yaml and briefs/press-lines-astana.yaml both have id "
        "'press-lines-astana': give each spec an id of its own"
    ]
    page = http.get("/").text
    assert page.count('article id="press-lines-astana"') == 1
    assert 'action="/build/press-lines-astana' not in page  # no Build button for it
    refused = http.post("/api/briefs/press-lines-astana/build")
    assert refused.status_code == 409 and "both have id" in refused.json()["detail"]


def failed_job(store, spec: str, problems: list[str]):
    """A job that failed with these problems, as a worker records one (in the database)."""
    from briefgen.jobs.store import worker_name

    job = store.request([spec], False, "ada", lambda _session, _items: None)
    (item,) = store.items(job.id)
    store.start(item.id, worker_name())
    store.finish(item.id, problems)
    return store.get(job.id)


def test_errors_on_the_page_do_not_show_the_servers_folders(built):
    http = admin(built)
    problems = [
        f"{built}/briefs/press-lines-astana.yaml: PermissionError: [Errno 13] "
        f"Permission denied: '{built}/build/.press-lines-astana.pdf.tmp'",
        "the build stopped: OSError: [Errno 28] No space left on device: "
        "'/var/lib/briefgen/scratch/briefgen-x1/123/out.pdf'",
    ]
    job = failed_job(http.app.state.builds.store, "briefs/press-lines-astana.yaml", problems)
    shown = http.get(f"/api/builds/{job.id}").json()["problems"]
    assert shown == [
        "briefs/press-lines-astana.yaml: PermissionError: [Errno 13] Permission denied: "
        "'build/.press-lines-astana.pdf.tmp'",
        "the build stopped: OSError: [Errno 28] No space left on device: 'out.pdf'",
    ]
    failures = built / "build" / ".portal"
    failures.mkdir(parents=True, exist_ok=True)


def test_if_none_match_that_does_not_match_beats_if_modified_since(built):
    """RFC 9110 13.2.2: with If-None-Match, If-Modified-Since is ignored."""
    http = admin(built)
    first = http.get("/download/press-lines-astana/pdf")
    both = http.get("/download/press-lines-astana/pdf", headers={
        "If-None-Match": '"not-this-one"', "If-Modified-Since": first.headers["last-modified"],
    })  # fmt: skip
    assert both.status_code == 200 and both.content == first.content
    matching = http.get("/download/press-lines-astana/pdf", headers={
        "If-None-Match": first.headers["etag"],
        "If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT",
    })  # fmt: skip
    assert matching.status_code == 304


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return found


def test_sigterm_during_a_build_leaves_no_fork_server_or_worker(built, tmp_path):
    from briefgen.accounts import add_person, create_token
    from briefgen.db import database_url, open_database

    db = open_database(database_url(built))
    add_person(db, "ada", "TOP SECRET", "admin", password=PASSWORD)
    token = create_token(db, "ada")[1]
    with socket_port() as port:
        pass
    server = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "-w", str(built), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def ask(path: str, method: str = "GET"):
        request = urllib.request.Request(base + path, method=method,
                                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                return json.loads(answer.read())
        except OSError:
            return None

    try:
        wait_until(lambda: ask("/api/briefs") is not None, 60, "the portal did not start")
        for brief in ("press-lines-astana", "minister-hlm-2026"):
            assert ask(f"/api/briefs/{brief}/build?force=true", "POST")["state"] in (
                "queued", "running")  # fmt: skip
        # Building: the fork server and at least one worker below it.
        started = wait_until(lambda: [p for p in descendants(server.pid)] if len(
            descendants(server.pid)) >= 2 else None, 120, "no workers started")  # fmt: skip
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert b"Traceback" not in server.stderr.read()
    assert code == 128 + signal.SIGTERM  # stopped by the signal, after cleaning up

    def gone() -> bool:
        return not any(os.path.exists(f"/proc/{pid}") and not zombie(pid) for pid in started)

    wait_until(gone, 30, f"left running: {started}")


def zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            return file.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


class socket_port:
    """A free port on loopback."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def __exit__(self, *exc) -> None:
        pass
