"""Fixed text and dates in the brief's language (en, ru, kk); dataset text translated where
the dataset has a translation, and a brief in Russian or Kazakh wholly in that language."""

from __future__ import annotations

import datetime as dt
import json
import re

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from briefgen.dates import long_date, partial_date
from briefgen.errors import BriefgenError
from briefgen.labels import CATALOGUES
from briefgen.scaffold import init_workspace
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
    # the sources are Word endnotes (issue 15): their own part, one paragraph each
    notes = [
        "".join(t.text or "" for t in p.iter(qn("w:t")))
        for part in word.part.package.parts
        if part.partname.endswith("/endnotes.xml")
        for p in etree.fromstring(part.blob).iter(qn("w:p"))
    ]
    text = [p.text for p in word.paragraphs] + cells + footer + notes
    return "\n".join(text).replace("\u202f", " ")


def test_russian_brief_has_russian_labels_and_dates_in_both_formats(tmp_path):
    build_briefs([BRIEFS / "minister-hlm-2026-ru.yaml"], out_dir=tmp_path)
    pdf = text_of_pdf(tmp_path / "minister-hlm-2026-ru.pdf")
    words = text_of_docx(tmp_path / "minister-hlm-2026-ru.docx")
    ru = CATALOGUES["ru"]
    for text in (pdf, words):
        for label in ("reference", "critical_date", "contact_officer", "sources", "decision"):
            assert ru[label] in text, label
        assert "2 марта 2026 г." in text and "16 марта 2026 г." in text
        assert "абзац 12" in " ".join(text.split())  # a line may break inside
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


# --- briefs wholly in one language ------------------------------------------------------

LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[\s,.;:()]+[A-Za-z][A-Za-z'’-]*)+")


def foreign_runs(text: str, allowed: list[str]) -> list[str]:
    """Runs of two or more Latin-script words that are not part of ``allowed`` texts."""
    flat = " ".join(" ".join(allowed).split())
    return [run for run in LATIN_RUN.findall(" ".join(text.split())) if run not in flat]


@pytest.mark.parametrize(
    ("language", "unofficial", "original"),
    [("ru", "неофициальный перевод", "Оригинал"), ("kk", "ресми емес аударма", "Түпнұсқа")],
)
def test_russian_and_kazakh_examples_are_wholly_in_their_language(
    tmp_path, dataset, language, unofficial, original
):
    spec = BRIEFS / f"minister-hlm-2026-{language}.yaml"
    report = build_briefs([spec], out_dir=tmp_path)
    assert report.warnings == []  # every item it shows has a translation
    pdf = text_of_pdf(tmp_path / f"{spec.stem}.pdf")
    words = text_of_docx(tmp_path / f"{spec.stem}.docx")
    quotes = [dataset.get(i) for i in ("vassilenko-respect-deficit", "milosevic-ihl-not-optional")]
    source = dataset.get("astana-times-2025-10")
    for text in (" ".join(pdf.split()), " ".join(words.split())):
        for quote in quotes:
            assert " ".join(quote.translations[language].text.split()) in text
            # The endnote gives the speaker's own words.
            assert f"{original}: «{' '.join(quote.text.split())}»" in text
        assert text.count(unofficial) == len(quotes)
        # English only in the endnotes: the source's title and publisher, the originals,
        # and the contact officer's address.
        allowed = [source.title, source.publisher, *(q.text for q in quotes)]
        allowed.append("a.seitkali@example.org")
        assert foreign_runs(text, allowed) == []
    metadata = PdfReader(tmp_path / f"{spec.stem}.pdf").metadata
    assert not re.search("[A-Za-z]", metadata["/Keywords"] + metadata["/Title"])
    core = docx.Document(str(tmp_path / f"{spec.stem}.docx")).core_properties
    assert core.language == language and not re.search("[A-Za-z]", core.keywords + core.title)


def test_foreign_runs_finds_an_english_sentence():
    """The check above can fail: an English sentence among Russian ones is found."""
    text = "Казахстан поддерживает инициативу. The Geneva Conventions are not negotiable."
    assert foreign_runs(text, ["The Astana Times"]) == ["The Geneva Conventions are not negotiable"]
    assert foreign_runs(text, ["The Geneva Conventions are not negotiable"]) == []


def test_an_item_without_a_translation_is_printed_as_curated_with_a_warning(
    write_yaml, minimal_spec, tmp_path
):
    spec = minimal_spec.replace("marking: OFFICIAL", "marking: OFFICIAL\n    language: ru") + (
        "      - heading: Курсы\n        select:\n          facts: {ids: [online-ihl-courses]}\n"
    )
    path = write_yaml(spec)
    report = build_briefs([path], out_dir=tmp_path / "out")
    assert [str(w) for w in report.warnings] == [
        f"{path}:18:7: warning: section 2 \"Курсы\" (sections[1].select.facts): "
        "'online-ihl-courses' has no "
        "translation into ru, so it would print in its original language (en); add one under "
        "its translations: (briefgen data check --missing lists what is missing)"
    ]
    assert "online IHL courses" in text_of_pdf(tmp_path / "out" / "test-brief.pdf")
    with pytest.raises(BriefgenError, match="'online-ihl-courses' has no translation into ru"):
        build_briefs([path], out_dir=tmp_path / "strict", options=BuildOptions(strict=True))
    assert not (tmp_path / "strict").exists()


@pytest.mark.parametrize(
    ("language", "label"),
    [("ru", "ДЛЯ СЛУЖЕБНОГО ПОЛЬЗОВАНИЯ"), ("kk", "ҚЫЗМЕТ БАБЫНДА ПАЙДАЛАНУ ҮШІН")],
)
def test_a_kazakhstan_scheme_workspace_prints_its_marking_in_the_brief_language(
    tmp_path, language, label
):
    init_workspace(tmp_path / "ws", "2026-03-02", markings="kazakhstan")
    example = (BRIEFS / f"minister-hlm-2026-{language}.yaml").read_text(encoding="utf-8")
    spec = tmp_path / "ws" / "briefs" / "note.yaml"
    # Its key points may go to partners: marked open, the rest of it ДСП.
    example = example.replace("    kind: key-points\n", "    kind: key-points\n    marking: open\n")
    spec.write_text(example.replace("marking: OFFICIAL", "marking: ДСП"), encoding="utf-8")
    out = tmp_path / "ws" / "build"
    build_briefs([spec], out_dir=out, options=BuildOptions(edition="both"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["briefs"]
    assert manifest[f"minister-hlm-2026-{language}"]["marking"] == "dsp"
    # Its items are open information, so its releasable edition is too.
    assert manifest[f"minister-hlm-2026-{language}-releasable"]["marking"] == "open"
    reader = PdfReader(out / f"minister-hlm-2026-{language}.pdf")
    for page in reader.pages:
        assert page.extract_text().count(label) == 2  # top and bottom
    word = docx.Document(str(out / f"minister-hlm-2026-{language}.docx"))
    assert word.sections[0].header.paragraphs[0].text == label
    assert "OFFICIAL" not in text_of_pdf(out / f"minister-hlm-2026-{language}.pdf")
