"""The worker processes briefs are rendered in.

Workers are forked from a fork server that has imported WeasyPrint and laid
out a sample page once (:mod:`briefgen.render.preload`, most of a second), so
a new worker is ready at once: the first
ones, and those that replace a worker after :data:`RENDERS_PER_WORKER`
outputs. :func:`warm_up` starts the fork server early, so that its imports run
on the second core while the build loads the dataset and the specs.

What a worker inherits from the fork server it reads, never writes: anything a
process writes (WeasyPrint's copies of ``@font-face`` files, above all) goes in
a folder of its own, :func:`own_folder`, made after the fork. Those folders sit
under one scratch folder per command, which the main process removes: workers
end without clean-up. A worker that dies costs at most its own output, see
:mod:`briefgen.pool`.

A process that is stopping (the portal, on SIGTERM) calls :func:`refuse_new_workers`
and waits until :func:`idle`: from then on no thread of it starts a fork server,
a pool or a worker, so what it kills stays killed and its clean-up at exit
(the scratch folder, multiprocessing's ``pymp-*`` folder with the fork server's
socket) cannot be raced by a build thread starting another.

This module imports nothing heavy: ``briefgen.__main__`` calls :func:`warm_up`
before it imports the command line.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import select
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import forkserver
from pathlib import Path

# A worker renders this many outputs, then a fresh one takes over: memory stays flat
# however long the batch (WeasyPrint's caches grow a little with every render).
RENDERS_PER_WORKER = 100
# WeasyPrint only: the first PDF is what a build waits for; a worker that writes a DOCX
# imports python-docx itself (a tenth of a second, once per worker).
PRELOAD = ["briefgen.render.preload"]
# How the fork server learns, when it starts, where its scratch folder is and which
# template folders to warm up with (it is a fresh interpreter: only the environment and
# the command line reach it, and the preloaded modules take no arguments).
SCRATCH_VARIABLE = "BRIEFGEN_SCRATCH"
WARM_TEMPLATES_VARIABLE = "BRIEFGEN_WARM_TEMPLATES"


def context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


_unused_server = False  # warm_up started the fork server, and no pool has used it yet


# --- Stopping: once refused, no thread starts another process ---------------------------


class WorkersStopped(RuntimeError):
    """Raised in a thread that would start worker processes after the command began to
    stop."""


_gate = threading.Lock()
_stopping = False
_starting = 0  # threads between asking to start processes and being done with them


@contextmanager
def starting_processes() -> Iterator[None]:
    """Hold this while starting processes and using them: a stopping command waits
    for every holder to let go (:func:`idle`), and none may take it after
    :func:`refuse_new_workers`."""
    global _starting
    with _gate:
        if _stopping:
            raise WorkersStopped("the command is stopping; no new worker processes")
        _starting += 1
    try:
        yield
    finally:
        with _gate:
            _starting -= 1


def refuse_new_workers() -> None:
    global _stopping
    with _gate:
        _stopping = True


def idle() -> bool:
    """True when no thread is starting or using worker processes (nor can, once
    :func:`refuse_new_workers` was called)."""
    with _gate:
        return _starting == 0


def warm_up(template_dirs: list[Path] | None = None) -> None:
    """Start the fork server (if it is not running) so its imports overlap our own work.

    ``template_dirs``: the build's template folders, whose house stylesheet the fork
    server lays out a page with, so that every worker starts with the house fonts
    registered (the built-in ones if None). A server already running is kept as it is.
    """
    with starting_processes():
        start_fork_server(template_dirs)


def start_fork_server(template_dirs: list[Path] | None) -> None:
    global _unused_server
    context()
    if server_pid() is not None:
        return
    handed_down = {SCRATCH_VARIABLE: str(scratch_root())}
    if template_dirs:
        handed_down[WARM_TEMPLATES_VARIABLE] = os.pathsep.join(map(str, template_dirs))
    saved = {name: os.environ.get(name) for name in handed_down}
    os.environ.update(handed_down)
    try:  # only the fork server is to see them: put our own environment back at once
        forkserver.ensure_running()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
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


@contextmanager
def worker_pool(workers: int, folder: Path | None = None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``workers`` processes, each with its own folder inside ``folder`` (by
    default the command's scratch folder; :mod:`briefgen.pool` gives each pool one).
    Leaving it waits for the workers to end, dropping calls not yet started (on
    Ctrl-C, say, rather than rendering them all first)."""
    global _unused_server
    with starting_processes():  # held while the pool lives: it replaces its workers
        # The fork server is started here, with our environment, not by chance.
        start_fork_server(None)
        _unused_server = False
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context(),
            max_tasks_per_child=RENDERS_PER_WORKER,
            initializer=start_worker,
            initargs=(str(folder or scratch_root()), os.getpid()),
        )
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)


