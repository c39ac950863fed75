"""Source texts and how locators point into them.

A source file has a header of ``key: value`` lines, then a line ``---``, then
the text as received. Paragraph *N* is the *N*-th block of text after that line,
blocks being separated by blank lines; the headline, subheadings and photo
captions count as blocks, so the numbers match what a reader counts.
"""

from __future__ import annotations

import re
from pathlib import Path

HEADER_END = "\n---\n"
BLANK_LINES = re.compile(r"\n[ \t]*\n")
WHITE_SPACE = re.compile(r"\s+")


def split_blocks(text: str) -> list[str]:
    """Blocks of text separated by blank lines, stripped; empty ones dropped."""
    return [
        block.strip() for block in BLANK_LINES.split(text.replace("\r\n", "\n")) if block.strip()
    ]


def split_paragraphs(text: str) -> list[str]:
    """The numbered paragraphs of a source text (index 0 is paragraph 1)."""
    text = text.replace("\r\n", "\n")
    _, found, body = text.partition(HEADER_END)
    return split_blocks(body if found else text)


def read_paragraphs(path: Path) -> list[str]:
    return split_paragraphs(Path(path).read_text(encoding="utf-8"))


def normalise_space(text: str) -> str:
    """Collapse runs of white space, the only difference a verbatim check forgives."""
    return WHITE_SPACE.sub(" ", text).strip()
