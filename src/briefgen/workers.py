"""The worker processes briefs are rendered in.

Workers are forked from a fork server that has imported WeasyPrint and laid
out a sample page once (:mod:`briefgen.render.preload`, most of a second), so
a new worker is ready at once: the first
ones, and those that replace a worker after :data:`RENDERS_PER_WORKER`
outputs. :func:`warm_up` starts the fork server early, so that its imports run
on the second core while the build loads the dataset and the specs.

This module imports nothing heavy: ``briefgen.__main__`` calls :func:`warm_up`
before it imports the command line.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver

# A worker renders this many outputs, then a fresh one takes over: memory stays flat
# however long the batch (WeasyPrint's caches grow a little with every render).
RENDERS_PER_WORKER = 100
# WeasyPrint only: the first PDF is what a build waits for; a worker that writes a DOCX
# imports python-docx itself (a tenth of a second, once per worker).
PRELOAD = ["briefgen.render.preload"]


def context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


_unused_server = False  # warm_up started the fork server, and no pool has used it yet


def warm_up() -> None:
    """Start the fork server (if it is not running) so its imports overlap our own work."""
    global _unused_server
    context()
    if server_pid() is None:
        forkserver.ensure_running()
        _unused_server = True


def stand_down() -> None:
    """Stop the fork server if :func:`warm_up` started it for a build that rendered
    nothing (everything up to date): its imports would go on using a core for half a
    second after we are gone."""
    global _unused_server
    pid = server_pid()
    if _unused_server and pid is not None:
        os.kill(pid, signal.SIGKILL)
        forkserver._forkserver._stop()  # closes our end and reaps it
    _unused_server = False


def server_pid() -> int | None:
    # The standard library keeps its one fork server here; there is no public accessor.
    return getattr(getattr(forkserver, "_forkserver", None), "_forkserver_pid", None)


def worker_pool(workers: int) -> ProcessPoolExecutor:
    global _unused_server
    _unused_server = False
    return ProcessPoolExecutor(
        max_workers=workers, mp_context=context(), max_tasks_per_child=RENDERS_PER_WORKER
    )
