"""The DOCX's page count, known at build time (issue 15): LibreOffice lays each DOCX out,
the manifest records its pages beside the PDF's, and the page budget is checked as the
PDF's is (a warning; an error with --strict). Without LibreOffice a build says so once
and goes on; an ordinary build does not pay for it (see README, "Output")."""

from __future__ import annotations

import io
import json
import os
import sys
import zipfile

import pytest
import yaml
from lxml import etree

from briefgen import office
from briefgen.build import BuildOptions, build_briefs
from briefgen.console import page_counts
from briefgen.errors import BriefgenError
from briefgen.office import Measured, as_word_shows_it, run_stopped_after
from briefgen.render_jobs import Progress
from conftest import BRIEFS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PRESS = BRIEFS / "press-lines-astana.yaml"
MINISTER = BRIEFS / "minister-hlm-2026.yaml"


def docx_files(manifest_folder) -> dict[str, dict]:
    manifest = json.loads((manifest_folder / "manifest.json").read_text(encoding="utf-8"))
    return {
        entry["name"]: entry
        for brief in manifest["briefs"].values()
        for entry in brief["files"]
        if entry["format"] == "docx"
    }


# --- the copy LibreOffice measures -------------------------------------------------------


@pytest.fixture(scope="module")
def press_docx(tmp_path_factory) -> bytes:
    out = tmp_path_factory.mktemp("press")
    build_briefs([PRESS], out_dir=out, options=BuildOptions(formats=("docx",)))
    return (out / "press-lines-astana.docx").read_bytes()


def body(docx: bytes):
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return etree.fromstring(package.read("word/document.xml")).find(f"{W}body")


def text(element) -> str:
    return "".join(t.text or "" for t in element.iter(f"{W}t"))


def test_the_copy_measured_has_its_endnotes_after_the_text(press_docx):
    original, copy = body(press_docx), body(as_word_shows_it(press_docx))
    assert len(list(original.iter(f"{W}endnoteReference"))) == 4
    assert list(copy.iter(f"{W}endnoteReference")) == []
    paragraphs = copy.findall(f"{W}p")
    notes = [p for p in paragraphs if p.find(f"{W}pPr/{W}pStyle") is not None
             and p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "EndnoteText"]  # fmt: skip
    assert [text(p).split(" ")[0] for p in notes] == ["1", "2", "3", "4"]
    assert all("The Astana Times" in text(p) for p in notes)
    assert paragraphs[-4:] == notes  # last in the body, after the separator line
    assert text(paragraphs[-5]).startswith("\u2014")
    assert copy[-1].tag == f"{W}sectPr"  # the section's properties stay last


def reference_marks(body) -> list[str]:
    return [
        text(run) or "(Word's number)" for run in body.iter(f"{W}r")
        if (style := run.find(f"{W}rPr/{W}rStyle")) is not None
        and style.get(f"{W}val") == "EndnoteReference"
    ]  # fmt: skip


def split_at(items: list, index: int) -> tuple[list, list]:
    return items[:index], items[index:]


def test_the_references_keep_their_numbers(press_docx):
    original = reference_marks(body(press_docx))
    marks, in_notes = split_at(reference_marks(body(as_word_shows_it(press_docx))), len(original))
    assert len(original) > 4  # a source cited again repeats its number
    assert list(dict.fromkeys(marks)) == in_notes == ["1", "2", "3", "4"]
    # where Word numbers a reference, the copy prints that number; repeats stay as they were
    assert [m for m, o in zip(marks, original, strict=True) if o != "(Word's number)"] == [
        o for o in original if o != "(Word's number)"
    ]


# --- when and how LibreOffice runs ---------------------------------------------------------


def test_an_ordinary_build_does_not_measure(tmp_path, monkeypatch):
    def not_wanted(*args, **kwargs):
        raise AssertionError("LibreOffice was run")

    monkeypatch.setattr(office, "measure_pages", not_wanted)
    build_briefs([PRESS], out_dir=tmp_path)
    [entry] = docx_files(tmp_path).values()
    assert entry["pages"] is None
    assert entry["pages_from"].startswith("not measured: ask with --measure-docx")
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    [pdf] = [f for f in manifest["briefs"]["press-lines-astana"]["files"] if f["format"] == "pdf"]
    assert pdf["pages"] == 1 and "pages_from" not in pdf  # the PDF knows its own pages


def test_without_libreoffice_a_build_says_so_once_and_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    options = BuildOptions(formats=("docx",), measure_docx=True)
    report = build_briefs([PRESS, MINISTER], out_dir=tmp_path, options=options)
    said = [note for note in report.notes if "not measured" in note]
    assert said == [f"DOCX pages not measured: {office.NOT_INSTALLED}"]
    entries = docx_files(tmp_path)
    assert len(entries) == 2
    for entry in entries.values():
        assert entry["pages"] is None
        assert entry["pages_from"] == f"not measured: {office.NOT_INSTALLED}"


def test_without_libreoffice_a_strict_build_stops_and_writes_nothing(tmp_path, monkeypatch):
    # --strict promises every page budget was checked: a DOCX it could not measure fails
    # the build (and again on the next run: nothing was written to be "up to date").
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    for _ in range(2):
        with pytest.raises(BriefgenError) as excinfo:
            build_briefs([PRESS], out_dir=tmp_path, options=BuildOptions(strict=True))
        (problem,) = excinfo.value.problems
        assert problem.message == (
            f"DOCX pages not measured: {office.NOT_INSTALLED}; --strict checks every DOCX "
            "against its page budget: install LibreOffice (scripts/install-system-packages "
            "does), or build with --no-measure-docx"
        )
        assert excinfo.value.summary == "nothing was written"
        assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.pdf"))
    report = build_briefs([PRESS], out_dir=tmp_path,
                          options=BuildOptions(strict=True, measure_docx=False))  # fmt: skip
    assert (tmp_path / "press-lines-astana.docx").is_file() and not report.notes


