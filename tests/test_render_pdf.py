"""HTML → PDF: text, pages, marking, metadata, bookmarks, fonts and the restricted fetcher."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from briefgen import document as doc
from briefgen.errors import BriefgenError
from briefgen.render import render_brief
from briefgen.render.html import render_html
from briefgen.render.pdf import render_pdf
from briefgen.workspace import builtin_templates_dir
from conftest import sample_brief, unavailable

BUILTIN = builtin_templates_dir()
TEMPLATE = "minister/brief.html.j2"
MARGIN = 20 / 25.4 * 72  # the 20 mm top and bottom page margins, in points
KAZAKH = "әғқңөұүһі"
KAZAKH_TITLE = f"Қазақстан және халықаралық гуманитарлық құқық: {KAZAKH} {KAZAKH.upper()}"


def pdf_of(brief: doc.Brief, dirs: list[Path] | None = None) -> tuple[bytes, int]:
    dirs = dirs or [BUILTIN]
    data, pages, _ = render_pdf(render_html(brief, dirs), dirs, f"{brief.audience}/brief.html.j2")
    return data, pages


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def all_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def outline(reader: PdfReader) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, depth 0 at the top."""
    found: list[tuple[int, str]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title))

    walk(reader.outline, 0)
    return found


def page_bands(page) -> tuple[str, str]:
    """The text in the top and the bottom page margin."""
    height = float(page.mediabox.height)
    top, bottom = [], []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if y > height - MARGIN:
            top.append(text)
        elif y < MARGIN:
            bottom.append(text)

    page.extract_text(visitor_text=visit)
    return " ".join(top), " ".join(bottom)


def embedded_fonts(reader: PdfReader) -> dict[str, str | None]:
    """Base font name (subset tag removed) → family name of the embedded font program."""
    fonts: dict[str, str | None] = {}

    def font_program(font):
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        if descriptor is None:
            return None
        descriptor = descriptor.get_object()
        for key in ("/FontFile2", "/FontFile3", "/FontFile"):
            if key in descriptor:
                return descriptor[key].get_object().get_data()
        return None

    def walk(resources):
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/")
            name = name.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", name) else name
            data = font_program(font)
            family = None
            if data is not None:
                family = TTFont(io.BytesIO(data))["name"].getDebugName(1)
            fonts[name] = family
        for xobject in (resources.get("/XObject") or {}).values():
            xobject = xobject.get_object()
            if "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in reader.pages:
        walk(page.get("/Resources"))
    return fonts


@pytest.fixture(scope="module")
def sample_pdf() -> tuple[PdfReader, int]:
    data, pages = pdf_of(sample_brief())
    return PdfReader(io.BytesIO(data)), pages


@pytest.fixture(scope="module")
def long_pdf() -> tuple[PdfReader, int, doc.Brief]:
    """A brief long enough to run over several pages."""
    words = " ".join(f"Paragraph text number {n} about the initiative." for n in range(12))
    sections = tuple(
        doc.Section(heading=f"Section {n}", kind="background", paragraphs=(words,) * 5)
        for n in range(1, 9)
    )
    brief = sample_brief(sections=sample_brief().sections + sections)
    data, pages = pdf_of(brief)
    return PdfReader(io.BytesIO(data)), pages, brief


@pytest.fixture(scope="module")
def kazakh_pdf() -> PdfReader:
    brief = sample_brief(
        title=KAZAKH_TITLE,
        language="kk",
        sections=(
            doc.Section(
                heading=f"Мақсаты {KAZAKH}",
                kind="purpose",
                paragraphs=(f"Құжаттың мәтіні: {KAZAKH.upper()} {KAZAKH}.",),
            ),
        ),
    )
    data, _ = pdf_of(brief)
    return PdfReader(io.BytesIO(data))


# --- text and pages ------------------------------------------------------------------


def test_page_count_matches_returned_count(sample_pdf, long_pdf):
    reader, pages = sample_pdf
    assert pages == len(reader.pages) >= 1
    reader, pages, _ = long_pdf
    assert pages == len(reader.pages) >= 3


def test_render_brief_returns_the_same_pdf_and_count():
    outputs = render_brief(sample_brief(), ["pdf"], [BUILTIN])
    assert set(outputs) == {"pdf"}
    assert outputs["pdf"].data.startswith(b"%PDF-")
    assert outputs["pdf"].pages == len(PdfReader(io.BytesIO(outputs["pdf"].data)).pages)


def test_text_holds_title_headings_quote_and_speaker(sample_pdf):
    reader, _ = sample_pdf
    text = all_text(reader)
    flat = squash(text)
    assert squash("Sample brief title") in flat
    for heading in ("Purpose", "Recommendation", "Key points", "Voices", "Questions", "Sources"):
        assert heading in text
    assert squash("\u201cQuoted words, exactly as said\u201d") in flat
    assert squash("Jane Speaker, Head of Something") in flat
    assert squash("A fact in our words.") in flat
    assert squash("Test Source, \u201cA Title\u201d, paragraph 3") in flat
    assert squash("REF-42") in flat and squash("2 March 2026") in flat


def test_page_x_of_y_on_every_page(sample_pdf, long_pdf):
    for reader, pages in (sample_pdf, long_pdf[:2]):
        for number, page in enumerate(reader.pages, start=1):
            _, bottom = page_bands(page)
            assert f"Page {number} of {pages}" in bottom


def test_marking_at_top_and_bottom_of_every_page(long_pdf):
    reader, _, brief = long_pdf
    for page in reader.pages:
        top, bottom = page_bands(page)
        assert brief.marking in top
        assert brief.marking in bottom
        assert page.extract_text().count(brief.marking) >= 2


