"""HTML → PDF with WeasyPrint.

WeasyPrint is given the tree :func:`~briefgen.render.htmltree.read_html` parsed and
checked (:class:`CheckedHTML`), never the text to parse again: what was checked is
what is rendered. After layout, the document's links, attachments and form fields
are checked once more, since CSS (``link: url(...)``, ``attr()``) can make links too.
The PDF WeasyPrint writes then has its page furniture (what the margin boxes hold)
made pagination artifacts (:mod:`briefgen.render.pdf_furniture`).

WeasyPrint reads only through :class:`TemplateFetcher`: files inside the
template folders, nothing else (no network, no ``file://`` elsewhere, no
symlink escapes, no FIFOs or devices). A refused URL is an error naming the
audience's template. One :class:`~weasyprint.text.fonts.FontConfiguration` is
reused per process, with a folder of its own for the fonts it copies (see
:func:`font_configuration`).
"""

from __future__ import annotations

import base64
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from briefgen.errors import BriefgenError, Problem
from briefgen.inputfiles import read_regular_file
from briefgen.render.htmlcheck import SAFE_HREF
from briefgen.render.htmltree import read_html
from briefgen.render.libraries import quick_library_lookup
from briefgen.render.pdf_furniture import Margins, tag_page_furniture
from briefgen.workers import own_folder

try:
    with quick_library_lookup():
        import weasyprint  # noqa: F401
except Exception:  # a library the quick lookup missed: WeasyPrint looks the usual way
    import sys

    for name in [name for name in sys.modules if name.startswith("weasyprint")]:
        del sys.modules[name]
import cssselect2  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

FIRST_PAGE = "first-page"
FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


class CheckedHTML(HTML):
    """A WeasyPrint document made from an already parsed and checked tree.

    ``HTML()`` only takes text (or a file) and parses it itself; this sets what its
    ``__init__`` would, from our tree (WeasyPrint is pinned to 70.x in pyproject; the
    tests render through this class, so a change there fails them). No ``<base>``
    is honoured: the check refuses it, and the base URL is ours.
    """

    def __init__(self, root, base_url: str, url_fetcher: URLFetcher) -> None:
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None
        )
        self.etree_element = self.wrapper_element.etree_element


class TemplateFetcher(URLFetcher):
    """Serves files from the template folders, and the charts briefgen drew for this
    brief; refuses everything else."""

    def __init__(self, roots: list[Path], charts: frozenset[str] = frozenset()) -> None:
        super().__init__(allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]
        self.charts = charts
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url in self.charts:  # a chart briefgen drew: no file, no network
            svg = base64.b64decode(url.partition(",")[2], validate=True)
            return URLFetcherResponse(url, svg, {"Content-Type": "image/svg+xml"})
        path = self.allowed_path(url)
        data = read_regular_file(path) if path is not None else None
        if data is None:
            self.refused.append(url)
            raise ValueError(f"briefgen does not fetch {url}")
        content_type = FONT_TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0]
        return URLFetcherResponse(
            url, data, {"Content-Type": content_type or "application/octet-stream"}
        )

    def allowed_path(self, url: str) -> Path | None:
        try:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                return None
            path = Path(unquote(parts.path)).resolve()  # resolves symlinks and ".."
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                return path
        except (ValueError, OSError):  # e.g. a NUL byte in the path
            pass
        return None


_fonts: tuple[int, FontConfiguration] | None = None  # (pid, this process's configuration)


def font_configuration() -> FontConfiguration:
    """This process's font configuration, writing in a folder only this process uses.

    WeasyPrint copies each ``@font-face`` file into its configuration's folder, non
    atomically, and skips a file already there without registering the font. A worker
    inherits the fork server's configuration, warm, with the house fonts registered; had
    it kept the server's folder too, two workers would write the same files, one
    truncating a font the other has mapped (SIGBUS), or one skipping a font the other
    wrote and leaving it out of its PDFs. So a process moves an inherited configuration
    to a folder of its own before its first use, linking in the files already there:
    those fonts are registered, and must not be written or registered again.
    """
    global _fonts
    pid = os.getpid()
    if _fonts is None:
        _fonts = (pid, FontConfiguration())
        _fonts[1]._folder = new_font_folder()
    elif _fonts[0] != pid:
        inherited = _fonts[1]._folder
        _fonts = (pid, _fonts[1])
        _fonts[1]._folder = new_font_folder(inherited)
    return _fonts[1]


