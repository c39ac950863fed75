"""Parse a template's HTML once, and sweep every element of that tree for what could
carry active content into a PDF.

The tree returned here is the one both writers use: :mod:`htmltree` reads it into
blocks for the DOCX, and :mod:`briefgen.render.pdf` hands the very same tree to
WeasyPrint. The parser is WeasyPrint's own (tinyhtml5, an HTML5 parser), so there
is no second reading of the text that could differ from the one checked: content
the HTML5 rules move (a link inside a ``<table>``, text after ``</html>``) is
checked where it ends up, because that is where it is rendered.

The sweep is an allow-list, element by element and attribute by attribute:

* tags only from the subset (README, "Template HTML"), and only where they belong
  (``li`` in lists, ``td`` in rows, ``img`` only inside ``figure class="chart"``);
  no foreign content (``<svg>``, ``<math>``);
* links only to http, https, mailto or ``#anchor``; no ``rel="attachment"``;
* an image only as the exact chart data URI briefgen drew for this brief.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import tinyhtml5

SAFE_HREF = re.compile(r"^(https?:|mailto:|#)", re.IGNORECASE)

SUBSET = {
    "html", "head", "body", "title", "meta", "style", "link",
    "header", "footer", "main", "section", "article", "div", "aside",
    "h1", "h2", "h3", "h4", "p", "ul", "ol", "li", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "img",
    "strong", "b", "em", "i", "sup", "sub", "span", "a", "cite", "small", "br",
}  # fmt: skip
# Where a tag may stand: its parent must be one of these.
PARENTS = {
    "head": {"html"},
    "body": {"html"},
    "title": {"head"},
    "meta": {"head"},
    "link": {"head"},
    "li": {"ul", "ol"},
    "thead": {"table"},
    "tbody": {"table"},
    "tr": {"table", "thead", "tbody"},
    "th": {"tr"},
    "td": {"tr"},
    "img": {"figure"},
    "figcaption": {"figure"},
}
# Attributes that lay a brief out and nothing more; anything else is refused.
ATTRIBUTES = {"class", "id", "lang", "dir", "title", "style", "role"}
TAG_ATTRIBUTES = {
    "a": {"href", "rel"},
    "link": {"href", "rel", "type", "media"},
    "meta": {"name", "content", "charset"},
    "style": {"type", "media"},
    "img": {"src", "alt"},
    "td": {"colspan"},
    "th": {"colspan", "scope"},
    "li": {"value"},
    "ol": {"start"},
}


def parse_tree(html: str) -> ET.Element:
    """The HTML as WeasyPrint's parser builds it (always ``html`` with ``head`` and ``body``)."""
    return tinyhtml5.parse(html, namespace_html_elements=False)


def sweep(root: ET.Element, charts: frozenset[str]) -> tuple[set[str], list[str]]:
    """Tags outside the subset or out of place (``"img in p"``), and what else is
    refused, one reason each."""
    unsupported: set[str] = set()
    refused: dict[str, None] = {}
    walk(root, None, charts, unsupported, refused)
    return unsupported, list(refused)


def walk(
    element: ET.Element,
    parent: str | None,
    charts: frozenset[str],
    unsupported: set[str],
    refused: dict,
) -> None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment or processing instruction: never rendered
        return
    if tag.startswith("{") or ":" in tag:  # <svg>, <math>: foreign content
        unsupported.add(tag.rpartition("}")[2])
    elif tag not in SUBSET:
        unsupported.add(tag)
    elif tag in PARENTS and parent not in PARENTS[tag]:
        unsupported.add(f"{tag} in {parent}")
    else:
        check_attributes(element, charts, refused)
    for child in element:
        walk(child, tag, charts, unsupported, refused)


def check_attributes(element: ET.Element, charts: frozenset[str], refused: dict) -> None:
    tag = element.tag
    allowed = ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set())
    for name in element.attrib:
        if name not in allowed and not name.startswith(("data-", "aria-")):
            refused[f'<{tag} {clip(name)}="…">: attribute not allowed'] = None
    rel = (element.get("rel") or "").lower().split()
    if "attachment" in rel:
        refused[f'<{tag} rel="attachment">: no attachments in a brief'] = None
    elif tag == "link" and rel != ["stylesheet"]:
        refused[f'<link rel="{" ".join(rel)}">: only stylesheets may be linked'] = None
    href = element.get("href")
    if href is not None and tag == "a" and not SAFE_HREF.match(href.strip()):
        refused[f"link to '{clip(href)}': only http, https, mailto and #anchor links"] = None
    if tag == "img" and element.get("src") not in charts:
        refused["<img> other than a chart briefgen drew for this brief"] = None


def clip(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"
