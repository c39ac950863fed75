"""PDF sources: paragraphs counted on each page as a reader sees them, page and
paragraph locators checked at their line, quotes proven across line-end hyphens, the
curator's commands, and hostile files refused with a message, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from briefgen import pdfsource
from briefgen.errors import BriefgenError
from briefgen.load_dataset import load_dataset
from briefgen.pdfsource import Line, SourceUnreadable, pdf_pages, starts_paragraph
from briefgen.sources import occurs
from conftest import REPO
from pdfsources import EXAMPLE_REPORT_PAGES, REPORT_PAGES, encrypted, scanned, write_pdf

DATASET = """\
    tags:
      example: Items of the synthetic example (not real)
    sources:
      - id: report
        title: "A synthetic report (SYNTHETIC EXAMPLE)"
        publisher: briefgen tests
        date: "2026-01"
        kind: report
        language: en
        file: sources/report.pdf
    people:
      - id: example-speaker
        source: report
        page: 2
        paragraph: 1
        name: An example speaker
        role: Speaker
    quotes:
      - id: examples-checked
        source: report
        page: 2
        paragraph: 1
        speaker: example-speaker
        text: Examples are checked like sources,
      - id: international-rules
        source: report
        page: 1
        paragraph: 3
        speaker: example-speaker
        text: international cooperation and well-known rules
