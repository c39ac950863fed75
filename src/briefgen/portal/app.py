"""The download portal: one page where officials find a brief and download it.

Server-rendered HTML that works without JavaScript (search and filters are a
GET form; build buttons are POST forms; while builds run, the page refreshes
itself), a JSON API beside it (``/api/...``, described at ``/openapi.json``),
and downloads of exactly the files ``build/manifest.json`` lists.

Nothing from a request is ever joined to a path: a download names a brief id
and a format, both looked up in the manifest; the file name comes from the
manifest and must be ``<id>.<format>``, a regular file (not a symbolic link)
directly in the output folder. Anything else is 404. A download reads the
file once from an open descriptor, so a build replacing it meanwhile gives
the whole old file or the whole new one, never a mix.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import asdict
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.middleware.trustedhost import TrustedHostMiddleware

from briefgen import __version__
from briefgen.portal.builds import Builds, Job
from briefgen.portal.catalogue import (
    DOWNLOADABLE,
    STALE,
    BriefInfo,
    Workspace,
    list_briefs,
)
from briefgen.portal.previews import preview_png
from briefgen.write import read_manifest

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
PAGE = jinja2.Environment(
    loader=jinja2.PackageLoader("briefgen.portal", "templates"),
    autoescape=True,  # build errors and titles are text, never markup
    trim_blocks=True,
    lstrip_blocks=True,
)


# --- the JSON API's shapes (they make the OpenAPI description) ------------------------


class FileModel(BaseModel):
    format: str
    bytes: int
    sha256: str
    pages: int | None
    built: str | None
    url: str


class BriefModel(BaseModel):
    id: str
    title: str
    audience: str
    marking: str
    date: str
    reference: str
    edition: str
    spec: str
    state: str
    building: str | None  # the id of the job building it, if any
    problems: list[str]
    files: list[FileModel]
    preview_url: str | None


class JobModel(BaseModel):
    id: str
    state: str
    specs: list[str]
    done: int
    total: int
    current: str
    problems: list[str]
    url: str


LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


class StateChange(BaseModel):
    queued: int  # specs queued by this request
    job: JobModel | None


def create_app(
    workspace: Path | str = ".",
    out_dir: Path | str | None = None,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The portal for ``workspace``. ``allowed_hosts``: the names it may be reached by
    (default: loopback only), which keeps other web sites from reading it through a
    name that resolves to 127.0.0.1 (DNS rebinding)."""
    root = Path(workspace).resolve()
    space = Workspace(root, Path(out_dir).resolve() if out_dir else root / "build")
    builds = Builds(space)
    app = FastAPI(
        dependencies=[Depends(same_site_only)],  # a no-op for GET and HEAD
        title="briefgen portal",
        version=__version__,
        description="Briefing notes of the workspace: list, download, build.",
        docs_url=None,  # the interactive docs load scripts from the internet
        redoc_url=None,
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_NAMES)

    app.state.workspace = space
    app.state.builds = builds

    def catalogue() -> list[BriefInfo]:
        return list_briefs(space)

    def find(brief_id: str) -> BriefInfo:
        for brief in catalogue():
            if brief.id == brief_id:
                return brief
        raise HTTPException(404, "no such brief")

    def brief_model(brief: BriefInfo, building: dict[str, Job]) -> BriefModel:
        job = building.get(brief.spec)
        files = [FileModel(**asdict(f), url=f"/download/{brief.id}/{f.format}")
                 for f in brief.files]  # fmt: skip
        preview = f"/preview/{brief.id}.png" if brief.file("pdf") else None
        fields = {**asdict(brief), "files": files}
        return BriefModel(**fields, building=job.id if job else None, preview_url=preview)

    def job_model(job: Job) -> JobModel:
        return JobModel(**asdict(job), url=f"/api/builds/{job.id}")  # extra fields left out

    # --- the page ---------------------------------------------------------------------

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse,
                   include_in_schema=False)  # fmt: skip
    def page(q: str = "", audience: str = "", marking: str = "") -> HTMLResponse:
        briefs = catalogue()
        building = builds.building()
        shown = [b for b in briefs if b.matches(q, audience, marking)]
        html = PAGE.get_template("index.html.j2").render(
            briefs=shown,
            total=len(briefs),
            stale=sum(b.state == STALE for b in briefs),
            building=building,
            audiences=sorted({b.audience for b in briefs if b.audience}),
            markings=sorted({b.marking for b in briefs if b.marking}),
            query={"q": q, "audience": audience, "marking": marking},
            here="/?" + urlencode({"q": q, "audience": audience, "marking": marking}),
            size=human_size,
            when=human_time,
            version=__version__,
        )
        return HTMLResponse(html)

    @app.post("/build/{brief_id}", include_in_schema=False)
    def build_button(brief_id: str, force: bool = False, back: str = "/") -> RedirectResponse:
        builds.request([find(brief_id).spec], force=force)
        return RedirectResponse(same_site(back), status_code=303)

    @app.post("/build-stale", include_in_schema=False)
    def build_stale_button(back: str = "/") -> RedirectResponse:
        builds.request([b.spec for b in catalogue() if b.state == STALE])
        return RedirectResponse(same_site(back), status_code=303)

    # --- downloads and previews -------------------------------------------------------

    @app.head("/download/{brief_id}/{output_format}", include_in_schema=False)
    @app.get("/download/{brief_id}/{output_format}", tags=["downloads"])
    def download(brief_id: str, output_format: str, request: Request) -> Response:
        """The brief's PDF or DOCX, as an attachment named after the brief."""
        entry, data, modified = read_output(brief_id, output_format)
        etag = f'"{hashlib.sha256(data).hexdigest()}"'
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            "Cache-Control": "no-cache",  # revalidate: a rebuild changes the file
        }
        if not_modified(request, etag, modified):
            return Response(status_code=304, headers=headers)
        headers["Content-Disposition"] = attachment(
            download_name(entry, brief_id, output_format), f"{brief_id}.{output_format}"
        )
        return Response(data, media_type=CONTENT_TYPES[output_format], headers=headers)

    @app.get("/preview/{brief_id}.png", tags=["downloads"])
    def preview(brief_id: str) -> Response:
        """Page 1 of the brief's PDF, as a picture."""
        _, data, _ = read_output(brief_id, "pdf")
        sha256 = hashlib.sha256(data).hexdigest()
        png = preview_png(data, sha256, space.portal_dir / "previews")
        return Response(png, media_type="image/png", headers={"ETag": f'"{sha256}"'})

    def read_output(brief_id: str, output_format: str) -> tuple[dict, bytes, float]:
        """The manifest's entry for the brief and the bytes of its file in that format.
        Only the manifest is read (not the specs): downloads stay quick while builds run."""
        entry = read_manifest(space.out_dir)[0]["briefs"].get(brief_id)
        if output_format not in DOWNLOADABLE or not isinstance(entry, dict):
            raise HTTPException(404, "no such file")
        name = f"{brief_id}.{output_format}"
        if not any(f.get("name") == name and f.get("format") == output_format
                   for f in entry["files"]):  # fmt: skip
            raise HTTPException(404, "no such file")
        data, modified = read_regular_file(space.out_dir, name)
        return entry, data, modified

    # --- the JSON API -----------------------------------------------------------------

    @app.get("/api/briefs", tags=["briefs"])
    def api_briefs(q: str = "", audience: str = "", marking: str = "") -> list[BriefModel]:
        """Every brief of the workspace, with its state and files."""
        building = builds.building()
        return [brief_model(b, building) for b in catalogue() if b.matches(q, audience, marking)]

    @app.get("/api/briefs/{brief_id}", tags=["briefs"])
    def api_brief(brief_id: str) -> BriefModel:
        """One brief."""
        return brief_model(find(brief_id), builds.building())

    @app.post("/api/briefs/{brief_id}/build", status_code=202, tags=["builds"])
    def api_build(brief_id: str, force: bool = Query(False)) -> JobModel:
        """Queue a build of the brief's spec (both editions); returns the job. A brief
        already queued or building returns the job that has it."""
        job = builds.request([find(brief_id).spec], force=force)
        return job_model(job)

    @app.post("/api/build-stale", tags=["builds"])
    def api_build_stale(response: Response) -> StateChange:
        """Queue a build of every stale brief (202); 200 with no job when none is stale."""
        stale = list(dict.fromkeys(b.spec for b in catalogue() if b.state == STALE))
        job = builds.request(stale)
        response.status_code = 202 if job else 200
        return StateChange(queued=len(stale), job=job_model(job) if job else None)

    @app.get("/api/builds/{job_id}", tags=["builds"])
    def api_job(job_id: str) -> JobModel:
        """A build's progress: queued, running (done of total), done or failed."""
        job = builds.get(job_id)
        if job is None:
            raise HTTPException(404, "no such build")
        return job_model(job)

    return app


