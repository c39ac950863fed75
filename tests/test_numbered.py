"""Numbered paragraphs, an audience setting (on for minister and defence): the body's
paragraphs, points and facts numbered 1, 2, 3… in the PDF and the DOCX alike."""

from __future__ import annotations

import re

import docx
import pytest
from pypdf import PdfReader

from briefgen.build import build_briefs
from conftest import BRIEFS


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("numbered")
    build_briefs([BRIEFS / "minister-hlm-2026.yaml", BRIEFS / "press-lines-astana.yaml"],
                 out_dir=out)  # fmt: skip
    return out


def numbers_in_docx(path) -> list[int]:
    """The numbers the body's paragraphs start with (the endnotes have their own)."""
    return [int(m.group(1)) for p in docx.Document(str(path)).paragraphs
            if p.style.name != "Source Note"
            and (m := re.match(r"(\d+)\.\s\S", p.text))]  # fmt: skip


def test_the_minister_numbers_its_paragraphs_in_both_formats(built):
    numbers = numbers_in_docx(built / "minister-hlm-2026.docx")
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 15
    word = docx.Document(str(built / "minister-hlm-2026.docx"))
    purpose = next(p.text for p in word.paragraphs if p.text.startswith("1."))
    assert purpose.startswith("1.\tTo seek your agreement")  # the number hangs, as in the PDF
    pages = PdfReader(built / "minister-hlm-2026.pdf").pages
    text = " ".join(page.extract_text() for page in pages)
    for n in (1, 2, len(numbers)):
        assert re.search(rf"(^|\n){n}\.\s*\S", text, flags=re.M), n


def test_an_audience_without_the_setting_keeps_bullets(built):
    assert numbers_in_docx(built / "press-lines-astana.docx") == []
    word = docx.Document(str(built / "press-lines-astana.docx"))
    styles = {p.style.name for p in word.paragraphs}
    assert "List Bullet" in styles
