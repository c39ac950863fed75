"""Every example brief, built once: the PDF and the DOCX say the same things."""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import build_briefs, load_all
from briefgen.labels import labels_for
from briefgen.load_dataset import load_dataset
from briefgen.markings import load_scheme
from conftest import BRIEFS, EXAMPLE_SPECS

QUOTE_MARKS = "\u201c\u201d«»"  # English and Russian/Kazakh quotation marks
MARGIN = 20 / 25.4 * 72  # the 20 mm top and bottom page margins, in points


def squash(text: str) -> str:
    """Without any white space (pypdf breaks lines where the layout did)."""
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


def page_bands(page) -> tuple[str, str]:
    """The text pypdf finds in the top and the bottom page margin."""
    height = float(page.mediabox.height)
    top, bottom = [], []

    def visit(text, cm, tm, font_dict, font_size):
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if text.strip() and y > height - MARGIN:
            top.append(text)
        elif text.strip() and y < MARGIN:
            bottom.append(text)

    page.extract_text(visitor_text=visit)
    return " ".join(top), " ".join(bottom)


@dataclass
class Built:
    out_dir: Path
    lines: list[str]
    manifest: dict
    specs: dict  # spec path → Spec


@dataclass
class Outputs:
    spec: object
    spec_path: Path
    pdf_path: Path
    docx_path: Path
    pdf: PdfReader
    word: object


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Built:
    out_dir = tmp_path_factory.mktemp("build")
    lines = build_briefs([BRIEFS], out_dir=out_dir).lines
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    specs = {loaded.path.resolve(): loaded.spec for loaded in load_all([BRIEFS])}
    return Built(out_dir, lines, manifest, specs)


@pytest.fixture(scope="session")
def outputs(built) -> dict[str, Outputs]:
    found = {}
    for path, spec in built.specs.items():
        pdf_path = built.out_dir / f"{spec.id}.pdf"
        docx_path = built.out_dir / f"{spec.id}.docx"
        found[path.stem] = Outputs(
            spec,
            path,
            pdf_path,
            docx_path,
            PdfReader(io.BytesIO(pdf_path.read_bytes())) if pdf_path.exists() else None,
            docx.Document(str(docx_path)) if docx_path.exists() else None,
        )
    return found


@pytest.fixture(params=[path.stem for path in EXAMPLE_SPECS])
def brief(request, outputs) -> Outputs:
    return outputs[request.param]


def pdf_headings(reader: PdfReader) -> tuple[list[str], list[str]]:
    """Top-level bookmark titles (h1) and the ones below them (h2)."""
    top, second = [], []
    for item in reader.outline:
        if isinstance(item, list):
            second += [child.title for child in item if not isinstance(child, list)]
        else:
            top.append(item.title)
    return top, second


def quotes_in(word) -> list[tuple[str, str]]:
    """(quote text without its quotation marks, attribution) as the DOCX shows them."""
    found = []
    paragraphs = word.paragraphs
    for index, paragraph in enumerate(paragraphs):
        if paragraph.style.name == "Quote":
            following = paragraphs[index + 1]
            assert following.style.name == "Quote Attribution"
            found.append((paragraph.text.strip().strip(QUOTE_MARKS), following.text))
    return found


def test_every_example_is_built(built):
    assert len(built.specs) == len(EXAMPLE_SPECS) >= 5
    editions = sum(2 if spec.edition == "both" else 1 for spec in built.specs.values())
    assert len(built.lines) == 2 * editions
    for line in built.lines:
        path = Path(line.split()[0])
        assert path.parent == built.out_dir and path.is_file(), line


def test_pdf_and_docx_both_exist(brief):
    assert brief.spec.formats == ("pdf", "docx")
    assert brief.pdf_path.read_bytes().startswith(b"%PDF-")
    assert brief.docx_path.read_bytes().startswith(b"PK")


