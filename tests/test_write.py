"""Stage 6: outputs appear whole or not at all; the manifest keeps every brief."""

from __future__ import annotations

import json
import os

import pytest

from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError


@pytest.fixture
def spec(write_yaml, minimal_spec):
    return write_yaml(minimal_spec)


def build(spec, out, formats=("html",)):
    return build_briefs(
        [spec], out_dir=out, options=BuildOptions(formats=tuple(list(formats)))
    ).lines


def test_manifest_describes_outputs(spec, tmp_path):
    out = tmp_path / "build"
    lines = build(spec, out)
    manifest = json.loads((out / "manifest.json").read_text())
    entry = manifest["briefs"]["test-brief"]
    assert entry["title"] == "Test brief" and entry["marking"] == "OFFICIAL"
    assert entry["spec"] == os.path.relpath(spec, out)
    (file,) = entry["files"]
    assert file["name"] == "test-brief.html"
    assert file["bytes"] == (out / "test-brief.html").stat().st_size
    assert lines == [f"{out / 'test-brief.html'}  -  {file['bytes'] / 1024:.1f} KiB"]


def test_manifest_keeps_other_briefs(spec, write_yaml, minimal_spec, tmp_path):
    out = tmp_path / "build"
    build(spec, out)
    other = write_yaml(minimal_spec.replace("id: test-brief", "id: other"), "other.yaml")
    build(other, out)
    assert set(json.loads((out / "manifest.json").read_text())["briefs"]) == {"test-brief", "other"}


def test_failed_move_keeps_previous_outputs_and_leaves_no_temporary_files(
    spec, tmp_path, monkeypatch
):
    out = tmp_path / "build"
    build(spec, out)
    before = (out / "test-brief.html").read_bytes()
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Changed"))

    def disk_full(source, target):
        raise OSError(28, "No space left on device", str(target))

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(BriefgenError) as excinfo:
        build(spec, out)
    assert "cannot write: No space left on device" in str(excinfo.value)
    assert (out / "test-brief.html").read_bytes() == before
    left = sorted(path.name for path in out.iterdir() if path.is_file())
    assert left == ["manifest.json", "test-brief.html"]


def test_unreadable_manifest_is_replaced(spec, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text("{not json")
    build(spec, out)
    assert "test-brief" in json.loads((out / "manifest.json").read_text())["briefs"]


def test_manifest_matches_files_when_a_later_brief_fails(
    spec, write_yaml, minimal_spec, tmp_path, monkeypatch
):
    """The first brief is moved into place; the second fails; the manifest describes the first."""
    out = tmp_path / "build"
    second = write_yaml(minimal_spec.replace("id: test-brief", "id: second"), "second.yaml")
    real_replace = os.replace

    def fail_for_second(source, target):
        if "second" in str(target):
            raise OSError(30, "Read-only file system", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", fail_for_second)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([spec, second], out_dir=out, options=BuildOptions(formats=tuple(["html"])))
    (problem,) = excinfo.value.problems
    assert problem.message.startswith("cannot write: Read-only file system; ")
    assert str(problem.file) == str(out / "second.html")
    assert excinfo.value.summary == f"written before it: {out / 'test-brief.html'}"
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["briefs"]) == {"test-brief"}
    (file,) = manifest["briefs"]["test-brief"]["files"]
    assert file["bytes"] == (out / "test-brief.html").stat().st_size


def test_formats_built_separately_stay_in_the_manifest(spec, tmp_path):
    out = tmp_path / "build"
    build(spec, out, formats=("html",))
    build(spec, out, formats=("docx",))
    files = json.loads((out / "manifest.json").read_text())["briefs"]["test-brief"]["files"]
    assert sorted(f["format"] for f in files) == ["docx", "html"]


def test_same_id_from_another_spec_warns(spec, write_yaml, minimal_spec, tmp_path):
    out = tmp_path / "build"
    build(spec, out)
    copy = write_yaml(minimal_spec, "copy.yaml")  # same id: test-brief
    report = build_briefs([copy], out_dir=out, options=BuildOptions(formats=tuple(["html"])))
    (warning,) = report.warnings
    assert warning.severity == "warning" and warning.file == copy
    assert f"built from {os.path.relpath(spec, out)}" in warning.message
    assert "which has the same id 'test-brief'" in warning.message


def test_unreadable_manifest_warns(spec, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text("[1, 2]")
    report = build_briefs([spec], out_dir=out, options=BuildOptions(formats=tuple(["html"])))
    assert [str(w) for w in report.warnings] == [
        f"{out / 'manifest.json'}: warning: unreadable (it is not a briefgen manifest); "
        "starting a new manifest"
    ]


def test_manifest_that_cannot_be_written_leaves_no_temporary_file(spec, tmp_path):
    out = tmp_path / "build"
    (out / "manifest.json").mkdir(parents=True)  # a folder where the manifest should be
    with pytest.raises(BriefgenError) as excinfo:
        build(spec, out)
    assert "cannot write: Is a directory" in str(excinfo.value)
    assert not list(out.glob(".manifest.json.*"))


def test_interrupt_between_moves_puts_the_old_pair_back(spec, tmp_path, monkeypatch):
    out = tmp_path / "build"
    build(spec, out, formats=("html", "docx"))
    before = {p.name: p.read_bytes() for p in out.glob("test-brief.*")}
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Changed"))
    real_replace = os.replace

    def interrupted_on_docx(source, target):
        if str(target).endswith(".docx"):
            raise KeyboardInterrupt
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted_on_docx)
    with pytest.raises(KeyboardInterrupt):
        build(spec, out, formats=("html", "docx"))
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p.name: p.read_bytes() for p in out.glob("test-brief.*")} == before
    assert not list(out.glob(".*.tmp")) and not list(out.glob(".*.old"))


