"""Incremental builds: an output is rebuilt only when something it is made from changed.

Each file in the manifest records ``inputs``, a hash of everything it was made
from: the composed brief (so exactly the dataset items it shows, in the words
it shows them), every file of the template folders (templates, CSS, fonts,
reference documents), the output format and its options, and briefgen's
version. A file whose hash matches, and whose bytes are still those the
manifest lists, is up to date.

Before that, a quicker test (make's): each manifest entry also records a
``stamp`` of the files its spec's outputs were made from as they stood on disk
(names, sizes and modification times of the spec, the dataset and its source
texts, the template folders and the workspace's marking scheme) and of the
build options, and which editions the spec made. While the stamp is unchanged,
the spec is not even read; a build where nothing changed costs a few ``stat``
calls per spec.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_mode
from functools import cache
from pathlib import Path

from briefgen import __version__
from briefgen.document import Brief
from briefgen.inputfiles import regular_chunks
from briefgen.workspace import (
    DEFAULT_DATASET,
    dataset_folder,
    find_workspace,
    scheme_path,
    template_dirs,
)
from briefgen.write import spec_key


def templates_digest(template_dirs: list[Path], walked: dict) -> str:
    """One hash for all the template folders; ``walked`` as in :func:`spec_stamp`."""
    return "".join(folder_digest(Path(d).resolve(), stamp_of(d, walked)) for d in template_dirs)


def input_key(brief: Brief, templates: str, output_format: str, options: str) -> str:
    """``templates`` is :func:`templates_digest` of the brief's template folders."""
    digest = hashlib.sha256()
    for part in (__version__, output_format, options, repr(brief), templates):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


def folder_stamp(folder: Path) -> tuple:
    """Names, sizes and modification times: a change to any file changes the stamp.

    Hidden files and folders (an editor's lock and swap files, ``.git``) are not
    inputs; a file that vanishes while the folder is walked is left out. Only regular
    files count: a FIFO or a link to a device is never read (see briefgen.inputfiles).
    """
    stamp = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if name.startswith("."):
                continue
            try:
                stat = (Path(root) / name).stat()
            except OSError:  # deleted meanwhile, or a dangling link
                continue
            if not stat_mode.S_ISREG(stat.st_mode):
                continue
            stamp.append((str(Path(root) / name), stat.st_size, stat.st_mtime_ns))
    return tuple(stamp)


@cache
def folder_digest(folder: Path, stamp: tuple) -> str:
    """The hash of a folder's files' contents (worked out once per stamp)."""
    digest = hashlib.sha256()
    for path, _, _ in stamp:
        digest.update(os.path.relpath(path, folder).encode() + b"\0")
        try:
            for chunk in regular_chunks(path):
                digest.update(chunk)
        except OSError:  # gone or swapped for a FIFO since the walk: the stamp changes too
            digest.update(b"\0missing")
    return digest.hexdigest()


def up_to_date(entry: dict | None, output_format: str, key: str, out_dir: Path) -> dict | None:
    """The manifest's file entry if that output is up to date, else None."""
    for file in (entry or {}).get("files", []):
        if file.get("format") != output_format or file.get("inputs") != key:
            continue
        path = out_dir / str(file.get("name"))
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return file if hashlib.sha256(data).hexdigest() == file.get("sha256") else None
    return None


def spec_stamp(spec: Path, dataset: Path | None, options: str, walked: dict) -> str:
    """The stamp of everything one spec's outputs are made from, as it stands on disk.

    ``walked`` keeps the stamps of folders already walked in this build: specs share
    their template folders and source texts, and the content hash walks them too.
    """
    parts = [__version__, options, file_stamp(spec)]
    # The marking scheme decides markings and their labels; a workspace may add one.
    parts.append(file_stamp(scheme_path(find_workspace(spec))))
    # The dataset's whole folder: its files and source texts may be anywhere in it.
    folders = (dataset_folder(dataset), *template_dirs(spec))
    parts += [stamp_of(folder, walked) for folder in folders]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def stamp_of(folder: Path, walked: dict) -> tuple:
    """:func:`folder_stamp`, walked once per build (``walked`` keeps what was)."""
    if folder not in walked:
        walked[folder] = folder_stamp(folder)
    return walked[folder]


def file_stamp(path: Path) -> tuple:
    try:
        stat = Path(path).stat()
    except OSError:
        return (str(path), None)
    return (str(Path(path).resolve()), stat.st_size, stat.st_mtime_ns)


def unchanged_outputs(manifest: dict, out_dir: Path, spec: Path, stamp: str) -> list[dict] | None:
    """The manifest entries of every edition ``spec`` made when it last carried ``stamp``,
    if each is there with that stamp and its files at the size recorded; else None
    (look closer). Entries of editions the spec no longer makes are not its outputs."""
    source = spec_key(spec, out_dir)
    entries = {key: e for key, e in manifest["briefs"].items() if e.get("spec") == source}
    stamped = [entry for entry in entries.values() if entry.get("stamp") == stamp]
    editions = stamped[0].get("spec_outputs") if stamped else None
    if not isinstance(editions, list) or not editions:
        return None
    found = []
    for output_id in editions:
        entry = entries.get(output_id)
        if entry is None or entry.get("stamp") != stamp or entry.get("spec_outputs") != editions:
            return None  # an edition missing: a build stopped halfway, say
        for file in entry["files"]:
            try:
                if (Path(out_dir) / str(file.get("name"))).stat().st_size != file.get("bytes"):
                    return None
            except OSError:
                return None
        found.append(entry)
    return found


def dataset_stamp(dataset: Path | None) -> tuple:
    """What the dataset looks like on disk: its file, or every file of its folder."""
    path = Path(dataset or DEFAULT_DATASET)
    return folder_stamp(path) if path.is_dir() else file_stamp(path)
