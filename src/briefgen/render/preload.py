"""Imported once by the workers' fork server (see :mod:`briefgen.workers`).

Importing WeasyPrint is half of a worker's start-up; the first layout is the
other half (fontconfig reads its configuration, Pango loads the fonts). Both
happen here, once, in the fork server: every worker forked from it starts
with them done, and its first brief renders as fast as its hundredth.

The page is laid out with the house stylesheet of the build's own template
folders (handed down by :func:`briefgen.workers.warm_up`), found as the
templates' ``asset()`` finds it, so that its ``@font-face`` rules are the very
ones the briefs will use: every worker then starts with those fonts registered
and copies none. Fonts only some audiences use are left to the workers that
need them, each in its own folder.
"""

from __future__ import annotations

import os
from pathlib import Path

from briefgen.render.pdf import render_pdf
from briefgen.timelimit import TimeLimitExceeded, time_limit
from briefgen.workers import WARM_TEMPLATES_VARIABLE, start_server
from briefgen.workspace import builtin_templates_dir

HOUSE_STYLESHEET = "base/style.css"
# The house stylesheet comes from a workspace: a slow one must not hold up every worker.
SECONDS = 5.0

# Every face of the house fonts.
SAMPLE = (
    '<html lang="en"><head><link rel="stylesheet" href="{stylesheet}"></head>'
    "<body><h1>Warm-up</h1><p>Regular, <b>bold</b>, <i>italic</i>, <b><i>both</i></b>; "
    "Кириллица, Қазақ тілі.</p></body></html>"
)


def warm_up_dirs() -> list[Path]:
    handed_down = os.environ.pop(WARM_TEMPLATES_VARIABLE, "")  # not for the workers to see
    return [Path(part) for part in handed_down.split(os.pathsep) if part] or [
        builtin_templates_dir().resolve()
    ]


def warm_up_layout(dirs: list[Path]) -> None:
    found = [(d / HOUSE_STYLESHEET).resolve() for d in dirs if (d / HOUSE_STYLESHEET).is_file()]
    if not found:
        return
    try:
        with time_limit(SECONDS):
            render_pdf(SAMPLE.format(stylesheet=found[0].as_uri()), dirs, "warm-up")
    except (Exception, TimeLimitExceeded):  # never stop a fork server: workers warm up alone
        pass


start_server()
warm_up_layout(warm_up_dirs())
