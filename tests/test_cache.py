"""Incremental builds: unchanged outputs cost nothing; a change rebuilds exactly what uses it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import yaml

from briefgen.build import BuildOptions, build_briefs
from briefgen.load_dataset import DEFAULT_DATASET
from conftest import BRIEFS

SPECS = [BRIEFS / "press-lines-astana.yaml", BRIEFS / "red-crescent-outreach.yaml"]


def stamps(out):
    return {p.name: p.stat().st_mtime_ns for p in out.glob("*.*") if p.suffix != ".json"}


def test_second_build_is_up_to_date_and_writes_nothing(tmp_path):
    out = tmp_path / "build"
    first = build_briefs(SPECS, out_dir=out)
    assert all("up to date" not in line for line in first.lines)
    before = stamps(out)
    second = build_briefs(SPECS, out_dir=out)
    assert len(second.lines) == 4 and all(line.endswith("up to date") for line in second.lines)
    assert stamps(out) == before
    forced = build_briefs(SPECS, out_dir=out, options=BuildOptions(force=True))
    assert all("up to date" not in line for line in forced.lines)


def test_changing_one_fact_rebuilds_exactly_the_briefs_that_use_it(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATASET.parent, data)
    dataset = data / DEFAULT_DATASET.name
    out = tmp_path / "build"
    build_briefs(SPECS, out_dir=out, dataset_path=dataset)
    content = yaml.safe_load(dataset.read_text(encoding="utf-8"))
    for fact in content["facts"]:
        if fact["id"] == "online-ihl-courses":  # shown by the Red Crescent note only
            fact["text"] = "Kumasheva noted the launch of online IHL courses open to all."
    dataset.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False))
    report = build_briefs(SPECS, out_dir=out, dataset_path=dataset)
    rebuilt = sorted(
        line.split()[0].split("/")[-1] for line in report.lines if "up to date" not in line
    )
    assert rebuilt == ["red-crescent-outreach.docx", "red-crescent-outreach.pdf"]


def test_a_template_change_rebuilds_and_the_manifest_records_inputs(tmp_path):
    workspace = tmp_path / "ws"
    (workspace / "briefs").mkdir(parents=True)
    spec = workspace / "briefs" / "press.yaml"
    shutil.copy(SPECS[0], spec)
    out = workspace / "build"
    build_briefs([spec], out_dir=out)
    entry = json.loads((out / "manifest.json").read_text())["briefs"]["press-lines-astana"]
    assert all(len(file["inputs"]) == 64 for file in entry["files"])
    press = workspace / "templates" / "press"
    press.mkdir(parents=True)
    (press / "style.css").write_text("h2 { color: black; }\n")  # overrides the built-in one
    report = build_briefs([spec], out_dir=out)
    assert not any("up to date" in line for line in report.lines)


def test_up_to_date_build_does_not_import_the_renderers(tmp_path):
    out = tmp_path / "build"
    build_briefs(SPECS[:1], out_dir=out)
    code = (
        "import sys; from briefgen.cli import main; sys.argv = ['briefgen', 'build', "
        f"{str(SPECS[0])!r}, '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('weasyprint' in sys.modules, 'docx' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("False False"), result.stdout + result.stderr


def test_parallel_build_gives_the_same_bytes_as_a_serial_one(tmp_path):
    serial = build_briefs(SPECS, out_dir=tmp_path / "serial")
    parallel = build_briefs(SPECS, out_dir=tmp_path / "parallel", options=BuildOptions(jobs=2))
    assert len(serial.lines) == len(parallel.lines) == 4
    for path in (tmp_path / "serial").glob("*.*"):
        if path.is_file() and path.suffix != ".json":
            assert path.read_bytes() == (tmp_path / "parallel" / path.name).read_bytes()


def test_problems_in_worker_processes_keep_file_and_line(tmp_path):
    import pytest

    from briefgen.errors import BriefgenError

    workspace = tmp_path / "ws"
    (workspace / "briefs").mkdir(parents=True)
    template = workspace / "templates" / "press" / "brief.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(
        '{% extends "base/base.html.j2" %}\n{% block lead %}{{ brief.nope }}{% endblock %}\n'
    )
    for spec in SPECS:
        shutil.copy(spec, workspace / "briefs" / spec.name)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([workspace / "briefs"], out_dir=workspace / "build",
                     options=BuildOptions(jobs=2))  # fmt: skip
    (problem,) = excinfo.value.problems  # only the press brief uses that template
    assert (problem.file, problem.line) == (str(template.resolve()), 2)
    assert excinfo.value.summary == "nothing was written"