def test_disk_full_while_staging_a_later_brief_replaces_nothing(
    spec, write_yaml, minimal_spec, tmp_path, monkeypatch
):
    from briefgen import write as write_module

    out = tmp_path / "build"
    build(spec, out)
    before = (out / "test-brief.html").read_bytes()
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Changed"))
    second = write_yaml(minimal_spec.replace("id: test-brief", "id: second"), "second.yaml")
    real_stage = write_module.stage

    def full_on_second(target, data):
        if target.name.startswith("second."):
            raise OSError(28, "No space left on device", str(target))
        return real_stage(target, data)

    monkeypatch.setattr(write_module, "stage", full_on_second)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([spec, second], out_dir=out, options=BuildOptions(formats=tuple(["html"])))
    assert excinfo.value.summary == "nothing was written"
    assert (out / "test-brief.html").read_bytes() == before
    assert not (out / "second.html").exists()


def test_manifest_entry_of_the_wrong_shape_is_dropped_with_a_warning(spec, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text('{"briefs": {"old": "oops", "odd": {"files": 3}}}')
    report = build_briefs([spec], out_dir=out, options=BuildOptions(formats=tuple(["html"])))
    assert sorted(w.message for w in report.warnings) == [
        "entry 'odd' was not a brief; dropped it",
        "entry 'old' was not a brief; dropped it",
    ]
    assert set(json.loads((out / "manifest.json").read_text())["briefs"]) == {"test-brief"}


def test_new_files_follow_the_umask_and_old_files_keep_their_mode(spec, tmp_path):
    out = tmp_path / "build"
    previous = os.umask(0o077)
    try:
        build(spec, out)
    finally:
        os.umask(previous)
    assert (out / "test-brief.html").stat().st_mode & 0o777 == 0o600
    os.chmod(out / "test-brief.html", 0o640)
    spec.write_text(spec.read_text().replace("title: Test brief", "title: Rebuilt"))
    build(spec, out)  # rebuilt, not up to date
    assert "Rebuilt" in (out / "test-brief.html").read_text()
    assert (out / "test-brief.html").stat().st_mode & 0o777 == 0o640


def test_brief_dated_after_2107_still_writes_a_docx(write_yaml, minimal_spec, tmp_path):
    import zipfile

    spec = write_yaml(minimal_spec.replace("date: 2026-03-02", "date: 2999-01-01"))
    build(spec, tmp_path / "build", formats=("docx",))
    package = zipfile.ZipFile(tmp_path / "build" / "test-brief.docx")
    assert package.infolist()[0].date_time[0] == 2107  # the last year a ZIP entry can hold


# --- locks: a build waits for a lock another build holds --------------------------------


class BuildInThread:
    """``build`` of a spec on a thread of its own, with the lock files it asks for."""

    def __init__(self, monkeypatch, spec, out, lock_name: str) -> None:
        import threading

        from filelock import FileLock

        from briefgen import write as write_module

        self.asked = threading.Event()
        self.error: BaseException | None = None
        asked, wanted = self.asked, f"{lock_name}.lock"

        class NoticedLock(FileLock):
            def acquire(self, *args, **kwargs):
                if os.path.basename(self.lock_file) == wanted:
                    asked.set()
                return super().acquire(*args, **kwargs)

        monkeypatch.setattr(write_module, "FileLock", NoticedLock)

        def run() -> None:
            try:
                build(spec, out)
            except BaseException as exc:  # seen by the test, not lost on the thread
                self.error = exc

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def wait_until_asked(self) -> None:
        """Until the build asks for the lock; it must not finish without asking."""
        for _ in range(600):  # a minute at most
            if self.asked.wait(timeout=0.1):
                return
            assert self.thread.is_alive(), f"the build finished without the lock ({self.error})"
        raise AssertionError("the build never asked for the lock")

    def finish(self) -> None:
        self.thread.join(timeout=120)
        assert not self.thread.is_alive()
        if self.error is not None:
            raise self.error


def held_lock(out, name: str):
    from briefgen.write import lock

    out.mkdir(exist_ok=True)
    held = lock(out, name)
    held.acquire()
    return held


def test_a_build_waits_for_its_briefs_lock(spec, tmp_path, monkeypatch):
    out = tmp_path / "build"
    held = held_lock(out, "test-brief")
    try:
        running = BuildInThread(monkeypatch, spec, out, "test-brief")
        running.wait_until_asked()
        running.thread.join(timeout=1)  # it may not get past the lock while we hold it
        assert running.thread.is_alive()
        assert not (out / "test-brief.html").exists()
        assert not (out / "manifest.json").exists()
    finally:
        held.release()
    running.finish()
    assert (out / "test-brief.html").exists()
    assert set(json.loads((out / "manifest.json").read_text())["briefs"]) == {"test-brief"}


def test_a_build_waits_for_the_manifest_lock(spec, tmp_path, monkeypatch):
    out = tmp_path / "build"
    held = held_lock(out, "manifest.json")
    try:
        running = BuildInThread(monkeypatch, spec, out, "manifest.json")
        running.wait_until_asked()
        running.thread.join(timeout=1)
        assert running.thread.is_alive()
        assert not (out / "manifest.json").exists()  # not written while another holds it
    finally:
        held.release()
    running.finish()
    assert set(json.loads((out / "manifest.json").read_text())["briefs"]) == {"test-brief"}


def test_concurrent_builds_of_different_briefs_share_one_manifest(
    write_yaml, minimal_spec, tmp_path
):
    import hashlib
    import subprocess
    import sys

    out = tmp_path / "build"
    ids = [f"brief-{n}" for n in range(4)]
    specs = [
        write_yaml(minimal_spec.replace("id: test-brief", f"id: {i}"), f"{i}.yaml") for i in ids
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "briefgen", "build", str(path), "-f", "html", "-o", str(out)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for path in specs
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    manifest = json.loads((out / "manifest.json").read_text())
    assert sorted(manifest["briefs"]) == ids
    for brief_id in ids:
        (entry,) = manifest["briefs"][brief_id]["files"]
        data = (out / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]


@pytest.mark.parametrize(
    ("pages", "words"), [(1, "1 page"), (2, "2 pages"), (0, "0 pages"), (None, "-")]
)
def test_a_line_per_file_counts_its_pages(tmp_path, pages, words):
    from briefgen.write import describe

    line = describe(tmp_path / "a.pdf", pages, 102400)
    assert line == f"{tmp_path / 'a.pdf'}  {words}  100.0 KiB"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_what_the_umask_leaves(tmp_path, umask, mode):
    from briefgen.write import file_mode

    previous = os.umask(umask)
    try:
        assert file_mode(tmp_path / "new.pdf") == mode
        assert os.umask(umask) == umask  # and the umask is as it was
    finally:
        os.umask(previous)
