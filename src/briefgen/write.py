"""Stage 6 — write outputs and the manifest, atomically.

Writing happens in two steps. First every file of every brief is written to a
temporary file beside its target and flushed to disk: a full disk or a
read-only folder stops the build here, with nothing replaced. Then each
brief's files are moved into place with :func:`os.replace` (which cannot tear
a file) and the manifest (``build/manifest.json``) is updated. If a move fails
or the build is interrupted, the brief's files already moved are put back, so
its PDF and DOCX stay a matching pair. Locks in ``build/.locks/`` let builds
of the same brief from several processes take turns; temporary files a killed
build left behind are removed by the next build of the same brief.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import ExitStack
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
    another spec, an unreadable manifest).
    """
    prepare_folder(out_dir)
    unchanged = [
        f"{out_dir / entry['name']}  up to date"
        for item in rendered
        for entry in item.current.values()
    ]
    refresh_stamps(out_dir, [item for item in rendered if not item.outputs])
    rendered = [item for item in rendered if item.outputs]  # the rest is up to date
    lines: list[str] = []
    written: list[Path] = []
    warnings: list[Problem] = []
    staged: list[tuple[RenderedBrief, list[tuple[Path, Path]]]] = []
    try:
        with ExitStack() as locks:
            # Sorted, so two builds of overlapping sets of briefs cannot deadlock.
            for output_id in sorted({item.brief.output_id for item in rendered}):
                locks.enter_context(lock(out_dir, output_id))
            for item in rendered:
                names = [target_name(item, name) for name in item.outputs]
                remove_leftovers(out_dir, names)
                staged.append((item, stage_all(item, out_dir)))
            for item, files in staged:
                replace_together(files)
                files.clear()  # moved: nothing left to clean up
                entries = file_entries(item)
                written += [out_dir / e["name"] for e in entries]
                lines += [describe(out_dir / e["name"], e["pages"], e["bytes"]) for e in entries]
                with lock(out_dir, MANIFEST):
                    remove_leftovers(out_dir, [MANIFEST])
                    warnings += update_manifest(out_dir, item, entries)
    except OSError as exc:
        raise BriefgenError(cannot_write(exc, out_dir), summary=written_so_far(written)) from None
    except BriefgenError as exc:
        raise BriefgenError(exc.problems, summary=written_so_far(written)) from None
    finally:
        for _, files in staged:
            for temporary, _ in files:
                temporary.unlink(missing_ok=True)
    return unchanged + lines, warnings


def written_so_far(written: list[Path]) -> str:
    if not written:
        return "nothing was written"
    return "written before it: " + ", ".join(map(str, written))


def cannot_write(exc: OSError, fallback: Path) -> Problem:
    from briefgen.diskerrors import explain  # a full disk, 'ulimit -f': what to do

    return explain(exc, fallback)


def lock(out_dir: Path, name: str) -> FileLock:
    """A lock per brief (and one for the manifest), kept out of sight in ``.locks/``."""
    folder = out_dir / LOCKS
    folder.mkdir(exist_ok=True)
    return FileLock(folder / f"{name}.lock")


def target_name(item: RenderedBrief, output_format: str) -> str:
    return f"{item.brief.output_id}.{output_format}"


def remove_leftovers(out_dir: Path, names: list[str]) -> None:
    """Temporary files a killed build left behind for these files (we hold their lock).

    Ids have no dots, so ``.<id>.<format>.`` names exactly one brief's files.
    """
    for name in names:
        for leftover in out_dir.glob(f".{name}.*"):
            if leftover.suffix in (".tmp", ".old"):
                leftover.unlink(missing_ok=True)


def prepare_folder(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise BriefgenError(
            Problem("exists but is not a folder; choose another --out", out_dir),
            summary="nothing was written",
        ) from None
    except OSError as exc:
        raise BriefgenError(
            Problem(f"cannot create the output folder: {exc.strerror}", out_dir),
            summary="nothing was written",
        ) from None


def stage_all(item: RenderedBrief, out_dir: Path) -> list[tuple[Path, Path]]:
    """Each output of one brief in a temporary file beside its target."""
    staged: list[tuple[Path, Path]] = []
    try:
        for name, output in item.outputs.items():
            target = out_dir / target_name(item, name)
            staged.append((stage(target, output.data), target))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    return staged


def stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target``, on disk; return its path."""
    handle = tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, file_mode(target))
    except OSError as exc:  # name the file the user knows, not our temporary one
        Path(handle.name).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(target)) from None
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return Path(handle.name)


def file_mode(target: Path) -> int:
    """The mode the file had, or what the user's umask gives a new file."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def replace_together(staged: list[tuple[Path, Path]]) -> None:
    """Move staged files into place; if that fails or is interrupted, put back the old ones."""
    backups: dict[Path, Path | None] = {}
    moved: list[Path] = []
    try:
        for _, target in staged:
            backups[target] = keep_old(target)
        for temporary, target in staged:
            try:
                os.replace(temporary, target)
            except OSError as exc:  # name the file the user knows, not our temporary one
                raise OSError(exc.errno, exc.strerror, str(target)) from None
            moved.append(target)
    except BaseException:
        for target in moved:
            if backups.get(target) is not None:
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


def file_entries(item: RenderedBrief) -> list[dict]:
    built = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return [
        {
            "name": target_name(item, name),
            "format": name,
            "built": built,
            "bytes": len(output.data),
            "sha256": hashlib.sha256(output.data).hexdigest(),
            "pages": output.pages,
            "inputs": item.inputs.get(name),
            # a DOCX's pages: what laid it out, or why it was not measured
            **({"pages_from": output.pages_from} if output.pages_from else {}),
        }
        for name, output in item.outputs.items()
    ]


# --- the manifest ----------------------------------------------------------------------


def read_manifest(out_dir: Path) -> tuple[dict, list[Problem]]:
    """The manifest, with any entry of the wrong shape dropped (and a warning)."""
    path = out_dir / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"briefs": {}}, []
    except (OSError, ValueError) as exc:
        return {"briefs": {}}, [unreadable(path, getattr(exc, "strerror", None) or str(exc))]
    if not isinstance(manifest, dict) or not isinstance(manifest.get("briefs"), dict):
        return {"briefs": {}}, [unreadable(path, "it is not a briefgen manifest")]
    broken = [key for key, entry in manifest["briefs"].items() if not well_formed(entry)]
    for key in broken:
        del manifest["briefs"][key]
    warnings = [
        Problem(f"entry '{key}' was not a brief; dropped it", path, severity="warning")
        for key in broken
    ]
    return manifest, warnings


