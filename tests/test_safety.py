"""Hostile text in specs stays text; faults while writing leave earlier outputs intact;
the same inputs give the same bytes; arbitrary input ends in a build or a clean error."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import docx
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from briefgen import write as write_module
from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from conftest import MINIMAL_SPEC, REPO

INJECTIONS = [
    '<img src="file:///etc/passwd">',
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">click</a>',
    '<link rel="attachment" href="/etc/passwd">',
    "{{ 7 * 7 }} {% include '/etc/passwd' %}",
    "url(file:///etc/passwd) @import 'http://example.org/x.css';",
    '"><style>body{display:none}</style>',
]


def injected_spec() -> str:
    spec = yaml.safe_load(textwrap.dedent(MINIMAL_SPEC))
    spec["title"] = INJECTIONS[0]
    spec["subject"] = INJECTIONS[1]
    spec["for"] = INJECTIONS[6]
    spec["contact"]["email"] = INJECTIONS[2]
    spec["sections"] = [
        {"heading": INJECTIONS[4], "kind": "purpose", "text": INJECTIONS[5]},
        {"heading": "Points", "points": INJECTIONS, "select": {"quotes": {"limit": 1}}},
    ]
    return yaml.safe_dump(spec, allow_unicode=True)


@pytest.fixture(scope="module")
def injected_build(tmp_path_factory):
    folder = tmp_path_factory.mktemp("injected")
    spec = folder / "injected.yaml"
    spec.write_text(injected_spec(), encoding="utf-8")
    build_briefs([spec], out_dir=folder / "build")
    return folder / "build"


def test_injection_attempts_are_printed_as_text_in_the_pdf(injected_build):
    reader = PdfReader(injected_build / "test-brief.pdf")
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", " ")
    compact = "".join(text.split())
    for attempt in INJECTIONS:
        assert "".join(attempt.split()) in compact, attempt


def test_pdf_has_no_attachments_links_or_fetched_content(injected_build):
    reader = PdfReader(injected_build / "test-brief.pdf")
    root = reader.trailer["/Root"]
    names = root.get("/Names", {})
    assert "/EmbeddedFiles" not in names
    assert "/AF" not in root
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            assert "/URI" not in action, action
        assert not page["/Resources"].get("/XObject")  # no images fetched from anywhere


def test_injection_attempts_are_text_in_the_docx(injected_build):
    word = docx.Document(str(injected_build / "test-brief.docx"))
    paragraphs = [p.text for p in word.paragraphs]
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    everything = "\n".join(paragraphs + cells)
    for attempt in INJECTIONS:
        assert attempt in everything, attempt
    assert not [rel for rel in word.part.rels.values() if rel.is_external]


# --- faults while writing ------------------------------------------------------------


@pytest.fixture
def spec(write_yaml, minimal_spec):
    return write_yaml(minimal_spec)


def build(spec, out, formats=("html", "docx")):
    return build_briefs([spec], out_dir=out, options=BuildOptions(formats=tuple(list(formats))))


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "No space left on device"),
        (errno.EROFS, "Read-only file system"),
        (errno.EACCES, "Permission denied"),
        (errno.EIO, "Input/output error"),
    ],
)
def test_staging_fault_keeps_previous_outputs(spec, tmp_path, monkeypatch, code, words):
    out = tmp_path / "build"
    build(spec, out)
    before = snapshot(out)
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Changed"))

    def failing_stage(target, data):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(write_module, "stage", failing_stage)
    with pytest.raises(BriefgenError) as excinfo:
        build(spec, out)
    assert f"cannot write: {words}" in str(excinfo.value)
    assert snapshot(out) == before


def test_second_move_failing_puts_the_first_back(spec, tmp_path, monkeypatch):
    """PDF and DOCX (here HTML and DOCX) of one brief appear together or not at all."""
    out = tmp_path / "build"
    build(spec, out)
    before = snapshot(out)
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Changed"))
    real_replace = os.replace

    def fail_on_docx(source, target):
        if str(target).endswith(".docx"):
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_on_docx)
    with pytest.raises(BriefgenError) as excinfo:
        build(spec, out)
    monkeypatch.setattr(os, "replace", real_replace)
    (problem,) = excinfo.value.problems
    assert problem.message.startswith("cannot write: No space left on device; ")
    assert str(problem.file) == str(out / "test-brief.docx")
    assert excinfo.value.summary == "nothing was written"
    assert snapshot(out) == before


def test_leftovers_of_a_killed_build_are_removed_next_time(spec, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    leftovers = [out / ".test-brief.html.abc123.tmp", out / ".manifest.json.x9.tmp"]
    for leftover in leftovers:
        leftover.write_bytes(b"half a file")
    other = out / ".other-brief.html.zz.tmp"  # another brief's: not ours to touch
    other.write_bytes(b"x")
    build(spec, out)
    assert not any(leftover.exists() for leftover in leftovers)
    assert other.exists()


def test_lock_that_cannot_be_made_is_a_clean_error(spec, tmp_path, monkeypatch):
    def no_lock(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(tmp_path / "build" / ".x.lock"))

    monkeypatch.setattr(write_module, "FileLock", no_lock)
    with pytest.raises(BriefgenError) as excinfo:
        build(spec, tmp_path / "build")
    assert "cannot write: Read-only file system" in str(excinfo.value)


def test_concurrent_builds_of_one_brief_do_not_tear_files(spec, tmp_path):
    out = tmp_path / "build"
    command = [sys.executable, "-m", "briefgen", "build", str(spec), "-f", "pdf", "-f", "docx",
               "--out", str(out)]  # fmt: skip
    processes = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]  # fmt: skip
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["briefs"]["test-brief"]["files"]:
        data = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert len(PdfReader(out / "test-brief.pdf").pages) >= 1
    docx.Document(str(out / "test-brief.docx"))
    assert not list(out.glob("*.tmp")) and not list(out.glob(".*.tmp"))


# --- reproducible output -------------------------------------------------------------


def build_in_process(spec: Path, out: Path, epoch: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    if epoch:
        env["SOURCE_DATE_EPOCH"] = epoch
    subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(spec), "--out", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in out.glob("*.*[fx]")}


@pytest.mark.parametrize("epoch", [None, "1767225600"])
def test_same_inputs_give_identical_bytes_across_processes(tmp_path, epoch):
    spec = REPO / "briefs" / "press-lines-astana.yaml"
    first = build_in_process(spec, tmp_path / "one", epoch)
    second = build_in_process(spec, tmp_path / "two", epoch)
    assert set(first) == {"press-lines-astana.pdf", "press-lines-astana.docx"}
    assert first == second


# --- arbitrary input ---------------------------------------------------------------

ANY_TEXT = st.text(min_size=0, max_size=60)
# A section's field in a message, after the section's number and heading.
SECTION_FIELD = r'section 1(?: ".*")? \((sections\[0\][^()]*)\): '


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,  # the same examples on every run: no flaky CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=ANY_TEXT, heading=ANY_TEXT, text=ANY_TEXT, point=ANY_TEXT, reference=ANY_TEXT)
def test_any_unicode_builds_or_fails_cleanly(tmp_path, title, heading, text, point, reference):
    spec = yaml.safe_load(textwrap.dedent(MINIMAL_SPEC))
    spec.update(title=title, reference=reference)
    spec["sections"] = [{"heading": heading, "text": text, "points": [point]}]
    path = tmp_path / "any.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    try:
        build_briefs(
            [path], out_dir=tmp_path / "out", options=BuildOptions(formats=("html", "docx"))
        )
    except BriefgenError as exc:
        # Refused: each problem at the spec's line, naming one of the fields given.
        fields = {"title", "reference", "sections[0].heading", "sections[0].text",
                  "sections[0].points[0]", "sections[0].points[0].text"}  # fmt: skip
        assert exc.problems
        for problem in exc.problems:
            assert (problem.file, problem.severity) == (path, "error"), str(problem)
            assert problem.line is not None, str(problem)
            # A section's field comes after the section: 'section 1 "<heading>" (sections[0].text)'
            named = re.match(SECTION_FIELD, problem.message, re.S)
            where = named.group(1) if named else problem.message.split(": ", 1)[0]
            assert where in fields, str(problem)
        return
    word = docx.Document(io.BytesIO((tmp_path / "out" / "test-brief.docx").read_bytes()))
    html_spaces = re.sub(r"[ \t\n\r\f]+", " ", title).strip(" ")  # HTML folds only these
    assert word.paragraphs[0].text == html_spaces


# Text a brief can hold: anything but the characters XML cannot (checked above to be refused).
BRIEF_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    min_size=1,
    max_size=60,
).filter(lambda text: text.strip())


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=BRIEF_TEXT, heading=BRIEF_TEXT, text=BRIEF_TEXT, point=BRIEF_TEXT)
def test_any_text_without_forbidden_characters_builds(tmp_path, title, heading, text, point):
    """Not merely "no crash": text a user may write must give a brief, PDF included."""
    spec = yaml.safe_load(textwrap.dedent(MINIMAL_SPEC))
    spec["title"] = title
    spec["sections"] = [{"heading": heading, "text": text, "points": [point]}]
    path = tmp_path / "text.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    report = build_briefs(
        [path], out_dir=tmp_path / "out", options=BuildOptions(formats=("pdf", "docx"))
    )
    assert len(report.lines) == 2
    word = docx.Document(str(tmp_path / "out" / "test-brief.docx"))
    assert word.paragraphs[0].text == re.sub(r"[ \t\n\r\f]+", " ", title).strip(" ")


@settings(max_examples=60, deadline=None, derandomize=True)
@given(document=st.text(max_size=300))
def test_any_yaml_text_loads_or_fails_cleanly(document, tmp_path_factory):
    from briefgen.yamlsource import parse_yaml

    try:
        parse_yaml(document, Path("any.yaml"), max_depth=16)
    except BriefgenError as exc:
        assert exc.problems
        for problem in exc.problems:  # located in the text, with a message
            assert problem.file == Path("any.yaml") and problem.line >= 1, str(problem)
            assert problem.message.strip(), str(problem)


@pytest.mark.parametrize("delay", [0.4, 0.9, 1.4])
def test_killed_build_leaves_complete_files(spec, tmp_path, delay):
    """Kill a build at some point: every output present is a whole, readable file."""
    import signal
    import time

    out = tmp_path / "build"
    build(spec, out, formats=("pdf", "docx"))
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Changed brief"))
    process = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "build", str(spec), "--out", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    titles = {PdfReader(out / "test-brief.pdf").metadata.title}
    titles.add(docx.Document(str(out / "test-brief.docx")).core_properties.title)
    assert titles <= {"Test brief", "Changed brief"}
    build(spec, out, formats=("pdf", "docx"))  # the next build cleans up after the killed one
    assert not list(out.glob(".*.tmp")) and not list(out.glob(".*.old"))
