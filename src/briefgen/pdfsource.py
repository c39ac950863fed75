"""PDF sources: the text a PDF holds, as numbered paragraphs on each page.

Extracted with pypdf rather than pdfminer.six: pure Python, so a hostile file
can at worst be slow or fail (the limits below stop both), never corrupt
memory; it unpickles nothing a file names (pdfminer.six's CMap loader did, until
CVE-2025-64512); its maintainers ship decompression and parsing limits release
after release; and it is what the tests already read briefs with. Its text
visitor gives each piece of text with its position, which is all the paragraph
rule below needs (pdfminer.six's layout analysis would be a second, opaque rule).

**How paragraphs are counted** (the rule ``data add-source`` prints and
``data check`` proves):

- Pages are counted as in the file: the first page is page 1, whatever number
  is printed on it.
- On each page, text is read line by line in the order the PDF draws it (for
  most documents, reading order; running heads and page numbers count as
  paragraphs where they stand).
- A new paragraph begins where a reader sees one: where the space from one
  line's baseline to the next is more than the smaller of 1.25 times the
  page's usual line spacing and 1.8 times the font size; where the size of
  the type changes by more than 15% (a heading and its text); or where the
  text goes back up the page (a new column or box). So paragraphs marked by
  indentation alone, with no space between them, count as one, and a document
  set double-spaced may count each line as one.
- Lines of a paragraph are joined with a space, except after a hyphen at the
  end of a line between a letter and a letter or digit: that hyphen becomes a
  soft hyphen (U+00AD), which a quote may read with or without the hyphen
  (``human-`` / ``itarian``: "humanitarian"; ``well-`` / ``known``:
  "well-known"), as a reader cannot tell either (see :func:`sources.occurs`).
- Ligatures (ﬁ, ﬂ…) are read as their letters, and runs of white space as one.

No OCR: a page with no text layer has no paragraphs, and a file with none at
all is refused.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from briefgen import pdfcache
from briefgen.inputfiles import NotAnInput, read_regular
from briefgen.timelimit import TimeLimitExceeded, time_limit
from briefgen.yamlsource import printable

MAX_PDF_BYTES = 64 * 1024 * 1024  # a long report with pictures is a few MB
MAX_PDF_PAGES = 3000
MAX_PDF_CHARACTERS = 20_000_000  # text, all pages together
# Reading one file, however hostile. Enforced where a timer signal can interrupt it (the
# command line, worker processes: see briefgen.timelimit); elsewhere the size, page and
# text limits and pypdf's own decompression limits still hold.
PDF_SECONDS = 60.0

LINE_END_HYPHEN = re.compile(r"(?<=\w)[-\u2010\u00ad]$")
STARTS_WORD = re.compile(r"^\w")
WHITE_SPACE = re.compile(r"\s+")
LIGATURES = str.maketrans(
    {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
     "\ufb05": "st", "\ufb06": "st"}
)  # fmt: skip
SOFT_HYPHEN = "\u00ad"


class SourceUnreadable(ValueError):
    """A source file briefgen cannot take its text from; the message says why and what
    to do, and is printed after the file's name."""


def pdf_pages(path: Path) -> tuple[tuple[str, ...], ...]:
    """The paragraphs of each page of a PDF (index 0 is page 1, paragraph 1)."""
    try:
        data = read_regular(path, MAX_PDF_BYTES)
    except NotAnInput as exc:  # not a regular file, or over the cap: only the cap is ours
        if "larger than" in str(exc):
            raise SourceUnreadable(
                f"is larger than {MAX_PDF_BYTES // 1024 // 1024} MB; add the part you cite "
                "as its own PDF, or as text"
            ) from None
        raise
    digest = hashlib.sha256(data).hexdigest()
    if digest not in READ:  # by content: a dataset loaded again (watch, portal) reads it once
        if len(READ) >= READ_KEPT:
            READ.pop(next(iter(READ)))
        pages = pdfcache.recall(digest, reader_version())  # read in an earlier run
        if pages is None:
            pages = pages_of(data)
            pdfcache.keep(digest, reader_version(), pages)
        READ[digest] = pages
    return READ[digest]


READ: dict[str, tuple[tuple[str, ...], ...]] = {}
READ_KEPT = 32


@cache
def reader_version() -> str:
    """What reads PDFs, as a hash: this module (the rule) and pypdf's version."""
    import pypdf

    code = Path(__file__).read_bytes()
    return hashlib.sha256(code + pypdf.__version__.encode()).hexdigest()[:16]


def pages_of(data: bytes) -> tuple[tuple[str, ...], ...]:
    try:
        with time_limit(PDF_SECONDS):
            pages = read_pages(data)
    except TimeLimitExceeded:
        raise SourceUnreadable(
            f"took more than {PDF_SECONDS:g} s to read (a damaged or hostile PDF?); save "
            "it again from a PDF viewer, or add its text as a .txt source"
        ) from None
    if not any(pages):
        raise SourceUnreadable(
            "has no text layer (a scanned image?): briefgen reads the text a PDF holds and "
            "does no OCR; make a text version with OCR, check it against the scan, and add "
            "that as a .txt source"
        )
    return pages


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """pypdf logs what it repairs ("EOF marker not found"); a damaged file would fill the
    curator's terminal with it (its own bytes, too). What matters is said as one error."""
    logger = logging.getLogger("pypdf")  # its modules' loggers take their level from it
    was = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(was)


