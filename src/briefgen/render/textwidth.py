"""How wide a line of text is when drawn, for charts that must wrap their own labels
(an SVG ``<text>`` never wraps).

Measured with the advance widths of the house font briefgen ships (Noto Sans, the
"Brief Sans" of base/style.css), read once, with room to spare: the DOCX's picture
of a chart is drawn by cairosvg with the system's fonts, and where Noto Sans is not
installed the usual fallback, DejaVu Sans, sets the same text up to 10% wider (and
its oblique as wide as its upright, where Noto's italic is narrower: italic text is
measured upright). Where the house font cannot be read, an average width per
character stands in. Either way a label wraps a little early rather than running
over the edge.
"""

from __future__ import annotations

from functools import lru_cache

AVERAGE_EM = 0.6  # of the font size, per character: Noto Sans averages about 0.55
HOUSE_FONT = "NotoSans-Regular.ttf"
ROOM = 1.1  # for a fallback font wider than Noto Sans (DejaVu Sans: 7-10% wider)


def text_width(text: str, size: float) -> float:
    """The width in px that ``text`` set at ``size`` px may take, upright or italic, in the
    house font or the usual fallback."""
    metrics = advance_widths()
    if metrics is None:
        return len(text) * size * AVERAGE_EM * ROOM
    widths, fallback = metrics
    return sum(widths.get(ord(ch), fallback) for ch in text) * size * ROOM


@lru_cache(maxsize=1)
def advance_widths() -> tuple[dict[int, float], float] | None:
    """Each character's advance as a share of the em, and the widest one (for a character
    the font lacks), or None if the shipped font cannot be read."""
    from briefgen.workspace import builtin_templates_dir

    try:
        from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

        font = TTFont(builtin_templates_dir() / "base" / "fonts" / HOUSE_FONT, lazy=True)
        per_em = font["head"].unitsPerEm
        advances = font["hmtx"].metrics
        widths = {
            code: advances[glyph][0] / per_em for code, glyph in font.getBestCmap().items()
        }
    except Exception:  # a missing or unreadable font file: measure by the average
        return None
    return widths, max(widths.values(), default=AVERAGE_EM)
