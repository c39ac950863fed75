"""Stage 6 — write outputs and the manifest, atomically.

Each file is written to a temporary file beside its target, flushed to disk
and moved into place with :func:`os.replace`, so a crash never leaves a torn
file. All files of a brief are staged before the first one is moved, and put
back if one move fails. The manifest (``build/manifest.json``) lists every
brief built into the folder. Temporary files a killed build left behind are
removed by the next build of the same brief.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from filelock import FileLock

from briefgen import __version__
from briefgen.errors import BriefgenError, Problem

if TYPE_CHECKING:
    from briefgen.build import RenderedBrief

MANIFEST = "manifest.json"


def write_briefs(rendered: list[RenderedBrief], out_dir: Path) -> list[str]:
    """Write every brief's files and update the manifest; return a line per file.

    Each brief is written under its own lock, so two builds of the same brief
    (separate processes) take turns; the manifest is re-read and updated under
    its lock after every brief, so it always matches the files and keeps what
    other builds wrote.
    """
    prepare_folder(out_dir)
    lines = []
    for item in rendered:
        brief_id = item.loaded.spec.id
        try:
            with FileLock(out_dir / f".{brief_id}.lock"):
                remove_leftovers(out_dir, brief_id)
                files = write_brief_files(item, out_dir)
                with FileLock(out_dir / f".{MANIFEST}.lock"):
                    remove_leftovers(out_dir, MANIFEST)
                    update_manifest(out_dir, brief_id, manifest_entry(item, files, out_dir))
        except OSError as exc:  # the lock files themselves could not be made
            raise BriefgenError(
                Problem(f"cannot write: {exc.strerror or exc}", exc.filename or out_dir)
            ) from None
        lines += [describe(out_dir / f["name"], f["pages"], f["bytes"]) for f in files]
    return lines


def update_manifest(out_dir: Path, brief_id: str, entry: dict) -> None:
    manifest = read_manifest(out_dir)
    manifest["generator"] = f"briefgen {__version__}"
    manifest["briefs"][brief_id] = entry
    write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def remove_leftovers(out_dir: Path, name: str) -> None:
    """Temporary files a killed build left behind for ``name`` (we hold its lock)."""
    for leftover in out_dir.glob(f".{name}.*"):
        if leftover.suffix in (".tmp", ".old"):
            leftover.unlink(missing_ok=True)


def prepare_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BriefgenError(
            Problem("exists but is not a folder; choose another --out", out_dir)
        ) from None
    except OSError as exc:
        raise BriefgenError(
            Problem(f"cannot create the output folder: {exc.strerror}", out_dir)
        ) from None


def read_manifest(out_dir: Path) -> dict:
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"briefs": {}}
    except (OSError, ValueError):
        # A manifest we cannot read describes files we cannot trust: start afresh.
        return {"briefs": {}}
    if not isinstance(manifest, dict) or not isinstance(manifest.get("briefs"), dict):
        return {"briefs": {}}
    return manifest


def write_brief_files(item: RenderedBrief, out_dir: Path) -> list[dict]:
    """All formats of one brief appear together or not at all."""
    brief_id = item.loaded.spec.id
    targets = {name: out_dir / f"{brief_id}.{name}" for name in item.outputs}
    staged: list[tuple[Path, Path]] = []
    try:
        for name, data in item.outputs.items():
            staged.append((stage(targets[name], data), targets[name]))
        replace_together(staged)
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise BriefgenError(
            Problem(f"cannot write: {exc.strerror or exc}", exc.filename or out_dir)
        ) from None
    return [
        {
            "name": targets[name].name,
            "format": name,
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "pages": item.pages.get(name),
        }
        for name, data in item.outputs.items()
    ]


def replace_together(staged: list[tuple[Path, Path]]) -> None:
    """Move staged files into place; if one move fails, put back the ones already moved."""
    backups = {target: keep_old(target) for _, target in staged}
    moved: list[Path] = []
    try:
        for temporary, target in staged:
            os.replace(temporary, target)
            moved.append(target)
    except OSError:
        for target in moved:
            if backups[target] is not None:
                os.replace(backups[target], target)
            else:
                target.unlink(missing_ok=True)
        raise
    finally:
        for backup in backups.values():
            if backup is not None:
                backup.unlink(missing_ok=True)


def keep_old(target: Path) -> Path | None:
    """A second name for the current file, to restore it if the new set cannot be completed."""
    if not target.exists():
        return None
    backup = target.with_name(f".{target.name}.{os.getpid()}.old")
    backup.unlink(missing_ok=True)
    try:
        os.link(target, backup)
    except OSError:  # no hard links on this file system
        shutil.copy2(target, backup)
    return backup


def stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target``; return its path."""
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        Path(handle.name).unlink(missing_ok=True)
        raise
    os.chmod(handle.name, 0o644)
    return Path(handle.name)


def write_atomically(target: Path, text: str) -> None:
    try:
        os.replace(stage(target, text.encode("utf-8")), target)
    except OSError as exc:
        raise BriefgenError(Problem(f"cannot write: {exc.strerror or exc}", target)) from None


def manifest_entry(item: RenderedBrief, files: list[dict], out_dir: Path) -> dict:
    spec = item.loaded.spec
    return {
        "id": spec.id,
        "title": spec.title,
        "audience": spec.audience,
        "marking": spec.marking,
        "date": spec.date.isoformat(),
        "reference": spec.reference,
        "spec": os.path.relpath(item.loaded.path.resolve(), out_dir.resolve()),
        "built": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "files": files,
    }


def describe(path: Path, pages: int | None, size: int) -> str:
    page_text = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else "-"
    return f"{path}  {page_text}  {size / 1024:.1f} KiB"
