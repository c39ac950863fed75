"""Why a brief is stale, in words an official can act on.

The build records one stamp of everything a spec's outputs are made from, so the
stamp alone says only *that* something changed. This module finds *what*: a file
of the build that is missing or replaced; options that differ from the portal's
(the stamp matches a build with ``--draft``, say); an input saved after the
build (the spec, the marking scheme, a file of the dataset's folder or of a
template folder, by modification time); another version of briefgen. Files are
named from the workspace, never by the server's folders.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from briefgen import __version__
from briefgen.build import BuildOptions, stamp_words
from briefgen.cache import spec_stamp, stamp_of
from briefgen.workspace import dataset_folder, find_workspace, scheme_path, template_dirs

OPTIONS = [  # builds the command line can ask for, and how to say so
    (BuildOptions(draft=True), "it was built as a draft (--draft): DRAFT on every page"),
    (BuildOptions(strict=True), "it was built with --strict"),
    (BuildOptions(draft=True, strict=True), "it was built as a draft with --strict"),
    (BuildOptions(pdf_variant="pdf/a-3b"), "it was built as PDF/A-3b (--pdf-variant)"),
    (BuildOptions(formats=("pdf",)), "it was built with --format pdf"),
    (BuildOptions(formats=("docx",)), "it was built with --format docx"),
    (BuildOptions(edition="full"), "it was built with --edition full"),
    (BuildOptions(edition="releasable"), "it was built with --edition releasable"),
    (BuildOptions(edition="both"), "it was built with --edition both"),
]
NAMED = 3  # changed files named, at most, per input


def why_stale(
    root: Path, out_dir: Path, path: Path, dataset: Path | None, entries: list[dict],
    generator: str, spec_draft: bool | None, walked: dict,
) -> list[str]:  # fmt: skip
    """The reasons the outputs of the spec at ``path`` (its manifest ``entries``) are stale."""
    reasons = missing_files(out_dir, entries)
    stamps = {entry.get("stamp") for entry in entries}
    for options, words in OPTIONS:
        if spec_stamp(path, dataset, stamp_words(options), walked) in stamps:
            return reasons + [f"{words}; a build from the portal makes it as the spec says"]
    built = last_built(entries)
    if built is not None:
        reasons += changed_inputs(root, path, dataset, built, walked)
    if spec_draft is False and any(entry.get("draft") for entry in entries):
        reasons.append("it was built as a draft (--draft), and the spec is not a draft")
    if generator and generator != f"briefgen {__version__}":
        reasons.append(f"it was built by {generator}; this is briefgen {__version__}")
    return reasons or ["a file it is made from was added, removed or replaced since it was "
                       "built (in the dataset's or a template's folder), or the workspace "
                       "was moved"]  # fmt: skip


def missing_files(out_dir: Path, entries: list[dict]) -> list[str]:
    found = []
    for entry in entries:
        for file in entry.get("files", []):
            name = str(file.get("name"))
            try:
                size = (out_dir / name).stat().st_size
            except OSError:
                found.append(f"{name} is missing from the build folder")
                continue
            if size != file.get("bytes"):
                found.append(f"{name} was changed in the build folder since it was built")
    return found


def last_built(entries: list[dict]) -> float | None:
    times = []
    for entry in entries:
        for file in entry.get("files", []):
            try:
                times.append(dt.datetime.fromisoformat(str(file.get("built"))).timestamp())
            except ValueError:
                continue
    return max(times, default=None)


def changed_inputs(root: Path, path: Path, dataset: Path | None, built: float,
                   walked: dict) -> list[str]:  # fmt: skip
    """Inputs saved after ``built`` (a whole second after: the record is to the second)."""
    after = (int(built) + 1) * 1_000_000_000
    reasons = []
    for what, stamps in (
        ("the spec was saved", [file_entry(path)]),
        ("the marking scheme changed", [file_entry(scheme_path(find_workspace(path)))]),
        ("the dataset changed", stamp_of(dataset_folder(dataset), walked)),
        *(("a template changed", stamp_of(folder, walked)) for folder in template_dirs(path)),
    ):
        newer = sorted((s for s in stamps if s and s[2] >= after), key=lambda s: -s[2])
        if newer:
            names = [named(Path(s[0]), root) for s in newer[:NAMED]]
            more = f" and {len(newer) - NAMED} more" if len(newer) > NAMED else ""
            reasons.append(f"{what}: {', '.join(names)}{more}")
    return reasons


def file_entry(path: Path) -> tuple | None:
    try:
        return (str(path), 0, path.stat().st_mtime_ns)
    except OSError:
        return None


def named(path: Path, root: Path) -> str:
    """A file as the page may name it: from the workspace, else its last two parts."""
    try:
        return os.path.relpath(path.resolve(), root.resolve()) if path.resolve().is_relative_to(
            root.resolve()) else "/".join(path.parts[-2:])  # fmt: skip
    except OSError:
        return path.name
