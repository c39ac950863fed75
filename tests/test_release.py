"""Releasable editions: internal advice withheld by default, a marking worked out from
what the edition still shows, and what was withheld said by the build and kept in the
manifest. Checked in the PDF and DOCX files themselves."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
import yaml
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from briefgen.labels import CATALOGUES
from briefgen.load_spec import RELEASABLE_SUFFIX
from briefgen.release import INTERNAL_KINDS
from briefgen.workspace import SCHEME_FILE, SCHEMES_DIR
from conftest import EXAMPLE_SPECS


def pdf_pages(path: Path) -> list[str]:
    return [page.extract_text().replace("\u202f", " ") for page in PdfReader(path).pages]


def docx_text(path: Path) -> str:
    word = docx.Document(str(path))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    section = word.sections[0]
    furniture = [p.text for part in (section.header, section.footer) for p in part.paragraphs]
    return "\n".join([p.text for p in word.paragraphs] + cells + furniture)


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """Every example built in both editions, once, with the report of the build."""
    out = tmp_path_factory.mktemp("examples")
    report = build_briefs(EXAMPLE_SPECS, out_dir=out, options=BuildOptions(edition="both", jobs=2))
    return out, report


@pytest.mark.parametrize("spec_path", EXAMPLE_SPECS, ids=lambda path: path.stem)
def test_every_example_releasable_edition_withholds_internal_advice(examples, spec_path):
    out, _ = examples
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    labels = CATALOGUES[spec.get("language", "en")]
    advice = [
        s["heading"]
        for s in spec["sections"]
        if s.get("kind", "other") in INTERNAL_KINDS and s.get("releasable") is not True
    ]
    advice += [s["heading"] for s in spec["sections"] if s.get("releasable") is False]
    withheld_text = [
        text if isinstance(text, str) else text["text"]
        for s in spec["sections"] if s["heading"] in advice
        for text in [*(s.get("points") or []), *(q["answer"] for q in s.get("questions") or [])]
    ]  # fmt: skip
    if isinstance(spec.get("critical_date"), dict):
        withheld_text.append(spec["critical_date"]["reason"])
    contact = spec["contact"]
    name = spec["id"] + RELEASABLE_SUFFIX

    def lines(text: str) -> set[str]:  # an audience may print headings in capitals
        return {line.strip().casefold() for line in text.splitlines()}

    full = lines("\n".join(pdf_pages(out / f"{spec['id']}.pdf")))
    # Shown in the full edition (an audience may leave a kind out of both), so that their
    # absence below means something.
    assert [heading for heading in advice if heading.casefold() in full]
    for text in ("\n".join(pdf_pages(out / f"{name}.pdf")), docx_text(out / f"{name}.docx")):
        for heading in advice:
            assert heading.casefold() not in lines(text), heading
        flat = " ".join(text.split())
        for words in withheld_text:
            assert " ".join(words.split())[:40] not in flat, words
        assert labels["critical_date"] not in text
        for key in ("phone", "email"):
            if contact.get(key):
                assert contact[key] not in text, key
        for label in ("agreed", "not_agreed", "noted", "please_discuss", "signature"):
            assert labels[label] not in text, label
        assert labels["releasable_edition"] in text


def test_releasable_marking_is_worked_out_from_what_it_shows(examples):
    out, _ = examples
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["briefs"]
    assert manifest["minister-hlm-2026"]["marking"] == "OFFICIAL-SENSITIVE"
    assert manifest["minister-hlm-2026-releasable"]["marking"] == "OFFICIAL"
    for page in pdf_pages(out / "minister-hlm-2026-releasable.pdf"):
        assert page.count("OFFICIAL – RELEASABLE EDITION") == 2  # top and bottom
        assert "OFFICIAL-SENSITIVE" not in page
    word = docx.Document(str(out / "minister-hlm-2026-releasable.docx"))
    assert word.sections[0].header.paragraphs[0].text == "OFFICIAL – RELEASABLE EDITION"


def test_the_build_and_manifest_say_what_was_withheld(examples, tmp_path):
    out, report = examples
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["briefs"]
    withheld = manifest["minister-hlm-2026-releasable"]["withheld"]
    assert withheld == {
        "sections": [
            'section 1 "Purpose" (sections[0], releasable: false)',
            'section 2 "Recommendation" (sections[1], kind: recommendation)',
            'section 4 "Handling" (sections[3], releasable: false)',
            'section 6 "Points to make" (sections[5], kind: key-messages)',
            'section 8 "Defensive Q&A" (sections[7], kind: q-and-a)',
        ],
        "items": [],
        "words": [],
        "other": ["critical date", "decision block", "contact phone", "contact email"],
    }
    assert manifest["minister-hlm-2026"]["withheld"] is None  # the full edition's
    releasable = [spec.stem + RELEASABLE_SUFFIX for spec in EXAMPLE_SPECS]
    assert sorted(note.split(":")[0] for note in report.notes) == sorted(releasable)
    assert (
        'minister-hlm-2026-releasable: marked OFFICIAL; withheld section 1 "Purpose" '
        '(sections[0], releasable: false), section 2 "Recommendation" (sections[1], kind: '
        'recommendation), section 4 "Handling" (sections[3], releasable: false), section 6 '
        '"Points to make" (sections[5], kind: key-messages), section 8 "Defensive Q&A" '
        "(sections[7], kind: q-and-a); critical date, decision block, contact phone, contact "
        "email"
    ) in report.notes
    # A build that finds them up to date says it again, from the manifest.
    again = build_briefs(EXAMPLE_SPECS, out_dir=out, options=BuildOptions(edition="both"))
    assert sorted(again.notes) == sorted(report.notes)
    assert all(brief.state == "up to date" for brief in again.briefs)


# --- hand-made specs against a changed dataset ------------------------------------------


RELEASE_SPEC = """
    id: test-brief
    title: Test brief
    audience: minister
    date: 2026-03-02
    reference: REF-1
    marking: OFFICIAL-SENSITIVE
    edition: both
    for: Minister
    from: Department
    contact: {name: A. Officer, role: Desk Officer, phone: "+7 000"}
    critical_date: Routine
    sections:
      - heading: Purpose
        kind: purpose
        marking: OFFICIAL
        text: To test.
      - heading: History
        kind: background
        select:
          facts: {ids: [red-crescent-88-year-history, online-ihl-courses]}
      - heading: Recommendation
        kind: recommendation
        text: Agree to attend.
