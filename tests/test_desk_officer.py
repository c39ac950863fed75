"""Rough edges a desk officer hits on the command line, run as they run it: a new process,
from another folder, output through a pipe."""

from __future__ import annotations

import subprocess
import sys

from briefgen.scaffold import init_workspace


def briefgen(*args: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_build_from_another_folder_writes_to_the_workspace_build_and_says_so(tmp_path):
    init_workspace(tmp_path / "ws", "2026-03-02")
    (tmp_path / "elsewhere").mkdir()
    result = briefgen("build", "../ws/briefs", "-f", "html", cwd=tmp_path / "elsewhere")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ws" / "build" / "sample.html").is_file()
    assert not (tmp_path / "elsewhere" / "build").exists()
    assert "writing to" in result.stderr
    assert "(the workspace's; --out DIR to choose)" in result.stderr
    # From the workspace itself nothing needs saying, and paths stay short.
    again = briefgen("build", "briefs", "-f", "html", cwd=tmp_path / "ws")
    assert again.stdout == "build/sample.html  up to date\n"
    assert "writing to" not in again.stderr


def test_data_list_suggests_the_kind_meant_and_never_breaks_an_id_in_a_pipe(tmp_path):
    wrong = briefgen("data", "list", "fact", cwd=tmp_path)
    assert wrong.returncode == 2
    assert "'fact' is not one of 'facts', 'quotes'" in wrong.stderr
    assert "did you mean 'facts'?" in wrong.stderr
    listed = briefgen("data", "list", "people", cwd=tmp_path)  # stdout is a pipe here
    lines = listed.stdout.splitlines()
    for person in ("stanislav-vassilenko", "kassym-jomart-tokayev"):
        assert any(person in line for line in lines), person
    facts = briefgen("data", "list", "facts", cwd=tmp_path).stdout.splitlines()
    longest = "workstreams-led-by-27-plus-states"
    assert any(line.startswith(longest) for line in facts)
    # Each fact's text on one line, however long.
    assert any(line.startswith("The article reports that the workstreams are led by more")
               and line.endswith(".") for line in facts)  # fmt: skip


def test_watch_names_a_changed_file_from_the_current_folder(tmp_path, monkeypatch):
    from briefgen.watch import shown_path

    monkeypatch.chdir(tmp_path)
    assert shown_path(str(tmp_path / "briefs" / "a.yaml")) == "briefs/a.yaml"
    assert shown_path("/elsewhere/b.yaml") == "/elsewhere/b.yaml"


def test_an_html_built_once_for_debugging_is_not_counted_later(tmp_path):
    init_workspace(tmp_path / "ws", "2026-03-02")
    ws = tmp_path / "ws"
    assert briefgen("build", "briefs", "-f", "html", cwd=ws).returncode == 0
    assert briefgen("build", "briefs", cwd=ws).returncode == 0
    again = briefgen("build", "briefs", cwd=ws)
    assert again.stdout.splitlines() == [
        "build/sample.pdf  up to date",
        "build/sample.docx  up to date",
    ]
