"""How a message names a place in a YAML file.

A key path is kept as a tuple (``('sections', 1, 'points', 0)``) and shown as
``sections[1].points[0]``, which lets a programmer find the field. Desk officers
count sections from 1 and know them by their headings, so a place in a spec's
sections is shown as both: ``section 2 "Key points" (sections[1].points[0])``.
Every message about a spec's field (the loader's, validation's, the checks', the
releasable edition's report) names its place through :func:`place` or
:func:`section_name`, so they all read alike.
"""

from __future__ import annotations

from typing import Any

KeyPath = tuple[str | int, ...]


def place(data: Any, key_path: KeyPath) -> str:
    """Where in the file a message is about. In a spec's sections, the section as its
    author knows it (counted from 1, with its heading), then the key path a programmer
    looks for: ``section 2 "Key points" (sections[1].points[0])``."""
    path = format_key_path(key_path)
    if len(key_path) < 2 or key_path[0] != "sections" or not isinstance(key_path[1], int):
        return path
    sections = data.get("sections") if isinstance(data, dict) else None
    index, heading = key_path[1], None
    if isinstance(sections, list) and index < len(sections) and isinstance(sections[index], dict):
        heading = sections[index].get("heading")
    return f"{section_name(index, heading)} ({path})"


def section_name(index: int, heading: Any) -> str:
    """``section 2 "Key points"``: the section at ``index`` (from 0, as the spec's list
    holds it) as people count and name it; just ``section 2`` without a heading."""
    name = f"section {index + 1}"
    if isinstance(heading, str) and heading.strip():
        name += f' "{printable(clipped(" ".join(heading.split()), 50))}"'
    return name


def format_key_path(key_path: KeyPath) -> str:
    """``('sections', 2, 'select')`` → ``sections[2].select``, the key path alone (see
    :func:`place` for how messages show it)."""
    text = ""
    for part in key_path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + printable(clipped(str(part)))
    return text


def clipped(key: str, longest: int = 60) -> str:
    """A key as a message shows it: a very long one (a quoted or explicit key may be
    any length) cut, with its length, so a message stays a line."""
    if len(key) <= longest:
        return key
    return f"{key[: longest - 3]}...({len(key):,} characters)"


def printable(text: str) -> str:
    """Text as a message may show it: control characters escaped, never sent to a terminal."""
    if text.isprintable():
        return text
    return text.encode("unicode_escape", "backslashreplace").decode("ascii")
