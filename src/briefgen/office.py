"""How many pages a DOCX runs to: laid out by LibreOffice, headless.

Word lays out its own pages, so a DOCX has no page count of its own; LibreOffice,
with the metric-compatible Liberation fonts (Arial's widths), lays it out as Word
would, nearly enough to check a page budget. All the DOCX files of a build are
converted to PDF by one LibreOffice process (its start-up, some 3 s here, is most of
the cost), with a profile folder of its own, so concurrent builds and an office
suite the user has open do not collide; it runs under a time limit, in a session of
its own, so the whole process group can be stopped.

LibreOffice 7.4 (every release before the fix for tdf#160984, in 2024) sets Word
endnotes on a page of their own, without header or footer, where Word sets them after
the last paragraph; no endnote or section setting a DOCX can carry changes that there. So the copy
LibreOffice measures has its endnotes written after the text, as Word shows them
(:func:`as_word_shows_it`); the DOCX written is not changed.

Nothing here fails a build: a DOCX that cannot be measured is "not measured", and why.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
START_SECONDS = 60  # LibreOffice's start-up, with room for a busy machine
SECONDS_PER_DOCUMENT = 10
NOT_INSTALLED = (
    "LibreOffice (soffice) is not installed; scripts/install-system-packages --test "
    "installs it, with the Liberation fonts"
)


@dataclass(frozen=True)
class Measured:
    """Pages per document name; ``by`` says what laid them out (e.g. "LibreOffice 7.4"),
    ``why_not`` why a document missing from ``pages`` was not measured."""

    pages: dict[str, int] = field(default_factory=dict)
    by: str = ""
    why_not: str = ""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def measure_pages(documents: dict[str, bytes], seconds: float | None = None) -> Measured:
    """The page count of each DOCX (by name), as LibreOffice lays it out."""
    soffice = find_soffice()
    if soffice is None:
        return Measured(why_not=NOT_INSTALLED)
    if not documents:
        return Measured()
    seconds = seconds or START_SECONDS + SECONDS_PER_DOCUMENT * len(documents)
    try:
        pages, producer, failure = convert_and_count(soffice, documents, seconds)
    except OSError as exc:  # a full disk, a read-only TMPDIR: not the build's business
        return Measured(why_not=f"its scratch files could not be written ({exc.strerror})")
    if pages and not arial_has_its_widths():
        producer += " without Arial's widths (no Liberation Sans): Word may differ"
    if len(pages) < len(documents):
        return Measured(pages, producer, failure or "LibreOffice could not convert it")
    return Measured(pages, producer)


def convert_and_count(
    soffice: str, documents: dict[str, bytes], seconds: float
) -> tuple[dict[str, int], str, str]:
    """Each document's pages, what laid them out, and why some failed ("" if none did)."""
    with tempfile.TemporaryDirectory(prefix="briefgen-pages-") as scratch:
        folder = Path(scratch)
        names = list(documents)
        # Numbered files: a brief's id never reaches LibreOffice's command line.
        inputs = [folder / f"{index}.docx" for index in range(len(names))]
        for path, name in zip(inputs, names, strict=True):
            path.write_bytes(as_word_shows_it(documents[name]))
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless", "--norestore", "--nolockcheck", "--nodefault",
            "--convert-to", "pdf", "--outdir", str(folder / "pdf"),
            *map(str, inputs),
        ]  # fmt: skip
        failure = run_stopped_after(command, seconds)
        import pikepdf  # here, not above: a build asks find_soffice() before skipping a brief

        pages, producer = {}, ""
        for path, name in zip(inputs, names, strict=True):
            pdf_path = folder / "pdf" / f"{path.stem}.pdf"
            if not pdf_path.is_file():
                continue
            try:
                with pikepdf.open(pdf_path) as pdf:
                    pages[name] = len(pdf.pages)
                    producer = producer or str(pdf.docinfo.get("/Producer", "LibreOffice"))
            except pikepdf.PdfError:  # cut short by the time limit: not measured
                continue
    return pages, producer, failure


def arial_has_its_widths() -> bool:
    """Is the house font, Arial, there or stood in for by Liberation Sans (its widths)?
    Any other stand-in lays lines out longer or shorter, and the count is a guess."""
    if shutil.which("fc-match") is None:
        return True  # cannot tell: no caveat on a count that may well be right
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}", "Arial"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return True
    return "Arial" in found or "Liberation Sans" in found


def run_stopped_after(command: list[str], seconds: float) -> str:
    """Run ``command``; why it failed, or "" if it did not. ``soffice`` is a script that
    starts ``soffice.bin``: on a timeout the whole session (process group) is stopped."""
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"},  # no display wanted
        )
    except OSError as exc:
        return f"LibreOffice could not be started: {exc.strerror or exc}"
    try:
        _, errors = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return f"LibreOffice took longer than {seconds:g} s and was stopped"
    if process.returncode != 0:
        last = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return f"LibreOffice failed ({last[0][:200]})"
    return ""


def as_word_shows_it(docx: bytes) -> bytes:
    """A copy of the DOCX whose endnotes are paragraphs after the text, numbered as
    Word numbers them, after a separator line: laid out as Word lays out the original,
    even by a LibreOffice that sets endnotes on a page of their own."""
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        parts = {info.filename: package.read(info) for info in package.infolist()}
    if "word/endnotes.xml" not in parts:
        return docx
    document = etree.fromstring(parts["word/document.xml"])
    endnotes = etree.fromstring(parts["word/endnotes.xml"])
    numbers: dict[str, int] = {}  # endnote id → its number, in order of reference
    for reference in document.iter(f"{{{W}}}endnoteReference"):
        note_id = reference.get(f"{{{W}}}id")
        numbers.setdefault(note_id, len(numbers) + 1)
        run = reference.getparent()
        if reference.get(f"{{{W}}}customMarkFollows") in ("1", "true", "on"):
            run.remove(reference)  # the run's own text is the mark
        else:
            run.replace(reference, text_element(str(numbers[note_id])))
    notes = {note.get(f"{{{W}}}id"): note for note in endnotes.iter(f"{{{W}}}endnote")}
    moved = [separator_paragraph()]
    for note_id, number in numbers.items():
        for paragraph in notes[note_id].findall(f"{{{W}}}p") if note_id in notes else []:
            for mark in paragraph.iter(f"{{{W}}}endnoteRef"):
                mark.getparent().replace(mark, text_element(str(number)))
            moved.append(paragraph)
    body = document.find(f"{{{W}}}body")
    last = body[-1] if len(body) and body[-1].tag == f"{{{W}}}sectPr" else None
    for paragraph in moved:
        if last is not None:
            last.addprevious(paragraph)
        else:
            body.append(paragraph)
    parts["word/document.xml"] = etree.tostring(document, xml_declaration=True, standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return out.getvalue()


def text_element(text: str):
    element = etree.Element(f"{{{W}}}t")
    element.text = text
    return element


def separator_paragraph():
    """Word's endnote separator: a short rule, one line of the Normal style."""
    return etree.fromstring(
        f'<w:p xmlns:w="{W}"><w:pPr><w:spacing w:after="0"/></w:pPr>'
        "<w:r><w:t>\u2014\u2014\u2014\u2014</w:t></w:r></w:p>"
    )
