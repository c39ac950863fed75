"""The JSON Schema editors use for specs: made from the models, filled from the workspace
and the dataset, read by a standard validator (jsonschema), kept up to date; and the
pre-commit hooks a team adds to its repository, run by pre-commit itself."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from briefgen.build import check_briefs
from briefgen.errors import BriefgenError
from briefgen.scaffold import init_workspace
from briefgen.schema import MODELINE, SPEC_SCHEMA_FILE, dataset_schema, workspace_schema
from briefgen.workspace import DEFAULT_DATASET
from conftest import EXAMPLE_SPECS, MINIMAL_SPEC, REPO


def briefgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


class Yaml12Loader(yaml.SafeLoader):
    """YAML as an editor's language server reads it (YAML 1.2 core schema): numbers,
    true/false and null are typed; dates, yes/no and on/off stay text."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}  # fmt: skip
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def spec_data(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader)  # noqa: S506


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json.loads((REPO / SPEC_SCHEMA_FILE).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def test_the_repository_schema_is_the_one_briefgen_makes_now():
    """The examples' editors see today's ids and audiences: `briefgen schema` was run."""
    assert (REPO / SPEC_SCHEMA_FILE).read_text(encoding="utf-8") == workspace_schema(REPO)


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda path: path.stem)
def test_every_example_validates_and_points_its_editor_at_the_schema(validator, path):
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert list(validator.iter_errors(spec_data(path))) == []


def test_choices_are_the_dataset_ids_audiences_and_markings(validator):
    schema = validator.schema
    facts = schema["$defs"]["FactsSelector"]["properties"]
    listed = json.loads(briefgen("data", "list", "facts", "--json").stdout)
    assert facts["ids"]["items"]["enum"] == [item["id"] for item in listed]
    people = json.loads(briefgen("data", "list", "people", "--json").stdout)
    assert facts["people"]["items"]["enum"] == [item["id"] for item in people]
    properties = schema["properties"]
    assert properties["audience"]["enum"] == ["defence", "humanitarian", "minister", "press"]
    assert {"OFFICIAL", "OFFICIAL-SENSITIVE", "ОФИЦИАЛЬНО"} <= set(properties["marking"]["enum"])
    assert properties["audience"]["description"] == "who it is for: a folder of templates/"


# Each class of mistake `briefgen validate` reports for keys, types and choices: the schema
# catches it too, before anything is run.
MISTAKES = {
    "unknown key": ("title: Test brief", "titel: Test brief"),
    "missing key": ("reference: REF-1\n    ", ""),
    "unknown key in a section": ("text: To test.", "txt: To test."),
    "unknown audience": ("audience: minister", "audience: ministr"),
    "unknown marking": ("marking: OFFICIAL", "marking: OFFICAL"),
    "unknown language": ("marking: OFFICIAL", "marking: OFFICIAL\n    language: fr"),
    "unknown format": ("marking: OFFICIAL", "marking: OFFICIAL\n    formats: [odt]"),
    "unknown edition": ("marking: OFFICIAL", "marking: OFFICIAL\n    edition: some"),
    "unknown section kind": ("kind: purpose", "kind: purpse"),
    "not a number": ("marking: OFFICIAL", "marking: OFFICIAL\n    page_budget: two"),
    "contact as text": (
        "contact: {name: A. Officer, role: Desk Officer}", "contact: A. Officer, Desk Officer"
    ),
    "critical date as a word": ("critical_date: Routine", "critical_date: soon"),
    "unknown fact id": ("text: To test.", "select: {facts: {ids: [six-founding-state]}}"),
    "unknown tag": ("text: To test.", "select: {facts: {tags: [cyberr]}}"),
    "unknown selection key": ("text: To test.", "select: {facts: {idz: [six-founding-states]}}"),
    "unknown person as speaker": ("text: To test.", "select: {quotes: {speakers: [quintin]}}"),
    "unknown cited id": (
        "text: To test.",
        'questions: [{question: "Is it?", answer: "No.", cite: [six-founding-state]}]',
    ),
    "unknown chart": ("text: To test.", "charts: [pie]"),
}


@pytest.mark.parametrize("mistake", MISTAKES, ids=list(MISTAKES))
def test_what_validate_refuses_the_schema_refuses(validator, write_yaml, mistake):
    old, new = MISTAKES[mistake]
    assert old in MINIMAL_SPEC
    path = write_yaml(MINIMAL_SPEC.replace(old, new))
    with pytest.raises(BriefgenError):
        check_briefs([path])
    assert list(validator.iter_errors(spec_data(path))), mistake
    good = write_yaml(MINIMAL_SPEC, "good.yaml")
    assert list(validator.iter_errors(spec_data(good))) == []