# --- Scratch folders: what each process may write ------------------------------------

_root: Path | None = None  # the command's scratch folder, made by the main process
_root_owner: int | None = None  # the process that made it, and removes it at exit
_own: tuple[int, Path] | None = None  # (pid, folder) of this process's own folder


def scratch_root() -> Path:
    """The command's scratch folder (made on first use), where every process of the
    command keeps its own folder."""
    global _root, _root_owner
    if _root is None:
        _root, _root_owner = Path(tempfile.mkdtemp(prefix="briefgen-")), os.getpid()
        atexit.register(remove_scratch)  # os._exit skips it: __main__ calls it too
    return _root


def own_folder() -> Path:
    """A folder only this process writes in, made after it was forked: a forked process
    inherits its parent's answer, which is why the process id is checked."""
    global _own
    pid = os.getpid()
    if _own is None or _own[0] != pid:
        # A process forked without start_worker (none of ours is) still gets a folder
        # of its own, inside the scratch folder its parent made and will remove.
        _own = (pid, scratch_root() / str(pid))
        _own[1].mkdir(parents=True, exist_ok=True)
    return _own[1]


def start_worker(folder: str, command: int | None = None) -> None:
    """Run in each worker as it starts, after the fork: its own folder, in ``folder``;
    and an end with the ``command``'s process (the one whose pool this is)."""
    global _own
    _own = (os.getpid(), Path(folder) / str(os.getpid()))
    _own[1].mkdir(parents=True, exist_ok=True)
    if command is not None:
        end_with(command)


def end_with(pid: int) -> None:
    """End this process when process ``pid`` ends. A worker's parent is the fork server,
    not the command; and a command killed outright (SIGKILL, the out-of-memory killer)
    would leave a worker busy rendering, then waiting on a queue it still holds both
    ends of, for ever. A pidfd is readable once its process has ended: no polling."""
    try:
        watched = os.pidfd_open(pid)
    except ProcessLookupError:  # gone already
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd (a kernel before 5.3): as before
        return

    def watch() -> None:
        select.select([watched], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="end-with-command", daemon=True).start()


def start_server() -> None:
    """Run in the fork server as it starts: the scratch folder the main process made is
    handed down in the environment; the server keeps its files in ``server/`` there."""
    global _root, _own
    handed_down = os.environ.pop(SCRATCH_VARIABLE, None)  # not for the workers to see
    if handed_down:
        _root = Path(handed_down)
        _own = (os.getpid(), _root / "server")
        _own[1].mkdir(parents=True, exist_ok=True)


def remove_scratch() -> None:
    """Remove the command's scratch folder, if this process made it. Workers and the fork
    server keep the files they have open (unlinking never truncates)."""
    global _root, _root_owner
    if _root is not None and _root_owner == os.getpid():
        shutil.rmtree(_root, ignore_errors=True)
        _root = _root_owner = None


def clean_up_before_exit() -> None:
    """What the interpreter would do at exit, for ``__main__``, which ends with os._exit:
    remove our scratch folder and multiprocessing's (``pymp-*``, where the fork server's
    socket is)."""
    from multiprocessing import util

    remove_scratch()
    util._exit_function()  # what multiprocessing registers with atexit (no public name)