def read_regular_file(folder: Path, name: str) -> tuple[bytes, float]:
    """The bytes of ``folder/name`` if it is a regular file there (no symbolic link on
    the way), read from one open descriptor; else 404."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", name) or ".." in name:
        raise HTTPException(404, "no such file")
    try:
        directory = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        raise HTTPException(404, "no such file") from None
    try:
        descriptor = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=directory)
    except OSError:
        raise HTTPException(404, "no such file") from None
    finally:
        os.close(directory)
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise HTTPException(404, "no such file")
        return file.read(), info.st_mtime


def not_modified(request: Request, etag: str, modified: float) -> bool:
    """RFC 9110: If-None-Match wins; If-Modified-Since only without it."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return int(modified) <= email.utils.parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError):
            return False
    return False


def download_name(entry: dict, brief_id: str, output_format: str) -> str:
    """``<reference> <title>.<format>``, cut to a length every system takes, with
    nothing a file system or a header could trip on."""
    name = f"{entry.get('reference') or ''} {entry.get('title') or ''}".strip() or brief_id
    name = unicodedata.normalize("NFC", name)
    name = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', " ", name)
    name = re.sub(r"\s+", " ", name).strip(" .")[:120].strip(" .")
    return f"{name or brief_id}.{output_format}"


def attachment(name: str, fallback: str) -> str:
    """RFC 6266: ``filename*`` in UTF-8, which browsers use, and for older clients an
    ASCII ``filename``: the name itself if it is ASCII, else ``fallback``."""
    ascii_name = name if name.isascii() else fallback
    ascii_name = re.sub(r"[^A-Za-z0-9 ._()-]", "", ascii_name) or fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def same_site_only(request: Request) -> None:
    """For every POST: a page elsewhere may not make a reader's browser start builds here."""
    if request.method == "POST" and cross_site(request):
        raise HTTPException(403, "cross-site request refused")


def cross_site(request: Request) -> bool:
    """Sent by a page of another site? (Fetch metadata, else the Origin header.)"""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and urlsplit(origin).netloc != request.headers.get("host")


def same_site(target: str) -> str:
    """Where a button sends the reader back to: a path on this site, never elsewhere."""
    return target if re.fullmatch(r"/(?![/\\])[^\s]*", target) else "/"


def human_size(size: int) -> str:
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


def human_time(moment: str | None) -> str:
    if not moment:
        return ""
    try:
        return dt.datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return moment
