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


SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm")


def read_paragraphs(path: Path) -> list[str]:
    """The numbered paragraphs of a source file (index 0 is paragraph 1), by its kind."""
    path = Path(path)
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
