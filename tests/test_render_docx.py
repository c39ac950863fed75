"""HTML → DOCX: Word styles, title block, header and footer, properties, reproducible bytes."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from briefgen import document as doc
from briefgen.errors import BriefgenError
from briefgen.render import render_brief
from briefgen.render.docx import render_docx
from briefgen.render.htmltree import parse_html
from briefgen.workspace import builtin_templates_dir
from conftest import sample_brief

BUILTIN = builtin_templates_dir()
EPOCH = 1_700_000_000  # 2023-11-14 22:13:20 UTC; even, as ZIP times have 2-second steps


def docx_bytes(brief: doc.Brief | None = None) -> bytes:
    output = render_brief(brief or sample_brief(), ["docx"], [BUILTIN])["docx"]
    assert output.pages is None
    return output.data


def open_docx(data: bytes):
    return docx.Document(io.BytesIO(data))


def styled(word) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in word.paragraphs]


def texts(word, style: str) -> list[str]:
    return [p.text for p in word.paragraphs if p.style.name == style]


@pytest.fixture(scope="module")
def sample_docx():
    return open_docx(docx_bytes())


def test_paragraph_styles(sample_docx):
    paragraphs = styled(sample_docx)
    assert paragraphs[0] == ("Title", "Sample brief title")
    assert texts(sample_docx, "Title") == ["Sample brief title"]
    assert texts(sample_docx, "Heading 1") == [
        "Purpose",
        "Recommendation",
        "Key points",
        "Voices",
        "Questions",
        "Decision",  # the minister audience's decision block, as there is a recommendation
        "Contact officer",
        "Sources",
    ]
    # the minister numbers its paragraphs (audience.yaml), so points are paragraphs
    assert texts(sample_docx, "Normal")[1:3] == ["3.\tOur own point.", "4.\tA fact in our words."]
    assert texts(sample_docx, "Quote") == ["\u201cQuoted words, exactly as said\u201d"]
    assert texts(sample_docx, "Quote Attribution") == ["Jane Speaker, Head of Something"]
    assert texts(sample_docx, "Recommendation Box") == ["2.\tAgree to X."]
    assert texts(sample_docx, "Source Note") == []  # the sources are Word endnotes
    assert ("Normal", "1.\tWhy this brief exists.") in paragraphs
    assert ("Normal", "Q: Is it new?") in paragraphs


def test_order_follows_the_template(sample_docx):
    headings = [text for style, text in styled(sample_docx) if style.startswith("Heading")]
    everything = [text for _, text in styled(sample_docx)]
    assert everything.index("2.\tAgree to X.") > everything.index("Recommendation")
    assert everything.index("\u201cQuoted words, exactly as said\u201d") > everything.index(
        "Voices"
    )
    assert headings[-1] == "Sources"


def test_note_references_are_word_endnotes_and_q_a_labels_bold(sample_docx):
    [fact] = [p for p in sample_docx.paragraphs if p.text == "4.\tA fact in our words."]
    [reference] = fact._p.iter(qn("w:endnoteReference"))
    assert reference.get(qn("w:id")) == "1"  # Word numbers it, decimally (settings)
    assert reference.getparent().style == "EndnoteReference"  # superscript
    [question] = [p for p in sample_docx.paragraphs if p.text == "Q: Is it new?"]
    assert question.runs[0].text == "Q:" and question.runs[0].bold


def test_title_block_table(sample_docx):
    table, decision = sample_docx.tables
    assert table.style.name == decision.style.name == "Table Grid"
    assert [cell.text for cell in decision.rows[0].cells] == [
        "Agreed", "Not agreed", "Noted", "Please discuss"
    ]  # fmt: skip
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Reference", "REF-42", "Date", "2 March 2026"]
    assert rows[1] == ["For", "The Minister", "From", "Test Department"]
    assert rows[2][:2] == ["Subject", "Sample subject"]
    assert rows[3][:2] == ["Critical date", "Routine"]
    # colspan="3": one merged cell across three grid columns
    assert table.cell(2, 1)._tc is table.cell(2, 3)._tc
    assert table.cell(0, 1)._tc is not table.cell(0, 3)._tc
    # th cells are bold and shaded like the PDF's; td cells are neither
    assert table.cell(0, 0).paragraphs[0].runs[0].bold
    assert not table.cell(0, 1).paragraphs[0].runs[0].bold

    def fill(cell):
        shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
        return None if shading is None else shading.get(qn("w:fill"))

    assert [fill(table.cell(0, column)) for column in range(4)] == ["EEF2F6", None] * 2


def test_data_table_style():
    fact = doc.FactEntry(id="f", kind="facts", citation=doc.Citation("S, paragraph 1"), text="F")
    brief = sample_brief(
        audience="defence",
        sections=(doc.Section(heading="Key points", kind="key-points", facts=(fact,)),),
    )
    word = open_docx(docx_bytes(brief))
    styles = [table.style.name for table in word.tables]
    assert styles == ["Table Grid", "Table Grid"]  # coloured by the audience's CSS
    data = word.tables[1]
    assert [cell.text for cell in data.rows[0].cells] == ["Point", "Source"]
    header = data.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header is not None  # repeats on each page


def test_header_and_footer_hold_the_marking(sample_docx):
    [section] = sample_docx.sections
    assert [p.text for p in section.header.paragraphs] == ["OFFICIAL-SENSITIVE"]
    footer = [p.text for p in section.footer.paragraphs]
    # one line, as in the PDF: the marking centred, the page at the right margin
    # (field results until Word updates them)
    assert footer == ["\tOFFICIAL-SENSITIVE\tPage 1 of 1"]
    assert not section.header.is_linked_to_previous


def test_footer_has_page_and_numpages_fields(sample_docx):
    footer = sample_docx.sections[0].footer._element
    instructions = [node.text.strip() for node in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    kinds = [node.get(qn("w:fldCharType")) for node in footer.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2


def test_a4_page(sample_docx):
    section = sample_docx.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297


def test_core_properties(sample_docx):
    properties = sample_docx.core_properties
    assert properties.title == "Sample brief title"
    assert properties.subject == "Sample subject"
    assert properties.author == "Test Department"
    assert properties.keywords == "compliance, training"
    midnight = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert properties.created == midnight
    assert properties.modified == midnight
    assert properties.last_modified_by == "Test Department"
    assert properties.language == "en"
    assert properties.revision == 1


def test_no_python_docx_defaults_left_in_core_properties():
    package = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    core = package.read("docProps/core.xml").decode("utf-8")
    assert "python-docx" not in core
    assert "<dc:title>Sample brief title</dc:title>" in core


def test_language_follows_the_brief():
    word = open_docx(docx_bytes(sample_brief(language="kk")))
    assert word.core_properties.language == "kk"


def test_same_inputs_give_identical_bytes(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = docx_bytes()
    second = docx_bytes()
    assert first == second
    assert docx_bytes(sample_brief(title="Another title")) != first


def test_zip_times_are_the_brief_date_by_default(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    package = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    assert {info.date_time for info in package.infolist()} == {(2026, 3, 2, 0, 0, 0)}


def test_source_date_epoch_sets_zip_times(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    data = docx_bytes()
    package = zipfile.ZipFile(io.BytesIO(data))
    expected = time.gmtime(EPOCH)[:6]
    assert expected == (2023, 11, 14, 22, 13, 20)
    assert {info.date_time for info in package.infolist()} == {expected}
    assert package.testzip() is None
    # the document's own dates still come from the brief
    assert open_docx(data).core_properties.created == dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert data == docx_bytes()


RENDER_IN_CHILD = """
import hashlib, sys
sys.path.insert(0, sys.argv[1])
from conftest import sample_brief
from briefgen.render import render_brief
from briefgen.workspace import builtin_templates_dir
outputs = render_brief(sample_brief(), ["docx"], [builtin_templates_dir()])
print(hashlib.sha256(outputs["docx"].data).hexdigest())
"""


def test_identical_bytes_across_processes(monkeypatch):
    """Hash seeds and process state must not leak into the file."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    tests_dir = str(Path(__file__).parent)
    digests = set()
    for seed in ("1", "2"):
        monkeypatch.setenv("PYTHONHASHSEED", seed)
        result = subprocess.run(
            [sys.executable, "-c", RENDER_IN_CHILD, tests_dir],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        digests.add(result.stdout.strip())
    assert digests == {hashlib.sha256(docx_bytes()).hexdigest()}


def test_links_become_hyperlinks():
    html = (
        '<html lang="en"><body><p><a href="https://example.org/x">safe</a> and '
        '<a href="#note-1">anchor</a></p></body></html>'
    )
    word = open_docx(render_docx(parse_html(html, "t/brief.html.j2"))[0])
    [paragraph] = word.paragraphs
    assert paragraph.text == "safe and anchor"
    links = paragraph._p.findall(qn("w:hyperlink"))
    assert len(links) == 1
    targets = [rel.target_ref for rel in word.part.rels.values() if rel.is_external]
    assert targets == ["https://example.org/x"]


@pytest.mark.parametrize("href", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,x"])
def test_unsafe_links_are_refused_naming_the_template(href):
    html = f'<html lang="en"><body><p><a href="{href}">x</a></p></body></html>'
    with pytest.raises(BriefgenError) as excinfo:
        parse_html(html, "t/brief.html.j2")
    (problem,) = excinfo.value.problems
    assert problem.file == "t/brief.html.j2"
    assert f"link to '{href}': only http, https, mailto and #anchor links" in problem.message


@pytest.mark.parametrize(
    "table",
    ['<table class="data"></table>', '<table><tr><td colspan="0">x</td></tr></table>'],
    ids=["empty", "colspan-0"],
)
def test_odd_tables_do_not_crash(table):
    html = f'<html lang="en"><body><p>x</p>{table}</body></html>'
    word = open_docx(render_docx(parse_html(html, "t/brief.html.j2"))[0])
    assert [p.text for p in word.paragraphs] == ["x"]
    cells = [[c.text for c in row.cells] for t in word.tables for row in t.rows]
    assert cells == ([] if "data" in table else [["x"]])  # an empty table is left out


def test_package_names_briefgen_and_has_no_template_thumbnail():
    package = zipfile.ZipFile(io.BytesIO(docx_bytes()))
    assert "docProps/thumbnail.jpeg" not in package.namelist()
    assert b"thumbnail" not in package.read("_rels/.rels")
    app = package.read("docProps/app.xml").decode()
    assert "<Application>briefgen</Application>" in app
    assert "Microsoft" not in app


@pytest.mark.parametrize(("language", "word_language"), [("en", "en-GB"), ("kk", "kk-KZ")])
def test_proofing_language_follows_the_brief(language, word_language):
    word = open_docx(docx_bytes(sample_brief(language=language)))
    defaults = word.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == word_language


def test_keywords_fit_words_limit():
    from briefgen.render.docx_package import fit

    long = ", ".join(f"keyword-{i}" for i in range(60))
    assert len(fit(long, 255)) <= 255 and not fit(long, 255).endswith(",")
    word = open_docx(docx_bytes(sample_brief(keywords=tuple(f"keyword-{i}" for i in range(60)))))
    assert 0 < len(word.core_properties.keywords) <= 255


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_every_core_property_in_every_language(language):
    """Each property briefgen sets, read back from the package, in each language."""
    from briefgen.labels import labels_for

    brief = sample_brief(
        language=language, title=f"Title {language}", subject=f"Subject {language}"
    )
    properties = open_docx(docx_bytes(brief)).core_properties
    midnight = dt.datetime(2026, 3, 2, tzinfo=dt.UTC)
    assert {
        "title": properties.title,
        "subject": properties.subject,
        "author": properties.author,
        "last_modified_by": properties.last_modified_by,
        "keywords": properties.keywords,
        "language": properties.language,
        "category": properties.category,
        "content_status": properties.content_status,
        "comments": properties.comments,
        "revision": properties.revision,
        "created": properties.created,
        "modified": properties.modified,
    } == {
        "title": f"Title {language}",
        "subject": f"Subject {language}",
        "author": "Test Department",
        "last_modified_by": "Test Department",
        "keywords": "compliance, training",
        "language": language,
        "category": labels_for(language)["category"],
        "content_status": "OFFICIAL-SENSITIVE",
        "comments": "",
        "revision": 1,
        "created": midnight,
        "modified": midnight,
    }
    assert properties.category  # a word in the brief's language, not empty
    core = zipfile.ZipFile(io.BytesIO(docx_bytes(brief))).read("docProps/core.xml").decode()
    assert "python-docx" not in core and "generated by" not in core.lower()


def endnote_texts(data: bytes) -> dict[str, str]:
    """The endnotes part's notes, by id, as text (separators left out)."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/endnotes.xml"))
        settings = package.read("word/settings.xml").decode()
    assert '<w:numFmt w:val="decimal"/>' in settings
    return {
        note.get(qn("w:id")): "".join(note.itertext()).strip()
        for note in root.iter(qn("w:endnote"))
        if note.get(qn("w:type")) is None
    }


def test_sources_are_in_the_endnotes_part():
    assert endnote_texts(docx_bytes()) == {
        "1": "Test Source, \u201cA Title\u201d, paragraph 3",
        "2": "Test Source, \u201cA Title\u201d, paragraph 5",
    }


def test_the_recommendation_box_and_title_take_the_audience_look():
    word = open_docx(docx_bytes(sample_brief(audience="defence")))
    box = word.styles["Recommendation Box"].element.pPr
    colours = {line.get(qn("w:color")) for line in box.find(qn("w:pBdr"))}
    assert colours == {"3B4A2A"}  # templates/defence/style.css --accent
    assert box.find(qn("w:shd")).get(qn("w:fill")) == "EEF0E8"  # its --shade
    title = word.styles["Title"]
    assert title.font.all_caps and title.font.color.rgb == docx.shared.RGBColor(0x3B, 0x4A, 0x2A)
    assert word.styles["Heading 1"].font.all_caps
    minister = open_docx(docx_bytes())
    assert not minister.styles["Title"].font.all_caps


def test_decision_and_title_block_rows_cannot_split_and_keep_together(sample_docx):
    for table in sample_docx.tables:
        rows = table.rows
        for index, row in enumerate(rows):
            assert row._tr.trPr.find(qn("w:cantSplit")) is not None
            kept = {p.paragraph_format.keep_with_next for c in row.cells for p in c.paragraphs}
            assert kept == ({True} if index < len(rows) - 1 else {None})


def test_paragraph_numbers_hang_bold_as_in_the_pdf(sample_docx):
    [purpose] = [p for p in sample_docx.paragraphs if p.text.startswith("1.\t")]
    assert purpose.runs[0].text == "1." and purpose.runs[0].bold
    layout = purpose.paragraph_format
    assert layout.first_line_indent < 0 and layout.left_indent == -layout.first_line_indent
    [box] = [p for p in sample_docx.paragraphs if p.style.name == "Recommendation Box"]
    # inside the box, the number hangs from the box's own indent
    assert box.paragraph_format.left_indent > layout.left_indent


def test_decision_block_as_the_css_draws_it(sample_docx):
    decision = sample_docx.tables[1]
    widths = {cell.width for cell in decision.rows[0].cells}
    assert len(widths) == 1  # table-layout: fixed: four equal boxes
    assert {c.paragraphs[0].alignment for c in decision.rows[0].cells} == {1}  # centred
    assert decision.rows[1].height == Pt(16) and decision.rows[2].height == Pt(20)
    title_block = sample_docx.tables[0]._tbl.tblPr.find(qn("w:tblBorders"))
    # the minister's ruled cover (header.cover in templates/minister/style.css)
    assert title_block.find(qn("w:bottom")).get(qn("w:sz")) == "12"


def long_html(budget: int, sections: int, request: str = "") -> str:
    words = "A sentence of the kind a long annex holds, about eighty characters or so. " * 6
    body = "".join(f"<h2>Section {n}</h2><p>{words}</p><p>{words}</p>" for n in range(sections))
    return (
        f'<html lang="en"><head><title>T</title>'
        f'<meta name="briefgen:page-budget" content="{budget}">{request}</head>'
        f"<body><h1>T</h1>{body}</body></html>"
    )


def contents_of(html: str) -> tuple[list[str], bytes]:
    data = render_docx(parse_html(html, "t/brief.html.j2"))[0]
    word = open_docx(data)
    entries = [p.text for p in word.paragraphs if p.text.startswith("Section ")]
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml")
    return entries if 'TOC \\o "1-2"' in word.element.xml else [], settings


def test_contents_only_for_a_brief_well_past_its_budget_and_written_in():
    entries, settings = contents_of(long_html(budget=2, sections=30))
    # each heading twice: once as a written-in contents entry, once as the heading
    assert entries[:2] == ["Section 0", "Section 1"] and len(entries) == 60
    assert b"updateFields" not in settings  # Word does not ask on opening
    assert contents_of(long_html(budget=2, sections=6))[0] == []  # within budget
    assert contents_of(long_html(budget=20, sections=30))[0] == []


def test_contents_on_request():
    request = '<meta name="briefgen:contents" content="yes">'
    entries, _ = contents_of(long_html(budget=2, sections=3, request=request))
    assert len(entries) == 6
