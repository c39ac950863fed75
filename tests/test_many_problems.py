"""A spec with thousands of mistakes: every one is counted, the first few are shown.

Issue 14: thousands of unknown keys took minutes (each error recomputed them all)
and printed thousands of lines. The time is measured in
``benchmarks/validation_scale.py``; here, what is printed.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from briefgen.errors import MAX_PROBLEMS_PER_FILE, BriefgenError, Problem, capped
from briefgen.load_spec import load_spec
from briefgen.specmodel import Spec
from briefgen.validation import validate_document
from briefgen.yamlsource import parse_yaml
from conftest import REPO

UNKNOWN_KEYS = 5000


def test_thousands_of_unknown_keys_print_a_bounded_report(write_yaml, minimal_spec):
    extra = "".join(f"    unknown_key_{n}: x\n" for n in range(UNKNOWN_KEYS))
    path = write_yaml(minimal_spec + extra)
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "validate", str(path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    # the first N, one "and M more" line naming the file, the count of all of them
    assert len(lines) == MAX_PROBLEMS_PER_FILE + 2, lines[:5]
    assert all(line.startswith(f"{path}:") for line in lines[:-1])
    assert "unknown key 'unknown_key_0'" in lines[0]  # in the file's order
    hidden = UNKNOWN_KEYS - MAX_PROBLEMS_PER_FILE
    assert lines[-2] == (
        f"{path}: error: and {hidden} more problems in this file "
        f"(only the first {MAX_PROBLEMS_PER_FILE} are shown); fix these and run again"
    )
    assert lines[-1] == f"{UNKNOWN_KEYS} errors."


def test_each_file_is_capped_on_its_own():
    problems = [Problem(f"p{n}", file) for file in ("a.yaml", "b.yaml") for n in range(30)]
    shown = capped(problems, limit=3)
    assert [str(p) for p in shown] == [
        "a.yaml: error: p0",
        "a.yaml: error: p1",
        "a.yaml: error: p2",
        "a.yaml: error: and 27 more problems in this file (only the first 3 are shown); "
        "fix these and run again",
        "b.yaml: error: p0",
        "b.yaml: error: p1",
        "b.yaml: error: p2",
        "b.yaml: error: and 27 more problems in this file (only the first 3 are shown); "
        "fix these and run again",
    ]


def test_capping_twice_changes_nothing_and_counts_every_error():
    """Problems pass through several BriefgenErrors (a spec's, then the build's)."""
    problems = [Problem(f"p{n}", "a.yaml") for n in range(50)]
    problems.append(Problem("a warning", "a.yaml", severity="warning"))
    once = BriefgenError(problems)
    twice = BriefgenError(once.problems + [Problem("another file", "b.yaml")])
    assert twice.problems[: len(once.problems)] == once.problems
    assert len(once.problems) == MAX_PROBLEMS_PER_FILE + 1
    assert once.error_count() == 50
    assert twice.error_count() == 51
    assert "and 31 more problems" in str(twice.problems[MAX_PROBLEMS_PER_FILE])


def test_few_problems_are_all_shown(write_yaml, minimal_spec, dataset):
    extra = "".join(f"    unknown_key_{n}: x\n" for n in range(MAX_PROBLEMS_PER_FILE))
    path = write_yaml(minimal_spec + extra)
    try:
        load_spec(path, dataset, ["minister"])
    except BriefgenError as exc:
        assert len(exc.problems) == MAX_PROBLEMS_PER_FILE
        assert not any("more problems" in str(p) for p in exc.problems)
    else:
        raise AssertionError("the unknown keys were accepted")


def test_an_empty_list_whose_items_failed_is_reported_by_its_items(tmp_path, minimal_spec):
    """A too-short list is a consequence of its items failing (kept out, not repeated)."""
    text = minimal_spec.split("    sections:")[0] + "    sections:\n      - kind: purpose\n"
    doc = parse_yaml(textwrap.dedent(text), tmp_path / "b.yaml", max_depth=16)
    _, problems = validate_document(Spec, doc)
    assert [p.message for p in problems] == [
        "section 1 (sections[0].heading): missing required key 'heading'"
    ]


def test_a_message_quoting_a_huge_input_stays_short():
    """However long what a message quotes (a template's error, say), it is cut in the
    middle: its start and end, which say what and where, are kept."""
    text = str(Problem("start " + "x" * 100_000 + " end", "a.yaml", 1, 2))
    assert len(text) < 2100
    assert text.startswith("a.yaml:1:2: error: start xxx") and text.endswith("xxx end")
    assert "[... 98,010 characters not shown ...]" in text