def unreadable(path: Path, reason: str) -> Problem:
    # A manifest we cannot read describes files we cannot trust: start afresh, and say so.
    return Problem(f"unreadable ({reason}); starting a new manifest", path, severity="warning")


def well_formed(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("files"), list)
        and all(isinstance(f, dict) for f in entry["files"])
    )


def update_manifest(out_dir: Path, item: RenderedBrief, files: list[dict]) -> list[Problem]:
    manifest, warnings = read_manifest(out_dir)
    brief_id = item.brief.output_id
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


def refresh_stamps(out_dir: Path, items: list[RenderedBrief]) -> None:
    """Up-to-date briefs whose spec or templates were touched but not changed: record the
    new stamp, so the next build skips them at once. Only where the manifest still lists
    the very files this build found up to date (another build may have replaced them)."""
    if not items:
        return
    with lock(out_dir, MANIFEST):
        manifest, _ = read_manifest(out_dir)
        changed = False
        for item in items:
            entry = manifest["briefs"].get(item.brief.output_id)
            if entry is None or not still_current(entry, item, out_dir):
                continue
            now = {
                "stamp": item.stamp,
                "spec_outputs": list(item.spec_outputs),
                "warnings": warning_records(item),
            }
            if any(entry.get(key) != value for key, value in now.items()):
                entry.update(now)
                changed = True
        if changed:
            write_atomically(
                out_dir / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
            )


def warning_records(item: RenderedBrief) -> list[dict]:
    return [
        {"message": w.message, "file": str(w.file), "line": w.line, "column": w.column}
        for w in item.warnings
    ]


def still_current(entry: dict, item: RenderedBrief, out_dir: Path) -> bool:
    if entry.get("spec") != spec_key(item.loaded.path, out_dir):
        return False
    files = {f.get("format"): f for f in entry.get("files", []) if isinstance(f, dict)}
    return all(
        (files.get(fmt) or {}).get("sha256") == found.get("sha256")
        and (files.get(fmt) or {}).get("inputs") == found.get("inputs")
        for fmt, found in item.current.items()
    )


def kept_files(previous: dict, files: list[dict], out_dir: Path) -> list[dict]:
    """Files of other formats from an earlier build of the same spec, still on disk."""
    rebuilt = {f["format"] for f in files}
    return [
        f
        for f in previous["files"]
        if f.get("format") not in rebuilt and (out_dir / str(f.get("name"))).is_file()
    ]


def write_atomically(target: Path, text: str) -> None:
    write_bytes_atomically(target, text.encode("utf-8"))


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """``target`` holds ``data`` whole, or what it held before: never a part."""
    temporary = None
    try:
        temporary = stage(target, data)
        os.replace(temporary, target)
    except OSError as exc:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise BriefgenError(cannot_write(exc, target)) from None


def manifest_entry(item: RenderedBrief, files: list[dict], out_dir: Path) -> dict:
    brief = item.brief
    return {
        "id": brief.output_id,
        "title": brief.title,
        "audience": brief.audience,
        "marking": brief.marking,
        "edition": brief.edition,
        "draft": brief.draft,
        "date": brief.date.isoformat(),
        "reference": brief.reference,
        "spec": spec_key(item.loaded.path, out_dir),
        "stamp": item.stamp,
        "spec_outputs": list(item.spec_outputs),
        "withheld": brief.withheld.as_dict() if brief.withheld is not None else None,
        "warnings": warning_records(item),
        "files": files,
    }


def spec_key(spec: Path, out_dir: Path) -> str:
    """How the manifest names the spec an output came from: its path from the output
    folder (so the two can move together)."""
    return os.path.relpath(Path(spec).resolve(), Path(out_dir).resolve())


def describe(path: Path, pages: int | None, size: int) -> str:
    page_text = f"{pages} page{'s' if pages != 1 else ''}" if pages is not None else "-"
    return f"{path}  {page_text}  {size / 1024:.1f} KiB"
