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
LOCKS = ".locks"


def write_briefs(rendered: list[RenderedBrief], out_dir: Path) -> tuple[list[str], list[Problem]]:
    """Write every brief's files and update the manifest.

    Returns a line per file written, and warnings (an output that came from
    another spec, an unreadable manifest). Each brief is written under its own
    lock, so two builds of the same brief (separate processes) take turns; the
    manifest is re-read and updated under its lock after every brief, so it
    always matches the files and keeps what other builds wrote.
    """
    prepare_folder(out_dir)
    lines: list[str] = []
    warnings: list[Problem] = []
    for item in rendered:
        brief_id = item.loaded.spec.id
        try:
            with lock(out_dir, brief_id):
                remove_leftovers(out_dir, brief_id)
                files = write_brief_files(item, out_dir)
                with lock(out_dir, MANIFEST):
                    remove_leftovers(out_dir, MANIFEST)
                    warnings += update_manifest(out_dir, item, files)
        except OSError as exc:  # the lock files themselves could not be made
            raise BriefgenError(
                Problem(f"cannot write: {exc.strerror or exc}", exc.filename or out_dir)
            ) from None
        lines += [describe(out_dir / f["name"], f["pages"], f["bytes"]) for f in files]
    return lines, warnings


def lock(out_dir: Path, name: str) -> FileLock:
    """A lock per brief (and one for the manifest), kept out of sight in ``.locks/``."""
    folder = out_dir / LOCKS
    folder.mkdir(exist_ok=True)
    return FileLock(folder / f"{name}.lock")


def update_manifest(out_dir: Path, item: RenderedBrief, files: list[dict]) -> list[Problem]:
    manifest, warnings = read_manifest(out_dir)
    brief_id = item.loaded.spec.id
    entry = manifest_entry(item, files, out_dir)
    previous = manifest["briefs"].get(brief_id)
    if previous:
        if previous.get("spec") not in (None, entry["spec"]):
            warnings.append(
                Problem(
                    f"replaces {out_dir / brief_id}.* built from {previous['spec']} "
                    f"(relative to {out_dir}), which has the same id '{brief_id}'",
                    item.loaded.path,
                    severity="warning",
                )
            )
        else:
            entry["files"] = kept_files(previous, files, out_dir) + entry["files"]
    manifest["generator"] = f"briefgen {__version__}"
    manifest["briefs"][brief_id] = entry
    write_atomically(out_dir / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return warnings


def kept_files(previous: dict, files: list[dict], out_dir: Path) -> list[dict]:
    """Files of other formats from an earlier build of the same spec, still on disk."""
    rebuilt = {f["format"] for f in files}
    return [
        f
        for f in previous.get("files", [])
        if isinstance(f, dict)
        and f.get("format") not in rebuilt
        and (out_dir / str(f.get("name"))).is_file()
    ]


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


def read_manifest(out_dir: Path) -> tuple[dict, list[Problem]]:
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"briefs": {}}, []
    except (OSError, ValueError) as exc:
        manifest = None
        reason = getattr(exc, "strerror", None) or str(exc)
    else:
        reason = "it is not a briefgen manifest"
    if isinstance(manifest, dict) and isinstance(manifest.get("briefs"), dict):
        return manifest, []
    # A manifest we cannot read describes files we cannot trust: start afresh, and say so.
    return {"briefs": {}}, [
        Problem(f"unreadable ({reason}); starting a new manifest", path, severity="warning")
    ]


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
    built = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return [
        {
            "name": targets[name].name,
            "format": name,
            "built": built,
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
            try:
                os.replace(temporary, target)
            except OSError as exc:  # name the file the user knows, not our temporary one
                raise OSError(exc.errno, exc.strerror, str(target)) from None
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
    temporary = None
    try:
        temporary = stage(target, text.encode("utf-8"))
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
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
        "files": files,
    }


def describe(path: Path, pages: int | None, size: int) -> str:
    page_text = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else "-"
    return f"{path}  {page_text}  {size / 1024:.1f} KiB"