"""


def test_an_item_above_what_may_be_released_is_an_error_naming_it(
    write_yaml, tmp_path, changed_dataset
):
    dataset = changed_dataset("facts", "red-crescent-88-year-history", marking="OFFICIAL-SENSITIVE")
    path = write_yaml(RELEASE_SPEC)
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([path], out_dir=tmp_path / "out", dataset_path=dataset)
    (problem,) = excinfo.value.problems
    assert str(problem) == (
        f"{path}:20:7: error: section 2 \"History\" (sections[1].select.facts): the releasable "
        "edition would show "
        "'red-crescent-88-year-history', marked OFFICIAL-SENSITIVE, above OFFICIAL, the highest "
        "level the default scheme releases; mark it 'releasable: false' in the dataset, or its "
        "section 'releasable: false' in the spec"
    )
    assert not (tmp_path / "out").exists()  # nothing written, not even the full edition
    # Left out of the release, the item is withheld and named; the marking comes down.
    changed_dataset("facts", "red-crescent-88-year-history", releasable=False)
    report = build_briefs([path], out_dir=tmp_path / "out", dataset_path=dataset)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["briefs"]["test-brief-releasable"]
    assert entry["withheld"]["items"] == ["red-crescent-88-year-history"]
    assert entry["marking"] == "OFFICIAL"
    assert report.notes == [
        'test-brief-releasable: marked OFFICIAL; withheld section 3 "Recommendation" '
        "(sections[2], kind: recommendation); items red-crescent-88-year-history; decision "
        "block, contact phone"
    ]


def test_the_marking_rises_to_the_highest_item_where_the_scheme_releases_more(
    tmp_path, changed_dataset
):
    scheme = yaml.safe_load((SCHEMES_DIR / "default.yaml").read_text(encoding="utf-8"))
    scheme["release"]["highest"] = "OFFICIAL-SENSITIVE"
    (tmp_path / SCHEME_FILE).write_text(yaml.safe_dump(scheme, allow_unicode=True), "utf-8")
    (tmp_path / "briefs").mkdir()
    path = tmp_path / "briefs" / "brief.yaml"
    path.write_text(RELEASE_SPEC.replace("\n    ", "\n").lstrip(), encoding="utf-8")
    dataset = changed_dataset("facts", "red-crescent-88-year-history", marking="OFFICIAL-SENSITIVE")
    out = tmp_path / "out"
    build_briefs([path], out_dir=out, dataset_path=dataset)
    first = pdf_pages(out / "test-brief-releasable.pdf")[0]
    assert first.count("OFFICIAL-SENSITIVE – RELEASABLE EDITION") == 2


def test_an_advice_section_goes_in_only_when_the_spec_says_so_and_never_its_decision_block(
    write_yaml, tmp_path
):
    spec = RELEASE_SPEC.replace(
        "        kind: recommendation\n",
        "        kind: recommendation\n        releasable: true\n        marking: OFFICIAL\n",
    ).replace("        kind: background\n", "        kind: background\n        releasable: false\n")
    out = tmp_path / "out"
    report = build_briefs([write_yaml(spec)], out_dir=out)
    text = " ".join(pdf_pages(out / "test-brief-releasable.pdf"))
    assert "Agree to attend." in text and "History" not in text
    assert CATALOGUES["en"]["agreed"] not in text and "+7 000" not in text
    full = " ".join(pdf_pages(out / "test-brief.pdf"))
    assert CATALOGUES["en"]["agreed"] in full and "+7 000" in full
    assert report.notes == [
        'test-brief-releasable: marked OFFICIAL; withheld section 2 "History" (sections[1], '
        "releasable: false); "
        "decision block, contact phone"
    ]


def test_a_releasable_edition_that_withholds_nothing_warns_and_strict_refuses(
    write_yaml, minimal_spec, tmp_path
):
    spec = minimal_spec.replace("marking: OFFICIAL", "marking: OFFICIAL\n    edition: both")
    path = write_yaml(spec)
    report = build_briefs([path], out_dir=tmp_path / "out")
    (warning,) = report.warnings
    assert str(warning).startswith(
        f"{path}:7:1: warning: edition: its releasable edition withholds nothing"
    )
    with pytest.raises(BriefgenError, match="withholds nothing") as excinfo:
        build_briefs([path], out_dir=tmp_path / "strict", options=BuildOptions(strict=True))
    assert excinfo.value.problems[0].severity == "error"
    assert not (tmp_path / "strict").exists()
