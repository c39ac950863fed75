"""The download portal: one page where officials find a brief and download it.

Server-rendered HTML that works without JavaScript (search and filters are a
GET form; build buttons are POST forms; while builds run, the page refreshes
itself), a JSON API beside it (``/api/...``, described at ``/openapi.json``),
and downloads of exactly the files ``build/manifest.json`` lists.

Everyone signs in (:mod:`briefgen.portal.auth`); each sees only the briefs their
clearance allows (:mod:`briefgen.portal.visibility`), filtered where the
catalogue is read, so a hidden brief is absent from the list, the counts, the
filters, the API, previews and downloads, whose URLs answer 404 as for an id
that does not exist. Every download, preview and build request is recorded
(:mod:`briefgen.audit`).

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
from dataclasses import asdict
from importlib.resources import files
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.middleware.trustedhost import TrustedHostMiddleware

from briefgen import __version__
from briefgen.accounts import Viewer
from briefgen.db import database_url, open_database
from briefgen.portal.api_models import BriefModel, FileModel, JobModel, StateChange
from briefgen.portal.auth import Guard, NotSignedIn, login_routes, not_signed_in
from briefgen.portal.builds import Builds, Job
from briefgen.portal.catalogue import (
    DOWNLOADABLE,
    STALE,
    BriefInfo,
    Workspace,
    claims_of,
    describe_entry,
    hide_folders,
    list_briefs,
)
from briefgen.portal.headers import SecurityHeaders
from briefgen.portal.oidc import OidcSettings, settings_from_environment
from briefgen.portal.previews import NoPreview, preview_png
from briefgen.portal.responses import (
    attachment,
    download_name,
    human_size,
    human_time,
    not_modified,
    read_regular_file,
    same_site,
    same_site_only,
)
from briefgen.portal.sessions import Sessions
from briefgen.portal.sso import sso_routes
from briefgen.portal.throttle import Throttle
from briefgen.portal.visibility import may_see, scheme_of, visible
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
STYLESHEET = files("briefgen.portal").joinpath("static/portal.css").read_bytes()
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def create_app(
    workspace: Path | str = ".",
    out_dir: Path | str | None = None,
    allowed_hosts: list[str] | None = None,
    database: str | None = None,
    session_lifetime: dt.timedelta = dt.timedelta(hours=10),
    session_idle: dt.timedelta = dt.timedelta(minutes=30),
    throttle: tuple[int, int, dt.timedelta] = (5, 20, dt.timedelta(minutes=15)),
    oidc: OidcSettings | None = None,
    worker: bool = True,
) -> FastAPI:
    """The portal for ``workspace``. ``allowed_hosts``: the names it may be reached by
    (default: loopback only), which keeps other web sites from reading it through a
    name that resolves to 127.0.0.1 (DNS rebinding). ``database``: its URL (default:
    ``BRIEFGEN_DATABASE_URL``, else the workspace's SQLite file). ``throttle``: failed
    sign-ins allowed per name and per address within a time. ``oidc``: single sign-on
    through an OpenID provider (default: as ``BRIEFGEN_OIDC_*`` say, else none).
    ``worker``: build in this process too (else only ``briefgen worker`` builds)."""
    root = Path(workspace).resolve()
    space = Workspace(root, Path(out_dir).resolve() if out_dir else root / "build")
    db = open_database(database_url(root, database))
    builds = Builds(space, db, worker=worker)
    per_name, per_address, window = throttle
    guard = Guard(db, Sessions(db, session_lifetime, session_idle),
                  Throttle(db, per_name, per_address, window))  # fmt: skip
    app = FastAPI(
        dependencies=[Depends(same_site_only)],  # a no-op for GET and HEAD
        title="briefgen portal",
        version=__version__,
        description="Briefing notes of the workspace: list, download, build. Sign in "
        "with Authorization: Bearer <token> (briefgen tokens create NAME).",
        docs_url=None,  # the interactive docs load scripts from the internet
        redoc_url=None,
        lifespan=builds.lifespan,  # this process's build worker, if any
    )
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_NAMES)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(NotSignedIn, not_signed_in)
    app.state.workspace = space
    app.state.builds = builds
    app.state.database = db

    def render(template: str, **context) -> str:
        return PAGE.get_template(template).render(**context)

    oidc = oidc or settings_from_environment()
    app.include_router(login_routes(guard, render, same_site, oidc.name if oidc else None))
    if oidc is not None:
        app.include_router(sso_routes(guard, oidc, render, same_site, lambda: scheme_of(root)))
    person = Depends(guard.viewer)

    def catalogue(viewer: Viewer) -> list[BriefInfo]:
        """The briefs ``viewer`` may see: the one place where briefs are filtered."""
        return visible(viewer, list_briefs(space), scheme_of(root))

    def find(viewer: Viewer, brief_id: str) -> BriefInfo:
        for brief in catalogue(viewer):
            if brief.id == brief_id:
                return brief
        raise HTTPException(404, "no such brief")

    def may_build(viewer: Viewer, brief: BriefInfo | None = None) -> None:
        if not viewer.may_build:
            raise HTTPException(403, "only editors and administrators build briefs")
        if brief is not None and brief.clash:
            raise HTTPException(409, brief.problems[0])

    def brief_model(brief: BriefInfo, building: dict[str, JobModel]) -> BriefModel:
        job = building.get(brief.spec)
        files = [FileModel(**asdict(f), url=f"/download/{brief.id}/{f.format}")
                 for f in brief.files]  # fmt: skip
        preview = f"/preview/{brief.id}.png" if brief.file("pdf") else None
        fields = {k: v for k, v in asdict(brief).items() if k not in ("levels", "clash")}
        fields["problems"] = [hide_folders(p, root) for p in brief.problems]
        return BriefModel(**{**fields, "files": files}, building=job.id if job else None,
                          preview_url=preview)  # fmt: skip

    def job_model(job: Job, viewer: Viewer, briefs: list[BriefInfo] | None = None) -> JobModel:
        """The job as ``viewer`` may see it: whatever names or counts a brief they may
        not see is left out (the job builds every edition of its specs)."""
        shown = {b.id for b in (catalogue(viewer) if briefs is None else briefs)}
        everything = {b.id: b.spec for b in list_briefs(space)}
        whole = all(brief_id in shown for brief_id, spec in everything.items()
                    if spec in job.specs)  # fmt: skip
        fields = {**asdict(job), "problems": [hide_folders(p, root) for p in job.problems]}
        if not whole:
            failed = ["the build failed; an administrator can see why"] if job.problems else []
            fields.update(done=0, total=0, current="", problems=failed, requested_by=None)
        return JobModel(**fields, url=f"/api/builds/{job.id}")

    def building_for(viewer: Viewer, briefs: list[BriefInfo]) -> dict[str, JobModel]:
        return {spec: job_model(job, viewer, briefs) for spec, job in builds.building().items()}

    def record(request: Request, viewer: Viewer, action: str, outcome: str, **detail) -> None:
        guard.record(request, action, outcome, viewer.name, **detail)

    # --- the page ---------------------------------------------------------------------

    @app.get("/static/portal.css", include_in_schema=False)
    def stylesheet() -> Response:
        return Response(STYLESHEET, media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})  # fmt: skip

    @app.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse,
                   include_in_schema=False)  # fmt: skip
    def page(request: Request, viewer: Viewer = person, q: str = "", audience: str = "",
             marking: str = "") -> HTMLResponse:  # fmt: skip
        briefs = catalogue(viewer)
        building = building_for(viewer, briefs)
        shown = [b for b in briefs if b.matches(q, audience, marking)]
        scheme = scheme_of(root)
        clearance = scheme.resolve(viewer.clearance) if scheme else None
        html = render(
            "index.html.j2",
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
            viewer=viewer,
            csrf=request.state.caller.csrf or "",
            clearance=scheme.label(clearance, "en") if clearance else viewer.clearance,
            problems=lambda brief: [hide_folders(p, root) for p in brief.problems],
        )
        return HTMLResponse(html)

    @app.post("/build/{brief_id}", include_in_schema=False)
    def build_button(request: Request, brief_id: str, force: bool = False, back: str = "/",
                     viewer: Viewer = person) -> RedirectResponse:  # fmt: skip
        brief = find(viewer, brief_id)
        may_build(viewer, brief)
        builds.request([brief.spec], force=force, requested_by=viewer.name)
        record(request, viewer, "build", "queued", object=brief_id, force=force)
        return RedirectResponse(same_site(back), status_code=303)

    @app.post("/build-stale", include_in_schema=False)
    def build_stale_button(request: Request, back: str = "/",
                           viewer: Viewer = person) -> RedirectResponse:  # fmt: skip
        may_build(viewer)
        stale = list(dict.fromkeys(b.spec for b in catalogue(viewer)
                                   if b.state == STALE and not b.clash))  # fmt: skip
        builds.request(stale, requested_by=viewer.name)
        record(request, viewer, "build", "queued", object="stale briefs", specs=len(stale))
        return RedirectResponse(same_site(back), status_code=303)

    # --- downloads and previews -------------------------------------------------------

    @app.head("/download/{brief_id}/{output_format}", include_in_schema=False)
    @app.get("/download/{brief_id}/{output_format}", tags=["downloads"])
    def download(brief_id: str, output_format: str, request: Request,
                 viewer: Viewer = person) -> Response:  # fmt: skip
        """The brief's PDF or DOCX, as an attachment named after the brief."""
        entry, data, modified = read_output(request, viewer, brief_id, output_format)
        sha256 = hashlib.sha256(data).hexdigest()
        etag = f'"{sha256}"'
        headers = {
            "ETag": etag,
            "Last-Modified": email.utils.formatdate(modified, usegmt=True),
            "Cache-Control": "private, no-cache",  # revalidate: a rebuild changes the file
        }
        if not_modified(request, etag, modified):
            return Response(status_code=304, headers=headers)
        headers["Content-Disposition"] = attachment(
            download_name(entry, brief_id, output_format), f"{brief_id}.{output_format}"
        )
        if request.method == "GET":
            record(request, viewer, "download", "ok", object=f"{brief_id}.{output_format}",
                   sha256=sha256, edition=str(entry.get("edition") or "full"),
                   marking=str(entry.get("marking") or ""))  # fmt: skip
        return Response(data, media_type=CONTENT_TYPES[output_format], headers=headers)

    @app.get("/preview/{brief_id}.png", tags=["downloads"])
    def preview(brief_id: str, request: Request, viewer: Viewer = person) -> Response:
        """Page 1 of the brief's PDF, as a picture."""
        entry, data, _ = read_output(request, viewer, brief_id, "pdf", action="preview")
        sha256 = hashlib.sha256(data).hexdigest()
        try:
            png = preview_png(data, sha256, space.portal_dir / "previews")
        except NoPreview:
            record(request, viewer, "preview", "unreadable PDF", object=brief_id, sha256=sha256)
            raise HTTPException(
                404, "no preview: the PDF cannot be read; rebuild the brief"
            ) from None
        record(request, viewer, "preview", "ok", object=brief_id, sha256=sha256,
               marking=str(entry.get("marking") or ""))  # fmt: skip
        return Response(
            png,
            media_type="image/png",
            headers={"ETag": f'"{sha256}"', "Cache-Control": "private, no-cache"},
        )

    def read_output(request: Request, viewer: Viewer, brief_id: str, output_format: str,
                    action: str = "download") -> tuple[dict, bytes, float]:  # fmt: skip
        """The manifest's entry for the brief and the bytes of its file in that format, if
        ``viewer`` may see it. Only the manifest and the brief's own spec are read (not
        every spec): downloads stay quick while builds run."""
        entry = read_manifest(space.out_dir)[0]["briefs"].get(brief_id)
        name = f"{brief_id}.{output_format}"
        brief = describe_entry(space, brief_id, entry) if isinstance(entry, dict) else None
        if brief is None or output_format not in DOWNLOADABLE:
            record(request, viewer, action, "not found", object=name)
            raise HTTPException(404, "no such file")
        scheme = scheme_of(root)
        claims = claims_of(space, brief_id)  # two specs with the id: may they see both?
        if not may_see(viewer, brief, scheme) or (
            len(claims) > 1 and not all(may_see(viewer, claim, scheme) for claim in claims)
        ):
            record(request, viewer, action, "hidden", object=name)
            raise HTTPException(404, "no such file")  # exactly as for an unknown id
        if not any(f.get("name") == name and f.get("format") == output_format
                   for f in entry.get("files", [])):  # fmt: skip
            raise HTTPException(404, "no such file")
        data, modified = read_regular_file(space.out_dir, name)
        return entry, data, modified

    # --- the JSON API -----------------------------------------------------------------

    @app.get("/api/briefs", tags=["briefs"])
    def api_briefs(q: str = "", audience: str = "", marking: str = "",
                   viewer: Viewer = person) -> list[BriefModel]:  # fmt: skip
        """Every brief of the workspace you may see, with its state and files."""
        briefs = catalogue(viewer)
        building = building_for(viewer, briefs)
        return [brief_model(b, building) for b in briefs if b.matches(q, audience, marking)]

    @app.get("/api/briefs/{brief_id}", tags=["briefs"])
    def api_brief(brief_id: str, viewer: Viewer = person) -> BriefModel:
        """One brief."""
        briefs = catalogue(viewer)
        return brief_model(find(viewer, brief_id), building_for(viewer, briefs))

    @app.post("/api/briefs/{brief_id}/build", status_code=202, tags=["builds"])
    def api_build(request: Request, brief_id: str, force: bool = Query(False),
                  viewer: Viewer = person) -> JobModel:  # fmt: skip
        """Queue a build of the brief's spec (both editions); returns the job. A brief
        already queued or building returns the job that has it. Editors and admins only."""
        brief = find(viewer, brief_id)
        may_build(viewer, brief)
        job = builds.request([brief.spec], force=force, requested_by=viewer.name)
        record(request, viewer, "build", "queued", object=brief_id, force=force)
        return job_model(job, viewer)

    @app.post("/api/build-stale", tags=["builds"])
    def api_build_stale(request: Request, response: Response,
                        viewer: Viewer = person) -> StateChange:  # fmt: skip
        """Queue a build of every stale brief (202); 200 with no job when none is stale."""
        may_build(viewer)
        stale = list(dict.fromkeys(b.spec for b in catalogue(viewer)
                                   if b.state == STALE and not b.clash))  # fmt: skip
        job = builds.request(stale, requested_by=viewer.name)
        response.status_code = 202 if job else 200
        if job:
            record(request, viewer, "build", "queued", object="stale briefs", specs=len(stale))
        return StateChange(queued=len(stale), job=job_model(job, viewer) if job else None)

    @app.get("/api/builds/{job_id}", tags=["builds"])
    def api_job(job_id: str, viewer: Viewer = person) -> JobModel:
        """A build's progress: queued, running (done of total), done or failed."""
        job = builds.get(job_id)
        if job is None:
            raise HTTPException(404, "no such build")
        return job_model(job, viewer)

    return app
