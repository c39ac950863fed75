"""The author's own paragraphs and points can cite dataset items (endnotes, markings and
release as for selected items), and numbers in them that cite nothing are flagged."""

from __future__ import annotations

import json
import re

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs, check_briefs
from briefgen.errors import BriefgenError

CITED = """
      - heading: Key points
        kind: key-points
        text:
          - text: The initiative has six founding states.
            cite: [six-founding-states]
          - Plain words of our own.
        points:
          - text: Ninety more states have joined.
            cite: [ninety-states-joined]
          - text: The workstreams are led by many states.
            cite: [workstreams-led-by-27-plus-states]
"""


def pdf_text(path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_paragraphs_and_points_carry_endnotes_in_both_formats(write_yaml, minimal_spec, tmp_path):
    build_briefs([write_yaml(minimal_spec + CITED)], out_dir=tmp_path)
    text = pdf_text(tmp_path / "test-brief.pdf")
    # ¶34 (founders and joiners) is one note; ¶35 (workstream leads) the next.
    assert "The initiative has six founding states.1" in text
    assert "Ninety more states have joined.1" in text
    assert "The workstreams are led by many states.2" in text
    assert "Plain words of our own." in text and "Plain words of our own.1" not in text
    assert "paragraph 34" in text and "paragraph 35" in text
    word = docx.Document(str(tmp_path / "test-brief.docx"))
    # The minister numbers its paragraphs ("2.<tab>"). A note's first reference is a Word
    # endnote; a second one to the same note repeats its number as a superscript.
    cited = {
        re.sub(r"^\d+\.\s", "", p.text): "w:endnoteReference" in p._p.xml
        for p in word.paragraphs
    }
    assert cited["The initiative has six founding states."] is True
    assert "Ninety more states have joined.1" in cited
    assert cited["Plain words of our own."] is False


def test_an_unknown_cited_id_is_located(write_yaml, minimal_spec):
    path = write_yaml(minimal_spec + CITED.replace("[ninety-states-joined]", "[ninety-states]"))
    with pytest.raises(BriefgenError) as excinfo:
        check_briefs([path])
    (problem,) = excinfo.value.problems
    assert str(problem).startswith(
        f"{path}:24:16: error: section 2 \"Key points\" (sections[1].points[0].cite[0]): "
        "unknown id 'ninety-states'; "
        "did you mean 'ninety-states-joined'?"
    )


def test_a_point_yaml_read_as_a_mapping_says_to_quote_it(write_yaml, minimal_spec):
    path = write_yaml(minimal_spec + "      - heading: Note\n        points:\n"
                      "          - Note: the figures are from 2025.\n")  # fmt: skip
    with pytest.raises(BriefgenError) as excinfo:
        check_briefs([path])
    (problem,) = excinfo.value.problems
    assert str(problem) == (
        f"{path}:17:9: error: section 2 \"Note\" (sections[1].points[0]): this line has ': ' "
        "after 'Note', so "
        "YAML read it as a key and a value; put the whole line in quotes, e.g. "
        '- "Note: ..." (or give text: and cite:)'
    )


NUMBERS = """
      - heading: Numbers
        points:
          - More than 27 states lead the workstreams.
          - The meeting is in 2026.
          - text: Ninety states have joined (90).
            cite: [ninety-states-joined]
        questions:
          - question: How many troops?
            answer: 156, in six operations.
"""


def test_numbers_that_cite_nothing_are_flagged_under_strict(write_yaml, minimal_spec, tmp_path):
    path = write_yaml(minimal_spec + NUMBERS)
    assert check_briefs([path]).warnings == []  # not asked for
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([path], out_dir=tmp_path / "out", options=BuildOptions(strict=True))
    assert [str(p) for p in excinfo.value.problems] == [
        f"{path}:18:9: error: section 2 \"Numbers\" (sections[1].points[0]): '27' is a number in "
        "your own words that "
        "cites nothing; give it cite: [ids] (see briefgen data list facts), or leave the number "
        "out",
        f"{path}:24:9: error: section 2 \"Numbers\" (sections[1].questions[0].answer): '156' is a "
        "number in your own "
        "words that cites nothing; give it cite: [ids] (see briefgen data list facts), or leave "
        "the number out",
    ]  # the year and the cited point are not flagged


def test_an_audience_can_ask_for_cited_numbers(tmp_path, minimal_spec):
    from briefgen.scaffold import init_workspace, new_audience

    init_workspace(tmp_path, "2026-03-02")
    new_audience(tmp_path, "strict-minister", "minister")
    settings = tmp_path / "templates" / "strict-minister" / "audience.yaml"
    settings.write_text(settings.read_text("utf-8") + "cite_numbers: true\n", encoding="utf-8")
    spec = tmp_path / "briefs" / "numbers.yaml"
    text = minimal_spec.replace("audience: minister", "audience: strict-minister") + NUMBERS
    spec.write_text("\n".join(line[4:] for line in text.strip("\n").splitlines()), "utf-8")
    warnings = check_briefs([spec]).warnings
    assert [w.severity for w in warnings] == ["warning", "warning"]
    assert "'27' is a number in your own words" in warnings[0].message


@pytest.fixture
def restricted(changed_dataset):
    changed_dataset("facts", "ninety-states-joined", releasable=False)
    return changed_dataset("facts", "workstreams-led-by-27-plus-states", marking="SECRET")


def test_what_own_words_cite_counts_for_markings_and_release(
    write_yaml, minimal_spec, tmp_path, restricted
):
    path = write_yaml(minimal_spec + CITED)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([path], out_dir=tmp_path / "a", dataset_path=restricted)
    assert (
        'section 2 "Key points" (sections[1].points[1].cite[0]): includes '
        "'workstreams-led-by-27-plus-states', marked SECRET, above the brief's OFFICIAL"
    ) in str(excinfo.value)
    spec = (minimal_spec + CITED).replace("marking: OFFICIAL", "marking: SECRET")
    # Its own words may be released: marked OFFICIAL, section by section.
    spec = spec.replace("kind: purpose\n", "kind: purpose\n        marking: OFFICIAL\n")
    spec = spec.replace("kind: key-points\n", "kind: key-points\n        marking: OFFICIAL\n")
    spec = spec.replace("[workstreams-led-by-27-plus-states]", "[seven-thematic-workstreams]")
    out = tmp_path / "b"
    build_briefs([write_yaml(spec, "b.yaml")], out_dir=out, dataset_path=restricted,
                 options=BuildOptions(edition="both"))  # fmt: skip
    assert "Ninety more states have joined." in pdf_text(out / "test-brief.pdf")
    released = pdf_text(out / "test-brief-releasable.pdf")
    assert "Ninety more states have joined." not in released  # it rests on what is withheld
    assert "The initiative has six founding states." in released
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["briefs"]["test-brief-releasable"]["withheld"]["items"] == [
        "ninety-states-joined"
    ]


@pytest.mark.parametrize("audience", ["minister", "defence", "humanitarian", "press"])
def test_a_summary_comes_first_and_boxed_in_every_audience(
    write_yaml, minimal_spec, tmp_path, audience
):
    spec = minimal_spec.replace("audience: minister", f"audience: {audience}") + (
        "      - heading: Key messages\n        kind: key-messages\n        points: [A point.]\n"
        "      - heading: Bottom line\n        kind: summary\n        text: Agree, and soon.\n"
    )
    build_briefs([write_yaml(spec)], out_dir=tmp_path, options=BuildOptions(formats=("html",)))
    body = (tmp_path / "test-brief.html").read_text(encoding="utf-8").split("<body", 1)[1]
    assert body.index("Bottom line") < body.index("A point.")
    summary = body.split("Bottom line", 1)[1].split("</section>")[0]
    assert '<aside class="callout">' in summary and "Agree, and soon." in summary


def test_a_contact_on_one_line_is_shown_the_shape_it_needs(write_yaml, minimal_spec):
    path = write_yaml(minimal_spec.replace(
        "contact: {name: A. Officer, role: Desk Officer}", "contact: B. N., Desk Officer"
    ))  # fmt: skip
    with pytest.raises(BriefgenError) as excinfo:
        check_briefs([path])
    (problem,) = excinfo.value.problems
    assert str(problem) == (
        f"{path}:9:1: error: contact: give the contact officer as name: and role: on lines "
        "beneath it, e.g. contact: {name: A. Officer, role: Desk Officer} (phone: and email: "
        "may follow)"
    )
