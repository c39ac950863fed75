"""A source's web address: checked as http(s) when the dataset loads, and shown where a
reader looks for it, after the source in the endnotes, as a link in the PDF (a URI
annotation) and in the DOCX (an external hyperlink relationship of the endnotes part),
with nothing else linked. Citations of a PDF source give its page."""

from __future__ import annotations

import re
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from briefgen.compose import Context, citation
from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from conftest import MINIMAL_SPEC
from outputscan import docx_findings, docx_link_targets, pdf_findings, pdf_link_targets
from pdfsources import write_pdf
from test_pdf_sources import DATASET

URL = "https://example.org/reports/synthetic.pdf?lang=en&v=%C3%A92"


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "data" / "sources").mkdir(parents=True)
    write_pdf(tmp_path / "data" / "sources" / "report.pdf")
    text = textwrap.dedent(DATASET).replace(
        "    file: sources/report.pdf\n", f"    file: sources/report.pdf\n    url: {URL}\n"
    )
    (tmp_path / "data" / "data.yaml").write_text(text, "utf-8")
    return tmp_path / "data"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>x</script>",
        "ftp://example.org/report.pdf",
        "example.org/report.pdf",
        "https://trusted.example@other.example/",
        'https://example.org/"><b>',
        "https://[evil/",
        "https://example.org/]x[",
        "https://example.org/%00",
        "https://-bad.example/",
    ],
)
def test_a_source_url_must_be_a_web_address(folder, url):
    path = folder / "data.yaml"
    path.write_text(path.read_text("utf-8").replace(URL, yaml.safe_dump(url).split("\n")[0]))
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(folder)
    (problem,) = excinfo.value.problems
    assert problem.file == path
    assert path.read_text("utf-8").splitlines()[problem.line - 1].strip().startswith("url:")
    assert problem.message.startswith("sources[0].url: ")
    assert problem.message.endswith(
        "is not a web address: give one as https://host/path (or http://), with no spaces, "
        "quotes or user@ part, or leave url: out"
    )


@pytest.mark.parametrize(
    ("url", "said"),
    [
        # Invisible, or looking like another: the reader must see where the link goes.
        ("https://\u2060example.org/wj", "holds U+2060, which is not printable ASCII"),
        ("https://\u0435xample.org/", "holds U+0435, which is not printable ASCII"),
        ("https://example.org/\u200b", "holds U+200B, which is not printable ASCII"),
        ("https://example.org/a report.pdf", "holds white space (U+0020)"),
        (" https://example.org/", "holds white space (U+0020)"),
        ("https://example.org/\tx", "holds white space (U+0009)"),
        ("https://example.org/" + "a" * 2000, "is longer than 2,000 characters"),
    ],
)
def test_a_source_url_shows_where_it_goes(folder, url, said):
    path = folder / "data.yaml"
    path.write_text(path.read_text("utf-8").replace(URL, yaml.safe_dump(url).split("\n")[0]))
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(folder)
    (problem,) = excinfo.value.problems
    assert problem.message.startswith("sources[0].url: '") and said in problem.message
    assert "\t" not in str(problem) and "\u2060" not in str(problem)  # shown escaped


def test_ordinary_addresses_are_taken():
    from briefgen.datamodel import check_web_address

    for url in ("https://en.wikipedia.org/wiki/Geneva_Conventions_(1949)", "http://[::1]:8080/x",
                "https://xn--e1afmkfd.xn--p1ai/doc?id=7&lang=ru#p-3", URL):  # fmt: skip
        assert check_web_address(url) == url


def test_a_citation_gives_the_page_and_the_address(folder):
    dataset = load_dataset(folder)
    quote = dataset.get("examples-checked")
    english = citation(quote, Context(dataset, "full", "en"))
    assert english.text.endswith(", January 2026, p. 2, para. 1")
    assert english.url == URL
    assert citation(quote, Context(dataset, "full", "ru")).text.endswith(", с. 2, абз. 1")
    assert citation(quote, Context(dataset, "full", "kk")).text.endswith(", 2-бет, 1-абзац")


