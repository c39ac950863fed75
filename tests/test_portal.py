"""The download portal over HTTP: listing, states, downloads, safety, builds, the API."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
from fastapi.testclient import TestClient

from briefgen.build import BuildOptions, build_briefs
from briefgen.portal import create_app
from conftest import BRIEFS
from portal_fixtures import bearer

EXAMPLES = ["minister-hlm-2026.yaml", "minister-hlm-2026-ru.yaml", "press-lines-astana.yaml"]


@pytest.fixture
def workspace(tmp_path) -> Path:
    (tmp_path / "briefs").mkdir()
    for name in EXAMPLES:
        shutil.copy(BRIEFS / name, tmp_path / "briefs" / name)
    return tmp_path


@pytest.fixture
def built(workspace) -> Path:
    build_briefs([workspace / "briefs"], out_dir=workspace / "build")
    return workspace


def client(workspace: Path) -> TestClient:
    """The portal, signed in as an administrator cleared to the top (access rules are
    tested in test_portal_access.py)."""
    app = create_app(workspace)
    return TestClient(app, base_url="http://127.0.0.1", headers=bearer(app.state.database, "ada"))


def manifest(workspace: Path) -> dict:
    return json.loads((workspace / "build" / "manifest.json").read_text())["briefs"]


def states(http: TestClient) -> dict[str, str]:
    return {brief["id"]: brief["state"] for brief in http.get("/api/briefs").json()}


def wait_for(http: TestClient, job: dict, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while job["state"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = http.get(job["url"]).json()
    return job


# --- the page and the states --------------------------------------------------------------


def test_every_brief_is_listed_with_its_state(workspace):
    http = client(workspace)
    assert states(http) == {
        "minister-hlm-2026": "never built",
        "minister-hlm-2026-ru": "never built",
        "press-lines-astana": "never built",
    }
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "3 of 3 briefs shown" in page.text and "no PDF yet" in page.text
    build_briefs([workspace / "briefs"], out_dir=workspace / "build")
    assert set(states(http).values()) == {"up to date"}
    brief = http.get("/api/briefs/minister-hlm-2026").json()
    assert brief["title"].startswith("Global high-level meeting")
    assert (brief["audience"], brief["marking"], brief["reference"]) == (
        "minister", "OFFICIAL-SENSITIVE", "MFA-IHL-2026-014"
    )  # fmt: skip
    assert {f["format"] for f in brief["files"]} == {"pdf", "docx"}
    pdf = next(f for f in brief["files"] if f["format"] == "pdf")
    files = manifest(workspace)["minister-hlm-2026"]["files"]
    assert pdf["pages"] == 2
    assert pdf["sha256"] == next(f["sha256"] for f in files if f["format"] == "pdf")
    page = http.get("/").text
    assert 'href="/download/minister-hlm-2026/pdf"' in page and "up to date" in page


def test_a_changed_template_makes_briefs_stale_and_rebuild_all_clears_it(built):
    http = client(built)
    press = built / "templates" / "press"
    press.mkdir(parents=True)
    (press / "style.css").write_text("h2 { color: black; }\n")
    assert set(states(http).values()) == {"stale"}
    assert "Rebuild all stale (3)" in http.get("/").text
    queued = http.post("/api/build-stale")
    assert queued.status_code == 202 and queued.json()["queued"] == 3
    job = wait_for(http, queued.json()["job"])
    assert job["state"] == "done" and job["done"] == job["total"] == 6
    assert set(states(http).values()) == {"up to date"}
    nothing = http.post("/api/build-stale")
    assert nothing.status_code == 200 and nothing.json() == {"queued": 0, "job": None}


def test_search_and_filters(built):
    http = client(built)
    ids = lambda **query: [b["id"] for b in http.get("/api/briefs", params=query).json()]  # noqa: E731
    assert ids(q="press") == ["press-lines-astana"]
    assert set(ids(audience="minister")) == {"minister-hlm-2026", "minister-hlm-2026-ru"}
    assert ids(marking="OFFICIAL-SENSITIVE", q="MFA-IHL-2026-014") == ["minister-hlm-2026"]
    page = http.get("/", params={"audience": "press"}).text
    assert "1 of 3 briefs shown" in page
    assert '<option value="press" selected>' in page


# --- downloads ------------------------------------------------------------------------------


def test_downloads_have_type_name_etag_and_revalidate(built):
    http = client(built)
    files = manifest(built)["minister-hlm-2026-ru"]["files"]
    for file in files:
        response = http.get(f"/download/minister-hlm-2026-ru/{file['format']}")
        assert response.status_code == 200
        assert hashlib.sha256(response.content).hexdigest() == file["sha256"]
        assert (
            response.headers["content-type"]
            == {
                "pdf": "application/pdf",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            }[file["format"]]
        )
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment; filename=")
        encoded = re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1)
        name = unquote(encoded)
        assert name.endswith("." + file["format"]) and "Глобальная" in name  # the Russian title
        assert "/" not in name and "\\" not in name
        assert disposition.encode("latin-1")  # the header itself is plain ASCII
        etag = response.headers["etag"]
        assert etag == f'"{file["sha256"]}"'
        again = http.get(f"/download/minister-hlm-2026-ru/{file['format']}",
                         headers={"If-None-Match": etag})  # fmt: skip
        assert again.status_code == 304 and again.content == b""
        last_modified = response.headers["last-modified"]
        since = http.get(f"/download/minister-hlm-2026-ru/{file['format']}",
                         headers={"If-Modified-Since": last_modified})  # fmt: skip
        assert since.status_code == 304
        other = http.get(f"/download/minister-hlm-2026-ru/{file['format']}",
                         headers={"If-None-Match": '"something-else"'})  # fmt: skip
        assert other.status_code == 200


TRAVERSALS = [
    "/download/../../etc/passwd/pdf",
    "/download/..%2f..%2fetc%2fpasswd/pdf",
    "/download/%2e%2e%2f%2e%2e%2fetc%2fpasswd/pdf",
    "/download/%2e%2e/pdf",
    "/download//etc/passwd/pdf",
    "/download/%2Fetc%2Fpasswd/pdf",
    "/download/minister-hlm-2026%00/pdf",
    "/download/minister-hlm-2026/pdf%00",
    "/download/minister-hlm-2026/html",
    "/download/minister-hlm-2026/yaml",
    "/download/minister-hlm-2026/..%2fmanifest.json",
    "/download/manifest/json",
    "/download/minister-hlm-2026.yaml/pdf",
    "/preview/..%2f..%2fetc%2fpasswd.png",
    "/preview/%00.png",
    "/build/..%2f..%2fetc/passwd",
]


@pytest.mark.parametrize("url", TRAVERSALS)
def test_no_path_from_a_request_reaches_the_file_system(built, url):
    http = client(built)
    method = http.post if url.startswith("/build/") else http.get
    response = method(url)
    assert response.status_code in (404, 405), (url, response.status_code)
    assert b"root:" not in response.content


def test_only_what_the_manifest_lists_is_served(built):
    http = client(built)
    build = built / "build"
    # An HTML intermediate, a temporary file and a spec copy in build/: never served.
    (build / "minister-hlm-2026.html").write_text("<p>debug</p>")
    (build / ".minister-hlm-2026.pdf.tmp").write_bytes(b"partial")
    for fmt in ("html", "tmp", "yaml"):
        assert http.get(f"/download/minister-hlm-2026/{fmt}").status_code == 404
    # A tampered manifest naming other files gets nothing either.
    data = json.loads((build / "manifest.json").read_text())
    data["briefs"]["minister-hlm-2026"]["files"][0]["name"] = "../briefs/minister-hlm-2026.yaml"
    data["briefs"]["press-lines-astana"]["files"][0]["name"] = ".minister-hlm-2026.pdf.tmp"
    (build / "manifest.json").write_text(json.dumps(data))
    assert http.get("/download/minister-hlm-2026/pdf").status_code == 404
    assert http.get("/download/press-lines-astana/pdf").status_code == 404


def test_a_symbolic_link_in_build_is_not_followed(built):
    http = client(built)
    pdf = built / "build" / "press-lines-astana.pdf"
    secret = built / "secret.pdf"
    secret.write_bytes(b"%PDF-secret")
    pdf.unlink()
    os.symlink(secret, pdf)
    response = http.get("/download/press-lines-astana/pdf")
    assert response.status_code == 404 and b"secret" not in response.content


def test_a_download_during_a_rebuild_is_the_whole_old_or_the_whole_new_file(built):
    http = client(built)
    spec = built / "briefs" / "press-lines-astana.yaml"
    text = spec.read_text(encoding="utf-8")
    seen: set[str] = set()

    def pdf_sha256() -> str:
        files = manifest(built)["press-lines-astana"]["files"]
        return next(f["sha256"] for f in files if f["format"] == "pdf")

    known = {pdf_sha256()}
    stop = threading.Event()

    wrong: list[str] = []  # checked here: an assert in the thread would only warn

    def download() -> None:
        while not stop.is_set():
            response = http.get("/download/press-lines-astana/pdf")
            if response.status_code != 200:
                wrong.append(f"status {response.status_code}")
            elif int(response.headers["content-length"]) != len(response.content):
                wrong.append("length differs from Content-Length")
            seen.add(hashlib.sha256(response.content).hexdigest())

    reader = threading.Thread(target=download)
    reader.start()
    try:
        for round_number in range(3):
            retitled = re.sub(r"(?m)^title: .*$", f"title: Press lines, round {round_number}", text)
            spec.write_text(retitled, encoding="utf-8")
            build_briefs([spec], out_dir=built / "build", options=BuildOptions(formats=("pdf",)))
            known.add(pdf_sha256())
    finally:
        stop.set()
        reader.join()
    assert not wrong, wrong
    assert seen and seen <= known, "a download was neither an old nor a new file"


def test_the_preview_is_a_picture_of_page_one(built):
    http = client(built)
    response = http.get("/preview/minister-hlm-2026.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(response.content[16:20], "big")
    assert 300 <= width <= 400
    assert list((built / "build" / ".portal" / "previews").glob("*.png"))  # kept
    assert http.get("/preview/never-heard-of.png").status_code == 404


# --- builds ---------------------------------------------------------------------------------


def test_build_through_the_api_and_two_clicks_make_one_build(workspace):
    http = client(workspace)
    first = http.post("/api/briefs/press-lines-astana/build")
    second = http.post("/api/briefs/press-lines-astana/build")
    assert first.status_code == second.status_code == 202
    assert first.json()["id"] == second.json()["id"]  # joined, not built twice
    job = wait_for(http, first.json())
    assert job["state"] == "done" and job["problems"] == []
    assert states(http)["press-lines-astana"] == "up to date"
    assert "press-lines-astana" in manifest(workspace)
    assert http.get("/api/builds/no-such-job").status_code == 404


def test_the_page_button_builds_and_comes_back(workspace):
    http = client(workspace)
    response = http.post(
        "/build/press-lines-astana?back=/%3Faudience%3Dpress", follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/?audience=press"
    outside = http.post("/build/press-lines-astana?back=//evil.example/", follow_redirects=False)
    assert outside.headers["location"] == "/"
    page = http.get("/").text
    assert "queued" in page or "building" in page or "up to date" in page
    if "up to date" not in page:
        assert '<meta http-equiv="refresh"' in page  # the page follows the build by itself
    job = http.get("/api/briefs/press-lines-astana").json()["building"]
    if job:
        wait_for(http, http.get(f"/api/builds/{job}").json())
    assert states(http)["press-lines-astana"] == "up to date"


def test_a_failed_build_shows_its_errors_escaped(built):
    # Built once, so the manifest tells its marking: a spec that does not load and was
    # never built has no marking known, and is shown to nobody (see test_portal_access).
    workspace = built
    http = client(workspace)
    spec = workspace / "briefs" / "press-lines-astana.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8") + "\n<script>alert(1)</script>: oops\n", encoding="utf-8"
    )
    brief_id = "press-lines-astana"
    listed = {b["id"]: b for b in http.get("/api/briefs").json()}
    assert listed[brief_id]["state"] == "failed"
    assert any("<script>" in p for p in listed[brief_id]["problems"])
    # Named from the workspace: the page does not tell the server's folders.
    assert all(str(workspace) not in p for p in listed[brief_id]["problems"])
    assert any(
        p.startswith("briefs/press-lines-astana.yaml:") for p in listed[brief_id]["problems"]
    )
    page = http.get("/").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page


def test_a_build_error_is_kept_until_the_inputs_change(workspace):
    http = client(workspace)
    spec = workspace / "briefs" / "press-lines-astana.yaml"
    original = spec.read_text(encoding="utf-8")
    # Loads, but its template fails: the error comes from the build.
    templates = workspace / "templates" / "press"
    templates.mkdir(parents=True)
    (templates / "brief.html.j2").write_text("{{ brief.no_such_field }}\n")
    job = wait_for(http, http.post("/api/briefs/press-lines-astana/build").json())
    assert job["state"] == "failed" and any("no_such_field" in p for p in job["problems"])
    assert states(http)["press-lines-astana"] == "failed"
    shutil.rmtree(templates)
    assert states(http)["press-lines-astana"] == "never built"  # the cause went away
    spec.write_text(original, encoding="utf-8")


def test_the_api_is_described(workspace):
    schema = client(workspace).get("/openapi.json").json()
    paths = [
        "/api/briefs", "/api/briefs/{brief_id}", "/api/briefs/{brief_id}/build",
        "/api/builds/{job_id}", "/api/build-stale", "/download/{brief_id}/{output_format}",
    ]  # fmt: skip
    for path in paths:
        assert path in schema["paths"], path
    assert "BriefModel" in schema["components"]["schemas"]


def test_the_app_object_for_several_server_processes(built, monkeypatch):
    import importlib

    monkeypatch.setenv("BRIEFGEN_WORKSPACE", str(built))
    import briefgen.portal.asgi as asgi

    asgi = importlib.reload(asgi)  # reads the environment when imported
    http = TestClient(asgi.app, base_url="http://localhost",
                      headers=bearer(asgi.app.state.database, "ada"))  # fmt: skip
    assert set(states(http)) == {"minister-hlm-2026", "minister-hlm-2026-ru", "press-lines-astana"}


def test_serve_wants_a_workspace(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "briefgen", "serve", "--workspace", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "no briefs/ folder here; use --workspace DIR" in result.stderr
    assert "Traceback" not in result.stderr


def test_other_host_names_and_cross_site_posts_are_refused(built):
    http = client(built)
    # DNS rebinding: another site's name resolving to 127.0.0.1.
    assert http.get("/api/briefs", headers={"Host": "evil.example"}).status_code == 400
    assert http.get("/download/press-lines-astana/pdf",
                    headers={"Host": "evil.example"}).status_code == 400  # fmt: skip
    # A form on another site posting here.
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "http://evil.example"}):
        response = http.post("/api/briefs/press-lines-astana/build", headers=headers)
        assert response.status_code == 403, headers
    same = http.post(
        "/api/briefs/press-lines-astana/build", headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert same.status_code == 202


def test_head_requests_and_the_ascii_name_for_old_clients(built):
    http = client(built)
    head = http.head("/download/minister-hlm-2026-ru/pdf")
    assert head.status_code == 200 and head.headers["etag"] and head.content == b""
    assert http.head("/").status_code == 200
    disposition = http.get("/download/minister-hlm-2026-ru/pdf").headers["content-disposition"]
    assert 'filename="minister-hlm-2026-ru.pdf"' in disposition  # the title is Russian
    english = http.get("/download/press-lines-astana/pdf").headers["content-disposition"]
    assert 'filename="MFA-IHL-2026-026 ' in english


def test_a_runaway_template_is_stopped_and_the_queue_goes_on(workspace):
    from briefgen.portal.builds import Builds
    from briefgen.portal.catalogue import Workspace

    press = workspace / "templates" / "press"
    press.mkdir(parents=True)
    (press / "brief.html.j2").write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"
    )
    # The runaway never ends; the real brief after it takes seconds on a busy machine.
    builds = Builds(Workspace(workspace, workspace / "build"), time_limit_seconds=20)
    started = time.monotonic()
    stuck = builds.request(["briefs/press-lines-astana.yaml"])
    after = builds.request(["briefs/minister-hlm-2026.yaml"])
    # A job is a row of the database: read it again to follow it.
    while (after := builds.get(after.id)).state in ("queued", "running"):
        assert time.monotonic() - started < 300, (stuck, after)
        time.sleep(0.1)
    stuck = builds.get(stuck.id)
    assert stuck.state == "failed"
    assert any("took longer than 20 s" in problem for problem in stuck.problems), stuck.problems
    assert after.state == "done"  # the queue was not held up
