"""What to tell a user when the system refuses a write: where, why, and what to do.

A full disk, a quota, ``ulimit -f`` or a read-only folder is the user's to fix,
not a bug: each becomes one :class:`~briefgen.errors.Problem` naming the path
(the temporary folder, when the file was one of ours in it) instead of an
``OSError`` traceback. Rendering (:mod:`briefgen.render`), the writer and the
command's entry point all word them here, so every route says the same thing.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from briefgen.errors import Problem

# Refusals a user can do something about; anything else is shown as the system says it.
DISK_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
)


def is_disk_refusal(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in DISK_ERRNOS


SCRATCH_PREFIX = "briefgen-"  # what workers.scratch_root names its folder


def temporary_folders() -> list[Path]:
    """Where our scratch folders may be: $TMPDIR as set, and the folder Python chose.
    (tempfile.gettempdir() tries to write a file in $TMPDIR, and in a full one quietly
    falls back to /tmp: the folder to name is the one the user set.)"""
    folders = [os.environ.get("TMPDIR"), tempfile.gettempdir()]
    return [Path(folder) for folder in folders if folder]


def scratch_parent(path: Path) -> Path | None:
    """The temporary folder ``path`` is in, if it is one of our temporary files, in a
    command's scratch folder (``$TMPDIR/briefgen-*``, see :mod:`briefgen.workers`). An
    output folder may well be under /tmp too: that one the user named, and is told
    about by name."""
    try:
        resolved = Path(path).resolve()
        homes = {folder.resolve() for folder in temporary_folders()}
    except (OSError, ValueError, RuntimeError):
        return None
    for parent in (resolved, *resolved.parents):
        if parent.name.startswith(SCRATCH_PREFIX) and parent.parent in homes:
            return parent.parent
    return None


def file_size_limit() -> str:
    """``ulimit -f`` as a user would read it, e.g. ``200 KiB``."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    except (ImportError, OSError, ValueError):
        return "a limit"
    if soft == resource.RLIM_INFINITY:
        return "unlimited now"
    return f"{soft // 1024} KiB" if soft >= 1024 else f"{soft} bytes"


def explain(exc: OSError, fallback: Path | str | None = None, temporary: bool = False) -> Problem:
    """One located message for ``exc``: the path, the reason, and what to do.

    ``temporary``: the write was one of ours in the scratch folder, whatever the
    exception names (a failed ``write()`` names no file at all).
    """
    filename = exc.filename if isinstance(exc.filename, (str, Path)) else None
    path: Path | str | None = filename or fallback
    home = scratch_parent(Path(filename)) if filename is not None else None
    if temporary or home is not None:
        # The user never named our scratch files: point at the folder they can act on.
        path = home or temporary_folders()[0]
        where = "cannot write a temporary file in this folder (TMPDIR)"
        elsewhere = "or set TMPDIR to a folder with room"
    else:
        where = "cannot write"
        elsewhere = "or write elsewhere (--out DIR)"
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        advice = f"free some space there, {elsewhere}"
    elif code == errno.EFBIG:
        advice = (
            f"the file size limit ('ulimit -f') is {file_size_limit()}; raise it "
            "(ulimit -f unlimited) and build again"
        )
    elif code == errno.EROFS:
        advice = elsewhere.removeprefix("or ")
    elif code in (errno.EACCES, errno.EPERM):
        advice = f"make the folder writable, {elsewhere}"
    else:
        advice = ""
    # The system's own words first (they are what a search finds), then what to do.
    reason = exc.strerror or str(exc)
    return Problem(f"{where}: {reason}; {advice}" if advice else f"{where}: {reason}", path)