def test_a_build_says_when_the_workspace_schema_is_out_of_date(tmp_path):
    init_workspace(tmp_path, "2026-03-02")
    assert (tmp_path / "briefs" / "sample.yaml").read_text("utf-8").startswith(MODELINE + "\n")
    assert check_briefs([tmp_path / "briefs"]).warnings == []
    (tmp_path / "templates" / "committee").mkdir()  # a new audience the schema lacks
    shutil.copy(REPO / "templates" / "minister" / "brief.html.j2", tmp_path / "templates" /
                "committee")  # fmt: skip
    (warning,) = check_briefs([tmp_path / "briefs"]).warnings
    assert str(warning).startswith(f"{tmp_path / SPEC_SCHEMA_FILE}: warning: out of date")
    assert "run: briefgen schema --workspace" in str(warning)
    result = briefgen("schema", "--workspace", str(tmp_path))
    assert result.returncode == 0 and result.stdout == f"wrote {tmp_path / SPEC_SCHEMA_FILE}\n"
    assert check_briefs([tmp_path / "briefs"]).warnings == []
    schema = json.loads((tmp_path / SPEC_SCHEMA_FILE).read_text(encoding="utf-8"))
    assert "committee" in schema["properties"]["audience"]["enum"]


def test_the_dataset_schema_accepts_the_shipped_dataset_and_refuses_a_typo(tmp_path):
    schema = dataset_schema()
    Draft202012Validator.check_schema(schema)
    data = spec_data(DEFAULT_DATASET)
    assert list(Draft202012Validator(schema).iter_errors(data)) == []
    data["facts"][0]["txt"] = data["facts"][0].pop("text")
    assert list(Draft202012Validator(schema).iter_errors(data))
    result = briefgen("schema", "--dataset-files", "-o", "-")
    assert json.loads(result.stdout) == schema


def test_an_unwritable_schema_path_is_one_message(tmp_path):
    result = briefgen("schema", "-o", str(tmp_path / "no" / "such" / "folder.json"))
    assert result.returncode == 1
    assert "cannot write the schema: No such file or directory; choose another -o" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_pre_commit_hooks_stop_a_broken_spec(tmp_path):
    """pre-commit runs the hooks as .pre-commit-hooks.yaml defines them (as local hooks,
    since briefgen is installed here), in a real repository, on a real commit."""
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = [{**hook, "language": "system"} for hook in hooks]
    repo = tmp_path / "team"
    init_workspace(repo, "2026-03-02")
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]}), encoding="utf-8"
    )
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "Desk Officer", "GIT_AUTHOR_EMAIL": "officer@example.org",
        "GIT_COMMITTER_NAME": "Desk Officer", "GIT_COMMITTER_EMAIL": "officer@example.org",
        # The hook runs `briefgen` from PATH: the one of the Python running the tests.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True,
                              timeout=300)  # fmt: skip

    assert run("git", "init", "-q").returncode == 0
    assert run(sys.executable, "-m", "pre_commit", "install").returncode == 0
    run("git", "add", "-A")
    good = run("git", "commit", "-q", "-m", "A good brief")
    assert good.returncode == 0, good.stdout + good.stderr
    sample = repo / "briefs" / "sample.yaml"
    sample.write_text(sample.read_text("utf-8").replace("audience: minister", "audience: ministr"))
    run("git", "add", "-A")
    broken = run("git", "commit", "-q", "-m", "A broken brief")
    assert broken.returncode != 0
    said = broken.stdout + broken.stderr  # git passes on what the hook printed
    assert "briefs/sample.yaml:8:1: error: audience: unknown audience 'ministr'" in said
    assert run("git", "log", "--oneline").stdout.count("\n") == 1  # only the good commit


def test_the_schema_advice_for_another_dataset_clears_the_warning(tmp_path, changed_dataset):
    # Built against a dataset of its own, a workspace is told the command that rewrites
    # its schema from that dataset: followed as given, the warning goes.
    init_workspace(tmp_path / "ws", "2026-03-02")
    dataset = changed_dataset("facts", "online-ihl-courses", id="online-ihl-courses-2025")
    (warning,) = check_briefs([tmp_path / "ws" / "briefs"], dataset_path=dataset).warnings
    command = str(warning).split("run: ", 1)[1]
    assert command == f"briefgen schema --workspace {tmp_path / 'ws'} --dataset {dataset}"
    result = briefgen(*command.split()[1:])
    assert result.returncode == 0, result.stderr
    assert check_briefs([tmp_path / "ws" / "briefs"], dataset_path=dataset).warnings == []
