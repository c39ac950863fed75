"""Dates as a brief prints them, with the precision the data has and no more."""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)  # fmt: skip


def long_date(value: dt.date) -> str:
    """``2026-03-02`` → ``2 March 2026``."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def partial_date(value: str) -> str:
    """``2026`` → ``2026``; ``2025-10`` → ``October 2025``; ``2025-10-07`` → ``7 October 2025``."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return long_date(dt.date(*parts))
