"""Every example DOCX read by the tools officials and auditors use (issue 15): an OOXML
schema validator (openxml-audit), and pandoc, which must find one note per source,
headings as headings and the decision block as a table."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from briefgen.build import BuildOptions, build_briefs
from conftest import EXAMPLE_SPECS


def tool_missing(name: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed; CI must install it")
    pytest.skip(f"{name} is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every example brief, both formats (the HTML gives the PDF's list of sources)."""
    out = tmp_path_factory.mktemp("readers")
    build_briefs(EXAMPLE_SPECS, out_dir=out, options=BuildOptions(formats=("docx", "html")))
    documents = sorted(out.glob("*.docx"))
    assert len(documents) >= len(EXAMPLE_SPECS)
    return documents


def test_every_example_docx_passes_the_ooxml_schema_validator(built):
    validator_module = pytest.importorskip("openxml_audit", reason="pip install openxml-audit")
    failures = {}
    for path in built:
        # One validator per file: one reused across the files reported endnotes missing
        # that are there, when test_render_docx ran first (openxml-audit 0.8; cause not
        # traced); a fresh one per file reads each file alone.
        validator = validator_module.OpenXmlValidator(max_errors=0)  # 0: every error
        result = validator.validate(path)
        if result.errors:
            failures[path.name] = [f"{e.part_uri} {e.path}: {e.description}" for e in result.errors]
    assert failures == {}


def sources_in_html(html: str) -> int:
    """How many sources the PDF's "Sources" list holds (the same HTML)."""
    found = re.search(r'<ol class="endnotes">(.*?)</ol>', html, re.S)
    return len(re.findall(r"<li\b", found.group(1))) if found else 0


def elements(node, kind: str):
    """Every pandoc AST element of ``kind``, anywhere in the tree."""
    if isinstance(node, dict):
        if node.get("t") == kind:
            yield node
        for value in node.values():
            yield from elements(value, kind)
    elif isinstance(node, list):
        for value in node:
            yield from elements(value, kind)


@pytest.fixture(scope="module")
def pandoc_read(built):
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        tool_missing("pandoc (scripts/install-system-packages --test)")

    def read(path):
        result = subprocess.run(
            [pandoc, "-f", "docx", "-t", "json", str(path)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        return json.loads(result.stdout)

    return read


def test_pandoc_finds_one_note_per_source(built, pandoc_read):
    for path in built:
        html = path.with_suffix(".html").read_text(encoding="utf-8")
        expected = sources_in_html(html)
        ast = pandoc_read(path)
        assert len(list(elements(ast["blocks"], "Note"))) == expected, path.name
        assert expected > 0, path.name  # every example cites its sources


def test_pandoc_reads_headings_and_the_decision_block_as_a_table(built, pandoc_read):
    [minister] = [path for path in built if path.name == "minister-hlm-2026.docx"]
    ast = pandoc_read(minister)
    headings = [
        "".join(part.get("c", " ") if part["t"] == "Str" else " " for part in block["c"][2])
        for block in elements(ast["blocks"], "Header")
    ]
    assert "Recommendation" in headings and "Decision" in headings
    tables = list(elements(ast["blocks"], "Table"))
    assert len(tables) == 2  # the title block and the decision block
    assert '"discuss"' in json.dumps(tables[1])  # pandoc splits words: Str, Space, Str


def test_no_example_asks_word_to_update_fields_on_opening(built):
    for path in built:
        with zipfile.ZipFile(path) as package:
            assert b"updateFields" not in package.read("word/settings.xml"), path.name


def test_mammoth_reads_title_quotes_and_box_with_the_readme_style_map(built):
    mammoth = pytest.importorskip("mammoth", reason="pip install mammoth")
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    style_map = re.search(r"```text\n(p\[style-name='Title'\].*?)```", readme, re.S).group(1)
    [minister] = [path for path in built if path.name == "minister-hlm-2026.docx"]
    with minister.open("rb") as stream:
        result = mammoth.convert_to_html(stream, style_map=style_map)
    assert result.messages == []  # every style met is mapped or plain
    html = result.value
    assert html.startswith("<h1>Global high-level meeting")
    # mammoth joins quotes that follow each other into one blockquote; each keeps its footer
    assert "<blockquote>" in html and html.count("<footer>") == 3
    assert '<aside class="callout"><p><strong>2.</strong>\tAgree that Kazakhstan' in html
