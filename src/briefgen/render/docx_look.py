"""An audience's look in Word, read from the same CSS the PDF is laid out with.

The audience's ``style.css`` (after ``base/style.css``) sets ``--accent``, ``--shade``
and ``--rule`` on ``:root`` and the sizes and case of ``h1``/``h2``; restyling an
audience there changes both formats. Only these simple declarations are read (a
value we cannot read keeps the base's); the rest of the CSS is the PDF's own.
A reference .docx, where an audience has one, restyles Word's styles after this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

COLOUR = re.compile(r"#([0-9a-fA-F]{6})\b")
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CALLOUT_STYLE = "Recommendation Box"  # the PDF's aside.callout: a shaded, ruled box


@dataclass(frozen=True)
class Look:
    accent: str = "1F4E79"
    shade: str = "EEF2F6"
    rule: str = "9AA7B4"
    body_pt: float = 9.5
    title_pt: float = 16.0
    heading_pt: float = 11.0
    capitals: bool = False  # defence: h1 and h2 in capitals
    table_pt: float = 8.5
    cover_rule: bool = False  # minister: a rule in the accent under the title block


def read_look(stylesheets: list[Path]) -> Look:
    """The look the stylesheets give, later ones overriding earlier ones."""
    look = Look()
    for path in stylesheets:
        try:
            css = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        except OSError:
            continue  # the PDF writer reports an unreadable stylesheet
        for selectors, body in RULE.findall(css):
            look = apply_rule(look, {s.strip() for s in selectors.split(",")}, body)
    return look


def apply_rule(look: Look, selectors: set[str], body: str) -> Look:
    declarations = dict(
        (name.strip(), value.strip())
        for name, _, value in (d.partition(":") for d in body.split(";"))
        if value
    )
    changes: dict = {}
    if ":root" in selectors:
        for name in ("accent", "shade", "rule"):
            colour = COLOUR.search(declarations.get(f"--{name}", ""))
            if colour:
                changes[name] = colour.group(1).upper()
    size = points(declarations.get("font-size", ""))
    if "html" in selectors and size:
        changes["body_pt"] = size
    if "h1" in selectors:
        if size:
            changes["title_pt"] = size
        if declarations.get("text-transform") == "uppercase":
            changes["capitals"] = True
    if "h2" in selectors and size:
        changes["heading_pt"] = size
    if "header.cover" in selectors and "solid" in declarations.get("border-bottom", ""):
        changes["cover_rule"] = True
    return replace(look, **changes)


def points(value: str) -> float | None:
    found = re.fullmatch(r"(\d+(?:\.\d+)?)pt", value)
    return float(found.group(1)) if found else None


def apply_look(word, look: Look) -> None:
    """Word's Title, Heading and Quote styles, and Normal, in the audience's look."""
    styles = word.styles
    accent = RGBColor.from_string(look.accent)
    styles["Normal"].font.size = Pt(look.body_pt)
    title = styles["Title"]
    title.font.size = Pt(look.title_pt)
    title.font.bold = True
    title.font.color.rgb = accent
    title.font.all_caps = look.capitals
    no_border(title)  # python-docx's Title has a blue rule under it; the PDF's has none
    title.paragraph_format.space_after = Pt(6)
    heading = styles["Heading 1"]
    heading.font.size = Pt(look.heading_pt)
    heading.font.color.rgb = accent
    heading.font.all_caps = look.capitals
    border(heading, "bottom", look.rule, size=5)  # the PDF's rule under each h2
    for name in ("Heading 2", "Heading 3"):
        styles[name].font.color.rgb = RGBColor(0x11, 0x11, 0x11)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
        styles[name].font.italic = False
    quote = styles["Quote"]  # blockquote.quote p: italic, beside a bar in the accent
    quote.font.italic = True
    quote.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
    quote.paragraph_format.left_indent = Pt(18)
    quote.paragraph_format.right_indent = Pt(0)
    quote.paragraph_format.space_before = Pt(4)
    quote.paragraph_format.space_after = Pt(1)
    border(quote, "left", look.accent, size=16, space=6)
    names = {style.name for style in styles}
    if "Quote Attribution" in names:  # the quote's footer, inside the same bar
        attribution = styles["Quote Attribution"]
        attribution.paragraph_format.left_indent = Pt(18)
        attribution.font.color.rgb = RGBColor(0x33, 0x33, 0x33)
        border(attribution, "left", look.accent, size=16, space=6)
    if "Table Grid" in names:
        grid = styles["Table Grid"]  # the PDF's tables: 8.5 pt, cells without paragraph gaps
        grid.font.size = Pt(look.table_pt)
        grid.paragraph_format.space_after = Pt(0)


def add_callout_style(word, look: Look) -> None:
    """The recommendation box, as the PDF's ``aside.callout``: ruled in the accent,
    shaded; Word's "Intense Quote" (blue, bold italic) looked like a draft's."""
    styles = word.styles
    if CALLOUT_STYLE in {style.name for style in styles}:
        return
    box = styles.add_style(CALLOUT_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    box.base_style = styles["Normal"]
    box.paragraph_format.left_indent = box.paragraph_format.right_indent = Mm(2.5)
    box.paragraph_format.space_before = box.paragraph_format.space_after = Pt(5)
    for side in ("top", "left", "bottom", "right"):
        border(box, side, look.accent, size=6, space=4)
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", look.shade)):
        shading.set(qn(f"w:{key}"), value)
    insert_in_paragraph_properties(box, shading)


def no_border(style) -> None:
    properties = style.element.get_or_add_pPr()
    for borders in properties.findall(qn("w:pBdr")):
        properties.remove(borders)


def border(style, side: str, colour: str, size: int, space: int = 1) -> None:
    """A paragraph border (size in eighths of a point, space in points)."""
    properties = style.element.get_or_add_pPr()
    borders = properties.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        insert_in_paragraph_properties(style, borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space))):
        line.set(qn(f"w:{key}"), value)
    line.set(qn("w:color"), colour)
    # CT_PBdr's order is top, left, bottom, right, between, bar
    order = ["top", "left", "bottom", "right"]
    for existing in borders:
        if order.index(existing.tag.rpartition("}")[2]) > order.index(side):
            existing.addprevious(line)
            return
    borders.append(line)


# CT_PPrBase's order: what may follow pBdr and shd in a style's paragraph properties.
AFTER_BORDERS = (
    "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE "
    "autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents "
    "suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId "
    "cnfStyle rPr sectPr pPrChange"
).split()


def insert_in_paragraph_properties(style, element) -> None:
    properties = style.element.get_or_add_pPr()
    name = element.tag.rpartition("}")[2]
    successors = AFTER_BORDERS[AFTER_BORDERS.index(name) + 1 :] if name == "shd" else AFTER_BORDERS
    for child in properties:
        if child.tag.rpartition("}")[2] in successors:
            child.addprevious(element)
            return
    properties.append(element)
