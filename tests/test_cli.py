"""The command line as a user runs it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import BRIEFS, REPO


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "validate", "data"):
        assert command in result.stdout


def test_data_list_quotes_shows_all_13_with_speakers(dataset):
    result = run("data", "list", "quotes")
    assert result.returncode == 0, result.stderr
    assert "13 quotes" in result.stdout
    for quote in dataset.items("quotes"):
        assert quote.id in result.stdout
    for name in ("Vassilenko", "Lastayev", "Milosevic", "Burambayev", "Kumasheva", "Quintin"):
        assert name in result.stdout


def test_data_list_json_has_every_field(dataset):
    result = run("data", "list", "quotes", "--json")
    items = json.loads(result.stdout)
    assert [item["id"] for item in items] == dataset.ids("quotes")
    assert {"speaker", "text", "source", "paragraph", "tags"} <= set(items[0])


def test_data_list_by_tag():
    items = json.loads(run("data", "list", "facts", "--tag", "cyber", "--json").stdout)
    assert items and all("cyber" in item["tags"] for item in items)


def test_data_list_unknown_tag_and_kind():
    result = run("data", "list", "facts", "--tag", "cyberr")
    assert result.returncode == 1
    assert "unknown tag 'cyberr'; did you mean 'cyber'?" in result.stderr
    result = run("data", "list", "quote")
    assert result.returncode == 2  # a usage error, like any wrong choice on the command line
    assert "'quote' is not one of 'facts', 'quotes'" in result.stderr


def test_data_check():
    result = run("data", "check")
    assert result.returncode == 0
    assert "13 quotes" in result.stdout


def test_validate_examples():
    result = run("validate", "briefs")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == len(list(BRIEFS.glob("*.yaml")))


def test_validate_bad_spec_exits_1_without_traceback(write_yaml, minimal_spec):
    path = write_yaml(minimal_spec.replace("title: Test brief", "titel: Test brief"))
    result = run("validate", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{path}:2:1: error: titel: unknown key 'titel'; did you mean 'title'?" in result.stderr


def test_build_bad_spec_writes_nothing(write_yaml, minimal_spec, tmp_path):
    path = write_yaml(minimal_spec.replace("marking: OFFICIAL", "marking: LOUD"))
    out = tmp_path / "out"
    result = run("build", str(path), "--out", str(out))
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert not out.exists()


def test_build_html_for_template_debugging(write_yaml, minimal_spec, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(write_yaml(minimal_spec)), "--format", "html", "--out", str(out))
    assert result.returncode == 0, result.stderr
    html = (out / "test-brief.html").read_text(encoding="utf-8")
    assert "<h1>Test brief</h1>" in html
    assert str(out / "test-brief.html") in result.stdout


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--format", "odt"], "'odt' is not one of 'pdf', 'docx', 'html'", 2),
        (["--out", "FILE"], "error: exists but is not a folder; choose another --out", 1),
    ],
)
def test_build_option_errors(write_yaml, minimal_spec, tmp_path, args, message, code):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    args = [str(blocker) if arg == "FILE" else arg for arg in args]
    result = run("build", str(write_yaml(minimal_spec)), *args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_spec_file(tmp_path):
    result = run("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert f"{tmp_path / 'nope.yaml'}: error: no such file; check the path" in result.stderr


def test_warnings_for_empty_selection_and_page_budget(write_yaml, minimal_spec, tmp_path):
    spec = minimal_spec.replace(
        "    marking: OFFICIAL\n", "    marking: OFFICIAL\n    page_budget: 1\n"
    )
    spec += """
      - heading: Nobody
        select:
          quotes: {speakers: [anne-quintin], organisations: [icrc]}
      - heading: Long
        text: |
""" + "".join(
        f"          Paragraph {i} of a long brief that will not fit on one page.\n\n"
        for i in range(90)
    )
    path = write_yaml(spec)
    result = run("build", str(path), "--out", str(tmp_path / "out"), "-f", "pdf")
    assert result.returncode == 0, result.stderr
    assert (
        f"{path}:19:7: warning: section 2 \"Nobody\" (sections[1].select.quotes): "
        "selects no quotes; check its criteria (briefgen data list quotes)" in result.stderr
    )
    assert f"{path}:7:1: warning: page_budget: brief 'test-brief' has " in result.stderr
    assert "pages, over its page budget of 1" in result.stderr


def test_validate_renders_templates(tmp_path, minimal_spec):
    import textwrap

    workspace = tmp_path / "ws"
    (workspace / "briefs").mkdir(parents=True)
    (workspace / "templates" / "minister").mkdir(parents=True)
    (workspace / "templates" / "minister" / "brief.html.j2").write_text(
        '{% extends "base/base.html.j2" %}\n{% block lead %}<img src="x.png">{% endblock %}\n'
    )
    spec = workspace / "briefs" / "b.yaml"
    spec.write_text(textwrap.dedent(minimal_spec).lstrip())
    result = run("validate", str(spec))
    assert result.returncode == 1
    assert "minister/brief.html.j2: error: uses <img>" in result.stderr


def test_same_file_twice_is_built_once(write_yaml, minimal_spec, tmp_path):
    path = write_yaml(minimal_spec)
    result = run("validate", str(path), str(tmp_path / "." / path.name))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == 1


def test_no_specs_in_folder_names_it(tmp_path):
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert f"error: no spec files (*.yaml) in {tmp_path}" in result.stderr


def test_command_line_choices_match_the_package():
    from briefgen.cli import OutputFormat
    from briefgen.cli_common import ItemKind, ListKind
    from briefgen.datamodel import ITEM_KINDS
    from briefgen.render import WRITERS

    assert [kind.value for kind in ItemKind] == list(ITEM_KINDS)
    assert [kind.value for kind in ListKind] == [*ITEM_KINDS, "tags"]
    assert {choice.value for choice in OutputFormat} == set(WRITERS)


def test_sources_and_tags_have_no_tags():
    result = run("data", "list", "sources", "--tag", "cyber")
    assert result.returncode == 1
    assert "error: sources have no tags; list them without --tag" in result.stderr


def test_ctrl_c_during_a_build_says_interrupted(
    write_yaml, minimal_spec, tmp_path, monkeypatch, capsys
):
    import briefgen.build
    from briefgen import cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(briefgen.build, "build_briefs", interrupted)
    spec = write_yaml(minimal_spec)
    monkeypatch.setattr(sys, "argv", ["briefgen", "build", str(spec), "-o", str(tmp_path / "o")])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 130
    assert capsys.readouterr().err.strip().endswith("interrupted.")
