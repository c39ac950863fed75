"""Imported once by the workers' fork server (see :mod:`briefgen.workers`).

Importing WeasyPrint is half of a worker's start-up; the first layout is the
other half (fontconfig reads its configuration, Pango loads the fonts). Both
happen here, once, in the fork server: every worker forked from it starts
with them done, and its first brief renders as fast as its hundredth.
"""

from __future__ import annotations

from briefgen.render.pdf import render_pdf
from briefgen.workspace import builtin_templates_dir

# Every face of the house fonts, in the house stylesheet.
SAMPLE = (
    '<html lang="en"><head><link rel="stylesheet" href="base/style.css"></head>'
    "<body><h1>Warm-up</h1><p>Regular, <b>bold</b>, <i>italic</i>, <b><i>both</i></b>; "
    "Кириллица, Қазақ тілі.</p></body></html>"
)


def warm_up_layout() -> None:
    try:
        render_pdf(SAMPLE, [builtin_templates_dir()], "warm-up")
    except Exception:  # never stop a fork server: a worker warms up on its first brief
        pass


warm_up_layout()
