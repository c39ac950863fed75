"""A quicker way for WeasyPrint to find its C libraries.

WeasyPrint tries several spellings of each library it loads (Linux, macOS and
Windows names). For each spelling that does not load at once, cffi asks
:func:`ctypes.util.find_library`, which on Linux runs ``ldconfig``, then gcc,
then ld: some 20 ms per spelling, and 0.3 s of the 0.8 s WeasyPrint takes to
import here (an optional library the system lacks costs six tries). While
WeasyPrint imports, :func:`quick_library_lookup` answers from the linker cache,
read once; a name it does not hold falls through to the usual search only where
``LD_LIBRARY_PATH`` may hold it. If anything fails, WeasyPrint is imported
again the usual way.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


def linker_cache() -> list[str]:
    """The library names (sonames) ``ldconfig -p`` lists; empty if it cannot be run."""
    ldconfig = shutil.which("ldconfig") or shutil.which("ldconfig", path="/sbin:/usr/sbin")
    if ldconfig is None:
        return []
    try:
        listing = subprocess.run(
            [ldconfig, "-p"], capture_output=True, text=True, timeout=10, check=True,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        ).stdout  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.split()[0] for line in listing.splitlines()[1:] if line.startswith("\t")]


@contextmanager
def quick_library_lookup() -> Iterator[None]:
    if os.name != "posix" or os.uname().sysname != "Linux":
        yield  # elsewhere find_library does not run compilers
        return
    sonames = linker_cache()
    usual = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        for soname in sonames:
            if soname.startswith(f"lib{name}."):
                return soname
        return usual(name) if os.environ.get("LD_LIBRARY_PATH") or not sonames else None

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = usual