def read_pages(data: bytes) -> tuple[tuple[str, ...], ...]:
    with quiet_pypdf():
        return read_pages_quietly(data)


def read_pages_quietly(data: bytes) -> tuple[tuple[str, ...], ...]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            # An empty user password opens files that only restrict printing or copying.
            raise SourceUnreadable(
                "is encrypted with a password; save a copy without one (e.g. print it to "
                "PDF) and add that"
            )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise SourceUnreadable(
                f"has {len(reader.pages)} pages, more than {MAX_PDF_PAGES}; add the part you "
                "cite as its own PDF"
            )
        pages, total = [], 0
        for number, page in enumerate(reader.pages, start=1):
            pages.append(page_paragraphs(page))
            if not pages[-1]:
                refuse_a_bomb(page, number)
            total += sum(len(paragraph) for paragraph in pages[-1])
            if total > MAX_PDF_CHARACTERS:
                raise SourceUnreadable(
                    f"holds more than {MAX_PDF_CHARACTERS:,} characters of text; add the "
                    "part you cite as its own PDF"
                )
    except (SourceUnreadable, TimeLimitExceeded):
        raise
    except (DependencyError, FileNotDecryptedError):
        raise SourceUnreadable(
            "is encrypted in a way that needs a password or a decryption library; save a "
            "copy without encryption and add that"
        ) from None
    except Exception as exc:  # whatever a hostile or broken file makes pypdf raise
        raise SourceUnreadable(
            f"cannot be read as a PDF ({type(exc).__name__}: {printable(str(exc)[:120])}); save it "
            "again from a PDF viewer, or add its text as a .txt source"
        ) from None
    return tuple(pages)


def refuse_a_bomb(page, number: int) -> None:
    """A page with no text may be blank, or its content may inflate past pypdf's limit,
    which its text extraction swallows: say which, rather than "no text layer"."""
    from pypdf.errors import LimitReachedError

    try:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    except LimitReachedError:
        raise SourceUnreadable(
            f"page {number}'s content inflates past what briefgen reads (a damaged or "
            "hostile PDF?); save it again from a PDF viewer, or add its text as a .txt source"
        ) from None


class Line:
    __slots__ = ("text", "y", "size")

    def __init__(self) -> None:
        self.text: list[str] = []
        self.y: float | None = None
        self.size = 0.0


def page_lines(page) -> list[Line]:
    """The page's lines of text, each with its baseline (from the page's foot) and size."""
    lines = [Line()]

    def visit(text: str, cm, tm, font, font_size) -> None:
        for index, piece in enumerate(text.split("\n")):
            if index:
                lines.append(Line())
            line = lines[-1]
            line.text.append(piece)
            if piece.strip() and font_size:
                # Text space to page space: the text matrix, then the graphics state's.
                a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
                c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
                size = abs(font_size) * math.sqrt(abs(a * d - b * c))
                if line.y is None:  # where its first visible text stands
                    line.y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                line.size = max(line.size, size)

    page.extract_text(visitor_text=visit)
    return [line for line in lines if "".join(line.text).strip()]


def page_paragraphs(page) -> tuple[str, ...]:
    lines = page_lines(page)
    usual = usual_spacing(lines)
    paragraphs: list[str] = []
    text, previous = "", None
    for line in lines:
        shown = WHITE_SPACE.sub(" ", "".join(line.text).translate(LIGATURES)).strip()
        if previous is not None and starts_paragraph(previous, line, usual):
            paragraphs.append(text)
            text = ""
        text = joined(text, shown)
        previous = line
    if text:
        paragraphs.append(text)
    return tuple(paragraphs)


def usual_spacing(lines: list[Line]) -> float | None:
    """The most common distance between the baselines of two lines of one size."""
    distances = Counter(
        round((one.y - two.y) * 2) / 2
        for one, two in zip(lines, lines[1:], strict=False)
        if one.y is not None and two.y is not None and one.y > two.y
        and abs(one.size - two.size) <= 0.05 * max(one.size, two.size)
    )  # fmt: skip
    return distances.most_common(1)[0][0] if distances else None


def starts_paragraph(previous: Line, line: Line, usual: float | None) -> bool:
    if previous.y is None or line.y is None:  # no position known: one paragraph
        return False
    size = max(previous.size, line.size)
    if abs(previous.size - line.size) > 0.15 * size:
        return True
    down = previous.y - line.y
    if down < -0.5 * size:  # back up the page
        return True
    limit = 1.8 * size if usual is None else min(1.25 * usual, 1.8 * size)
    return down > limit


def joined(text: str, line: str) -> str:
    if not text:
        return line
    if LINE_END_HYPHEN.search(text) and STARTS_WORD.match(line):
        return text[:-1] + SOFT_HYPHEN + line
    return f"{text} {line}"
