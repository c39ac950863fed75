"""Only regular files are inputs.

A template folder is copied by hand, so it may hold anything: a FIFO (reading it
waits forever, and the portal's queue with it), a link to ``/dev/zero`` (reading
it never ends) or to a device. Every template input (hashing, stamping, CSS and
fonts WeasyPrint fetches, ``reference.docx``, ``audience.yaml``) is opened here:
without blocking, checked on the open descriptor (so a file swapped after a check
is still caught), and read up to a cap.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

MAX_INPUT_BYTES = 64 * 1024 * 1024  # a font is a few MB; nothing in a template is near this
CHUNK = 1024 * 1024


class NotAnInput(OSError):
    """Not a regular file, or larger than allowed: never read."""


def is_regular(path: Path | str) -> bool:
    """A regular file (a symlink counts for what it leads to); never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: Path | str, max_bytes: int = MAX_INPUT_BYTES) -> int:
    """A descriptor on ``path`` if it is a regular file of at most ``max_bytes``."""
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    descriptor = os.open(path, flags)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotAnInput(f"{path} is not a regular file (a FIFO, device or folder)")
        if info.st_size > max_bytes:
            raise NotAnInput(f"{path} is larger than {max_bytes // (1024 * 1024)} MB")
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def read_regular(path: Path | str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The file's bytes; :class:`NotAnInput` (an OSError) for anything but a regular file
    of at most ``max_bytes`` (checked again while reading: a file may grow)."""
    with os.fdopen(open_regular(path, max_bytes), "rb") as stream:
        # Asking for the size the file has, not the cap: read() sets aside what it is asked.
        size = os.fstat(stream.fileno()).st_size
        data = stream.read(min(size, max_bytes) + 1)
        if size < len(data) <= max_bytes:  # it grew while read: on, up to the cap
            data += stream.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise NotAnInput(f"{path} is larger than {max_bytes // (1024 * 1024)} MB")
    return data


def read_regular_file(path: Path | str, max_bytes: int = MAX_INPUT_BYTES) -> bytes | None:
    """:func:`read_regular`, or None for anything that cannot or may not be read."""
    try:
        return read_regular(path, max_bytes)
    except (OSError, ValueError):
        return None


def regular_chunks(path: Path | str) -> Iterator[bytes]:
    """A regular file's bytes in chunks, for hashing (no size cap: nothing is kept)."""
    with os.fdopen(open_regular(path, max_bytes=2**62), "rb") as stream:
        while chunk := stream.read(CHUNK):
            yield chunk
