"""Worker processes: started early, stood down when unused, and a lost one is reported."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from briefgen.__main__ import renders_in_workers
from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from conftest import BRIEFS


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["build", "briefs"], True),
        (["build", "briefs", "--watch"], True),
        (["build", "briefs", "-j", "2"], True),
        (["build", "briefs", "-j1"], False),
        (["build", "briefs", "--jobs", "1"], False),
        (["build", "briefs", "--jobs=1"], False),
        (["build", "--help"], False),
        (["validate", "briefs"], False),
        ([], False),
    ],
)
def test_workers_are_got_ready_only_for_builds_that_use_them(args, expected):
    assert renders_in_workers(args) is expected


STAND_DOWN = """
import os
from briefgen.workers import server_pid, stand_down, warm_up, worker_pool
warm_up()
pid = server_pid()
stand_down()  # started for nothing: stopped
try:
    os.kill(pid, 0)
    print("still running")
except ProcessLookupError:
    print("gone", server_pid())
warm_up()
with worker_pool(1) as pool:  # used: kept for the next pool
    pool.submit(os.getpid).result()
used = server_pid()
stand_down()
print("kept" if server_pid() == used else "stopped")
"""


def test_a_fork_server_started_for_nothing_is_stood_down():
    # In a process of its own: the fork server is one per process.
    result = subprocess.run([sys.executable, "-c", STAND_DOWN], capture_output=True, text=True)
    assert result.stdout.split() == ["gone", "None", "kept"], result.stdout + result.stderr


def die_at_once(*args, **kwargs):
    os._exit(9)  # as a worker killed for lack of memory would


def test_a_lost_worker_is_an_error_naming_the_brief(tmp_path, monkeypatch):
    import briefgen.render

    folder = tmp_path / "briefs"
    folder.mkdir()
    for name in ("press-lines-astana.yaml", "red-crescent-outreach.yaml"):
        shutil.copy(BRIEFS / name, folder / name)
    monkeypatch.setattr(briefgen.render, "write_output", die_at_once)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([folder], out_dir=tmp_path / "out", options=BuildOptions(jobs=2))
    messages = [str(problem) for problem in excinfo.value.problems]
    assert any("stopped unexpectedly" in m and "--jobs 1" in m for m in messages), messages
    assert excinfo.value.summary == "nothing was written"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.pdf"))
