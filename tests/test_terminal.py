"""On a terminal a build shows a progress bar and a table; through a pipe, plain lines."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys

from conftest import BRIEFS

SPECS = [BRIEFS / "press-lines-astana.yaml", BRIEFS / "red-crescent-outreach.yaml"]


def run_on_a_terminal(args: list[str], cwd) -> str:
    """Run briefgen with a pseudo-terminal as its output; return what it showed."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", *args],
        stdout=follower,
        stderr=follower,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "120", "TERM": "xterm"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the program ends
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 0, shown.decode("utf-8", "replace")
    return shown.decode("utf-8", "replace")


def copies(tmp_path):
    folder = tmp_path / "briefs"
    folder.mkdir()
    for spec in SPECS:
        shutil.copy(spec, folder / spec.name)
    return folder


def test_a_terminal_gets_a_progress_bar_then_a_table(tmp_path):
    folder = copies(tmp_path)
    shown = run_on_a_terminal(["build", str(folder), "-o", "out"], tmp_path)
    assert "rendering" in shown and "4/4" in shown  # the bar, at its end
    table = shown[shown.index("brief ") :]
    for heading in ("brief", "formats", "pages", "time", "state"):
        assert heading in table
    press = next(line for line in table.splitlines() if "press-lines-astana" in line)
    assert "pdf, docx" in press and "built" in press and " 1 " in press  # one page
    assert "2 built, 0 up to date, in out/" in shown

    again = run_on_a_terminal(["build", str(folder), "-o", "out"], tmp_path)
    assert "rendering" not in again  # nothing to render, no bar
    assert "0 built, 2 up to date" in again
    assert "up to date" in next(line for line in again.splitlines() if "red-crescent" in line)


def test_a_pipe_gets_one_plain_line_per_file(tmp_path):
    folder = copies(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(folder), "-o", "out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4 and all(line.startswith("out/") for line in lines)
    assert "\x1b" not in result.stdout and "formats" not in result.stdout
