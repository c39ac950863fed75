"""A check on a rendered PDF: a last page that holds only a few lines.

Officials notice a second page that carries nothing but the contact officer and
the sources: it looks unfinished, and a few lines cut would have saved a page.
Only the laid-out PDF can tell, so the check reads it (with PDFium, which the
portal's previews use already): the lines of text on the last page, leaving out
what every page repeats (the marking, "Page X of Y", a DRAFT watermark).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from briefgen.errors import Problem

# A last page with fewer lines than this is "a few lines over": about a fifth of a page
# of body text (a page holds some 55 lines at the house's 9.5 pt).
FEWEST_LINES = 10
# No line of a brief is this tall (a title is 16 pt): a run this tall is a watermark drawn
# across the page, at an angle.
TALLEST_LINE_PT = 40


@dataclass(frozen=True)
class LastPage:
    number: int  # 1-based
    lines: int  # lines of text on it, what every page repeats left out
    first_line: str  # where it starts, to say what spilled over


def last_page(pdf: bytes) -> LastPage | None:
    """What the last page of a PDF of two or more pages holds; None for one page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        if len(document) < 2:
            return None
        # What stands at the same height with the same words on page 1 is the page's
        # furniture (marking, page number), not content.
        running = {(round(run[1]), same_on_each_page(run[3])) for run in rows(document[0])}
        own = [
            run
            for run in rows(document[len(document) - 1])
            if (round(run[1]), same_on_each_page(run[3])) not in running
        ]
        lines = text_lines(own)
        return LastPage(len(document), len(lines), lines[0] if lines else "")
    finally:
        document.close()


def rows(page: Any) -> list[tuple[float, float, float, str]]:
    """(left, top, bottom, text) of each run of text PDFium finds on the page; not a
    watermark's."""
    text_page = page.get_textpage()
    found = []
    for index in range(text_page.count_rects()):
        left, bottom, right, top = text_page.get_rect(index)
        if top - bottom < TALLEST_LINE_PT:
            found.append((left, top, bottom, text_page.get_text_bounded(left, bottom, right, top)))
    return found


def same_on_each_page(text: str) -> str:
    """A running text as every page has it: "Page 2 of 2" and "Page 1 of 2" alike."""
    return re.sub(r"\d+", "#", " ".join(text.split()))


def text_lines(runs: list[tuple[float, float, float, str]]) -> list[str]:
    """The page's lines, top first: runs whose heights overlap by half the smaller one
    share a line (a list number and its text, a superscript), read left to right."""
    lines: list[list[Any]] = []  # [top, bottom, runs]
    for run in sorted(runs, key=lambda run: -run[1]):
        _, top, bottom, _ = run
        line = lines[-1] if lines else None
        if line and min(top, line[0]) - max(bottom, line[1]) >= min(
            top - bottom, line[0] - line[1]
        ) / 2:
            line[0], line[1] = max(top, line[0]), min(bottom, line[1])
            line[2].append(run)
        else:
            lines.append([top, bottom, [run]])
    return [" ".join(" ".join(run[3].split()) for run in sorted(line[2])) for line in lines]


def near_empty_last_page(item: Any, output_id: str, pdf: bytes) -> list[Problem]:
    """A warning when a brief runs a few lines onto a page of their own."""
    found = last_page(pdf)
    if found is None or found.lines >= FEWEST_LINES:
        return []
    lines = f"{found.lines} line{'s' if found.lines != 1 else ''}"
    start = found.first_line[:40] + ("..." if len(found.first_line) > 40 else "")
    return [
        item.doc.problem(
            (),  # the brief as a whole
            f"brief '{output_id}' is {lines} over {found.number - 1} "
            f"page{'s' if found.number > 2 else ''}: page {found.number} holds only "
            f"{'that line' if found.lines == 1 else 'those lines'}"
            f", from '{start}' on; shorten the brief by about {lines} to end "
            f"on page {found.number - 1}",
            severity="warning",
        )
    ]
