"""``briefgen build --watch``: build, then build again whenever an input changes.

Watched: the specs (or their folders), the dataset and its source texts, and
the template folders. Each round is an ordinary incremental build, so only
the briefs a change touches are rendered again. A round that fails prints its
problems and waits for the next change; Ctrl-C stops.
"""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Callable, Iterable
from pathlib import Path

from briefgen.workspace import dataset_folder, template_dirs


def watched_folders(spec_paths: list[Path], dataset: Path | None) -> list[Path]:
    """Folders, not files: editors save by replacing a file, which a watch on the file
    itself would lose."""
    folders = [dataset_folder(dataset)]
    folders += [path if path.is_dir() else path.parent for path in spec_paths]
    folders += [folder for path in spec_paths for folder in templates_for(path)]
    existing = [folder.resolve() for folder in folders if folder.is_dir()]
    # A folder inside another watched one is watched already.
    return sorted(
        {f for f in existing if not any(f != o and f.is_relative_to(o) for o in existing)}
    )


def templates_for(path: Path) -> list[Path]:
    """The template folders of a spec, or of the specs a folder holds (or will)."""
    return template_dirs(path / "spec.yaml" if path.is_dir() else path)


def input_filter(spec_paths: list[Path], dataset: Path | None, out_dir: Path):
    """Which changed paths are inputs: not the output folder, not editors' temporary
    files; specs that were named, or YAML files in spec folders named."""
    out_dir = out_dir.resolve()
    named = {path.resolve() for path in spec_paths if not path.is_dir()}
    spec_folders = [path.resolve() for path in spec_paths if path.is_dir()]
    data_folder = dataset_folder(dataset).resolve()
    templates = {folder.resolve() for path in spec_paths for folder in templates_for(path)}

    def is_input(_change, raw_path: str) -> bool:
        path = Path(raw_path).resolve()
        if path.is_relative_to(out_dir) or path.name.startswith(".") or path.name.endswith("~"):
            return False
        if path in named or path.is_relative_to(data_folder):  # the dataset, its texts
            return True
        if path.suffix in (".yaml", ".yml") and path.parent in spec_folders:
            return True
        return any(path.is_relative_to(folder) for folder in templates)

    return is_input


def how_to_stop() -> str:
    """Ctrl-C, unless this process ignores it: a program started in the background by a
    shell without job control (``briefgen build --watch &`` in a script, nohup) inherits
    SIGINT ignored, and Ctrl-C (SIGINT) then does nothing."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return f"started in the background, Ctrl-C is ignored; kill {os.getpid()} stops it"
    return "Ctrl-C stops"


def watch(
    spec_paths: list[Path],
    dataset: Path | None,
    out_dir: Path,
    build_once: Callable[[], None],
    announce: Callable[[str], None],
) -> None:
    """Build, then build again after each change, until interrupted."""
    import watchfiles

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # we say when it stops
    folders = watched_folders(spec_paths, dataset)
    changes: Iterable[set] = watchfiles.watch(
        *folders,
        watch_filter=input_filter(spec_paths, dataset, out_dir),
        raise_interrupt=False,
        yield_on_timeout=True,  # an empty batch now and then: the watch is running
        rust_timeout=250,
    )
    # The watcher starts with the first batch; starting it before the first build
    # means a change saved during that build is seen.
    for first in changes:
        build_once()
        announce(f"watching {len(folders)} folders for changes ({how_to_stop()})")
        if first:
            build_once()
        break
    for batch in changes:
        if not batch:
            continue
        paths = sorted(path for _, path in batch)
        more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
        announce(f"changed: {shown_path(paths[0])}{more}")
        build_once()
    announce("stopped watching.")


def shown_path(path: str) -> str:
    """A changed file as the rest of the command line names files: from the current
    folder when it is below it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path
