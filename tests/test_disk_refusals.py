"""A full TMPDIR, ``ulimit -f``, a full output disk: one clear message, no traceback,
no half-written output (issue 14).

The limits are real, not mocked: ``RLIMIT_FSIZE`` set in the child before it starts
(Python ignores SIGXFSZ, so a write past it fails with EFBIG), and, where the system
lets an unprivileged user mount one in a namespace of its own, a tiny tmpfs as TMPDIR.
"""

from __future__ import annotations

import errno
import os
import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import briefgen
from briefgen.diskerrors import explain

FONT_BYTES = 500 * 1024  # the house fonts WeasyPrint copies into TMPDIR are ~0.5 MB each


def build(
    workspace: Path,
    spec_text: str,
    *args: str,
    file_limit: int | None = None,
    wrapper: tuple[str, ...] = (),
    env: dict | None = None,
):
    (workspace / "briefs").mkdir(exist_ok=True)
    spec = workspace / "briefs" / "brief.yaml"
    spec.write_text(textwrap.dedent(spec_text).lstrip())

    def limit_file_size():  # in the child, before briefgen starts: workers inherit it
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, resource.RLIM_INFINITY))

    return subprocess.run(
        [*wrapper, sys.executable, "-m", "briefgen", "build", str(spec), "--force",
         "--out", str(workspace / "out"), *args],
        capture_output=True, text=True, timeout=180, cwd=workspace,
        preexec_fn=limit_file_size if file_limit else None,
        env={**os.environ, "PYTHONPATH": str(Path(briefgen.__file__).parents[1]), **(env or {})},
    )  # fmt: skip


def outputs(out: Path) -> list[str]:
    """Every file in the output folder but the lock files: no output, no temporary file."""
    if not out.exists():
        return []
    return sorted(p.name for p in out.iterdir() if p.name != ".locks")


def test_ulimit_f_below_the_fonts_is_one_message_naming_the_temporary_folder(
    tmp_path, minimal_spec
):
    result = build(tmp_path, minimal_spec, file_limit=64 * 1024)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1] == "1 error; nothing was written."
    assert "cannot write a temporary file in this folder (TMPDIR): File too large" in lines[0]
    assert "'ulimit -f') is 64 KiB; raise it (ulimit -f unlimited)" in lines[0]
    assert outputs(tmp_path / "out") == []


def test_ulimit_f_below_the_output_names_the_output_and_keeps_the_old_one(tmp_path, minimal_spec):
    """A DOCX needs no fonts copied: the limit is met writing the output itself."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "test-brief.docx").write_bytes(b"the previous build")
    result = build(tmp_path, minimal_spec, "--format", "docx", file_limit=4 * 1024)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(
        f"{out / 'test-brief.docx'}: error: cannot write: File too large; "
        "the file size limit ('ulimit -f') is 4 KiB"
    )
    assert (out / "test-brief.docx").read_bytes() == b"the previous build"  # not torn
    assert outputs(out) == ["test-brief.docx"]  # no temporary file left


def can_mount_a_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not can_mount_a_tmpfs(), reason="cannot mount a tmpfs in a user namespace")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_tmpdir_with_no_room_is_one_message_naming_it(tmp_path, minimal_spec, jobs):
    small = tmp_path / "small-tmp"
    small.mkdir()
    mount = (
        "unshare",
        "-rm",
        "sh",
        "-c",
        f'mount -t tmpfs -o size=256k tmpfs {small} && "$@"',
        "-",
    )
    result = build(
        tmp_path, minimal_spec, "--jobs", jobs, wrapper=mount, env={"TMPDIR": str(small)}
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{small}: error: cannot write a temporary file in this folder (TMPDIR): "
        "No space left on device; free some space there, or set TMPDIR to a folder with room",
        "1 error; nothing was written.",
    ]
    assert outputs(tmp_path / "out") == []


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "No space left on device; free some space there, or write elsewhere"),
        (errno.EDQUOT, "Disk quota exceeded; free some space there, or write elsewhere"),
        (errno.EROFS, "Read-only file system; write elsewhere (--out DIR)"),
        (errno.EACCES, "Permission denied; make the folder writable, or write elsewhere"),
    ],
)
def test_each_refusal_says_what_to_do(tmp_path, code, words):
    """An output folder under /tmp is the user's, named as it is, not "TMPDIR"."""
    target = tmp_path / "out" / "brief.pdf"
    problem = explain(OSError(code, os.strerror(code), str(target)))
    assert str(problem) == f"{target}: error: cannot write: {words}" + (
        " (--out DIR)" if code in (errno.ENOSPC, errno.EDQUOT, errno.EACCES) else ""
    )


def test_a_file_in_our_scratch_folder_is_reported_as_the_temporary_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    scratch = tmp_path / "briefgen-abc123" / "4242" / "fonts-x" / "font.ttf"
    problem = explain(OSError(errno.ENOSPC, "No space left on device", str(scratch)))
    assert problem.file == tmp_path.resolve()
    assert problem.message.startswith("cannot write a temporary file in this folder (TMPDIR)")


def test_a_refusal_outside_rendering_and_writing_is_still_one_message(tmp_path, minimal_spec):
    """The command's last net: the scratch folder itself cannot be made (a full disk
    under TMPDIR), before any rendering starts."""
    spec = tmp_path / "brief.yaml"
    spec.write_text(textwrap.dedent(minimal_spec).lstrip())
    scratch = tmp_path / "briefgen-x"  # as workers.scratch_root would have named it
    program = textwrap.dedent(f"""
        import errno, sys
        from briefgen import workers, __main__

        def full(*args):
            raise OSError(errno.ENOSPC, "No space left on device", {str(scratch)!r})

        workers.scratch_root = full
        sys.argv = ["briefgen", "build", {str(spec)!r}, "--out", {str(tmp_path / "out")!r}]
        __main__.main()
    """)
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(briefgen.__file__).parents[1]),
             "TMPDIR": str(tmp_path)},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path}: error: cannot write a temporary file in this folder (TMPDIR): "
        "No space left on device; free some space there, or set TMPDIR to a folder with room",
        "1 error.",
    ]
