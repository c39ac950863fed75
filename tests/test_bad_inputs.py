"""The bad-spec corpus: every file in tests/corpus/specs/ states the messages it must get.

Each file starts with ``# expect: LINE:COL: error: message`` lines (the exact
output, less the file name). Loading it must raise a BriefgenError with exactly
those problems, and the command line must print them with no traceback and
write nothing.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.build import load_all
from briefgen.errors import BriefgenError
from briefgen.load_spec import MAX_DEPTH, MAX_SPEC_BYTES

CORPUS = sorted((Path(__file__).parent / "corpus" / "specs").glob("*.yaml"))


def expectations(path: Path) -> list[str]:
    raw = path.read_bytes()
    text = (
        raw.decode("utf-16")
        if raw.startswith((b"\xff\xfe", b"\xfe\xff"))
        else raw.decode("utf-8", errors="replace")
    )
    return [
        line.removeprefix("# expect: ")
        for line in text.splitlines()
        if line.startswith("# expect: ")
    ]


def problems(path: Path) -> list[str]:
    with pytest.raises(BriefgenError) as excinfo:
        load_all([path])
    return [str(problem).removeprefix(f"{path}:").strip() for problem in excinfo.value.problems]


def test_corpus_is_there():
    assert len(CORPUS) >= 20


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_bad_spec_gets_its_message(path):
    expected = expectations(path)
    assert expected, f"{path.name} states no expectation"
    assert problems(path) == expected


@pytest.mark.parametrize(
    "path",
    [p for p in CORPUS if p.stem in ("python-tag", "billion-laughs", "bad-utf8", "unknown-key")],
    ids=lambda p: p.stem,
)
def test_command_line_reports_without_traceback_and_writes_nothing(path, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "build", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for expected in expectations(path):
        assert f"{path}:{expected}" in result.stderr
    assert not out.exists()


def test_billion_laughs_is_refused_in_well_under_a_second():
    path = next(p for p in CORPUS if p.stem == "billion-laughs")
    started = time.process_time()  # CPU time: other processes' load does not count
    problems(path)
    assert time.process_time() - started < 1.0


def test_deep_nesting_is_refused_not_crashed(tmp_path):
    # 25,000 brackets segfault libyaml's C loader and overflow the Python one.
    path = tmp_path / "deep.yaml"
    path.write_text("title: " + "[" * 25000 + "]" * 25000 + "\n")
    assert problems(path) == [
        f"1:{7 + MAX_DEPTH}: error: nesting is deeper than {MAX_DEPTH} levels"
    ]


def test_oversized_spec(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("title: " + "x" * MAX_SPEC_BYTES + "\n")
    assert problems(path) == [
        f"error: file is larger than {MAX_SPEC_BYTES // 1024} KiB; split it or trim it"
    ]


def test_bom_is_accepted(tmp_path, minimal_spec):
    import textwrap

    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + textwrap.dedent(minimal_spec).lstrip().encode())
    assert load_all([path])[0].spec.title == "Test brief"
