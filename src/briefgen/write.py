"""Stage 6 — write outputs and the manifest, atomically.

Each file is written to a temporary file beside its target, flushed to disk
and moved into place with :func:`os.replace`, so a crash never leaves a torn
file. All files of a brief are staged before the first one is moved. The
manifest (``build/manifest.json``) lists every brief built into the folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import __version__
from briefgen.errors import BriefgenError, Problem

if TYPE_CHECKING:
    from briefgen.build import RenderedBrief

MANIFEST = "manifest.json"


def write_briefs(rendered: list[RenderedBrief], out_dir: Path) -> list[str]:
    """Write every brief's files and update the manifest; return a line per file."""
    prepare_folder(out_dir)
    manifest = read_manifest(out_dir)
    manifest["generator"] = f"briefgen {__version__}"
    lines = []
    for item in rendered:
        files = write_brief_files(item, out_dir)
        manifest["briefs"][item.loaded.spec.id] = manifest_entry(item, files, out_dir)
        # After every brief, so the manifest matches the files even if a later one fails.
        write_atomically(
            out_dir / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        )
        lines += [
            describe(out_dir / entry["name"], entry["pages"], entry["bytes"]) for entry in files
        ]
    return lines


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
    """Stage all formats of one brief, then move them into place together."""
    brief_id = item.loaded.spec.id
    staged: list[tuple[Path, Path]] = []
    files = []
    try:
        for name, data in item.outputs.items():
            target = out_dir / f"{brief_id}.{name}"
            staged.append((stage(target, data), target))
            files.append(
                {
                    "name": target.name,
                    "format": name,
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "pages": item.pages.get(name),
                }
            )
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as exc:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise BriefgenError(
            Problem(f"cannot write: {exc.strerror or exc}", exc.filename or out_dir)
        ) from None
    return files


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
