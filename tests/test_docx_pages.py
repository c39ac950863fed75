"""How many pages each example DOCX runs to, laid out by LibreOffice with the
metric-compatible Liberation fonts (Arial's widths), against its page budget
(issue 15: the one-page press lines ran to two in the DOCX).

LibreOffice 7.4 sets Word endnotes on a page of their own, without header or
footer, where Word sets them after the last paragraph; the pages counted are the
ones that carry the marking, as every page of the brief does.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from briefgen.build import BuildOptions, build_briefs
from conftest import EXAMPLE_SPECS


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is not on PATH; CI must install it")
        pytest.skip("soffice (LibreOffice) is not installed")
    work = tmp_path_factory.mktemp("docx-pages")
    build = work / "build"
    build_briefs(EXAMPLE_SPECS, out_dir=build, options=BuildOptions(formats=("docx", "html")))
    documents = sorted(build.glob("*.docx"))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{work}/lo-profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(work / "pdf"), *map(str, documents)],
        capture_output=True, timeout=600, check=True,
    )  # fmt: skip
    return build, work / "pdf", documents


def meta(html: str, name: str) -> str:
    return re.search(rf'<meta name="briefgen:{name}" content="([^"]*)"', html).group(1)


def test_every_example_docx_keeps_to_its_page_budget(laid_out):
    build, pdf_folder, documents = laid_out
    over = {}
    for document in documents:
        html = (build / f"{document.stem}.html").read_text(encoding="utf-8")
        budget, marking = int(meta(html, "page-budget")), meta(html, "marking")
        pages = PdfReader(pdf_folder / f"{document.stem}.pdf").pages
        marked = [page for page in pages if marking in page.extract_text()]
        assert marked, document.name
        if len(marked) > budget:
            over[document.name] = (len(marked), budget)
    assert over == {}


def test_libreoffice_shows_the_endnotes(laid_out):
    build, pdf_folder, documents = laid_out
    [press] = [d for d in documents if d.stem == "press-lines-astana"]
    text = "".join(
        page.extract_text() for page in PdfReader(pdf_folder / "press-lines-astana.pdf").pages
    )
    assert text.count("The Astana Times") == 4  # the four sources, as endnotes
    assert press.exists()
