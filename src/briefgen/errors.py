"""One exception family for everything a user can fix.

A :class:`Problem` is one located message (``file:line:col: error: message``).
A :class:`BriefgenError` carries one or more problems; the command line prints
them and exits 1 without a traceback. Anything else that escapes is a bug.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path

# What a message must never send to a terminal raw: control characters (an escape
# sequence from a template's name or error could rewrite the screen) and bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escaped(text: str) -> str:
    """``text`` with every unsafe character shown as ``\\x1b``, ``\\u202e``…"""
    return UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class Problem:
    message: str
    file: Path | str | None = None
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return escaped(f"{where}{self.severity}: {self.message}")


@dataclass
class BriefgenError(Exception):
    """A user error: bad spec, bad data, bad template, unwritable path."""

    problems: list[Problem] = field(default_factory=list)
    summary: str | None = None  # said after the count of errors, e.g. "nothing was written"

    def __init__(
        self, problems: list[Problem | str] | Problem | str, summary: str | None = None
    ) -> None:
        if isinstance(problems, (str, Problem)):
            problems = [problems]
        self.problems = [Problem(p) if isinstance(p, str) else p for p in problems]
        self.summary = summary
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self):  # keep the problems whole across worker processes
        return (BriefgenError, (self.problems, self.summary))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix, or the empty string."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = get_close_matches(str(word).lower(), sorted(by_lower), n=1, cutoff=0.6)
    return f"; did you mean '{by_lower[close[0]]}'?" if close else ""