def test_a_docx_built_unmeasured_is_measured_when_asked(tmp_path, monkeypatch):
    build_briefs([PRESS], out_dir=tmp_path, options=BuildOptions(formats=("docx",)))
    asked = []

    def measured(documents, seconds=None):
        asked.append(sorted(documents))
        return Measured({name: 1 for name in documents}, "LibreOffice 9.9")

    monkeypatch.setattr(office, "measure_pages", measured)
    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    report = build_briefs(
        [PRESS], out_dir=tmp_path, options=BuildOptions(formats=("docx",), measure_docx=True)
    )
    assert asked == [["press-lines-astana"]]
    assert [line.split("  ")[1] for line in report.lines] == ["1 page"]
    assert page_counts(report.briefs[0]) == "- · DOCX 1"  # the terminal's table: no PDF built
    [entry] = docx_files(tmp_path).values()
    assert (entry["pages"], entry["pages_from"]) == (1, "LibreOffice 9.9")
    # Measured once, a later ordinary build keeps the count and runs nothing.
    monkeypatch.setattr(office, "measure_pages", None)
    again = build_briefs([PRESS], out_dir=tmp_path, options=BuildOptions(formats=("docx",)))
    assert [line.split("  ")[1] for line in again.lines] == ["up to date"]
    assert docx_files(tmp_path)["press-lines-astana.docx"]["pages"] == 1
    # and so does a measuring one: nothing to count again
    again = build_briefs(
        [PRESS], out_dir=tmp_path, options=BuildOptions(formats=("docx",), measure_docx=True)
    )
    assert [line.split("  ")[1] for line in again.lines] == ["up to date"]


def test_each_call_has_a_profile_of_its_own_removed_after(monkeypatch, press_docx):
    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    commands = []

    def run(command, seconds):
        commands.append(command)
        return "LibreOffice failed (a test)"

    monkeypatch.setattr(office, "run_stopped_after", run)
    first = office.measure_pages({"a": press_docx})
    office.measure_pages({"a": press_docx})
    profiles = [c[1] for c in commands]
    assert all(p.startswith("-env:UserInstallation=file:///") for p in profiles)
    assert profiles[0] != profiles[1]
    assert first == Measured({}, "", "LibreOffice failed (a test)")
    folder = profiles[0].removeprefix("-env:UserInstallation=file://").rpartition("/")[0]
    assert not os.path.exists(folder)


def test_libreoffice_is_stopped_at_its_time_limit():
    sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
    assert run_stopped_after(sleeper, 0.5) == "LibreOffice took longer than 0.5 s and was stopped"


# --- with LibreOffice --------------------------------------------------------------------


def test_the_manifest_has_the_docx_pages_beside_the_pdf_pages(soffice, tmp_path):
    report = build_briefs(
        [PRESS, MINISTER], out_dir=tmp_path, options=BuildOptions(measure_docx=True)
    )
    lines = {line.split("  ")[0].rpartition("/")[2]: line.split("  ")[1] for line in report.lines}
    assert lines == {
        "press-lines-astana.pdf": "1 page",
        "press-lines-astana.docx": "1 page",  # the press lines: one page in both (issue 15)
        "minister-hlm-2026.pdf": "2 pages",
        "minister-hlm-2026.docx": "2 pages",
    }
    for entry in docx_files(tmp_path).values():
        assert entry["pages_from"].startswith("LibreOffice ")
    assert [w for w in report.warnings if "DOCX" in w.message] == []


def test_a_docx_over_its_budget_warns_and_fails_a_strict_build(soffice, tmp_path):
    spec = yaml.safe_load(MINISTER.read_text(encoding="utf-8"))
    spec.update(id="tight", page_budget=1)
    path = tmp_path / "briefs" / "tight.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    options = BuildOptions(formats=("docx",), measure_docx=True)
    report = build_briefs([path], out_dir=tmp_path / "build", options=options)
    [warning] = report.warnings
    assert warning.message == (
        "page_budget: the DOCX of brief 'tight' has 2 pages (as LibreOffice lays it out), "
        "over its page budget of 1"
    )
    assert (warning.file, warning.line) == (path, spec_line(path, "page_budget"))
    with pytest.raises(BriefgenError) as failed:
        build_briefs(
            [path],
            out_dir=tmp_path / "strict",
            options=BuildOptions(formats=("docx",), strict=True),
        )
    assert [p.message for p in failed.value.problems] == [warning.message]
    assert [p.severity for p in failed.value.problems] == ["error"]
    assert not (tmp_path / "strict" / "tight.docx").exists()


def spec_line(path, key: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(f"{key}:"))


def test_the_progress_bar_counts_the_measuring(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: "/usr/bin/soffice")
    monkeypatch.setattr(
        office, "measure_pages", lambda documents, seconds=None: Measured({}, "", "a test")
    )
    told = []

    class Told(Progress):
        def start(self, total: int) -> None:
            told.append(total)

        def advance(self, output_id: str) -> None:
            told.append(output_id)

    options = BuildOptions(formats=("docx",), measure_docx=True)
    build_briefs([PRESS], out_dir=tmp_path, options=options, progress=Told())
    assert told == [2, "press-lines-astana", "DOCX pages counted"]
