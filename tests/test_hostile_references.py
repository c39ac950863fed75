"""Hostile reference documents (tests/corpus/references.py): the DOCX takes styles,
numbering, page setup and header/footer text from them, nothing else, and says what
it left out; oversized ones are refused before they are inflated."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import docx
import pytest

from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from briefgen.render import render_brief
from briefgen.render.docx import house_reference
from briefgen.render.docx_reference import MAX_PART_BYTES, clean_reference
from briefgen.scaffold import init_workspace
from briefgen.workspace import builtin_templates_dir
from conftest import sample_brief
from corpus.references import HOSTILE, hostile_reference, parts_of, zip_of
from outputscan import docx_findings


@pytest.fixture(scope="module")
def clean() -> bytes:
    return house_reference()


def test_the_clean_reference_passes_the_scan(clean, tmp_path):
    path = tmp_path / "reference.docx"
    path.write_bytes(clean)
    assert docx_findings(path) == []


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_the_corpus_is_hostile_before_cleaning(case, clean, tmp_path):
    path = tmp_path / "reference.docx"
    path.write_bytes(hostile_reference(clean, case))
    assert docx_findings(path)  # the scan sees the payload: the case tests something


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_reference_gives_a_clean_docx_and_a_warning(case, clean, tmp_path):
    ws = tmp_path / "ws"
    init_workspace(ws, "2026-05-01")
    reference = ws / "templates" / "minister" / "reference.docx"
    reference.parent.mkdir(parents=True)
    reference.write_bytes(hostile_reference(clean, case))
    report = build_briefs([ws / "briefs"], out_dir=ws / "build",
                          options=BuildOptions(formats=("docx",)))  # fmt: skip
    (built,) = (ws / "build").glob("*.docx")
    assert docx_findings(built) == []
    names = zipfile.ZipFile(built).namelist()
    assert not [n for n in names if "vba" in n.lower() or "embeddings" in n]
    (warning,) = [w for w in report.warnings if "does not give" in w.message]
    assert warning.file == reference and warning.severity == "warning"
    assert HOSTILE[case][1] in warning.message
    docx.Document(str(built))  # still a document Word (and python-docx) opens


def test_header_text_and_page_fields_are_kept(clean, tmp_path):
    (tmp_path / "minister").mkdir()
    (tmp_path / "minister" / "reference.docx").write_bytes(
        hostile_reference(clean, "fields-in-header")
    )
    outputs = render_brief(sample_brief(), ["docx"], [tmp_path, builtin_templates_dir()])
    (built := tmp_path / "out.docx").write_bytes(outputs["docx"].data)
    header = docx.Document(str(built)).sections[0].header
    assert header.paragraphs[0].text.startswith("Dept of Tests")
    xml = (
        zipfile.ZipFile(built)
        .read(next(n for n in zipfile.ZipFile(built).namelist() if n.startswith("word/header")))
        .decode()
    )
    assert " PAGE " in xml and " NUMPAGES " in xml
    assert "DDE" not in xml and "INCLUDE" not in xml and "passwd" not in xml


def bomb(declared_ok: bool) -> bytes:
    """styles.xml that inflates to 320 MB; with ``declared_ok`` the directory lies small."""
    parts = parts_of(house_reference())
    data = zip_of({k: v for k, v in parts.items() if k != "word/styles.xml"})

    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        with package.open("word/styles.xml", "w", force_zip64=True) as stream:
            chunk = b" " * (64 * 1024 * 1024)
            for _ in range(5):
                stream.write(chunk)
    data = out.getvalue()
    if declared_ok:  # rewrite the central directory's size field to a small number
        index = data.rfind(b"PK\x01\x02")
        while data[index + 46 : index + 46 + 15] != b"word/styles.xml":
            index = data.rfind(b"PK\x01\x02", 0, index)
        data = data[: index + 24] + (1000).to_bytes(4, "little") + data[index + 28 :]
    return data


@pytest.mark.parametrize("declared_ok", [False, True], ids=["honest", "lying-directory"])
def test_zip_bomb_is_refused_quickly_in_little_memory(declared_ok, tmp_path):
    path = tmp_path / "reference.docx"
    path.write_bytes(bomb(declared_ok))
    tracemalloc.start()
    started = time.process_time()  # CPU time: other processes' load does not count
    try:
        with pytest.raises(BriefgenError) as excinfo:
            data, _ = clean_reference(path)
            # a lying directory may read short and fail, or be cut at the cap: never inflated
            raise AssertionError("inflated a bomb") if len(data) > MAX_PART_BYTES else None
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.process_time() - started < 10
    assert peak < 4 * MAX_PART_BYTES
    assert "cannot read the reference document" in str(excinfo.value)


def test_a_fifo_as_reference_is_refused_not_read(tmp_path):
    import os

    (tmp_path / "minister").mkdir()
    os.mkfifo(tmp_path / "minister" / "reference.docx")
    # audience_file skips what is not a regular file: the house style is used
    outputs = render_brief(sample_brief(), ["docx"], [tmp_path, builtin_templates_dir()])
    assert outputs["docx"].data.startswith(b"PK")
    with pytest.raises(BriefgenError) as excinfo:
        clean_reference(tmp_path / "minister" / "reference.docx")
    assert "not a regular file" in str(excinfo.value)
