"""How wide a line of text is when drawn, for charts that must wrap their own labels
(an SVG ``<text>`` never wraps).

Measured with the advance widths of the house font briefgen ships (Noto Sans, the
"Brief Sans" of base/style.css), read once. Where that font cannot be read, an
average width per character stands in: wider than most text, so a label wraps a
little early rather than running over.
"""

from __future__ import annotations

from functools import lru_cache

AVERAGE_EM = 0.6  # of the font size, per character: Noto Sans averages about 0.55


def text_width(text: str, size: float, italic: bool = False) -> float:
    """The width in px of ``text`` set at ``size`` px."""
    metrics = advance_widths(italic)
    if metrics is None:
        return len(text) * size * AVERAGE_EM
    widths, fallback = metrics
    return sum(widths.get(ord(ch), fallback) for ch in text) * size


@lru_cache(maxsize=2)
def advance_widths(italic: bool) -> tuple[dict[int, float], float] | None:
    """Each character's advance as a share of the em, and the widest one (for a character
    the font lacks), or None if the shipped font cannot be read."""
    from briefgen.workspace import builtin_templates_dir

    name = "NotoSans-Italic.ttf" if italic else "NotoSans-Regular.ttf"
    try:
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

        font = TTFont(builtin_templates_dir() / "base" / "fonts" / name, lazy=True)
        per_em = font["head"].unitsPerEm
        advances = font["hmtx"].metrics
        widths = {
            code: advances[glyph][0] / per_em for code, glyph in font.getBestCmap().items()
        }
    except Exception:  # a missing or unreadable font file: measure by the average
        return None
    return widths, max(widths.values(), default=AVERAGE_EM)
