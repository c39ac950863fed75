"""How many pages each example DOCX runs to, as a build measures it (LibreOffice with the
metric-compatible Liberation fonts: Arial's widths), against its page budget (issue 15:
the one-page press lines ran to two in the DOCX).

LibreOffice 7.4 sets Word endnotes on a page of their own, without header or footer,
where Word sets them after the last paragraph; the build measures a copy with its
endnotes after the text (briefgen.office.as_word_shows_it), so every page
measured carries the marking, as every page of the brief does.
"""

from __future__ import annotations

import json
import re
import subprocess

import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from briefgen.office import as_word_shows_it
from conftest import EXAMPLE_SPECS


@pytest.fixture(scope="module")
def measured(soffice, tmp_path_factory):
    build = tmp_path_factory.mktemp("docx-pages")
    options = BuildOptions(formats=("pdf", "docx", "html"), measure_docx=True, jobs=2)
    report = build_briefs(EXAMPLE_SPECS, out_dir=build, options=options)
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    pages = {
        file["name"]: (file["pages"], file.get("pages_from"))
        for entry in manifest["briefs"].values()
        for file in entry["files"]
    }
    return build, report, pages


def meta(html: str, name: str) -> str:
    return re.search(rf'<meta name="briefgen:{name}" content="([^"]*)"', html).group(1)


def test_every_example_docx_keeps_to_its_page_budget(measured):
    build, report, pages = measured
    over, counted = {}, 0
    for html_path in sorted(build.glob("*.html")):
        budget = int(meta(html_path.read_text(encoding="utf-8"), "page-budget"))
        docx_pages, laid_out_by = pages[f"{html_path.stem}.docx"]
        assert laid_out_by.startswith("LibreOffice "), html_path.stem
        counted += 1
        if docx_pages > budget:
            over[html_path.stem] = (docx_pages, budget)
    assert counted == len(list(build.glob("*.docx"))) >= len(EXAMPLE_SPECS)
    assert over == {}
    assert [w.message for w in report.warnings if "DOCX" in w.message] == []


def test_press_lines_are_one_page_in_both_formats(measured):
    _, _, pages = measured
    assert pages["press-lines-astana.pdf"][0] == pages["press-lines-astana.docx"][0] == 1


def test_every_page_measured_carries_the_marking(soffice, measured, tmp_path):
    build, _, pages = measured
    copy = tmp_path / "press-lines-astana.docx"
    copy.write_bytes(as_word_shows_it((build / "press-lines-astana.docx").read_bytes()))
    laid_out = convert(soffice, copy, tmp_path)
    marking = meta((build / "press-lines-astana.html").read_text(encoding="utf-8"), "marking")
    texts = [page.extract_text() for page in PdfReader(laid_out).pages]
    assert len(texts) == pages["press-lines-astana.docx"][0]
    assert all(marking in text for text in texts)
    assert "".join(texts).count("The Astana Times") == 4  # the four sources, after the text


def test_libreoffice_shows_the_endnotes_of_the_docx_itself(soffice, measured, tmp_path):
    build, _, _ = measured
    laid_out = convert(soffice, build / "press-lines-astana.docx", tmp_path)
    text = "".join(page.extract_text() for page in PdfReader(laid_out).pages)
    assert text.count("The Astana Times") == 4  # the four sources, as endnotes


def convert(soffice: str, document, folder):
    subprocess.run(
        [soffice, f"-env:UserInstallation={(folder / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(folder / "pdf"), str(document)],
        capture_output=True, timeout=300, check=True,
    )  # fmt: skip
    return folder / "pdf" / f"{document.stem}.pdf"
