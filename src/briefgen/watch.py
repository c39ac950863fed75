"""``briefgen build --watch``: build, then build again whenever an input changes.

Watched: the specs (or their folders), the dataset and its source texts, and
the template folders. Each round is an ordinary incremental build, so only
the briefs a change touches are rendered again. A round that fails prints its
problems and waits for the next change; Ctrl-C stops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from briefgen.workspace import DEFAULT_DATASET, SOURCES, template_dirs


def watched_folders(spec_paths: list[Path], dataset: Path | None) -> list[Path]:
    """Folders, not files: editors save by replacing a file, which a watch on the file
    itself would lose."""
    dataset = Path(dataset or DEFAULT_DATASET)
    folders = [dataset.parent]
    for path in spec_paths:
        folders.append(path if path.is_dir() else path.parent)
        folders += template_dirs(path)
    existing = [folder.resolve() for folder in folders if folder.is_dir()]
    # A folder inside another watched one is watched already.
    return sorted(
        {f for f in existing if not any(f != o and f.is_relative_to(o) for o in existing)}
    )


def input_filter(spec_paths: list[Path], dataset: Path | None, out_dir: Path):
    """Which changed paths are inputs: not the output folder, not editors' temporary
    files; specs that were named, or YAML files in spec folders named."""
    out_dir = out_dir.resolve()
    named = {path.resolve() for path in spec_paths if not path.is_dir()}
    spec_folders = [path.resolve() for path in spec_paths if path.is_dir()]
    dataset = Path(dataset or DEFAULT_DATASET).resolve()
    templates = {folder.resolve() for path in spec_paths for folder in template_dirs(path)}

    def is_input(_change, raw_path: str) -> bool:
        path = Path(raw_path).resolve()
        if path.is_relative_to(out_dir) or path.name.startswith(".") or path.name.endswith("~"):
            return False
        if path in named or path == dataset or path.is_relative_to(dataset.parent / SOURCES):
            return True
        if path.suffix == ".yaml" and path.parent in spec_folders:
            return True
        return any(path.is_relative_to(folder) for folder in templates)

    return is_input


def watch(
    spec_paths: list[Path],
    dataset: Path | None,
    out_dir: Path,
    build_once: Callable[[], None],
    announce: Callable[[str], None],
) -> None:
    """Build, then build again after each change, until interrupted."""
    import watchfiles

    build_once()
    folders = watched_folders(spec_paths, dataset)
    changes: Iterable[set] = watchfiles.watch(
        *folders,
        watch_filter=input_filter(spec_paths, dataset, out_dir),
        raise_interrupt=False,
        yield_on_timeout=True,  # an empty batch now and then: the watch is running
        rust_timeout=250,
    )
    watching = False
    for batch in changes:
        if not watching:  # only now is the watcher in place; say so
            announce(f"watching {len(folders)} folders for changes (Ctrl-C stops)")
            watching = True
        if not batch:
            continue
        paths = sorted(path for _, path in batch)
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        announce(f"changed: {paths[0]}{more}")
        build_once()
    announce("stopped watching.")