def test_marking_with_odd_characters_prints_literally():
    marking = 'RESTRICTED "A" \\ {B}; <C>'
    data, _ = pdf_of(sample_brief(marking_label=marking))
    page = PdfReader(io.BytesIO(data)).pages[0]
    top, bottom = page_bands(page)
    assert squash(marking) in squash(top)
    assert squash(marking) in squash(bottom)


def test_markup_in_title_is_printed_as_text_not_fetched():
    title = '<img src="file:///etc/passwd"> <script>x</script>'
    data, _ = pdf_of(sample_brief(title=title))  # a fetch of /etc/passwd would raise
    reader = PdfReader(io.BytesIO(data))
    assert squash(title) in squash(reader.pages[0].extract_text())
    assert reader.metadata.title == title


# --- metadata, language and bookmarks ------------------------------------------------


def test_metadata(sample_pdf):
    reader, _ = sample_pdf
    info = reader.metadata
    assert info.title == "Sample brief title"
    assert info.author == "Test Department"
    assert info.subject == "Sample subject"
    assert info["/Keywords"] == "compliance, training"
    assert info["/CreationDate"].startswith("D:20260302")


def test_language_in_catalog(sample_pdf, kazakh_pdf):
    reader, _ = sample_pdf
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert kazakh_pdf.trailer["/Root"]["/Lang"] == "kk"


def test_outline_holds_title_and_headings(sample_pdf):
    reader, _ = sample_pdf
    assert outline(reader) == [
        (0, "Sample brief title"),
        (1, "Purpose"),
        (1, "Recommendation"),
        (1, "Key points"),
        (1, "Voices"),
        (1, "Questions"),
        (1, "Decision"),
        (1, "Contact officer"),
        (1, "Sources"),
    ]


def test_a4_pages(sample_pdf):
    reader, _ = sample_pdf
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210
    assert round(float(box.height) / 72 * 25.4) == 297


# --- fonts ---------------------------------------------------------------------------


def test_only_the_bundled_noto_sans_is_embedded(sample_pdf):
    reader, _ = sample_pdf
    fonts = embedded_fonts(reader)
    assert fonts, "no fonts found"
    assert {"Brief-Sans", "Brief-Sans-Bold", "Brief-Sans-Italic"} <= set(fonts)
    for name, family in fonts.items():
        assert name.startswith("Brief-Sans"), name
        assert family == "Noto Sans", f"{name} embeds {family!r}"


def test_pdffonts_agrees_every_font_is_embedded(sample_pdf, tmp_path):
    if shutil.which("pdffonts") is None:
        unavailable("pdffonts (poppler-utils)", "scripts/install-system-packages --test")
    data, _ = pdf_of(sample_brief())
    path = tmp_path / "sample.pdf"
    path.write_bytes(data)
    lines = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2:]
    assert lines
    for line in lines:
        name = line.split()[0].split("+", 1)[-1]
        assert name.startswith("Brief-Sans"), line
        # columns: name, type (two words), encoding, emb, sub, uni, object id
        assert line.split()[-5] == "yes", f"not embedded: {line}"


def test_kazakh_letters_are_text_in_noto_sans(kazakh_pdf):
    text = kazakh_pdf.pages[0].extract_text()
    for letter in KAZAKH + KAZAKH.upper():
        assert letter in text, f"{letter!r} lost"
    assert squash(KAZAKH_TITLE) in squash(text)
    fonts = embedded_fonts(kazakh_pdf)
    assert all(name.startswith("Brief-Sans") for name in fonts), fonts
    assert set(fonts.values()) == {"Noto Sans"}


# --- the restricted fetcher ----------------------------------------------------------


def audience_with_link(tmp_path: Path, href: str) -> Path:
    templates = tmp_path / "templates"
    (templates / "minister").mkdir(parents=True, exist_ok=True)
    (templates / "minister" / "brief.html.j2").write_text(
        textwrap.dedent(
            f"""\
            {{% extends "base/base.html.j2" %}}
            {{% block stylesheets %}}
            {{{{ super() }}}}
            <link rel="stylesheet" href="{href}">
            {{% endblock %}}
            """
        ),
        encoding="utf-8",
    )
    return templates


def outside_file(tmp_path: Path) -> Path:
    path = tmp_path / "outside.css"
    path.write_text('h2::before { content: "LEAKED-"; }\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "href",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/evil.css",
        "https://example.org/evil.css",
        "OUTSIDE_ABSOLUTE",
        "../outside.css",
        "minister/link.css",  # a symlink inside the templates pointing outside
        "minister/style%00.css",  # a NUL byte: refused, not silently dropped
    ],
)
def test_fetcher_refuses_anything_outside_the_template_folders(tmp_path, href):
    outside = outside_file(tmp_path)
    href = outside.as_uri() if href == "OUTSIDE_ABSOLUTE" else href
    templates = audience_with_link(tmp_path, href)
    (templates / "minister" / "link.css").symlink_to(outside)
    with pytest.raises(BriefgenError) as excinfo:
        render_brief(sample_brief(), ["pdf"], [templates, BUILTIN])
    [problem] = excinfo.value.problems
    assert problem.file == TEMPLATE
    assert "refused" in problem.message
    if "://" in href:
        assert href in problem.message


def test_fetcher_serves_stylesheets_inside_the_template_folders(tmp_path):
    templates = audience_with_link(tmp_path, "minister/extra.css")
    (templates / "minister" / "extra.css").write_text(
        'h2::before { content: "CANARY-"; }\n', encoding="utf-8"
    )
    outputs = render_brief(sample_brief(), ["pdf"], [templates, BUILTIN])
    text = all_text(PdfReader(io.BytesIO(outputs["pdf"].data)))
    assert "CANARY-Purpose" in text
