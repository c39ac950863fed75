"""parse_html: the closed HTML subset the DOCX writer reads."""

from __future__ import annotations

import pytest

from briefgen.errors import BriefgenError
from briefgen.render.htmltree import (
    Cell,
    Heading,
    ListBlock,
    PageBreak,
    Paragraph,
    Quote,
    Run,
    Table,
    parse_html,
)

TEMPLATE = "minister/brief.html.j2"


def parse(body: str, head: str = "", lang: str = "en"):
    html = f'<!DOCTYPE html><html lang="{lang}"><head>{head}</head><body>{body}</body></html>'
    return parse_html(html, TEMPLATE)


def blocks(body: str):
    return parse(body).blocks


def plain(runs: list[Run]) -> str:
    return "".join(run.text for run in runs)


def all_text(document) -> str:
    parts = []
    for block in document.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(plain(block.runs))
        elif isinstance(block, ListBlock):
            parts += [plain(item) for item in block.items]
        elif isinstance(block, Quote):
            parts += [plain(p) for p in block.paragraphs] + [plain(block.attribution)]
        elif isinstance(block, Table):
            parts += [plain(cell.runs) for row in block.rows for cell in row]
    return " ".join(parts)


def test_heading_levels():
    parsed = blocks("<h1>Title</h1><h2>Two</h2><h3>Three</h3><h4>Four</h4>")
    assert [(b.level, plain(b.runs)) for b in parsed] == [
        (0, "Title"),
        (1, "Two"),
        (2, "Three"),
        (3, "Four"),
    ]
    assert all(isinstance(b, Heading) for b in parsed)


def test_document_title_language_and_meta():
    document = parse(
        "<p>x</p>",
        head='<title> The title </title><meta name="author" content="Dept">'
        '<meta name="briefgen:marking" content="OFFICIAL"><meta charset="utf-8">',
        lang="kk",
    )
    assert document.title == "The title"
    assert document.language == "kk"
    assert document.meta == {"author": "Dept", "briefgen:marking": "OFFICIAL"}


def test_paragraph_white_space_collapses_like_html():
    [paragraph] = blocks("<p>\n   Several   words,\n\tover  lines.  </p>")
    assert isinstance(paragraph, Paragraph)
    assert paragraph.role == "body"
    assert plain(paragraph.runs) == "Several words, over lines."


def test_white_space_collapses_across_inline_elements():
    [paragraph] = blocks("<p>  Before <strong> bold </strong> <em>  italic</em>  after </p>")
    assert plain(paragraph.runs) == "Before bold italic after"
    styled = {run.text.strip(): (run.bold, run.italic) for run in paragraph.runs}
    assert styled["bold"] == (True, False)
    assert styled["italic"] == (False, True)
    assert styled["Before"] == (False, False)


def test_inline_styles_links_and_breaks():
    [paragraph] = blocks(
        '<p>H<sub>2</sub>O<sup class="noteref">3</sup> <a href="https://example.org">site</a>'
        "<br>\n  next <b><i>both</i></b> <cite>cited</cite></p>"
    )
    runs = paragraph.runs
    assert plain(runs) == "H2O3 site\nnext both cited"
    by_text = {run.text: run for run in runs}
    assert by_text["2"].subscript and not by_text["2"].superscript
    assert by_text["3"].superscript
    assert by_text["site"].href == "https://example.org"
    assert by_text["\n"].href is None
    assert by_text["both"].bold and by_text["both"].italic
    assert by_text["cited"].italic


def test_loose_inline_text_in_a_container_becomes_a_paragraph():
    parsed = blocks("<div>  loose <strong>text</strong> </div><section><p>para</p></section>")
    assert [plain(b.runs) for b in parsed] == ["loose text", "para"]
    assert all(isinstance(b, Paragraph) for b in parsed)


def test_lists():
    parsed = blocks("<ul><li> one </li><li>two <em>2</em></li></ul><ol><li>first</li></ol>")
    bullet, numbered = parsed
    assert isinstance(bullet, ListBlock) and not bullet.ordered
    assert [plain(item) for item in bullet.items] == ["one", "two 2"]
    assert bullet.role == "body"
    assert numbered.ordered
    assert [plain(item) for item in numbered.items] == ["first"]
    assert numbered.numbers == [1]


def test_endnote_numbers_come_from_li_value():
    [notes] = blocks(
        '<ol class="endnotes"><li value="3">Third source</li>'
        '<li value="7">Seventh source</li><li>unnumbered</li></ol>'
    )
    assert notes.role == "endnotes"
    assert notes.ordered
    assert notes.numbers == [3, 7, 3]  # an item without value counts its position
    assert [plain(item) for item in notes.items] == [
        "Third source",
        "Seventh source",
        "unnumbered",
    ]


