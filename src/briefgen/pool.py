"""Calls run in worker processes, where a lost worker costs at most its own call.

When a worker dies (a crash in a C library, the kernel's out-of-memory killer,
someone's ``kill``), :class:`~concurrent.futures.ProcessPoolExecutor` breaks:
it stops every other worker and fails every call that had not finished. Here a
broken pool is replaced and the calls that had not finished run again. A call
fails only when a worker dies under it a second time, and its failure names how
the worker died (the signal, or the exit status).

To know which call a worker was running when it died, each worker notes the
call it starts in its own folder (:func:`briefgen.workers.own_folder`) and
removes the note when the call returns; the exit status of each worker is kept
by the executor. A worker stopped by the executor itself (SIGTERM, because
another died) is not to blame: its call runs again without a mark against it.

Used by builds from the command line and from the portal alike, and by
whatever else renders in workers.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from briefgen.workers import own_folder, scratch_root, starting_processes, worker_pool

RUNNING = "running"  # the note a worker keeps of the call it is running
LOST_TWICE = 2  # a call fails when this many workers have died under it

# What a signal that ended a worker most likely means, for the message.
MEANINGS = {
    signal.SIGKILL: "out of memory, or killed",
    signal.SIGBUS: "a bus error: a mapped file changed under it, or memory ran out",
    signal.SIGSEGV: "a crash in a library",
    signal.SIGABRT: "a library aborted",
    signal.SIGTERM: "stopped by someone",
}


@dataclass(frozen=True)
class Outcome:
    """What became of one call: its result, the exception it raised, or how the
    workers running it died (``lost``)."""

    result: object = None
    error: BaseException | None = None
    lost: str | None = None  # e.g. "killed by SIGBUS (a bus error: ...)"


Call = tuple[Callable, tuple]


def run_in_workers(
    calls: Sequence[Call], workers: int, done: Callable[[int], None] = lambda index: None
) -> list[Outcome]:
    """``function(*args)`` for each call, in up to ``workers`` processes; for each call,
    in order, its :class:`Outcome`. ``done(index)`` is told of each call as it finishes,
    once, in this thread."""
    outcomes: dict[int, Outcome] = {}
    deaths: dict[int, int] = {}  # call → workers that died under it
    pending = list(range(len(calls)))
    while pending:
        lost = run_round(calls, pending, workers, outcomes, done)
        if lost is None:  # nothing was lost
            break
        for index, how in lost.items():
            deaths[index] = deaths.get(index, 0) + 1
            if deaths[index] >= LOST_TWICE:
                outcomes[index] = Outcome(lost=how)
        # Every round that breaks marks at least one call, so this ends.
        pending = [index for index in pending if index not in outcomes]
    return [outcomes[index] for index in range(len(calls))]


def run_round(
    calls: Sequence[Call],
    pending: list[int],
    workers: int,
    outcomes: dict[int, Outcome],
    done: Callable[[int], None],
) -> dict[int, str] | None:
    """Run the ``pending`` calls in a new pool, adding to ``outcomes`` those that
    finish. None if the pool held; else the calls to blame, and how their workers died."""
    with starting_processes():  # a stopping command makes no pool folder either
        folder = Path(tempfile.mkdtemp(prefix="pool-", dir=scratch_root()))
        try:
            processes, unfinished = run_pool(calls, pending, workers, folder, outcomes, done)
            return to_blame(folder, processes, unfinished) if unfinished else None
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the workers' folders: they are gone


def run_pool(
    calls: Sequence[Call],
    pending: list[int],
    workers: int,
    folder: Path,
    outcomes: dict[int, Outcome],
    done: Callable[[int], None],
) -> tuple[dict, list[int]]:
    """Run the ``pending`` calls in one pool of workers kept in ``folder``: the pool's
    processes and the calls that did not finish (none if the pool held)."""
    with worker_pool(min(workers, len(pending)), folder) as pool:
        # The executor's pid → process map (no public accessor): after a break, the
        # exit status of the worker that died. The executor drops the entry of a
        # worker that ends normally, and keeps the others.
        processes = pool._processes
        futures: dict[Future, int] = {}
        try:
            for index in pending:
                function, args = calls[index]
                futures[pool.submit(run_call, index, function, args)] = index
            for future in as_completed(futures):
                if isinstance(future.exception(), BrokenProcessPool):
                    continue
                index = futures[future]
                error = future.exception()
                outcomes[index] = Outcome(None if error else future.result(), error)
                done(index)
        except BrokenProcessPool:  # a worker died before every call was handed out
            pass
    return processes, [index for index in pending if index not in outcomes]


def run_call(index: int, function: Callable, args: tuple) -> object:
    """In a worker: ``function(*args)``, with a note of what is running while it runs."""
    note = own_folder() / RUNNING
    try:
        note.write_text(str(index))
    except OSError as exc:  # a full TMPDIR, 'ulimit -f': the user's to fix, not a bug
        from briefgen.diskerrors import explain
        from briefgen.errors import BriefgenError

        raise BriefgenError(explain(exc, temporary=True)) from None
    try:
        return function(*args)
    finally:
        note.unlink()


def to_blame(folder: Path, processes: dict, unfinished: list[int]) -> dict[int, str]:
    """The calls to blame for a broken pool, each with how its worker died: those whose
    worker died on its own while running them; failing that (the worker died between
    calls, or we cannot tell), every call that was running; failing that, every call
    that had not finished (a worker could not even start)."""
    running: dict[int, str] = {}  # call → how its worker ended
    culprits: dict[int, str] = {}
    for note in folder.glob(f"*/{RUNNING}"):
        try:
            index, pid = int(note.read_text()), int(note.parent.name)
        except (OSError, ValueError):  # a worker killed while writing its note
            continue
        process = processes.get(pid)
        exitcode = process.exitcode if process is not None else None
        running[index] = how_it_ended(exitcode)
        if exitcode not in (None, 0, -signal.SIGTERM):  # SIGTERM: the executor stopped it
            culprits[index] = running[index]
    if culprits:
        return culprits
    if running:
        return running
    died = [p.exitcode for p in processes.values() if p.exitcode not in (None, 0)]
    return {index: how_it_ended(died[0] if died else None) for index in unfinished}


def how_it_ended(exitcode: int | None) -> str:
    """A worker's end in words: ``killed by SIGBUS (a bus error: ...)``."""
    if exitcode is None:
        return "stopped unexpectedly"
    if exitcode >= 0:
        return f"ended with exit status {exitcode}"
    try:
        number = signal.Signals(-exitcode)
    except ValueError:
        return f"killed by signal {-exitcode}"
    meaning = MEANINGS.get(number)
    return f"killed by {number.name}" + (f" ({meaning})" if meaning else "")
