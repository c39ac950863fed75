"""Building one item: the ordinary incremental build of one spec, its progress written
to the item's row as each output is rendered, its errors kept for the page.

Whichever queue hands out the item (procrastinate on PostgreSQL, the embedded runner
on SQLite), this is what runs. Each spec is built on its own, so one broken spec
does not hold back the others; its errors are kept (``build/.portal/failures.json``)
and shown on the page until its inputs change.

Two builds of one spec never write at once: the queue does not hand out an item
whose spec is being built, and a lock per spec in ``build/.locks/`` makes a build
from another process (a second embedded portal, ``briefgen build`` meanwhile) wait
for its turn rather than fail. The writer replaces each file by an atomic rename, so
a worker killed at any point leaves the old file or the new one, never a torn one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from briefgen.build import BuildOptions, Progress, build_briefs, stamp_words
from briefgen.cache import spec_stamp
from briefgen.errors import BriefgenError
from briefgen.jobs.store import Item, Store
from briefgen.portal.catalogue import FAILURES, Workspace, read_failures, shown
from briefgen.write import LOCKS, write_atomically


@dataclass(frozen=True)
class Builder:
    workspace: Workspace
    store: Store
    processes: int = 2  # render processes per build (at least 2: time limits need them)
    time_limit_seconds: float = 60
    report: Callable[[str], None] | None = None  # a line per item built (briefgen worker)

    def run(self, item: Item) -> list[str]:
        """Build the item's spec, record the outcome on its row; its problems."""
        try:
            problems = self.build(item)
        except Exception as exc:  # never leave an item "running" for ever: say what happened
            problems = [f"{item.spec}: the build stopped: {type(exc).__name__}: {exc}"]
        self.store.finish(item.id, problems)
        if self.report is not None:
            outcome = f"failed: {problems[0]}" if problems else "built"
            self.report(f"{item.spec}: {outcome} (job {item.job_id}, try {item.attempts})")
        return problems

    def build(self, item: Item) -> list[str]:
        path = self.workspace.root / item.spec
        options = BuildOptions(
            force=item.force,
            jobs=max(2, self.processes),  # in worker processes, where time limits work
            time_limit_seconds=self.time_limit_seconds,
        )
        out_dir = self.workspace.out_dir
        stamp = None
        try:
            stamp = spec_stamp(path, self.workspace.dataset, stamp_words(options), {})
            (out_dir / LOCKS).mkdir(parents=True, exist_ok=True)
            with FileLock(out_dir / LOCKS / f"portal-{Path(item.spec).stem}.lock"):
                build_briefs(
                    [path],
                    out_dir=out_dir,
                    dataset_path=self.workspace.dataset,
                    options=options,
                    progress=RowProgress(self.store, item.id),
                )
            self.record_failure(item.spec, None)
            return []
        except BriefgenError as exc:
            problems = [shown(problem, self.workspace.root) for problem in exc.problems]
            self.record_failure(item.spec, {"stamp": stamp, "problems": problems})
            return problems

    def record_failure(self, spec: str, failure: dict | None) -> None:
        folder = self.workspace.portal_dir
        folder.mkdir(parents=True, exist_ok=True)
        # A file lock: several processes, on several machines, share the file.
        with FileLock(folder / f"{FAILURES}.lock"):
            failures = read_failures(self.workspace)
            if failure is None and spec not in failures:
                return
            if failure is None:
                del failures[spec]
            else:
                failures[spec] = failure
            text = json.dumps(failures, indent=2, ensure_ascii=False) + "\n"
            write_atomically(folder / FAILURES, text)


class RowProgress(Progress):
    """The build's progress, written to the item's row for every portal to show."""

    def __init__(self, store: Store, item_id: int) -> None:
        self.store = store
        self.item_id = item_id

    def start(self, total: int) -> None:
        self.store.progress(self.item_id, total=total)

    def advance(self, output_id: str) -> None:
        self.store.progress(self.item_id, output_id=output_id)