"""


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    return write_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf")


@pytest.fixture
def folder(tmp_path, report_pdf) -> Path:
    (tmp_path / "data" / "sources").mkdir(parents=True)
    (tmp_path / "data" / "sources" / "report.pdf").write_bytes(report_pdf.read_bytes())
    (tmp_path / "data" / "data.yaml").write_text(textwrap.dedent(DATASET), "utf-8")
    return tmp_path / "data"


def edited(folder: Path, old: str, new: str) -> Path:
    path = folder / "data.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


def only_problem(folder: Path):
    with pytest.raises(BriefgenError) as excinfo:
        load_dataset(folder)
    (problem,) = excinfo.value.problems
    return problem


def line_of(path: Path, number: int) -> str:
    return path.read_text("utf-8").splitlines()[number - 1].strip()


def test_paragraphs_are_counted_on_each_page_as_a_reader_sees_them(report_pdf):
    assert pdf_pages(report_pdf) == REPORT_PAGES


def test_the_example_pdf_reads_as_its_yaml_and_the_readme_say():
    example = REPO / "examples" / "dataset-folder" / "sources" / "example-report-2026.pdf"
    assert pdf_pages(example) == EXAMPLE_REPORT_PAGES


def test_a_line_end_hyphen_reads_with_or_without_it():
    paragraph = REPORT_PAGES[0][2]
    assert occurs("international cooperation", paragraph)
    assert occurs("well-known rules", paragraph)
    assert occurs("inter-national", paragraph)  # a reader cannot tell: both pass
    assert not occurs("intra-national", paragraph)
    assert not occurs("well known rules", paragraph)  # a space is not a hyphen


def line(y: float, size: float = 12.0) -> Line:
    made = Line()
    made.text, made.y, made.size = ["x"], y, size
    return made


@pytest.mark.parametrize(
    ("previous", "following", "usual", "new"),
    [
        (line(700), line(685.6), 14.4, False),  # the next line, single spacing
        (line(700), line(676), 14.4, True),  # a blank space a reader sees
        (line(700), line(679), 21.0, False),  # set at 1.5 lines: still one paragraph
        (line(700), line(670), 21.0, True),  # …with space after the paragraph
        (line(700, 18), line(680), 14.4, True),  # a heading, then its text
        (line(300), line(700), 14.4, True),  # back up the page: a new column
        (line(700), line(700), 14.4, False),  # the same baseline: one line, one paragraph
    ],
)
def test_the_paragraph_rule(previous, following, usual, new):
    assert starts_paragraph(previous, following, usual) is new


def test_a_dataset_with_a_pdf_source_proves_its_quotes(folder):
    dataset = load_dataset(folder)
    assert dataset.texts["report"].paged
    assert dataset.texts["report"].on_page(2) == REPORT_PAGES[1]
    assert dataset.paragraphs["report"] == [*REPORT_PAGES[0], *REPORT_PAGES[1]]


def test_a_quote_not_on_its_page_is_an_error_at_its_text(folder):
    path = edited(folder, "page: 2\n    paragraph: 1\n    speaker", "page: 1\n    paragraph: 1\n"
                  "    speaker")  # fmt: skip
    problem = only_problem(folder)
    assert problem.file == path and line_of(path, problem.line).startswith("text:")
    assert problem.message == (
        "quotes[0].text: quote 'examples-checked' does not occur word for word in paragraph 1 "
        "on page 1 of 'report'; copy it exactly from the source"
    )


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ("page: 2\n    paragraph: 1\n    speaker", "page: 3\n    paragraph: 1\n    speaker",
         "page: 3", "quotes[0].page: page 3 is outside the source 'report', which has 2 pages"),
        ("page: 2\n    paragraph: 1\n    speaker", "page: 2\n    paragraph: 4\n    speaker",
         "paragraph: 4", "quotes[0].paragraph: paragraph 4 is outside page 2 of the source "
         "'report', which has 3 paragraphs on that page"),
        ("page: 2\n    paragraph: 1\n    speaker", "paragraph: 1\n    speaker",
         "paragraph: 1", "quotes[0].paragraph: the source 'report' is a PDF: give page: (1 to 2) "
         "as well as paragraph:, counted on that page"),
        ("page: 2\n    paragraph: 1\n    speaker", "page: 0\n    paragraph: 1\n    speaker",
         "page: 0", "quotes[0].page: input should be greater than or equal to 1, got '0'"),
    ],
)  # fmt: skip
def test_a_locator_outside_the_pdf_is_an_error_at_its_line(folder, old, new, field, message):
    path = edited(folder, old, new)
    problem = only_problem(folder)
    assert problem.file == path and line_of(path, problem.line) == field
    assert problem.message == message


def test_a_page_on_a_source_without_pages_is_an_error(folder):
    (folder / "sources" / "note.txt").write_text("SYNTHETIC EXAMPLE.\n\nA note.\n", "utf-8")
    note = folder / "note.yaml"  # a second file of the folder
    note.write_text(textwrap.dedent("""\
        sources:
          - {id: note, title: A note, publisher: P, date: "2026", kind: note, language: en,
             file: sources/note.txt}
        facts:
          - id: a-note
            source: note
            page: 1
            paragraph: 2
            text: A note says something.
        """), "utf-8")  # fmt: skip
    problem = only_problem(folder)
    assert problem.file == note and line_of(note, problem.line) == "page: 1"
    assert problem.message == (
        "facts[0].page: the source 'note' has no pages (only PDF sources do); remove page: and "
        "count paragraphs through the whole text"
    )


# --- hostile and unreadable files ------------------------------------------------------


def test_an_encrypted_pdf_is_refused_with_what_to_do(folder, report_pdf):
    encrypted(report_pdf, folder / "sources" / "report.pdf", user_password="secret")
    problem = only_problem(folder)
    assert line_of(folder / "data.yaml", problem.line) == "file: sources/report.pdf"
    assert problem.message == (
        f"sources[0].file: {folder / 'sources' / 'report.pdf'} is encrypted with a password; "
        "save a copy without one (e.g. print it to PDF) and add that"
    )


def test_a_pdf_that_only_restricts_copying_is_read(folder, report_pdf):
    encrypted(report_pdf, folder / "sources" / "report.pdf", user_password="")
    assert load_dataset(folder).texts["report"].pages == REPORT_PAGES


def test_a_scanned_pdf_is_refused_saying_no_ocr_is_done(tmp_path):
    with pytest.raises(SourceUnreadable) as excinfo:
        pdf_pages(scanned(tmp_path / "scan.pdf"))
    assert str(excinfo.value).startswith("has no text layer (a scanned image?): briefgen reads "
                                         "the text a PDF holds and does no OCR")  # fmt: skip


def test_a_page_that_inflates_past_the_limit_is_refused_as_such(tmp_path):
    # 100 MB of content in 100 KB: pypdf stops inflating at its limit and its text
    # extraction then says nothing, which read as "no text layer" before.
    import zlib

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = StreamObject()
    stream._data = zlib.compress(b"BT /F1 12 Tf (x) Tj ET\n" + b" " * (100 * 1024 * 1024))
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    path = tmp_path / "bomb.pdf"
    with path.open("wb") as file:
        writer.write(file)
    with pytest.raises(SourceUnreadable) as excinfo:
        pdf_pages(path)
    assert str(excinfo.value).startswith("page 1's content inflates past what briefgen reads")


@pytest.mark.parametrize(
    "data", [b"%PDF-1.7\n1 0 obj << /Type /Catalog", b"not a pdf at all", b""]
)
def test_a_broken_pdf_is_refused_as_one(tmp_path, data):
    path = tmp_path / "broken.pdf"
    path.write_bytes(data)
    with pytest.raises(SourceUnreadable) as excinfo:
        pdf_pages(path)
    assert "cannot be read as a PDF (" in str(excinfo.value)


def test_a_pdf_over_the_size_limit_is_not_read(tmp_path, report_pdf, monkeypatch):
    monkeypatch.setattr(pdfsource, "MAX_PDF_BYTES", 1024 * 1024)
    path = tmp_path / "big.pdf"
    path.write_bytes(report_pdf.read_bytes() + b"\n%" + b"x" * (1024 * 1024))
    with pytest.raises(SourceUnreadable, match="is larger than 1 MB; add the part you cite"):
        pdf_pages(path)


def test_a_pdf_that_never_finishes_is_stopped(tmp_path, report_pdf, monkeypatch):
    def forever(page):
        while True:
            pass

    monkeypatch.setattr(pdfsource, "page_paragraphs", forever)
    monkeypatch.setattr(pdfsource, "PDF_SECONDS", 0.2)
    path = tmp_path / "slow.pdf"  # other bytes than the other tests': not read before
    path.write_bytes(report_pdf.read_bytes() + b"\n% slow\n")
    with pytest.raises(SourceUnreadable, match=r"took more than 0.2 s to read \(a damaged"):
        pdf_pages(path)


def test_too_many_pages_are_refused(tmp_path, report_pdf, monkeypatch):
    monkeypatch.setattr(pdfsource, "MAX_PDF_PAGES", 1)
    path = tmp_path / "long.pdf"
    path.write_bytes(report_pdf.read_bytes() + b"\n% long\n")
    with pytest.raises(SourceUnreadable, match="has 2 pages, more than 1; add the part"):
        pdf_pages(path)


# --- the curator's commands, run as a curator runs them -------------------------------


def briefgen(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "briefgen", *args], capture_output=True, text=True, timeout=120
    )


def test_a_curator_adds_a_pdf_finds_words_and_gets_a_verified_quote(folder, report_pdf):
    added = briefgen("data", "add-source", str(report_pdf), "--dataset", str(folder), "--id",
                     "report-copy", "--publisher", "Tests", "--title", "A copy (synthetic)",
                     "--date", "2026-02", "--kind", "report",
                     "--url", "https://example.org/report.pdf")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert f"wrote {folder / 'sources' / 'report-copy.pdf'}" in added.stdout
    listing = added.stdout.splitlines()
    assert listing[2:] == [
        "page 1",
        "   1  A synthetic report",
        "   2  This report is a SYNTHETIC EXAMPLE made for a test. It says nothing about the "
        "world.",
        "   3  The example body speaks of inter-national cooperation and well-known rules.",
        "   4  A one-line paragraph.",
        "   5  Page 1",
        "page 2",
        "   1  “Examples are checked like sources,” said the example speaker.",
        "   2  Its last paragraph has two lines.",
        "   3  Page 2",
    ]
    found = briefgen("data", "find", "two lines", "--source", "report-copy",
                     "--dataset", str(folder))  # fmt: skip
    assert found.stdout == "report-copy page 2 paragraph 2: Its last paragraph has two lines.\n"
    quoted = briefgen("data", "quote", "international cooperation", "--source", "report-copy",
                      "--page", "1", "--paragraph", "3", "--speaker", "example-speaker",
                      "--dataset", str(folder))  # fmt: skip
    assert quoted.returncode == 0, quoted.stderr
    assert "    page: 1\n    paragraph: 3\n" in quoted.stdout
    assert "note: 'inter-national' runs over a hyphen at a line's end" in quoted.stderr
    (folder / "added.yaml").write_text("quotes:\n" + quoted.stdout, encoding="utf-8")
    checked = briefgen("data", "check", "--dataset", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert "3 quotes" in checked.stdout and "2 sources" in checked.stdout
    listed = briefgen("data", "list", "quotes", "--dataset", str(folder))
    assert "page 1 paragraph 3" in listed.stdout and "page 2 paragraph 1" in listed.stdout
    unpaged = briefgen("data", "quote", "two lines", "--source", "report-copy",
                       "--paragraph", "2", "--dataset", str(folder))  # fmt: skip
    assert unpaged.returncode == 1 and "Traceback" not in unpaged.stderr
    assert "--page: 'report-copy' is a PDF; give --page (1 to 2) with --paragraph" in (
        unpaged.stderr
    )


def test_adding_a_scanned_pdf_says_no_ocr_is_done_and_writes_nothing(folder, tmp_path):
    scan = scanned(tmp_path / "scan.pdf")
    refused = briefgen("data", "add-source", str(scan), "--dataset", str(folder), "--id",
                       "scan", "--publisher", "P", "--title", "T", "--date", "2026")  # fmt: skip
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert f"{scan}: error: has no text layer (a scanned image?)" in refused.stderr
    assert not (folder / "scan.yaml").exists() and not (folder / "sources" / "scan.pdf").exists()


def test_a_damaged_pdf_is_one_line_of_error_not_the_library_s_log(folder, tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")  # no xref, no %%EOF
    refused = briefgen("data", "add-source", str(damaged), "--dataset", str(folder), "--id",
                       "damaged", "--publisher", "P", "--title", "T", "--date", "2026")  # fmt: skip
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"{damaged}: error: cannot be read as a PDF (PdfStreamError: Stream has ended "
        "unexpectedly); save it again from a PDF viewer, or add its text as a .txt source",
        "1 error.",
    ]


def test_a_pdf_is_read_once_and_then_taken_from_the_cache(tmp_path, report_pdf, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_PDF_CACHE", str(tmp_path / "cache"))
    path = tmp_path / "cached.pdf"
    path.write_bytes(report_pdf.read_bytes() + b"\n% cached\n")
    reads = []
    read = pdfsource.page_paragraphs
    monkeypatch.setattr(pdfsource, "page_paragraphs", lambda page: reads.append(1) or read(page))
    assert pdf_pages(path) == REPORT_PAGES and len(reads) == 2  # two pages read
    pdfsource.READ.clear()  # as in the next run of briefgen
    assert pdf_pages(path) == REPORT_PAGES and len(reads) == 2  # from the cache
    (entry,) = (tmp_path / "cache").iterdir()
    # The sources' text (a marked one, perhaps) is the user's alone.
    assert (entry.stat().st_mode & 0o777, entry.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    entry.write_text('{"not": "pages"}', "utf-8")  # a damaged or foreign entry: read again
    pdfsource.READ.clear()
    assert pdf_pages(path) == REPORT_PAGES and len(reads) == 4
    older = entry.with_name(entry.name.replace(pdfsource.reader_version(), "0" * 16))
    older.write_text("[]", "utf-8")  # what an older briefgen read: removed when one is kept
    pdfsource.READ.clear()
    (path.parent / "other.pdf").write_bytes(path.read_bytes() + b"% other\n")
    assert pdf_pages(path.parent / "other.pdf") == REPORT_PAGES
    assert not older.exists() and entry.exists()


def test_a_folder_with_only_a_new_source_checks_clean(tmp_path, report_pdf):
    """What `data add-source` leaves in a new folder: a source and no items yet."""
    folder = tmp_path / "new"
    folder.mkdir()
    added = briefgen("data", "add-source", str(report_pdf), "--dataset", str(folder), "--id",
                     "report", "--publisher", "P", "--title", "T", "--date", "2026")  # fmt: skip
    assert added.returncode == 0, added.stderr
    checked = briefgen("data", "check", "--dataset", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.startswith(f"{folder}: ok (0 facts, 0 quotes,")


def test_the_readme_pdf_example_runs_as_written():
    example = str(REPO / "examples" / "dataset-folder")
    found = briefgen("data", "find", "checked like", "--dataset", example)
    assert found.stdout == (
        "example-report-2026 page 2 paragraph 1: The example speaker said: “Examples are "
        "checked like sources.”\n"
    )
    quoted = briefgen("data", "quote", "Examples are checked like sources.", "--dataset",
                      example, "--source", "example-report-2026", "--page", "2",
                      "--paragraph", "1", "--speaker", "example-speaker")  # fmt: skip
    assert quoted.returncode == 0, quoted.stderr
    assert quoted.stdout.startswith(
        "  - id: speaker-examples-are-checked-like\n    source: example-report-2026\n"
        "    page: 2\n    paragraph: 1\n    speaker: example-speaker\n"
    )