def new_font_folder(inherited: Path | None = None) -> Path:
    # WeasyPrint keeps the folder in FontConfiguration._folder and makes one (mkdtemp)
    # only while it is None; tests/test_workers.py checks that it still does.
    # Always a new folder: a file already there counts as a font registered, and a fork
    # server started again after stand_down, or a worker with a reused pid, must not
    # take another configuration's files for its own.
    folder = Path(tempfile.mkdtemp(prefix="fonts-", dir=own_folder()))
    for font in Path(inherited).iterdir() if inherited else ():
        try:
            os.link(font, folder / font.name)  # the same file, never written again
        except OSError:
            shutil.copyfile(font, folder / font.name)
    return folder


def render_pdf(
    html: str,
    template_dirs: list[Path],
    template_name: str,
    variant: str | None = None,
    charts: frozenset[str] = frozenset(),
) -> tuple[bytes, int, bool]:
    """The PDF bytes, its page count, and whether a block marked ``first-page`` ran past page 1."""
    root, _ = read_html(html, template_name, charts)  # the tree WeasyPrint is given
    fetcher = TemplateFetcher(template_dirs, charts)
    source = CheckedHTML(root, template_dirs[0].as_uri() + "/", fetcher)
    document = source.render(font_config=font_configuration(), pdf_variant=variant, pdf_tags=True)
    problems = [
        Problem(f"refused to load {url}: only files in the template folders", template_name)
        for url in dict.fromkeys(fetcher.refused)
    ]
    problems += [Problem(reason, template_name) for reason in active_content(document)]
    if problems:
        raise BriefgenError(problems)
    fit_metadata(document.metadata)
    data = document.write_pdf(pdf_variant=variant, pdf_tags=True)
    return tag_page_furniture(data, page_margins(document)), len(document.pages), spills(document)


def page_margins(document) -> list[Margins]:
    """Each page's top and bottom margin in PDF points (WeasyPrint lays out in CSS pixels,
    0.75 pt each), where its header and footer stand."""
    return [
        Margins(page._page_box.margin_top * 0.75, page._page_box.margin_bottom * 0.75)
        for page in document.pages
    ]


def active_content(document) -> list[str]:
    """What the laid-out document would put in the PDF beyond text, pictures and safe links:
    links to other schemes (CSS can make links), attachments, form fields."""
    found: dict[str, None] = {}
    if document.metadata.attachments:
        found["an attachment: no attachments in a brief"] = None
    for page in document.pages:
        for link_type, target, *_ in page.links:
            if link_type == "attachment":
                found["an attachment: no attachments in a brief"] = None
            elif link_type == "external" and not SAFE_HREF.match(str(target)):
                found[
                    f"link to '{str(target)[:60]}': only http, https, mailto and #anchor links"
                ] = None
        if any(page.forms.values()):
            found["a form field: no forms in a brief"] = None
    return list(found)


# PDF readers cope with any length, but the DOCX's core properties stop at 255
# characters; both formats carry the same, cut, text.
METADATA_LIMIT = 255


def fit_metadata(metadata) -> None:
    for name in ("title", "description", "generator"):
        value = getattr(metadata, name, None)
        if isinstance(value, str) and len(value) > METADATA_LIMIT:
            setattr(metadata, name, value[: METADATA_LIMIT - 1] + "…")
    for name in ("authors", "keywords"):
        values = getattr(metadata, name, None)
        if values:
            setattr(metadata, name, [v[:METADATA_LIMIT] for v in values][:20])
    metadata.custom = {
        key[:METADATA_LIMIT]: value[:METADATA_LIMIT] if isinstance(value, str) else value
        for key, value in metadata.custom.items()
    }


def spills(document) -> bool:
    """Does anything marked ``class="first-page"`` stand on a later page?"""
    for page in document.pages[1:]:
        for box in page._page_box.descendants():  # WeasyPrint keeps the layout boxes here
            element = getattr(box, "element", None)
            if element is not None and FIRST_PAGE in (element.get("class") or "").split():
                return True
    return False
