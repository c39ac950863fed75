"""What `briefgen data check` tells a curator beyond errors (time words that rot, how much is
translated), and the workspace's marking scheme as an input like any other."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
import yaml

from briefgen.build import build_briefs
from briefgen.dataset_review import QUOTED, RELATIVE_TIME, relative_time_words
from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from briefgen.scaffold import init_workspace
from briefgen.workspace import DEFAULT_DATASET, SCHEME_FILE


def data_check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", "data", "check", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def dataset_copy(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DEFAULT_DATASET.parent, folder)
    return folder / DEFAULT_DATASET.name


def test_the_shipped_facts_carry_no_time_words_that_rot():
    assert relative_time_words(load_dataset()) == []


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is scheduled for next year.",
        "Tokayev recently urged parties to protect civilians.",
        "Встреча состоится в следующем году.",
        "Кездесу келесі жылы өтеді.",
    ],
)
def test_relative_time_words_are_found_in_each_language(text):
    assert RELATIVE_TIME.search(QUOTED.sub("", text))


def test_the_source_own_words_in_quotation_marks_are_left_alone():
    text = "Scheduled for 2026 (inferred: he said “next year”)."
    assert not RELATIVE_TIME.search(QUOTED.sub("", text))


def test_data_check_warns_of_a_fact_that_says_next_year_and_strict_refuses(dataset_copy):
    data = yaml.safe_load(dataset_copy.read_text(encoding="utf-8"))
    fact = data["facts"][17]
    assert fact["text"].endswith("scheduled for 2026 (inferred: he said “next year”; ¶20 dates "
                                 "the meeting to 2026).")  # fmt: skip
    fact["text"] = fact["text"].split(" scheduled")[0] + " scheduled for next year."
    dataset_copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = data_check("--dataset", str(dataset_copy))
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "warning" in line]
    assert line.startswith(f"{dataset_copy}:")
    assert (
        "warning: facts[17].text: fact 'kazakhstan-initiated-high-level-meeting' says "
        "'next year', which reads wrong in a brief dated later"
    ) in line
    strict = data_check("--dataset", str(dataset_copy), "--strict")
    assert strict.returncode == 1 and "error: facts[17].text" in strict.stderr
    assert "Traceback" not in strict.stderr


def test_data_check_tables_translations_per_language_and_lists_what_is_missing(dataset_copy):
    data = yaml.safe_load(dataset_copy.read_text(encoding="utf-8"))
    del data["quotes"][0]["translations"]["kk"]
    dataset_copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    result = data_check("--dataset", str(dataset_copy), "--missing")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["translations", "ru", "kk"]
    assert "quotes 13/13 12/13" in [" ".join(line.split()) for line in lines]
    assert "missing in kk: quotes: vassilenko-reaffirm-commitment" in lines
    assert not any(line.startswith("missing in ru: quotes") for line in lines)


def test_init_with_a_shipped_scheme_gives_the_workspace_that_scheme(tmp_path):
    written = init_workspace(tmp_path / "ws", "2026-03-02", markings="kazakhstan")
    assert tmp_path / "ws" / SCHEME_FILE in written
    sample = yaml.safe_load((tmp_path / "ws" / "briefs" / "sample.yaml").read_text("utf-8"))
    assert sample["marking"] == "open"  # the scheme's level for the items it shows
    report = build_briefs([tmp_path / "ws" / "briefs"], out_dir=tmp_path / "ws" / "build")
    assert [brief.state for brief in report.briefs] == ["built"]
    with pytest.raises(BriefgenError) as excinfo:
        init_workspace(tmp_path / "other", "2026-03-02", markings="kazakstan")
    assert str(excinfo.value.problems[0]) == (
        "error: --markings: no shipped marking scheme 'kazakstan'; did you mean 'kazakhstan'? "
        "(shipped: default, kazakhstan)"
    )
    assert not (tmp_path / "other").exists()


def test_a_changed_scheme_rebuilds_the_briefs_it_marks(tmp_path):
    init_workspace(tmp_path, "2026-03-02", markings="kazakhstan")
    out = tmp_path / "build"
    build_briefs([tmp_path / "briefs"], out_dir=out)
    scheme = tmp_path / SCHEME_FILE
    scheme.write_text(
        scheme.read_text(encoding="utf-8").replace("en: PUBLIC INFORMATION", "en: OPEN"), "utf-8"
    )
    report = build_briefs([tmp_path / "briefs"], out_dir=out)
    assert [brief.state for brief in report.briefs] == ["built"]
    from pypdf import PdfReader

    assert "OPEN" in PdfReader(out / "sample.pdf").pages[0].extract_text()
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["briefs"]["sample"]
    assert entry["marking"] == "open"


def test_a_dataset_item_marked_outside_the_workspace_scheme_is_an_error(tmp_path, dataset_copy):
    data = yaml.safe_load(dataset_copy.read_text(encoding="utf-8"))
    data["facts"][49]["marking"] = "OFFICIAL"  # a level of the default scheme, not this one
    fact = data["facts"][49]["id"]
    dataset_copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    init_workspace(tmp_path / "ws", "2026-03-02", markings="kazakhstan")
    sample = tmp_path / "ws" / "briefs" / "sample.yaml"
    assert fact in sample.read_text(encoding="utf-8")
    with pytest.raises(BriefgenError) as excinfo:
        build_briefs([sample], out_dir=tmp_path / "out", dataset_path=dataset_copy)
    assert (
        f"shows '{fact}', whose marking 'OFFICIAL' is not in the kazakhstan marking scheme "
        "(levels: open, dsp, secret, top-secret, special-importance)"
    ) in str(excinfo.value)


def test_a_brief_showing_a_fact_with_time_words_is_warned(tmp_path, dataset_copy, write_yaml):
    data = yaml.safe_load(dataset_copy.read_text(encoding="utf-8"))
    data["facts"][50]["text"] = "The article reports that 90 further states will join next year."
    dataset_copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    from conftest import MINIMAL_SPEC

    path = write_yaml(MINIMAL_SPEC + "      - heading: F\n        select:\n"
                      "          facts: {ids: [ninety-states-joined]}\n")  # fmt: skip
    from briefgen.build import check_briefs

    (warning,) = check_briefs([path], dataset_copy).warnings
    assert str(warning) == (
        f"{path}:17:7: warning: section 2 \"F\" (sections[1].select.facts): "
        "shows 'ninety-states-joined', which "
        "says 'next year': a time word that reads wrong in a brief dated 2026-03-02; fix the "
        "fact (briefgen data check lists such facts)"
    )


def test_data_check_holds_item_markings_to_the_workspace_scheme(tmp_path, dataset_copy):
    data = yaml.safe_load(dataset_copy.read_text(encoding="utf-8"))
    data["facts"][3]["marking"] = "OFFICIAL-SENSITIVE"
    dataset_copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    assert data_check("--dataset", str(dataset_copy)).returncode == 0  # the default scheme's
    init_workspace(tmp_path / "ws", "2026-03-02", markings="kazakhstan")
    result = data_check("--dataset", str(dataset_copy), "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{dataset_copy}:" in result.stderr
    assert "facts[3].marking: unknown marking 'OFFICIAL-SENSITIVE' (the kazakhstan scheme of " \
        f"{tmp_path / 'ws' / 'markings.yaml'} has: open, dsp" in result.stderr  # fmt: skip
