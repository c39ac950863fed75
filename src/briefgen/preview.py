"""``briefgen preview SPEC``: the brief as it will print, in a browser, as you type.

A page on loopback only (no account: it shows one author their own files)
draws each page of the PDF as a picture, or the problems, with file:line, in
place of the pages until they are fixed. A watcher thread builds again on each
save of the spec, the dataset or a template: an ordinary incremental build
into a private folder, in this process, so WeasyPrint and the templates stay
warm. The page waits on ``/state`` (a long poll) and redraws as soon as a new
version is there.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from briefgen.build import BuildOptions, build_briefs
from briefgen.errors import BriefgenError
from briefgen.workers import scratch_root

PAGE_WIDTH = 900  # pixels: a page read on screen at its printed size, about
PAGE_FILES = Path(__file__).parent / "preview_page"
LONG_POLL_SECONDS = 20


@dataclass(frozen=True)
class Snapshot:
    """One build of the brief, as the page shows it."""

    version: int = 0  # 0: the first build is still running
    title: str = ""
    pages: tuple[bytes, ...] = ()  # PNG of each page
    problems: tuple[str, ...] = ()  # errors (no pages) or warnings (with pages)
    failed: bool = False
    seconds: float = 0.0  # the build's
    finished: float = field(default_factory=time.time)

    def state(self) -> dict:
        return {
            "version": self.version,
            "title": self.title,
            "pages": len(self.pages),
            "problems": list(self.problems),
            "failed": self.failed,
            "seconds": round(self.seconds, 2),
            "finished": time.strftime("%H:%M:%S", time.localtime(self.finished)),
        }


class Preview:
    """What the page shows, built again on each change; threads wait for the next one."""

    def __init__(self, spec: Path, dataset: Path | None = None) -> None:
        self.spec = Path(spec)
        self.dataset = dataset
        # In the command's scratch folder: removed at exit, whatever stops the preview.
        self.out = Path(tempfile.mkdtemp(prefix="preview-", dir=scratch_root()))
        self.snapshot = Snapshot()
        self.changed = threading.Condition()
        self.stop = threading.Event()

    def build(self) -> Snapshot:
        """Build the PDF (incrementally) and draw its pages; publish the result."""
        started = time.perf_counter()
        options = BuildOptions(formats=("pdf",), edition="full", jobs=1)
        try:
            report = build_briefs([self.spec], out_dir=self.out, dataset_path=self.dataset,
                                  options=options)  # fmt: skip
            (brief,) = [b for b in report.briefs if not b.output_id.endswith("-releasable")]
            pdf = (self.out / f"{brief.output_id}.pdf").read_bytes()
            pages, problems, failed = draw_pages(pdf), [str(w) for w in report.warnings], False
            manifest = json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))
            title = manifest["briefs"][brief.output_id]["title"]
        except BriefgenError as exc:
            pages, problems, failed, title = (), [str(p) for p in exc.problems], True, ""
        with self.changed:
            self.snapshot = Snapshot(
                version=self.snapshot.version + 1,
                title=title or self.snapshot.title,
                pages=tuple(pages),
                problems=tuple(problems),
                failed=failed,
                seconds=time.perf_counter() - started,
            )
            self.changed.notify_all()
        return self.snapshot

    def wait_for(self, since: int, timeout: float = LONG_POLL_SECONDS) -> Snapshot:
        """The first snapshot newer than ``since``, or the current one after ``timeout``."""
        with self.changed:
            self.changed.wait_for(lambda: self.snapshot.version > since or self.stop.is_set(),
                                  timeout)  # fmt: skip
            return self.snapshot

    def watch(self) -> None:
        """Build now, then on each change of an input, until :meth:`close`."""
        import watchfiles

        from briefgen.watch import input_filter, watched_folders

        folders = watched_folders([self.spec], self.dataset)
        changes = watchfiles.watch(
            *folders,
            watch_filter=input_filter([self.spec], self.dataset, self.out),
            stop_event=self.stop,
            yield_on_timeout=True,
            rust_timeout=250,
            debounce=50,  # an editor's save is one event, not three
        )
        self.build()
        for batch in changes:
            if batch:
                self.build()

    def close(self) -> None:
        self.stop.set()
        with self.changed:
            self.changed.notify_all()
        shutil.rmtree(self.out, ignore_errors=True)


def draw_pages(pdf: bytes) -> list[bytes]:
    """Every page as a PNG (PDFium, as the portal's previews)."""
    import pypdfium2

    from briefgen.portal.previews import PDFIUM, png_of

    with PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            return [png_of(page, PAGE_WIDTH) for page in document]
        finally:
            document.close()


def preview_app(preview: Preview):
    """The page, its script and style, the state (long poll) and the pictures of pages."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import FileResponse, JSONResponse, Response
    from starlette.routing import Route

    headers = {
        "Content-Security-Policy": "default-src 'self'; img-src 'self'; frame-ancestors 'none'",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }

    def static(name: str, media_type: str):
        async def serve(request):
            return FileResponse(PAGE_FILES / name, media_type=media_type, headers=headers)

        return serve

    async def state(request):
        try:
            since = int(request.query_params.get("since", "0"))
        except ValueError:
            since = 0
        snapshot = await run_in_threadpool(preview.wait_for, since)
        return JSONResponse(snapshot.state(), headers=headers)

    async def page(request):
        snapshot = preview.snapshot
        version, number = request.path_params["version"], request.path_params["number"]
        if version != snapshot.version or not 1 <= number <= len(snapshot.pages):
            return Response("no such page (the brief was built again)", 404, headers=headers)
        return Response(snapshot.pages[number - 1], media_type="image/png", headers=headers)

    routes = [
        Route("/", static("index.html", "text/html; charset=utf-8")),
        Route("/preview.js", static("preview.js", "text/javascript; charset=utf-8")),
        Route("/preview.css", static("preview.css", "text/css; charset=utf-8")),
        Route("/state", state),
        Route("/page/{version:int}/{number:int}.png", page),
    ]
    # Loopback only, and only by these names: a page elsewhere cannot reach it by
    # pointing a name of its own at 127.0.0.1 (DNS rebinding).
    hosts = ["127.0.0.1", "localhost", "[::1]"]
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware,
                                                           allowed_hosts=hosts)])  # fmt: skip


def serve_preview(spec: Path, dataset: Path | None, port: int, announce) -> None:
    """Serve the preview on 127.0.0.1:``port`` until interrupted; clean up after."""
    import uvicorn

    preview = Preview(spec, dataset)
    watcher = threading.Thread(target=preview.watch, name="preview-watch", daemon=True)
    watcher.start()
    config = uvicorn.Config(preview_app(preview), host="127.0.0.1", port=port,
                            log_level="warning", timeout_graceful_shutdown=1)  # fmt: skip
    server = uvicorn.Server(config)
    announce(f"preview of {spec} at http://127.0.0.1:{port}/ (Ctrl-C stops)")
    try:
        server.run()
    except KeyboardInterrupt:
        pass  # uvicorn stopped gracefully, then passed Ctrl-C on: stopping is the point
    finally:
        preview.close()
        watcher.join(timeout=5)
    if not server.started:
        raise BriefgenError(
            f"cannot listen on 127.0.0.1:{port} (in use?); choose another with --port"
        )
    announce("stopped the preview.")
