"""Messages never carry raw control characters to a terminal, whatever a template's name
or error holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import briefgen
from briefgen.errors import Problem
from conftest import MINIMAL_SPEC


def test_problem_text_escapes_control_and_bidi_characters():
    text = str(Problem("bad \x1b[2J\x1b]0;owned\x07 \u202egnp.exe", "t\x1b[31m/brief.html.j2", 3))
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text


def test_escape_sequences_from_a_template_reach_stderr_escaped(tmp_path):
    folder = tmp_path / "templates" / "minister"
    folder.mkdir(parents=True)
    include = "{% include '\x1b[2J\x1b]0;owned\x07.j2' %}"
    (folder / "brief.html.j2").write_text(f"<html><body>{include}</body></html>")
    (folder / "style.css").write_text("")
    os.mkfifo(folder / "hangs-if-read.css")  # a FIFO in the folder is skipped, never read
    (tmp_path / "briefs").mkdir()
    spec = tmp_path / "briefs" / "brief.yaml"
    spec.write_text(MINIMAL_SPEC)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(spec), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(briefgen.__file__).parents[1])},
    )  # fmt: skip
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    assert "brief.html.j2" in result.stderr and "\\x1b[2J" in result.stderr
