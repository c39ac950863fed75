"""HTML that HTML5 parsers rewrite (tests/corpus/html/): nothing in it reaches a PDF or
DOCX as a link to another scheme, an attachment, a form or a fetched file.

Each case is rendered as a template. It must end in an error naming the template, or
in outputs that the scan of the files themselves finds clean (pdfdetach, /URI, /Embedded
File; the DOCX's parts and relationships). The same HTML given to WeasyPrint the plain
way is scanned too: the cases marked live do put their payload in a PDF there, so the
corpus tests real attacks, not shapes no renderer would follow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import BriefgenError
from briefgen.render import render_brief
from briefgen.workspace import builtin_templates_dir
from conftest import MINIMAL_SPEC, build_in_subprocess, sample_brief
from outputscan import docx_findings, pdf_findings

CORPUS = Path(__file__).parent / "corpus" / "html"
CASES = sorted(path.stem for path in CORPUS.glob("*.html"))
# Cases whose payload plain WeasyPrint (HTML(string=...)) writes into the PDF.
LIVE = {
    "after-html", "after-html-attachment", "anchor-attachment", "base-href",
    "entity-scheme", "figure-extra-child",
    "head-after-body", "link-attachment-in-body", "nested-forms", "relative-link",
    "table-foster-attachment", "table-foster-link", "uppercase-scheme",
}  # fmt: skip


def audience(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / "minister"
    folder.mkdir()
    html = (CORPUS / f"{case}.html").read_text()
    (folder / "brief.html.j2").write_text("{% raw %}" + html + "{% endraw %}")
    (folder / "style.css").write_text("p { color: black }\n")  # what attachments point at
    return folder


def test_corpus_is_there():
    assert len(CASES) >= 25 and LIVE <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_rewritten_html_is_refused_or_renders_clean(case, tmp_path):
    audience(tmp_path, case)
    try:
        outputs = render_brief(sample_brief(), ["pdf", "docx"], [tmp_path, builtin_templates_dir()])
    except BriefgenError as exc:
        assert all(p.file == "minister/brief.html.j2" for p in exc.problems), str(exc)
        return
    (tmp_path / "out.pdf").write_bytes(outputs["pdf"].data)
    (tmp_path / "out.docx").write_bytes(outputs["docx"].data)
    assert pdf_findings(tmp_path / "out.pdf", tmp_path) == []
    assert docx_findings(tmp_path / "out.docx") == []


@pytest.mark.parametrize("case", sorted(LIVE))
def test_live_cases_do_reach_a_pdf_rendered_the_plain_way(case, tmp_path):
    from weasyprint import HTML

    folder = audience(tmp_path, case)
    html = (CORPUS / f"{case}.html").read_text()
    HTML(string=html, base_url=folder.as_uri() + "/").write_pdf(tmp_path / "plain.pdf")
    assert pdf_findings(tmp_path / "plain.pdf", tmp_path)


@pytest.mark.parametrize("case", ["table-foster-link", "after-html", "head-after-body"])
def test_command_line_writes_no_pdf_and_no_traceback(case, tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    audience(templates, case)
    result = build_in_subprocess(tmp_path, MINIMAL_SPEC)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "minister/brief.html.j2" in result.stderr
    assert not list(tmp_path.glob("out/*.pdf"))
