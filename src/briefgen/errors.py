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


# A message is a line or two; one that quotes a huge input back (an id, a key, a
# template's error) is cut in the middle, its start and end kept.
LONGEST_MESSAGE = 2000


def shortened(message: str) -> str:
    if len(message) <= LONGEST_MESSAGE:
        return message
    keep = LONGEST_MESSAGE // 2
    cut = len(message) - 2 * keep
    return f"{message[:keep]} [... {cut:,} characters not shown ...] {message[-keep:]}"


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
    # Set on the "and N more" line that stands for the problems of a file not shown
    # (see :func:`capped`), so they still count and capping again changes nothing.
    hidden: tuple[Problem, ...] = ()

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = str(self.file)
            if self.line is not None:
                where += f":{self.line}"
                if self.column is not None:
                    where += f":{self.column}"
            where += ": "
        return escaped(f"{where}{self.severity}: {shortened(self.message)}")


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
        self.problems = capped([Problem(p) if isinstance(p, str) else p for p in problems])
        self.summary = summary
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def error_count(self) -> int:
        """Errors in all, the ones not shown included."""
        return sum(p.severity == "error" for p in expanded(self.problems))

    def __reduce__(self):  # keep the problems whole across worker processes
        return (BriefgenError, (self.problems, self.summary))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix, or the empty string."""
    by_lower = {choice.lower(): choice for choice in choices}
    close = get_close_matches(str(word).lower(), sorted(by_lower), n=1, cutoff=0.6)
    return f"; did you mean '{by_lower[close[0]]}'?" if close else ""


# A spec with thousands of mistakes (a pasted file, a wrong indentation) would print
# thousands of lines that hide the first, useful ones; the rest are counted instead.
MAX_PROBLEMS_PER_FILE = 20


def expanded(problems: Iterable[Problem]) -> list[Problem]:
    """Every problem, the ones an "and N more" line stands for included."""
    return [shown for p in problems for shown in (p.hidden or (p,))]


def capped(problems: list[Problem], limit: int = MAX_PROBLEMS_PER_FILE) -> list[Problem]:
    """At most ``limit`` problems per file, in their order, then one line saying how
    many more there are. Linear; capping a capped list again changes nothing."""
    kept: list[Problem] = []
    hidden: dict[str, list[Problem]] = {}
    shown: dict[str, int] = {}
    for problem in expanded(problems):
        key = str(problem.file)
        if shown.get(key, 0) < limit:
            shown[key] = shown.get(key, 0) + 1
            kept.append(problem)
        else:
            hidden.setdefault(key, []).append(problem)
    if not hidden:
        return kept
    result: list[Problem] = []
    last_of = {str(p.file): index for index, p in enumerate(kept)}
    for index, problem in enumerate(kept):
        result.append(problem)
        rest = hidden.get(str(problem.file)) if last_of[str(problem.file)] == index else None
        if rest:
            errors = sum(p.severity == "error" for p in rest)
            result.append(
                Problem(
                    f"and {len(rest)} more problem{'s' if len(rest) != 1 else ''} in this file "
                    f"(only the first {limit} are shown); fix these and run again",
                    problem.file,
                    severity="error" if errors else "warning",
                    hidden=tuple(rest),
                )
            )
    return result
