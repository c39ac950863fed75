"""Source texts and how locators point into them.

Paragraph *N* is the *N*-th block of text a reader sees, the headline,
subheadings and photo captions counting as blocks, so the numbers match what a
reader counts. By the file's kind:

- ``.txt``: an optional header of ``key: value`` lines ended by a line ``---``,
  then the text as received; blocks are separated by blank lines.
- ``.md`` (saved Markdown; a ``---`` front matter is skipped): each paragraph,
  heading, list item, quoted paragraph and table cell, as the text it shows
  (link targets, emphasis marks and images left out).
- ``.html``/``.htm`` (a page saved from the web): each innermost block element
  (paragraph, heading, list item, caption, cell…) with its visible text; script,
  style and the page's head are not text a reader sees.
- ``.pdf``: paragraphs are counted on each page (locators give ``page`` and
  ``paragraph``), by the rule in :mod:`briefgen.pdfsource`.

A quote stands in a paragraph when its words are there, white space aside; a
soft hyphen (U+00AD, which is what a hyphen at the end of a PDF's line
becomes) matches a hyphen or nothing, since a reader cannot tell which the
line break hides (:func:`occurs`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
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


SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
PAGED_SUFFIXES = (".pdf",)


@dataclass(frozen=True)
class SourceText:
    """A source's numbered paragraphs: on each page for a paged source (a PDF), else on
    one page that locators do not name."""

    pages: tuple[tuple[str, ...], ...]
    paged: bool = False

    @property
    def paragraphs(self) -> list[str]:
        """Every paragraph, page after page."""
        return [paragraph for page in self.pages for paragraph in page]

    def places(self) -> Iterator[tuple[int | None, int, str]]:
        """(page or None, paragraph number on it, its text), in order."""
        for page_number, page in enumerate(self.pages, start=1):
            for number, paragraph in enumerate(page, start=1):
                yield (page_number if self.paged else None), number, paragraph

    def on_page(self, page: int | None) -> tuple[str, ...]:
        """The paragraphs a locator counts: those of ``page`` (1-based) when paged."""
        if not self.paged:
            return self.pages[0] if self.pages else ()
        return self.pages[page - 1] if page is not None and 1 <= page <= len(self.pages) else ()


def read_source(path: Path) -> SourceText:
    """A source file's numbered paragraphs, by its kind. Raises OSError,
    UnicodeDecodeError, or :class:`~briefgen.pdfsource.SourceUnreadable` (with why)."""
    path = Path(path)
    if path.suffix.lower() in PAGED_SUFFIXES:
        from briefgen.pdfsource import pdf_pages

        return SourceText(pdf_pages(path), paged=True)
    return SourceText((tuple(read_paragraphs(path)),))


def read_paragraphs(path: Path) -> list[str]:
    """The numbered paragraphs of a text source file (index 0 is paragraph 1), by its
    kind; every page's, one after another, for a PDF."""
    path = Path(path)
    if path.suffix.lower() in PAGED_SUFFIXES:
        return read_source(path).paragraphs
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix == ".md":
        return markdown_paragraphs(text)
    if suffix in (".html", ".htm"):
        return html_paragraphs(text)
    return split_paragraphs(text)


def markdown_paragraphs(text: str) -> list[str]:
    from markdown_it import MarkdownIt

    text = text.replace("\r\n", "\n")
    if text.startswith("---\n"):  # front matter, as static sites and web clippers save it
        _, found, rest = text[4:].partition("\n---\n")
        text = rest if found else text
    paragraphs = []
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.type != "inline":
            continue
        shown = "".join(
            child.content if child.type in ("text", "code_inline") else " "
            for child in token.children or ()
            if child.type in ("text", "code_inline", "softbreak", "hardbreak")
        )
        if shown.strip():
            paragraphs.append(normalise_space(shown))
    return paragraphs


# Elements whose text is one paragraph when they hold no other such element.
HTML_BLOCKS = frozenset(
    "p h1 h2 h3 h4 h5 h6 li dt dd blockquote figcaption caption td th pre address div "
    "section article main header footer aside nav form fieldset legend summary details "
    "table tr tbody thead tfoot ul ol dl figure body".split()
)
HTML_UNSEEN = frozenset("head script style template noscript title".split())


def html_paragraphs(text: str) -> list[str]:
    import tinyhtml5

    root = tinyhtml5.parse(text, namespace_html_elements=False)
    paragraphs: list[str] = []
    collect_blocks(root, paragraphs)
    return paragraphs


def collect_blocks(element, paragraphs: list[str]) -> None:
    """Innermost blocks' text, in document order; loose text beside inner blocks counts as
    a paragraph of its own."""
    if element.tag in HTML_UNSEEN:
        return
    if not any(child.tag in HTML_BLOCKS for child in element.iter() if child is not element):
        shown = normalise_space(visible_text(element))
        if shown:
            paragraphs.append(shown)
        return
    loose = [element.text or ""]
    for child in element:
        if child.tag in HTML_BLOCKS or any(c.tag in HTML_BLOCKS for c in child.iter()):
            if normalise_space("".join(loose)):
                paragraphs.append(normalise_space("".join(loose)))
            loose = []
            collect_blocks(child, paragraphs)
        elif child.tag not in HTML_UNSEEN:
            loose.append(visible_text(child))
        loose.append(child.tail or "")
    if normalise_space("".join(loose)):
        paragraphs.append(normalise_space("".join(loose)))


def visible_text(element) -> str:
    if element.tag in HTML_UNSEEN:
        return ""
    parts = [element.text or ""]
    for child in element:
        parts.append(visible_text(child))
        parts.append(child.tail or "")
    return " " if element.tag == "br" else "".join(parts)


def normalise_space(text: str) -> str:
    """Collapse runs of white space, the only difference a verbatim check forgives."""
    return WHITE_SPACE.sub(" ", text).strip()


SOFT_HYPHEN = "\u00ad"


def occurs(words: str, paragraph: str, fold: bool = False) -> bool:
    """Whether ``words`` stand in ``paragraph``, white space aside (and case, with
    ``fold``); a soft hyphen in the paragraph matches a hyphen or nothing."""
    return where_in(words, paragraph, fold) is not None


def where_in(words: str, paragraph: str, fold: bool = False) -> tuple[int, int] | None:
    """Where ``words`` stand in the white-space-normalised ``paragraph``, as the span
    (start, end) there; None if they do not."""
    words, paragraph = normalise_space(words), normalise_space(paragraph)
    if fold:
        words, paragraph = words.casefold(), paragraph.casefold()
    if SOFT_HYPHEN not in paragraph:  # the usual case, and the fast one
        start = paragraph.find(words)
        return None if start < 0 else (start, start + len(words))
    pattern = "".join(
        f"[-{SOFT_HYPHEN}]" if letter == "-" else re.escape(letter) + f"{SOFT_HYPHEN}?"
        for letter in words
    )
    found = re.search(pattern, paragraph)
    return found.span() if found else None


def shown(paragraph: str) -> str:
    """A paragraph as a curator reads it in a listing: a soft hyphen shown as ``-``, and
    control characters escaped (a source, a PDF above all, comes from outside: an escape
    sequence in its text must not reach the terminal)."""
    from briefgen.errors import escaped

    return escaped(paragraph.replace(SOFT_HYPHEN, "-"))
