"""Words longer than a line: broken where the line ends, and pointed out in the spec.

WeasyPrint breaks lines only where the text allows it; a word with no break
opportunity that is wider than its line runs off the page and is clipped, and
the PDF loses it without a word (Word breaks such a word itself). CSS's
``overflow-wrap: anywhere`` would break it, but WeasyPrint's implementation tries
each prefix in turn: quadratic, 2.1 s for an 8,000-letter word, 10.8 s for 16,000,
minutes for 100,000 (``benchmarks/long_words.py``). Instead every unbroken run longer
than :data:`LONGEST_WORD` gets an invisible break opportunity (U+200B ZERO WIDTH
SPACE) every :data:`BREAK_EVERY` characters, in the one HTML tree both PDF and DOCX
are made from (:func:`break_long_words`): 100,000 letters then lay out in 4.3 s on
60 pages (the same letters in ordinary words: 1.4 s on 30).

A word that long is nearly always a mistake (a pasted hash, a lost space), so the
spec field it is in gets a warning too (:func:`long_words`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

from briefgen.errors import BriefgenError, Problem
from briefgen.yamlsource import MAX_MARKS, KeyPath, YamlDocument, stacked_marks

ZERO_WIDTH_SPACE = "\u200b"
# Where a line may already break: white space, hyphens and dashes, a slash (URLs), a
# soft hyphen, a zero-width space; and anywhere in Chinese and Japanese (CJK
# punctuation, kana, ideographs, full-width forms), which have no spaces between words.
BREAKS = "\\s\\-/\u00ad\u200b\u2010-\u2015\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
# A line of body text holds about 80 characters, a title at 20 pt about 45. A word
# longer than this is broken, and warned about; shorter ones are never touched (a break
# inside a word that fits would split it at a line's end for nothing). The longest
# words of the languages briefs are written in (a German compound, a Kazakh word with
# its suffixes) stay under it.
LONGEST_WORD = 40
TOO_LONG = re.compile(f"[^{BREAKS}]{{{LONGEST_WORD + 1},}}")
# Pieces of a broken word: short enough for a narrow table column.
BREAK_EVERY = 30


def breakable(text: str) -> str:
    """``text`` with a zero-width space every :data:`BREAK_EVERY` characters of every
    run longer than :data:`LONGEST_WORD` with no break of its own; other text
    unchanged. Linear in ``len(text)``."""
    if len(text) <= LONGEST_WORD:
        return text
    return TOO_LONG.sub(_with_breaks, text)


def _with_breaks(match: re.Match) -> str:
    run = match.group()
    return ZERO_WIDTH_SPACE.join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))


def break_long_words(body: ET.Element, template_name: str) -> None:
    """A break opportunity in every word of ``body``'s text too long for a line, which
    WeasyPrint would otherwise clip at the page's edge. Attributes and the head (CSS)
    are left alone. Text a template wrote itself with a huge stack of combining marks
    is refused here, naming the template (specs and the dataset refuse it on loading:
    see yamlsource.MAX_MARKS)."""
    for element in body.iter():
        for text in (element.text, element.tail if element is not body else None):
            if text and (marks := stacked_marks(text)):
                raise BriefgenError(
                    Problem(
                        f"its HTML holds {len(marks):,} combining marks in a row "
                        f"(U+{ord(marks[0]):04X}...), more than any letter takes (at most "
                        f"{MAX_MARKS}); laying them out would not end. Remove them",
                        template_name,
                    )
                )
        if element.text:
            element.text = breakable(element.text)
        if element.tail and element is not body:
            element.tail = breakable(element.tail)


def long_words(doc: YamlDocument) -> list[Problem]:
    """A warning for each text of the spec that holds a word longer than a line."""
    warnings = []
    for key_path, text in strings(doc.data):
        found = TOO_LONG.search(text)
        if found is None:
            continue
        word = found.group()
        warnings.append(
            doc.problem(
                key_path,
                f"a word of {len(word)} characters ('{word[:20]}…') is longer than a line; "
                "it is broken wherever a line ends. Add spaces (or hyphens) where it "
                "should break, or check it is not pasted by mistake",
                severity="warning",
            )
        )
    return warnings


def strings(data: Any) -> Iterator[tuple[KeyPath, str]]:
    """Every text in the data with its key path, in file order (no recursion: the
    loader caps depth, but a walk need not rely on it)."""
    stack: list[tuple[KeyPath, Any]] = [((), data)]
    while stack:
        key_path, value = stack.pop()
        if isinstance(value, str):
            yield key_path, value
        elif isinstance(value, dict):
            stack.extend(((*key_path, k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend(((*key_path, i), v) for i, v in reversed(list(enumerate(value))))
