"""Stage 2 — load briefing specs and validate them against the dataset.

Every problem in every spec is collected before anything is reported, so one
run of ``briefgen validate`` shows them all, each at its file, line and key path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import BriefgenError, Problem
from briefgen.load_dataset import Dataset
from briefgen.markings import MarkingScheme, load_scheme
from briefgen.specmodel import Spec
from briefgen.validation import validate_document
from briefgen.workspace import find_workspace
from briefgen.yamlsource import YamlDocument, read_yaml

MAX_SPEC_BYTES = 256 * 1024
MAX_DEPTH = 16
RELEASABLE_SUFFIX = "-releasable"  # Brief.output_id of a releasable edition


@dataclass(frozen=True)
class LoadedSpec:
    spec: Spec
    path: Path
    doc: YamlDocument
    scheme: MarkingScheme  # its workspace's: what its marking and its items' mean


def default_id(path: Path) -> str:
    """The id a spec gets from its file name when it names none."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-") or "brief"


def load_spec(
    path: Path, dataset: Dataset, audiences: Iterable[str], scheme: MarkingScheme | None = None
) -> LoadedSpec:
    """One spec, validated against the dataset, its audiences and its workspace's marking
    scheme (``scheme``: that of :func:`~briefgen.workspace.find_workspace`)."""
    path = Path(path)
    scheme = scheme or load_scheme(find_workspace(path))
    doc = read_yaml(path, max_bytes=MAX_SPEC_BYTES, max_depth=MAX_DEPTH)
    doc.data.setdefault("id", default_id(path))
    context = {"dataset": dataset, "audiences": sorted(audiences), "scheme": scheme}
    spec, problems = validate_document(Spec, doc, context)
    if spec is not None:
        problems += check_sections(spec, doc)
    if spec is not None and spec.id.endswith(RELEASABLE_SUFFIX):
        problems.append(
            doc.problem(
                ("id",),
                f"ids ending in '{RELEASABLE_SUFFIX}' are kept for releasable editions; "
                "choose another",
            )
        )
    if problems:
        raise BriefgenError(problems)
    return LoadedSpec(spec, path, doc, scheme)


def check_sections(spec: Spec, doc: YamlDocument) -> list[Problem]:
    return [
        doc.problem(
            ("sections", index),
            "nothing to show; give it text, points, select, questions or charts",
        )
        for index, section in enumerate(spec.sections)
        if not (
            section.text or section.points or section.select or section.questions or section.charts
        )
    ]


def load_specs(
    paths: Iterable[Path], dataset: Dataset, audiences_for: Callable[[Path], Iterable[str]]
) -> tuple[list[LoadedSpec], list[Problem]]:
    """Load every spec; return the good ones and the problems of the others.

    ``audiences_for(path)`` names the audiences a spec at ``path`` may use
    (they depend on its workspace).
    """
    loaded: list[LoadedSpec] = []
    problems: list[Problem] = []
    seen_ids: dict[str, Path] = {}
    for path in paths:
        try:
            item = load_spec(path, dataset, audiences_for(path))
        except BriefgenError as exc:
            problems += exc.problems
            continue
        if item.spec.id in seen_ids:
            problems.append(
                item.doc.problem(
                    ("id",),
                    f"brief id '{item.spec.id}' is also used by {seen_ids[item.spec.id]}; "
                    "outputs would overwrite each other",
                )
            )
            continue
        seen_ids[item.spec.id] = item.path
        loaded.append(item)
    return loaded, problems
