"""Incremental builds: unchanged outputs cost nothing; a change rebuilds exactly what uses it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import yaml

from briefgen.build import BuildOptions, build_briefs
from briefgen.workspace import DEFAULT_DATASET
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


def refuse_to_load(monkeypatch):
    """Make reading any spec fail, to prove a build did not read one."""
    import briefgen.load_spec

    def fail(*args, **kwargs):
        raise AssertionError("a spec was read")

    monkeypatch.setattr(briefgen.load_spec, "load_specs", fail)


def copied_specs(tmp_path):
    (tmp_path / "ws" / "briefs").mkdir(parents=True)
    copies = [tmp_path / "ws" / "briefs" / spec.name for spec in SPECS]
    for spec, copy in zip(SPECS, copies, strict=True):
        shutil.copy(spec, copy)
    return copies


def test_nothing_changed_means_no_spec_is_even_read(tmp_path, monkeypatch):
    specs, out = copied_specs(tmp_path), tmp_path / "build"
    build_briefs(specs, out_dir=out)
    refuse_to_load(monkeypatch)
    report = build_briefs(specs, out_dir=out)
    assert len(report.lines) == 4 and all(line.endswith("up to date") for line in report.lines)
    assert {brief.state for brief in report.briefs} == {"up to date"}


def test_a_touched_spec_is_read_once_then_skipped_again(tmp_path, monkeypatch):
    specs, out = copied_specs(tmp_path), tmp_path / "build"
    build_briefs(specs, out_dir=out)
    specs[0].write_text(specs[0].read_text(encoding="utf-8"), encoding="utf-8")  # same words
    report = build_briefs(specs, out_dir=out)  # read, found up to date, stamp recorded
    assert all(line.endswith("up to date") for line in report.lines)
    refuse_to_load(monkeypatch)
    assert all(line.endswith("up to date") for line in build_briefs(specs, out_dir=out).lines)


def test_what_the_quick_test_cannot_vouch_for_is_looked_at_closely(tmp_path, monkeypatch):
    specs, out = copied_specs(tmp_path), tmp_path / "build"
    build_briefs(specs, out_dir=out)
    (out / "press-lines-astana.pdf").write_bytes(b"%PDF-damaged")  # another size
    report = build_briefs(specs, out_dir=out)
    assert [line.split()[0] for line in report.lines if "up to date" not in line] == [
        str(out / "press-lines-astana.pdf")
    ]
    # Options that change the outputs (or the verdict on warnings) take the long way too.
    for options in (BuildOptions(draft=True), BuildOptions(strict=True)):
        with monkeypatch.context() as patch:
            refuse_to_load(patch)
            try:
                build_briefs(specs, out_dir=out, options=options)
            except AssertionError as exc:
                assert "a spec was read" in str(exc)
            else:
                raise AssertionError(f"{options} took the quick path")


def test_a_changed_template_is_noticed_without_reading_the_outputs(tmp_path, monkeypatch):
    specs, out = copied_specs(tmp_path), tmp_path / "build"
    build_briefs(specs, out_dir=out)
    press = tmp_path / "ws" / "templates" / "press"
    press.mkdir(parents=True)
    (press / "style.css").write_text("h2 { color: black; }\n")
    report = build_briefs(specs, out_dir=out)
    rebuilt = {line.split()[0] for line in report.lines if "up to date" not in line}
    # (A template may include any other, so a change to one rebuilds every brief.)
    assert {str(out / "press-lines-astana.docx"), str(out / "press-lines-astana.pdf")} <= rebuilt


def test_nothing_to_do_imports_neither_renderers_nor_models(tmp_path):
    out = tmp_path / "build"
    build_briefs(SPECS[:1], out_dir=out)
    code = (
        "import sys; from briefgen.cli import main; sys.argv = ['briefgen', 'build', "
        f"{str(SPECS[0])!r}, '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(*(name in sys.modules for name in "
        "('weasyprint', 'docx', 'briefgen.load_spec', 'briefgen.load_dataset', 'jinja2')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip().endswith("False False False False False"), (
        result.stdout + result.stderr
    )


def test_an_edition_missing_from_the_manifest_is_built_again(tmp_path, monkeypatch):
    (tmp_path / "briefs").mkdir()
    spec = tmp_path / "briefs" / "glance.yaml"
    shutil.copy(BRIEFS / "initiative-at-a-glance.yaml", spec)  # edition: both
    out = tmp_path / "build"
    build_briefs([spec], out_dir=out)
    manifest_path = out / "manifest.json"
    data = json.loads(manifest_path.read_text())
    del data["briefs"]["initiative-at-a-glance-releasable"]  # a build stopped halfway
    manifest_path.write_text(json.dumps(data))
    report = build_briefs([spec], out_dir=out)
    rebuilt = {line.split()[0] for line in report.lines if "up to date" not in line}
    assert str(out / "initiative-at-a-glance-releasable.pdf") in rebuilt
    refuse_to_load(monkeypatch)  # and now both editions are known: quick again
    assert all(line.endswith("up to date") for line in build_briefs([spec], out_dir=out).lines)


def test_editions_a_spec_no_longer_makes_do_not_keep_it_stale(tmp_path, monkeypatch):
    (tmp_path / "briefs").mkdir()
    spec = tmp_path / "briefs" / "glance.yaml"
    shutil.copy(BRIEFS / "initiative-at-a-glance.yaml", spec)
    out = tmp_path / "build"
    build_briefs([spec], out_dir=out, options=BuildOptions(edition="releasable"))
    build_briefs([spec], out_dir=out)  # both editions, stamped together
    refuse_to_load(monkeypatch)
    assert len(build_briefs([spec], out_dir=out).lines) == 4


def test_a_stamp_is_not_put_on_files_another_build_replaced(tmp_path, monkeypatch):
    import briefgen.build

    specs, out = copied_specs(tmp_path), tmp_path / "build"
    build_briefs(specs[:1], out_dir=out)
    specs[0].write_text(specs[0].read_text(encoding="utf-8"), encoding="utf-8")  # touched
    render_jobs = briefgen.build.render_jobs

    def meanwhile_a_draft_is_built(*args, **kwargs):
        result = render_jobs(*args, **kwargs)
        with monkeypatch.context() as inner:
            inner.setattr(briefgen.build, "render_jobs", render_jobs)
            build_briefs(specs[:1], out_dir=out, options=BuildOptions(draft=True))
        return result

    monkeypatch.setattr(briefgen.build, "render_jobs", meanwhile_a_draft_is_built)
    build_briefs(specs[:1], out_dir=out)  # found up to date, but the draft landed meanwhile
    monkeypatch.setattr(briefgen.build, "render_jobs", render_jobs)
    report = build_briefs(specs[:1], out_dir=out)  # must see the draft is not what it wants
    assert not any(line.endswith("up to date") for line in report.lines), report.lines


def test_a_brief_skipped_unread_still_gives_its_warnings(
    tmp_path, monkeypatch, minimal_spec, write_yaml
):
    (tmp_path / "briefs").mkdir()
    extra = """
      - heading: Nothing matches
        select:
          facts: {tags: [naval], people: [artur-lastayev]}
