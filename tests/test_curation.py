"""A growing dataset: a folder of YAML files loaded as one, sources in Markdown and HTML,
and the curator's tools (data add-source, find, quote), run as a curator runs them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from briefgen.sources import html_paragraphs, markdown_paragraphs, read_source
from briefgen.workspace import DEFAULT_DATASET
from conftest import REPO

EXAMPLE = REPO / "examples" / "dataset-folder"


def briefgen(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def folder(tmp_path) -> Path:
    """The shipped dataset as a team's folder, with the synthetic example beside it."""
    shutil.copytree(DEFAULT_DATASET.parent, tmp_path / "data", ignore=shutil.ignore_patterns(
        "markings"))  # fmt: skip
    shutil.copytree(EXAMPLE, tmp_path / "data", dirs_exist_ok=True)
    return tmp_path / "data"


def test_the_example_folder_is_marked_synthetic_and_not_shipped():
    for path in EXAMPLE.rglob("*"):
        if path.suffix == ".pdf":  # as a reader sees it
            assert "SYNTHETIC EXAMPLE" in " ".join(read_source(path).paragraphs), path
        elif path.is_file():
            assert "SYNTHETIC EXAMPLE" in path.read_text(encoding="utf-8"), path
    assert not {"example-memo-2026", "example-report-2026"} & set(load_dataset().paragraphs)


def test_a_folder_of_files_loads_as_one_dataset(folder):
    dataset = load_dataset(folder)
    assert set(dataset.paragraphs) == {
        "astana-times-2025-10", "example-memo-2026", "example-report-2026"
    }
    assert "milosevic-ihl-not-optional" in dataset.ids("quotes")
    assert "example-locators-checked" in dataset.ids("quotes")
    assert dataset.get("example-speaker").organisation == "example-organisation"


def test_an_id_in_two_files_is_an_error_naming_both(folder):
    quotes = folder / "quotes.yaml"
    quotes.write_text(quotes.read_text("utf-8").replace(
        "id: example-list-items-count", "id: six-founding-states"), "utf-8")  # fmt: skip
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(folder)
    (problem,) = excinfo.value.problems
    assert problem.file == quotes
    assert "duplicate id 'six-founding-states' (also facts[" in problem.message
    assert str(folder / DEFAULT_DATASET.name) in problem.message


def test_a_quote_of_a_markdown_source_is_checked_word_for_word(folder):
    quotes = folder / "quotes.yaml"
    quotes.write_text(quotes.read_text("utf-8").replace("like any other", "like all others"))
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(folder)
    (problem,) = excinfo.value.problems
    assert problem.file == quotes and problem.line == 18
    assert "quote 'example-locators-checked' does not occur word for word in paragraph 3" in (
        problem.message
    )


def test_markdown_and_html_paragraphs_are_what_a_reader_sees():
    markdown = (
        "---\nnote: x\n---\n# A *head*\n\nA [link](http://x) and\n**bold**.\n\n- one\n- two\n"
    )
    assert markdown_paragraphs(markdown) == ["A head", "A link and bold.", "one", "two"]
    html = (
        "<html><head><title>T</title><style>p {}</style></head><body><h1>Head</h1>"
        "<p>One <a href='#'>link</a><br>two.</p><div>Loose<p>Inner</p>tail</div>"
        "<ul><li>A</li><li><p>B</p></li></ul><script>x()</script></body></html>"
    )
    assert html_paragraphs(html) == ["Head", "One link two.", "Loose", "Inner", "tail", "A", "B"]


def test_a_curator_adds_a_source_finds_words_and_gets_a_verified_quote(folder, tmp_path):
    page = tmp_path / "statement.html"
    page.write_text(
        "<html><head><title>Statement</title></head><body><h1>A synthetic statement</h1>"
        "<p>This page is a SYNTHETIC EXAMPLE for a test.</p><p>The speaker said: "
        "“Examples are checked like sources.” Then she left.</p></body></html>", "utf-8")
    added = briefgen("data", "add-source", str(page), "--dataset", str(folder), "--id",
                     "example-statement", "--publisher", "Test", "--title", "A statement",
                     "--date", "2026-02")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert f"wrote {folder / 'sources' / 'example-statement.html'}" in added.stdout
    assert "   3  The speaker said: “Examples are checked like sources.” Then she left." in (
        added.stdout.splitlines()
    )
    found = briefgen("data", "find", "checked like", "--source", "example-statement",
                     "--dataset", str(folder))  # fmt: skip
    assert found.stdout == (
        "example-statement paragraph 3: The speaker said: “Examples are checked like sources.”\n"
    )
    quoted = briefgen("data", "quote", "Examples are checked like sources.", "--source",
                      "example-statement", "--paragraph", "3", "--speaker", "example-speaker",
                      "--dataset", str(folder))  # fmt: skip
    assert quoted.returncode == 0, quoted.stderr
    # Pasted into a file of its own: any file of the folder may hold items.
    (folder / "added.yaml").write_text("quotes:\n" + quoted.stdout, encoding="utf-8")
    assert "speaker-examples-are-checked-like" in load_dataset(folder).ids("quotes")
    checked = briefgen("data", "check", "--dataset", str(folder))
    assert checked.returncode == 0 and "4 sources" in checked.stdout
    near = briefgen("data", "quote", "Examples are always checked like sources.", "--source",
                    "example-statement", "--paragraph", "3", "--dataset", str(folder))  # fmt: skip
    assert near.returncode == 1
    assert "after «…Examples are » the source has «checked like sources.” Th…», you gave " \
        "«always checked like sourc…»" in near.stderr  # fmt: skip


