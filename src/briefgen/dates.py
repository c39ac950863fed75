"""Dates as a brief prints them: in its language, with the precision the data has."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_skeleton

# English briefs write "7 October 2025" (Babel's English default is American);
# other languages use Babel's own long format ("7 октября 2025 г.", "2025 ж. 7 қазан").
DAY_PATTERN = {"en": "d MMMM y"}
MONTH_PATTERN = {"en": "MMMM y"}


def long_date(value: dt.date, language: str = "en") -> str:
    """``2026-03-02`` → ``2 March 2026`` (in English)."""
    return format_date(value, DAY_PATTERN.get(language, "long"), locale=language)


def partial_date(value: str, language: str = "en") -> str:
    """``2026`` → ``2026``; ``2025-10`` → ``October 2025``; ``2025-10-07`` → ``7 October 2025``."""
    parts = [int(part) for part in value.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    if len(parts) == 2:
        month = dt.date(parts[0], parts[1], 1)
        if language in MONTH_PATTERN:
            return format_date(month, MONTH_PATTERN[language], locale=language)
        return format_skeleton("yMMMM", month, locale=language)
    return long_date(dt.date(*parts), language)
