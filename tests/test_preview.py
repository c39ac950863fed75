"""`briefgen preview`, run as an author runs it: a new process serving 127.0.0.1, a spec
edited and saved, the page's state followed over HTTP as the page's script follows it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from briefgen.scaffold import init_workspace

DEADLINE = 180  # seconds: a first build on a busy machine, never a measurement


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def preview(tmp_path):
    """A workspace, and `briefgen preview` of its sample running on a free port."""
    init_workspace(tmp_path / "ws", "2026-03-02")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "preview", "briefs/sample.yaml", "--no-browser",
         "--port", str(port)],
        cwd=tmp_path / "ws", env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def get(path: str, host: str | None = None):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
        if host:
            request.add_header("Host", host)
        return urllib.request.urlopen(request, timeout=60)

    def state(since: int = 0) -> dict:
        end = time.monotonic() + DEADLINE
        while True:  # the server may still be starting
            try:
                found = json.load(get(f"/state?since={since}"))
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, process.stderr.read()
                assert time.monotonic() < end, "the preview never answered"
                time.sleep(0.2)
                continue
            if found["version"] > since:
                return found
            assert time.monotonic() < end, f"no build after version {since}"

    yield tmp_path / "ws" / "briefs" / "sample.yaml", state, get, process, scratch
    if process.poll() is None:
        process.kill()
        process.wait()


def test_the_page_follows_each_save_and_shows_problems_in_place_of_pages(preview):
    spec, state, get, process, _ = preview
    first = state()
    assert first["title"] == "The Global Initiative on IHL in brief" and first["pages"] >= 1
    assert not first["failed"] and first["problems"] == []
    png = get(f"/page/{first['version']}/1.png").read()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a page, drawn
    page = get("/").read().decode()
    assert '<script src="/preview.js" defer></script>' in page

    spec.write_text(spec.read_text("utf-8").replace("in brief", "in brief, revised"), "utf-8")
    revised = state(first["version"])
    assert revised["title"] == "The Global Initiative on IHL in brief, revised"

    spec.write_text(spec.read_text("utf-8").replace("audience: minister", "audience: ministr"))
    broken = state(revised["version"])
    assert broken["failed"] and broken["pages"] == 0
    assert broken["problems"] == [
        "briefs/sample.yaml:8:1: error: audience: unknown audience 'ministr'; did you mean "
        "'minister'? (known: defence, humanitarian, minister, press)"
    ]
    with pytest.raises(urllib.error.HTTPError) as gone:  # no stale page is served
        get(f"/page/{first['version']}/1.png")
    assert gone.value.code == 404

    spec.write_text(spec.read_text("utf-8").replace("audience: ministr", "audience: minister"))
    fixed = state(broken["version"])
    assert not fixed["failed"] and fixed["pages"] >= 1


def test_only_loopback_names_are_answered_and_ctrl_c_leaves_nothing_behind(preview):
    _, state, get, process, scratch = preview
    state()
    with pytest.raises(urllib.error.HTTPError) as refused:  # DNS rebinding: another name
        get("/state", host="briefs.example.org")
    assert refused.value.code == 400
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert "stopped the preview." in process.stderr.read()
    assert list(scratch.iterdir()) == []  # the private build folder is gone
