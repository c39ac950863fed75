"""Draw a brief's charts as SVG, from the chart data compose made.

Pure and deterministic: the same chart gives the same SVG bytes. Every text
in the SVG is XML-escaped (it comes from the dataset). The SVG goes into the
HTML as a ``data:`` image, so the PDF embeds it as vector graphics and the
DOCX writer can turn the very same picture into a PNG.
"""

from __future__ import annotations

import base64
from math import ceil
from xml.sax.saxutils import escape, quoteattr

from briefgen.document import Chart
from briefgen.render.textwidth import text_width

WIDTH = 640
FONT = "font-family='Brief Sans, Noto Sans, sans-serif'"
ACCENT = "#1f4e79"
MUTED = "#8a96a3"


def chart_svg(chart: Chart) -> str:
    body, height = (draw_timeline if chart.kind == "timeline" else draw_bars)(chart)
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{WIDTH}' height='{height}' "
        f"viewBox='0 0 {WIDTH} {height}' role='img' aria-label={quoteattr(chart.alt)}>"
        f"<title>{escape(chart.alt)}</title>{body}</svg>"
    )


# How a chart travels in the HTML: the PDF fetcher and the DOCX reader look for this.
SVG_DATA = "data:image/svg+xml;base64,"


def chart_data_uri(chart: Chart) -> str:
    encoded = base64.b64encode(chart_svg(chart).encode("utf-8")).decode("ascii")
    return f"{SVG_DATA}{encoded}"


# The timeline's type: 11 px text on lines 14 px apart, in a drawing 640 px wide that the
# page shows at the width of the text (both formats), so 11 px prints at about 8.5 pt.
TEXT_SIZE = 11
LINE = 14
GAP = 14  # between a label and the dot on the axis
LONGEST_DATE_SHARE = 0.4  # at most this share of the width for the dates, left of the axis


def draw_timeline(chart: Chart) -> tuple[str, int]:
    """Events along a line, dates to its left and names to its right; an undated event
    stands apart, marked as undated. The axis stands just right of the widest date, and a
    label longer than its side of the axis wraps onto more lines: nothing is cut."""
    widest = max((text_width(event.when, TEXT_SIZE) for event in chart.events), default=0)
    axis = ceil(min(widest + GAP + 8, WIDTH * LONGEST_DATE_SHARE))
    rows = [
        (
            wrapped(event.when, axis - GAP - 8, TEXT_SIZE),
            wrapped(event.name, WIDTH - axis - GAP - 4, TEXT_SIZE),
        )
        for event in chart.events
    ]
    heights = [LINE * max(len(when), len(name)) + 12 for when, name in rows]
    height = 8 + sum(heights)
    parts = [f"<line x1='{axis}' y1='10' x2='{axis}' y2='{height - 10}' stroke='{MUTED}'/>"]
    top = 8
    for event, (when, name), row in zip(chart.events, rows, heights, strict=True):
        y = top + 12  # the dot beside the first line of each label
        fill = ACCENT if event.dated else "white"  # an open circle: no date in the source
        style = "normal" if event.dated else "italic"
        parts.append(
            f"<circle cx='{axis}' cy='{y}' r='7' fill='{fill}' stroke='{ACCENT}' stroke-width='2'/>"
            + text_lines(when, axis - GAP, y + 4, f"text-anchor='end' font-style='{style}'")
            + text_lines(name, axis + GAP + 2, y + 4, "")
        )
        top += row
    return "".join(parts), height


def text_lines(lines: list[str], x: int, y: int, attributes: str) -> str:
    """One ``<text>`` per line (SVG does not wrap text itself)."""
    return "".join(
        f"<text x='{x}' y='{y + LINE * n}' font-size='{TEXT_SIZE}' {FONT} {attributes}>"
        f"{escape(line)}</text>"
        for n, line in enumerate(lines)
    )


def wrapped(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width`` px, broken between words (a single word
    wider than that keeps a line of its own, and may run over: it is never cut)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def draw_bars(chart: Chart) -> tuple[str, int]:
    """Horizontal bars, each labelled with its value."""
    row = 34
    height = 20 + row * len(chart.bars)
    largest = max((bar.value for bar in chart.bars), default=1) or 1
    parts = []
    for index, bar in enumerate(chart.bars):
        y = 12 + index * row
        length = max(2, round(300 * bar.value / largest))
        parts.append(
            f"<text x='0' y='{y + 15}' font-size='12' {FONT}>{escape(clip(bar.label, 36))}</text>"
            f"<rect x='240' y='{y}' width='{length}' height='20' fill='{ACCENT}'/>"
            f"<text x='{246 + length}' y='{y + 15}' font-size='12' font-weight='bold' {FONT}>"
            f"{bar.value}</text>"
        )
    return "".join(parts), height


def clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
