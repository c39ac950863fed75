"""A 100,000-character word: never clipped off the page, and pointed out (issue 14).

WeasyPrint clipped a word wider than its line at the page's edge (pdftotext found
93 of its 100,000 letters); ``overflow-wrap: anywhere`` would break it in quadratic
time, so briefgen adds invisible break opportunities instead and warns, naming the
spec field (see briefgen.longwords; the times are in benchmarks/long_words.py).
"""

from __future__ import annotations

import subprocess
import textwrap

import docx
import pytest

from briefgen.build import check_briefs
from briefgen.longwords import BREAK_EVERY, ZERO_WIDTH_SPACE, breakable
from conftest import MINIMAL_SPEC, build_in_subprocess

LETTERS = 100_000
WORD = "q" * LETTERS  # a letter the rest of a brief hardly uses, to count it in the outputs


def spec_with_long_word(minimal_spec: str) -> str:
    return (
        textwrap.dedent(minimal_spec).lstrip().replace("text: To test.", f"text: To {WORD} test.")
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("long-word")
    result = build_in_subprocess(workspace, spec_with_long_word(MINIMAL_SPEC))
    assert result.returncode == 0, result.stderr
    return workspace / "out", result


def test_the_pdf_shows_every_letter_on_the_page(built):
    out, _ = built
    # pdftotext leaves out what lies off the page: a clipped word loses its letters here
    text = subprocess.run(
        ["pdftotext", str(out / "test-brief.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert text.count("q") >= LETTERS


def test_the_docx_has_the_word_whole_with_the_same_breaks(built):
    out, _ = built
    paragraphs = [p.text for p in docx.Document(out / "test-brief.docx").paragraphs]
    [paragraph] = [p for p in paragraphs if "qqq" in p]
    # (the minister numbers its paragraphs: "1. " before the words)
    assert paragraph.replace(ZERO_WIDTH_SPACE, "") == f"1.\tTo {WORD} test."
    assert paragraph.count(ZERO_WIDTH_SPACE) == LETTERS // BREAK_EVERY


def test_the_build_warns_naming_the_field_and_line(built):
    _, result = built
    assert "Traceback" not in result.stderr
    assert (
        "briefs/brief.yaml:14:5: warning: section 1 \"Purpose\" (sections[0].text): a word of "
        "100000 characters "
        "('qqqqqqqqqqqqqqqqqqqq…') is longer than a line; it is broken wherever a line ends"
    ) in result.stderr


def test_validate_warns_too(write_yaml, minimal_spec):
    path = write_yaml(minimal_spec.replace("title: Test brief", "title: Test " + "x" * 80))
    report = check_briefs([path])
    assert [str(w) for w in report.warnings] == [
        f"{path}:2:1: warning: title: a word of 80 characters ('xxxxxxxxxxxxxxxxxxxx…') is "
        "longer than a line; it is broken wherever a line ends. Add spaces (or hyphens) where "
        "it should break, or check it is not pasted by mistake"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Ordinary words, and a Rechtsschutzversicherungsgesellschaften compound.",
        "https://www.icrc.org/en/document/global-initiative-galvanize-political-commitment",
        "m.zhaksybekova@example.org",
        "中文没有空格" * 20,  # Chinese breaks between any two characters: no warning either
        "",
    ],
)
def test_text_with_breaks_of_its_own_is_left_alone(text):
    assert breakable(text) == text


def test_a_long_run_gets_a_break_every_few_letters():
    broken = breakable("see " + "x" * 95 + " here")
    assert broken == "see " + ZERO_WIDTH_SPACE.join(["x" * 30] * 3 + ["x" * 5]) + " here"
