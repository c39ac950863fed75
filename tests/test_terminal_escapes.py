"""Messages never carry raw control characters to a terminal, whatever a template's name
or error holds."""

from __future__ import annotations

import os

from briefgen.errors import Problem
from conftest import MINIMAL_SPEC, build_in_subprocess


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
    result = build_in_subprocess(tmp_path, MINIMAL_SPEC)
    assert result.returncode == 1
    assert "\x1b" not in result.stderr and "Traceback" not in result.stderr
    assert "brief.html.j2" in result.stderr and "\\x1b[2J" in result.stderr