def test_add_source_leaves_nothing_behind_when_the_dataset_would_break(folder, tmp_path):
    text = tmp_path / "note.txt"
    text.write_text("A SYNTHETIC EXAMPLE.\n\nSecond paragraph.\n", "utf-8")
    refused = briefgen("data", "add-source", str(text), "--dataset", str(folder), "--id",
                       "astana-times-2025-10", "--publisher", "P", "--title", "T",
                       "--date", "2026")  # fmt: skip
    assert refused.returncode == 1 and "duplicate id 'astana-times-2025-10'" in refused.stderr
    assert not (folder / "astana-times-2025-10.yaml").exists()
    assert not (folder / "sources" / "astana-times-2025-10.txt").exists()
    bad_date = briefgen("data", "add-source", str(text), "--dataset", str(folder), "--id",
                        "note-2026", "--publisher", "P", "--title", "T", "--date", "March")
    assert bad_date.returncode == 1 and "Traceback" not in bad_date.stderr
    # Told as the option given, not at a line of a file that is no longer there.
    assert "error: --date: 'March' is not a date" in bad_date.stderr
    assert "note-2026.yaml" not in bad_date.stderr
    assert not (folder / "note-2026.yaml").exists()
    bad_url = briefgen("data", "add-source", str(text), "--dataset", str(folder), "--id",
                       "note-2026", "--publisher", "P", "--title", "T", "--date", "2026",
                       "--url", "javascript:alert(1)")  # fmt: skip
    assert bad_url.returncode == 1
    assert bad_url.stderr.startswith("error: --url: 'javascript:alert(1)' is not a web address")
    assert not (folder / "note-2026.yaml").exists()
    assert not (folder / "sources" / "note-2026.txt").exists()


AGE = """
      - heading: The meeting
        select:
          facts: {ids: [high-level-meeting-announced, conference-held-in-astana]}
"""


def test_an_event_the_source_called_future_is_flagged_once_its_time_has_passed(
    write_yaml, minimal_spec
):
    from briefgen.build import check_briefs

    assert check_briefs([write_yaml(minimal_spec + AGE)]).warnings == []  # dated 2026-03-02
    later = write_yaml(minimal_spec.replace("date: 2026-03-02", "date: 2027-02-01") + AGE, "b.yaml")
    (warning,) = check_briefs([later]).warnings
    assert warning.message == (
        'section 2 "The meeting" (sections[1].select.facts): '
        "shows 'high-level-meeting-announced', about "
        "'high-level-meeting-2026' (2026), which its source (2025-10) describes as to come; by "
        "2027-02-01 it has happened or not: check before repeating it"
    )
    as_of = write_yaml(minimal_spec.replace("date: 2026-03-02", "date: 2027-02-01\n    as_of: "
                                            "2026-06-30") + AGE, "c.yaml")  # fmt: skip
    assert check_briefs([as_of]).warnings == []  # judged at its as_of


def test_an_audience_can_limit_the_age_of_sources(tmp_path, minimal_spec):
    from briefgen.build import check_briefs
    from briefgen.scaffold import init_workspace, new_audience

    init_workspace(tmp_path, "2026-03-02")
    new_audience(tmp_path, "current", "minister")
    settings = tmp_path / "templates" / "current" / "audience.yaml"
    settings.write_text(settings.read_text("utf-8") + "max_source_age_months: 3\n", "utf-8")
    spec = tmp_path / "briefs" / "age.yaml"
    text = minimal_spec.replace("audience: minister", "audience: current") + AGE
    spec.write_text("\n".join(line[4:] for line in text.strip("\n").splitlines()), "utf-8")
    messages = [w.message for w in check_briefs([spec]).warnings]
    assert messages == [
        'section 2 "The meeting" (sections[1].select.facts): '
        "shows 'high-level-meeting-announced', from a source of "
        "2025-10, older than the audience's limit of 3 months at 2026-03-02; check it still "
        "holds",
        'section 2 "The meeting" (sections[1].select.facts): shows '
        "'conference-held-in-astana', from a source of 2025-10, older than the audience's "
        "limit of 3 months at 2026-03-02; check it still holds",
    ]


def test_a_source_s_control_characters_never_reach_the_terminal(folder, tmp_path):
    # A source comes from outside: an escape sequence (here one that sets the terminal's
    # title), a bell or a bidi override in its text is shown escaped, as in messages.
    text = tmp_path / "note.txt"
    text.write_text("A SYNTHETIC EXAMPLE.\n\nHello \x1b]0;PWNED\x07 and \u202ereversed.\n",
                    "utf-8")  # fmt: skip
    added = briefgen("data", "add-source", str(text), "--dataset", str(folder), "--id",
                     "note-2026", "--publisher", "P", "--title", "T", "--date", "2026")  # fmt: skip
    found = briefgen("data", "find", "Hello", "--source", "note-2026", "--dataset", str(folder))
    for result in (added, found):
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout
        assert "\u202e" not in result.stdout
        assert "Hello \\x1b]0;PWNED\\x07 and \\u202ereversed." in result.stdout