"""
    spec = write_yaml(minimal_spec + extra, name="briefs/brief.yaml")
    out = tmp_path / "build"
    first = build_briefs([spec], out_dir=out)
    (warning,) = first.warnings
    assert "selects no facts" in warning.message and warning.line is not None
    refuse_to_load(monkeypatch)
    again = build_briefs([spec], out_dir=out)
    assert all(line.endswith("up to date") for line in again.lines)
    assert [str(w) for w in again.warnings] == [str(warning)]


def test_hidden_files_and_folders_are_not_in_a_folders_stamp(tmp_path):
    from briefgen.cache import folder_stamp

    for name in ("a.css", ".a.css.swp", ".git/config", "fonts/x.ttf", "fonts/.hidden/y", "z.css"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    os.mkfifo(tmp_path / "b.fifo")  # not a regular file: left out, and the walk goes on
    (tmp_path / "b.link").symlink_to(tmp_path / "gone")  # dangling: left out, the walk goes on
    stamped = [path for path, size, _ in folder_stamp(tmp_path)]
    assert stamped == [str(tmp_path / n) for n in ("a.css", "z.css", "fonts/x.ttf")]


def test_a_folders_digest_follows_its_files_contents(tmp_path):
    from briefgen.cache import folder_digest, folder_stamp

    (tmp_path / "a.css").write_text("p { color: red }")
    before = folder_digest(tmp_path, folder_stamp(tmp_path))
    (tmp_path / "a.css").write_text("p { color: blue}")  # the same size
    stamp = folder_stamp(tmp_path)
    assert folder_digest(tmp_path, stamp) != before
    assert folder_digest(tmp_path, stamp) == folder_digest(tmp_path, stamp[:])


def test_an_output_deleted_by_hand_is_built_again(write_yaml, minimal_spec, tmp_path):
    spec, out = write_yaml(minimal_spec), tmp_path / "build"
    options = BuildOptions(formats=("html",))
    build_briefs([spec], out_dir=out, options=options)
    (out / "test-brief.html").unlink()
    lines = build_briefs([spec], out_dir=out, options=options).lines
    assert [line.split()[0] for line in lines] == [str(out / "test-brief.html")]
    assert not lines[0].endswith("up to date")
    assert (out / "test-brief.html").exists()
