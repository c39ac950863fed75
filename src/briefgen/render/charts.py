"""Draw a brief's charts as SVG, from the chart data compose made.

Pure and deterministic: the same chart gives the same SVG bytes. Every text
in the SVG is XML-escaped (it comes from the dataset). The SVG goes into the
HTML as a ``data:`` image, so the PDF embeds it as vector graphics and the
DOCX writer can turn the very same picture into a PNG.
"""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape, quoteattr

from briefgen.document import Chart

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


def draw_timeline(chart: Chart) -> tuple[str, int]:
    """Events along a line; an undated event stands apart, marked as undated."""
    row = 34
    height = 20 + row * len(chart.events)
    axis = 200
    parts = [f"<line x1='{axis}' y1='10' x2='{axis}' y2='{height - 10}' stroke='{MUTED}'/>"]
    for index, event in enumerate(chart.events):
        y = 26 + index * row
        fill = ACCENT if event.dated else "white"  # an open circle: no date in the source
        style = "normal" if event.dated else "italic"
        parts.append(
            f"<circle cx='{axis}' cy='{y}' r='7' fill='{fill}' stroke='{ACCENT}' stroke-width='2'/>"
            f"<text x='{axis - 14}' y='{y + 4}' text-anchor='end' font-size='11' {FONT} "
            f"font-style='{style}'>{escape(event.when)}</text>"
            f"<text x='{axis + 16}' y='{y + 4}' font-size='11' {FONT}>"
            f"{escape(clip(event.name, 62))}</text>"
        )
    return "".join(parts), height


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