SECTIONS = """
      - heading: Quotes
        select:
          quotes: {ids: [examples-checked, international-rules]}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("links")
    folder = tmp / "data"
    (folder / "sources").mkdir(parents=True)
    write_pdf(folder / "sources" / "report.pdf")
    text = textwrap.dedent(DATASET).replace(
        "    file: sources/report.pdf\n", f"    file: sources/report.pdf\n    url: {URL}\n"
    )
    (folder / "data.yaml").write_text(text, "utf-8")
    # The contact's email is a script address: it must stay text, as before.
    spec = textwrap.dedent(MINIMAL_SPEC + SECTIONS).replace(
        "role: Desk Officer}", "role: Desk Officer, email: 'javascript:alert(1)'}"
    )
    (tmp / "brief.yaml").write_text(spec.lstrip("\n"), "utf-8")
    build_briefs([tmp / "brief.yaml"], out_dir=tmp / "out", dataset_path=folder,
                 options=BuildOptions(formats=("pdf", "docx")))  # fmt: skip
    return tmp / "out" / "test-brief.pdf", tmp / "out" / "test-brief.docx"


def test_the_pdf_links_the_source_and_nothing_else(built, tmp_path):
    pdf, _ = built
    assert pdf_link_targets(pdf) == {URL}
    assert pdf_findings(pdf, tmp_path, links={URL}) == []
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "“A synthetic report (SYNTHETIC EXAMPLE)”, January 2026, p. 2, para. 1" in flat
    assert "javascript:alert(1)" in flat  # printed, not linked
    assert URL in re.sub(r"\s+", "", text)  # a long address may wrap over lines


def test_the_docx_endnotes_link_the_source_and_nothing_else(built):
    _, word = built
    assert docx_link_targets(word) == {URL}
    assert docx_findings(word, links={URL}) == []
    with zipfile.ZipFile(word) as package:
        rels = package.read("word/_rels/endnotes.xml.rels").decode("utf-8")
        notes = package.read("word/endnotes.xml").decode("utf-8")
        styles = package.read("word/styles.xml").decode("utf-8")
    (relationship,) = re.findall(r"<Relationship [^>]*>", rels)
    assert 'TargetMode="External"' in relationship and "/hyperlink" in relationship
    assert f'Target="{URL.replace("&", "&amp;")}"' in relationship
    link_id = re.search(r'Id="([^"]+)"', relationship).group(1)
    links = re.findall(r'<w:hyperlink r:id="([^"]+)">.*?</w:hyperlink>', notes)
    assert links == [link_id, link_id]  # one address, cited in two notes
    assert "p. 2, para. 1, " in notes and "p. 1, para. 3, " in notes
    assert 'w:styleId="Hyperlink"' in styles


def test_a_finding_for_a_link_to_another_address(built, tmp_path):
    pdf, word = built
    other = {"https://example.org/other"}
    assert pdf_findings(pdf, tmp_path, links=other) == [f"a link to {URL}"]
    assert docx_findings(word, links=other) == [f"a link to {URL}"]


def test_the_docx_with_source_links_passes_the_ooxml_schema_validator(built):
    validator = pytest.importorskip("openxml_audit", reason="pip install openxml-audit")
    result = validator.OpenXmlValidator(max_errors=0).validate(built[1])
    assert [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors] == []


def test_a_link_in_the_body_of_a_docx_is_styled_as_a_link():
    # Any link a template writes (not only a source's address in an endnote) names Word's
    # Hyperlink style; a document without it gets the style, or Word shows plain text.
    import docx as python_docx

    from briefgen.render import htmltree as tree
    from briefgen.render.docx_runs import add_runs

    word = python_docx.Document()
    assert "Hyperlink" not in {style.name for style in word.styles}
    add_runs(word.add_paragraph(), [tree.Run("the site", href="https://example.org/")])
    assert "Hyperlink" in {style.name for style in word.styles}
    link = word.paragraphs[0]._p.xpath("./w:hyperlink/w:r/w:rPr/w:rStyle/@w:val")
    assert link == ["Hyperlink"]
