"""Fixed text and dates in the brief's language (en, ru, kk); dataset text as curated."""

from __future__ import annotations

import datetime as dt

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import build_briefs
from briefgen.dates import long_date, partial_date
from briefgen.labels import CATALOGUES
from conftest import BRIEFS


@pytest.mark.parametrize(
    ("language", "day", "month", "year"),
    [
        ("en", "7 October 2025", "October 2025", "2026"),
        # Babel puts a narrow no-break space (U+202F) before "г." and after the year in Kazakh.
        ("ru", "7 октября 2025\u202fг.", "октябрь 2025\u202fг.", "2026"),
        ("kk", "2025\u202fж. 7 қазан", "2025\u202fж. қазан", "2026"),
    ],
)
def test_dates_in_each_language_keep_their_precision(language, day, month, year):
    assert long_date(dt.date(2025, 10, 7), language) == day
    assert partial_date("2025-10-07", language) == day
    assert partial_date("2025-10", language) == month
    assert partial_date("2026", language) == year


def text_of_pdf(path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    return text.replace("\u202f", " ")


def text_of_docx(path) -> str:
    word = docx.Document(str(path))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    footer = [p.text for p in word.sections[0].footer.paragraphs]
    return "\n".join([p.text for p in word.paragraphs] + cells + footer).replace("\u202f", " ")


def test_russian_brief_has_russian_labels_and_dates_in_both_formats(tmp_path):
    build_briefs([BRIEFS / "minister-hlm-2026-ru.yaml"], out_dir=tmp_path)
    pdf = text_of_pdf(tmp_path / "minister-hlm-2026-ru.pdf")
    words = text_of_docx(tmp_path / "minister-hlm-2026-ru.docx")
    ru = CATALOGUES["ru"]
    for text in (pdf, words):
        for label in ("reference", "critical_date", "contact_officer", "sources", "decision"):
            assert ru[label] in text, label
        assert "2 марта 2026 г." in text and "16 марта 2026 г." in text
        assert "абзац 12" in text
        # Quotes stay in the language they were published in.
        assert "International humanitarian law is not optional." in text
        assert "Reference" not in text and "Contact officer" not in text
    assert "Страница 1 из 2" in pdf
    assert "Страница " in words and " из " in words  # around the PAGE and NUMPAGES fields


def test_kazakh_brief_renders_every_letter_with_the_bundled_font(
    write_yaml, minimal_spec, tmp_path
):
    kazakh = "Қазақстан ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"
    spec = minimal_spec.replace("title: Test brief", f"title: {kazakh}").replace(
        "marking: OFFICIAL", "marking: OFFICIAL\n    language: kk"
    )
    build_briefs([write_yaml(spec)], out_dir=tmp_path)
    reader = PdfReader(tmp_path / "test-brief.pdf")
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts <= {"Brief-Sans", "Brief-Sans-Bold", "Brief-Sans-Italic"}, fonts
    pdf = text_of_pdf(tmp_path / "test-brief.pdf")
    assert kazakh in pdf and "Нөмірі" in pdf and "Күні" in pdf
    assert "2026 ж. 2 наурыз" in pdf  # the brief's date, in Kazakh
    assert kazakh in text_of_docx(tmp_path / "test-brief.docx")


@pytest.mark.parametrize(
    ("number", "kazakh"),
    [(27, "27-ден астам"), (90, "90-нан астам"), (6, "6-дан астам"), (40, "40-тан астам"),
     (100, "100-ден астам"), (13, "13-тен астам")],
)  # fmt: skip
def test_kazakh_more_than_follows_vowel_harmony(number, kazakh):
    from briefgen.labels import more_than

    assert more_than(number, "kk") == kazakh
    assert more_than(number, "ru") == f"более {number}"
    assert more_than(number, "en") == f"more than {number}"