def test_same_section_headings(brief):
    top, pdf_sections = pdf_headings(brief.pdf)
    docx_sections = [p.text for p in brief.word.paragraphs if p.style.name == "Heading 1"]
    assert top == [brief.spec.title]
    assert [p.text for p in brief.word.paragraphs if p.style.name == "Title"] == [brief.spec.title]
    assert len(docx_sections) >= 3
    assert set(pdf_sections) == set(docx_sections)
    assert pdf_sections == docx_sections  # and in the same order


def test_docx_quotes_appear_in_pdf(brief):
    pdf_text = squash("".join(page.extract_text() for page in brief.pdf.pages))
    quotes = quotes_in(brief.word)
    selects_quotes = any(s.select and s.select.quotes for s in brief.spec.sections)
    assert bool(quotes) == bool(selects_quotes)
    for text, attribution in quotes:
        assert squash(text) in pdf_text, text
        assert squash(attribution) in pdf_text, attribution


def test_quotes_are_verbatim_from_the_dataset(brief):
    """Word for word the dataset's quote, or its curated translation into the brief's
    language; the speaker as the dataset names them in that language."""
    dataset = load_dataset()
    language = brief.spec.language
    by_text = {}
    for quote in dataset.items("quotes"):
        translated = quote.translations.get(language)
        by_text[translated.text if translated else quote.text] = quote
    for text, attribution in quotes_in(brief.word):
        assert text in by_text, f"not verbatim from the dataset: {text!r}"
        speaker = dataset.get(by_text[text].speaker)
        name, role = speaker.name, speaker.role
        if language in speaker.translations:
            name = speaker.translations[language].name or name
            role = speaker.translations[language].role or role
        assert attribution.startswith(f"{name}, {role}")


def test_marking_on_every_pdf_page_and_in_docx_header_and_footer(brief):
    marking = load_scheme().label(brief.spec.marking, brief.spec.language)
    pages = len(brief.pdf.pages)
    for number, page in enumerate(brief.pdf.pages, start=1):
        top, bottom = page_bands(page)
        assert marking in top, f"page {number}: no marking at the top"
        assert marking in bottom, f"page {number}: no marking at the bottom"
        page_label = labels_for(brief.spec.language)["page_x_of_y"]
        assert page_label.format(page=number, pages=pages) in bottom
    section = brief.word.sections[0]
    assert [p.text for p in section.header.paragraphs] == [marking]
    # one footer line, as in the PDF: marking centred, page number at the right (tabs)
    assert section.footer.paragraphs[0].text.split("\t")[1] == marking
    assert brief.word.core_properties.content_status == marking


def test_pdf_fits_the_page_budget(brief):
    assert brief.spec.page_budget is not None
    assert 1 <= len(brief.pdf.pages) <= brief.spec.page_budget


def test_manifest_matches_files_on_disk(built, brief):
    spec = brief.spec
    entry = built.manifest["briefs"][spec.id]
    assert entry["id"] == spec.id
    assert entry["title"] == spec.title
    assert entry["audience"] == spec.audience
    assert entry["marking"] == spec.marking
    assert entry["date"] == spec.date.isoformat()
    assert entry["reference"] == spec.reference
    assert (built.out_dir / entry["spec"]).resolve() == brief.spec_path
    files = {item["format"]: item for item in entry["files"]}
    assert set(files) == {"pdf", "docx"}
    for name, path in (("pdf", brief.pdf_path), ("docx", brief.docx_path)):
        data = path.read_bytes()
        assert files[name]["name"] == path.name
        assert files[name]["bytes"] == len(data)
        assert files[name]["sha256"] == hashlib.sha256(data).hexdigest()
    assert files["pdf"]["pages"] == len(brief.pdf.pages)
    assert files["docx"]["pages"] is None


def test_manifest_lists_exactly_the_examples(built):
    expected = set()
    for spec in built.specs.values():
        expected.add(spec.id)
        if spec.edition == "both":
            expected.add(f"{spec.id}-releasable")
    assert set(built.manifest["briefs"]) == expected
    assert built.manifest["generator"].startswith("briefgen ")
