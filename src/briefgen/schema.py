"""JSON Schemas (draft 2020-12) for briefing specs and dataset files, for editors.

Made from the pydantic models that validate them, so there is no second
description to keep in step. What depends on the workspace or the dataset (the
audiences, the marking scheme's levels, the dataset's ids and tags) is marked
in the models (:class:`briefgen.specmodel.Choices`) and filled in here, so an
editor running the YAML language server completes ``audience:``, ``marking:``
and ``ids:`` and puts a squiggle under a typo before anything is run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefgen.datamodel import ITEM_KINDS, DatasetFile
from briefgen.errors import BriefgenError, Problem
from briefgen.load_dataset import Dataset, load_dataset
from briefgen.markings import MarkingScheme, load_scheme
from briefgen.specmodel import Spec
from briefgen.workspace import audiences, find_workspace, template_dirs

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SPEC_SCHEMA_FILE = "brief.schema.json"  # in a workspace, beside briefs/ (as cli.py says)
# The first line of a spec that tells the YAML language server where its schema is.
MODELINE = f"# yaml-language-server: $schema=../{SPEC_SCHEMA_FILE}"
MARK = "x-briefgen-choices"


def spec_schema(dataset: Dataset, audiences: list[str], scheme: MarkingScheme) -> dict:
    """The schema of a spec in a workspace with these audiences, scheme and dataset."""
    schema = Spec.model_json_schema(by_alias=True)
    choices = {
        "audiences": sorted(audiences),
        "markings": marking_names(scheme),
        "tags": sorted(dataset.tags),
        "cite": [i for kind in ITEM_KINDS if kind != "sources" for i in dataset.ids(kind)],
        **{f"ids:{kind}": dataset.ids(kind) for kind in ITEM_KINDS},
    }
    fill_choices(schema, choices)
    # A spec without an id takes its file's name (briefgen.load_spec.default_id).
    schema["required"] = [key for key in schema["required"] if key != "id"]
    return {
        "$schema": DIALECT,
        "title": "briefgen briefing spec",
        "description": "A briefing spec for briefgen (briefs/*.yaml); see the README, "
        "'Writing a brief'. Made by `briefgen schema`: refresh it when the dataset, the "
        "audiences or the marking scheme change.",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def workspace_schema(workspace: Path, dataset_path: Path | None = None) -> str:
    """The spec schema, as text, of the workspace holding ``briefs/`` at ``workspace``."""
    spec_in_workspace = Path(workspace) / "briefs" / "spec.yaml"  # where its specs live
    names = list(audiences(template_dirs(spec_in_workspace)))
    return render(spec_schema(load_dataset(dataset_path), names, load_scheme(Path(workspace))))


def out_of_date(workspace: Path, dataset_path: Path | None = None) -> Problem | None:
    """A warning if the workspace keeps a copy of its schema that no longer matches."""
    path = Path(workspace) / SPEC_SCHEMA_FILE
    try:
        kept = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # none kept (or unreadable): editors simply get no help
    if kept == workspace_schema(workspace, dataset_path):
        return None
    return Problem(
        "out of date: the dataset, the audiences or the marking scheme changed since it was "
        "written, so editors complete old choices; run: briefgen schema --workspace "
        f"{workspace}" + (f" --dataset {dataset_path}" if dataset_path is not None else ""),
        path,
        severity="warning",
    )


def dataset_schema() -> dict:
    """The schema of a dataset file, for curators."""
    schema = DatasetFile.model_json_schema(by_alias=True)
    return {"$schema": DIALECT, **schema, "title": "briefgen dataset file"}


def marking_names(scheme: MarkingScheme) -> list[str]:
    """What a spec may write for a marking: each level's id, labels and short forms."""
    names: dict[str, None] = {}
    for level in scheme.content.levels:
        names.update(dict.fromkeys((level.id, *level.label.values(), *level.short.values())))
    return list(names)


def fill_choices(node: Any, choices: dict[str, list[str]]) -> None:
    """Replace each marked value's open string with its choices, wherever it is."""
    if isinstance(node, list):
        for child in node:
            fill_choices(child, choices)
        return
    if not isinstance(node, dict):
        return
    mark = node.pop(MARK, None)
    if mark == "routine":  # critical_date: Routine, or a date with its reason
        node["anyOf"] = [{"type": "string", "pattern": "^\\s*[Rr][Oo][Uu][Tt][Ii][Nn][Ee]\\s*$"},
                         *[alt for alt in node["anyOf"] if alt.get("type") != "null"]]  # fmt: skip
    elif mark is not None:
        node["enum"] = choices[mark]
        node.pop("minLength", None)
    for child in node.values():
        fill_choices(child, choices)


def render(schema: dict) -> str:
    """Stable text: the same inputs give the same bytes, so a stale copy can be told."""
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write_schema(text: str, path: Path) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BriefgenError(
            Problem(f"cannot write the schema: {exc.strerror}; choose another -o", path)
        ) from None


def stale_schemas(loaded: list, dataset_path: Path | None) -> list[Problem]:
    """Each workspace's copy of its spec schema, where it no longer matches (editors
    would complete ids and audiences that are gone)."""
    workspaces = dict.fromkeys(find_workspace(item.path) for item in loaded)
    return [found for ws in workspaces if (found := out_of_date(ws, dataset_path)) is not None]