def test_blockquote_paragraphs_and_attribution():
    [quote] = blocks(
        '<blockquote class="quote"><p>\u201cFirst  part</p><p>second part\u201d</p>'
        '<footer>Jane Speaker, Head<sup class="noteref">4</sup></footer></blockquote>'
    )
    assert isinstance(quote, Quote)
    assert [plain(p) for p in quote.paragraphs] == ["\u201cFirst part", "second part\u201d"]
    assert plain(quote.attribution) == "Jane Speaker, Head4"
    assert quote.attribution[-1].superscript


def test_table_with_header_rows_and_colspan():
    [table] = blocks(
        '<table class="data facts"><thead><tr><th>Point</th><th>Source</th></tr></thead>'
        "<tbody><tr><td>A fact</td><td>1</td></tr>"
        '<tr><td colspan="2">Spanning <strong>cell</strong></td></tr></tbody></table>'
    )
    assert isinstance(table, Table)
    assert table.role == "data"
    assert table.header_rows == 1
    assert [[(plain(c.runs), c.header, c.colspan) for c in row] for row in table.rows] == [
        [("Point", True, 1), ("Source", True, 1)],
        [("A fact", False, 1), ("1", False, 1)],
        [("Spanning cell", False, 2)],
    ]


def test_title_block_table_role():
    [table] = blocks(
        '<table class="title-block"><tr><th>Reference</th><td>R-1</td></tr>'
        '<tr><th>Subject</th><td colspan="3">S</td></tr></table>'
    )
    assert table.role == "title-block"
    assert table.header_rows == 0
    assert table.rows[1][1] == Cell([Run("S")], header=False, colspan=3)


def test_callout_role_for_its_paragraphs_and_lists():
    parsed = blocks(
        '<aside class="callout"><p>Agree to X.</p><ul><li>Point</li></ul></aside><p>After</p>'
    )
    assert [(type(b).__name__, b.role) for b in parsed] == [
        ("Paragraph", "callout"),
        ("ListBlock", "callout"),
        ("Paragraph", "body"),
    ]
    assert plain(parsed[0].runs) == "Agree to X."


def test_page_break():
    parsed = blocks('<p>a</p><div class="page-break"></div><p>b</p>')
    assert isinstance(parsed[1], PageBreak)
    assert [plain(b.runs) for b in (parsed[0], parsed[2])] == ["a", "b"]


def test_comments_are_skipped_but_their_tail_text_kept():
    [paragraph] = blocks("<p>before <!-- note --> after</p>")
    assert plain(paragraph.runs) == "before after"


@pytest.mark.parametrize(
    "body, tag",
    [
        ('<p>Look: <img src="x.png"></p>', "<img>"),
        ('<form action="/"><p>x</p></form>', "<form>"),
        ("<aside><p>not a callout</p></aside>", "<aside>"),
        ("<ul><li>ok</li><p>not an item</p></ul>", "<p in ul>"),
        ("<blockquote><p>q</p><ul><li>x</li></ul></blockquote>", "<ul in blockquote>"),
        ("<table><caption>c</caption><tr><td>x</td></tr></table>", "<caption>"),
        ("<p>x <iframe></iframe></p>", "<iframe>"),
    ],
)
def test_unsupported_elements_are_an_error_naming_the_template(body, tag):
    with pytest.raises(BriefgenError) as excinfo:
        parse(body)
    [problem] = excinfo.value.problems
    assert problem.file == TEMPLATE
    assert tag in problem.message
    assert str(excinfo.value).startswith(f"{TEMPLATE}: error:")


def test_every_unsupported_element_is_listed_once():
    with pytest.raises(BriefgenError) as excinfo:
        parse("<form></form><p><img src=x></p><p><img src=y></p>")
    message = excinfo.value.problems[0].message
    assert "<form>, <img>" in message
    assert message.count("<img>") == 1


# --- edge cases ---------------------------------------------------------------------


def test_non_breaking_space_is_kept():
    [paragraph] = blocks("<p>10&nbsp;000 troops</p>")
    assert plain(paragraph.runs) == "10\u00a0000 troops"


def test_bare_text_in_blockquote_is_not_silently_dropped():
    document = parse("<blockquote>Bare quoted words<footer>Speaker</footer></blockquote>")
    assert "Bare quoted words" in all_text(document)


def test_content_of_a_page_break_div_is_not_dropped():
    document = parse('<p>Body</p><div class="page-break"><h2>Annex</h2><p>Annex text</p></div>')
    assert "Annex text" in all_text(document)


def test_numbers_that_are_not_ascii_digits_fall_back():
    document = parse('<table><tr><td colspan="²">x</td></tr></table><ol><li value="³">a</li></ol>')
    table, numbered = document.blocks
    assert table.rows[0][0].colspan == 1
    assert numbered.numbers == [1]
