"""The paragraphs a PDF was read as, kept on disk by the file's content.

Reading a PDF's text takes tens of milliseconds a page, so a dataset of a few
dozen long reports would take minutes at every ``data check``, ``validate`` and
build. What was read is kept under the user's cache folder (``$BRIEFGEN_PDF_CACHE``,
else ``$XDG_CACHE_HOME/briefgen/pdf-text``, else ``~/.cache/briefgen/pdf-text``),
named by the SHA-256 of the PDF's bytes and of the code that reads it
(:func:`briefgen.pdfsource.reader_version`: its own code and pypdf's version):
a changed file or a changed rule is read afresh, and a cache deleted costs one
reading. Entries are JSON (never pickled), capped in size and checked for shape
before use; anything else is ignored. The cache is outside the dataset, so it
is never committed with it. It holds the sources' text, so its folder and files
are the user's alone (0700, 0600). Writing it is best effort: a read-only home
still works, only slower.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from briefgen.inputfiles import read_regular_file

MAX_ENTRY_BYTES = 64 * 1024 * 1024

Pages = tuple[tuple[str, ...], ...]


def folder() -> Path:
    chosen = os.environ.get("BRIEFGEN_PDF_CACHE")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefgen" / "pdf-text"


def entry(digest: str, reader: str) -> Path:
    return folder() / f"{digest}-{reader}.json"


def recall(digest: str, reader: str) -> Pages | None:
    """The pages kept for a PDF of this content read by this ``reader`` (a hash of the
    code that reads), or None."""
    data = read_regular_file(entry(digest, reader), MAX_ENTRY_BYTES)
    if data is None:
        return None
    try:
        pages = json.loads(data)
    except ValueError:
        return None
    if not isinstance(pages, list) or not all(
        isinstance(page, list) and all(isinstance(p, str) for p in page) for page in pages
    ):
        return None
    return tuple(tuple(page) for page in pages)


def keep(digest: str, reader: str, pages: Pages) -> None:
    """Keep what was read, readable by this user only: a source's text may be marked,
    and whoever could write here could make a quote pass that its PDF does not hold.
    Entries an older reader wrote are removed on the way (never read again)."""
    target = entry(digest, reader)
    staged = None
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkstemp: a new file of our own (0600, never through a link someone left there).
        handle, name = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".part")
        staged = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(pages, file, ensure_ascii=False)
        os.replace(staged, target)  # whole or not at all, for a reader at the same time
        for old in target.parent.glob("*.json"):
            if not old.name.endswith(f"-{reader}.json"):
                old.unlink(missing_ok=True)
    except OSError:
        if staged is not None:
            staged.unlink(missing_ok=True)
