"""Render limits that issue 14 found untested: the memory limit, a chart that runs out
of time, and a FIFO among a workspace's templates during a full build.

Nothing here depends on timing luck: what is slow is made to take far longer than
the limit (and to end by itself, so a broken limit fails the test, never hangs it),
and what is big is measured against a bound far from both sides.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import briefgen
from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from conftest import MINIMAL_SPEC

ENV = {**os.environ, "PYTHONPATH": str(Path(briefgen.__file__).parents[1])}


def workspace_with(tmp_path: Path, template: str, spec: str = MINIMAL_SPEC) -> Path:
    """A workspace whose minister template is ``template``; returns the spec's path."""
    folder = tmp_path / "templates" / "minister"
    folder.mkdir(parents=True)
    (folder / "brief.html.j2").write_text(template)
    (tmp_path / "briefs").mkdir()
    path = tmp_path / "briefs" / "brief.yaml"
    path.write_text(textwrap.dedent(spec).lstrip())
    return path


# --- memory -------------------------------------------------------------------------

# Runs the build as its own child and reports that child's peak resident size: the
# build's memory, not this test process's. An outer limit of 8 GB keeps the machine
# safe should briefgen's own limit (2 GB more than the process holds) ever be gone.
MEASURED = """
import resource, subprocess, sys
def cap():
    resource.setrlimit(resource.RLIMIT_AS, (8 * 1024**3, resource.RLIM_INFINITY))
result = subprocess.run(sys.argv[1:], capture_output=True, text=True, preexec_fn=cap)
sys.stderr.write(result.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)  # MiB
sys.exit(result.returncode)
"""


@pytest.mark.parametrize(
    "huge",
    [
        "{{ 'x'|center(3 * 1000**3) }}",  # 3 GB of spaces
        "{{ '%3000000000s'|format('x') }}",  # a format width
        "{{ 'x'|indent(3 * 1000**3, first=True) }}",
    ],
    ids=["center", "format-width", "indent"],
)
def test_a_huge_string_stops_at_the_memory_limit_naming_the_template(tmp_path, huge):
    spec = workspace_with(tmp_path, f"<html><body><p>{huge}</p></body></html>")
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, sys.executable, "-m", "briefgen", "build", str(spec),
         "--out", str(tmp_path / "out"), "--jobs", "1"],
        capture_output=True, text=True, timeout=300, env=ENV, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0].startswith(
        "minister/brief.html.j2: error: rendering brief 'test-brief' needed more than 2 GB "
        "of memory and was stopped"
    ), result.stderr
    peak_mib = int(result.stdout)
    assert peak_mib < 1024, f"the build held {peak_mib} MiB: the string was made"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.pdf"))


# --- a chart that runs out of time ---------------------------------------------------

CHART_SPEC = MINIMAL_SPEC.replace("        text: To test.", "        charts: [timeline]")


def slow(*args, **kwargs):
    """Draws for 30 s unless stopped; and, like WeasyPrint and cairosvg, turns whatever
    interrupts it into an error of its own ("cannot be read")."""
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.01)
    except BaseException as exc:
        raise ValueError("the figure cannot be read") from exc


@pytest.mark.parametrize("output_format", ["pdf", "docx"])
def test_a_chart_that_runs_out_of_time_is_reported_as_the_time_limit(
    tmp_path, monkeypatch, output_format
):
    import cairosvg
    import weasyprint.svg

    from briefgen.render import docx as docx_writer

    docx_writer.chart_png.cache_clear()  # drawn afresh, through the slow function
    monkeypatch.setattr(weasyprint.svg.SVG, "draw", slow)
    monkeypatch.setattr(cairosvg, "svg2png", slow)
    spec = tmp_path / "brief.yaml"
    spec.write_text(textwrap.dedent(CHART_SPEC).lstrip())
    options = BuildOptions(formats=(output_format,), time_limit_seconds=1, jobs=1)
    started = time.monotonic()
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([spec], out_dir=tmp_path / "out", options=options)
    assert time.monotonic() - started < 25  # stopped, not drawn to the end
    messages = [str(p) for p in excinfo.value.problems]
    assert messages == [
        "minister/brief.html.j2: error: rendering brief 'test-brief' took longer than 1 s "
        "and was stopped; look for huge sizes or tables in the template and its CSS, or "
        "raise --time-limit"
    ]
    assert not (tmp_path / "out" / f"test-brief.{output_format}").exists()


# --- FIFOs among the templates -------------------------------------------------------


def build(spec: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    # A FIFO that is opened blocks until a writer comes: only the timeout would end it.
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(spec), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=120, env=ENV, cwd=tmp_path,
    )  # fmt: skip


def test_fifos_in_template_folders_are_skipped_never_read(tmp_path):
    """A FIFO where the template, its stylesheet and the house macros would be, and a
    stray one: each is passed over as if absent (the built-in file is used)."""
    spec = workspace_with(tmp_path, "unused")
    minister = tmp_path / "templates" / "minister"
    (minister / "brief.html.j2").unlink()
    os.mkfifo(minister / "brief.html.j2")
    os.mkfifo(minister / "style.css")
    os.mkfifo(minister / "stray.txt")
    (tmp_path / "templates" / "base").mkdir()
    os.mkfifo(tmp_path / "templates" / "base" / "macros.html.j2")
    result = build(spec, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "test-brief.pdf").is_file()
    assert (tmp_path / "out" / "test-brief.docx").is_file()


def test_a_fifo_a_stylesheet_loads_as_a_font_is_refused(tmp_path):
    template = (
        "{% extends 'base/base.html.j2' %}{% block stylesheets %}{{ super() }}"
        "<link rel=\"stylesheet\" href=\"{{ asset('minister/fonts.css') }}\">{% endblock %}"
    )
    spec = workspace_with(tmp_path, template)
    minister = tmp_path / "templates" / "minister"
    (minister / "fonts.css").write_text(
        "@font-face { font-family: Trap; src: url(trap.ttf) } body { font-family: Trap }"
    )
    os.mkfifo(minister / "trap.ttf")
    result = build(spec, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"refused to load {(minister / 'trap.ttf').as_uri()}" in result.stderr
    assert not (tmp_path / "out").exists()
