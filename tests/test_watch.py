"""build --watch: each change rebuilds what it touches; a broken spec waits for its fix."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from briefgen.watch import how_to_stop, input_filter, watched_folders
from conftest import BRIEFS

SPECS = [BRIEFS / "press-lines-astana.yaml", BRIEFS / "red-crescent-outreach.yaml"]


class Lines:
    """Lines a running program prints (both streams), waited for with a timeout."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self.read, args=(process.stdout,), daemon=True).start()

    def read(self, stream) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def until(self, text: str, timeout: float = 180) -> list[str]:
        """Every line up to the first that contains ``text`` (a generous deadline: a round
        takes 20 s and more on a loaded two-core machine)."""
        got: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no line with {text!r}; saw {self.seen}") from None
            got.append(line)
            self.seen.append(line)
            if text in line:
                return got


@contextmanager
def ctrl_c_as_in_a_terminal():
    """A program a shell starts in the background (``pytest &`` in a script, a CI runner,
    nohup) inherits SIGINT *ignored*, and so do its children: ``briefgen build --watch``
    started from there never sees our Ctrl-C and watches on. (That was this test's
    hang under load: the runs were started in the background.) Started as from a
    terminal, the child gets SIGINT's default action, which Python turns into
    KeyboardInterrupt; a handler set here is reset to that default by exec."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def test_watch_rebuilds_what_a_change_touches_and_survives_a_broken_spec(tmp_path):
    folder = tmp_path / "briefs"
    folder.mkdir()
    for spec in SPECS:
        shutil.copy(spec, folder / spec.name)
    press = folder / "press-lines-astana.yaml"
    original = press.read_text(encoding="utf-8")
    with ctrl_c_as_in_a_terminal():
        process = subprocess.Popen(
            [sys.executable, "-m", "briefgen", "build", str(folder), "-o", "out", "-j1", "--watch"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        lines = Lines(process)
        first = lines.until("watching")
        assert "(Ctrl-C stops)" in first[-1]
        assert sum(line.startswith("out/") and "KiB" in line for line in first) == 4

        updated = re.sub(r"(?m)^title: .*$", "title: Updated press lines", original)
        press.write_text(updated, encoding="utf-8")
        round_two = lines.until("files up to date)")
        # Named from the current folder, as the build's own lines name files (issue 17).
        assert any("changed: briefs/press-lines-astana.yaml" in line for line in round_two)
        built = [line.split()[0] for line in round_two if "KiB" in line]
        assert built == ["out/press-lines-astana.pdf", "out/press-lines-astana.docx"]
        assert "(2 files up to date)" in round_two  # the Red Crescent note, untouched

        press.write_text(original + "sections: [\n", encoding="utf-8")
        broken = lines.until("waiting for changes")
        assert any(f"{press}:" in line and "error" in line for line in broken)

        press.write_text(original, encoding="utf-8")
        # The round's last line: a Ctrl-C that lands mid-round ends the command with 130.
        lines.until("files up to date)")
        process.send_signal(signal.SIGINT)
        lines.until("stopped watching")
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        process.wait()


def test_the_output_folder_and_editor_files_are_not_inputs(tmp_path):
    folder = tmp_path / "briefs"
    folder.mkdir()
    spec = folder / "a.yaml"
    spec.write_text("id: a\n")
    out = tmp_path / "build"
    is_input = input_filter([folder], None, out)
    assert is_input(None, str(spec))
    assert is_input(None, str(folder / "new-brief.yaml"))
    assert not is_input(None, str(out / "a.pdf"))
    assert not is_input(None, str(folder / ".a.yaml.swp"))
    assert not is_input(None, str(folder / "a.yaml~"))
    assert not is_input(None, str(folder / "notes.txt"))
    named_only = input_filter([spec], None, out)
    assert not named_only(None, str(folder / "other.yaml"))  # only the spec named


def test_folders_inside_watched_folders_are_not_watched_twice(tmp_path):
    (tmp_path / "briefs").mkdir()
    (tmp_path / "templates" / "press").mkdir(parents=True)
    folders = watched_folders([tmp_path / "briefs"], None)
    assert (tmp_path / "briefs").resolve() in folders
    assert (tmp_path / "templates").resolve() in folders
    assert all(not a.is_relative_to(b) for a in folders for b in folders if a != b)
    assert all(isinstance(folder, Path) for folder in folders)


def test_a_watch_that_cannot_see_ctrl_c_says_how_to_stop_it():
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ignored = how_to_stop()
    finally:
        signal.signal(signal.SIGINT, previous)
    assert ignored == f"started in the background, Ctrl-C is ignored; kill {os.getpid()} stops it"
    with ctrl_c_as_in_a_terminal():
        assert how_to_stop() == "Ctrl-C stops"
