"""What the page tells an official (issue 17): why a brief is stale, a DRAFT badge,
two specs with one id flagged (and their downloads only for those who may see
both), links and buttons named for their brief, a skip link."""

from __future__ import annotations

import html
import os
import re
import shutil
import time

import pytest
from fastapi.testclient import TestClient

from briefgen.build import BuildOptions, build_briefs
from briefgen.portal import create_app
from briefgen.workspace import SCHEMES_DIR
from portal_fixtures import bearer, built_workspace

SPECS = ["press-lines-astana.yaml", "minister-hlm-2026.yaml"]


@pytest.fixture
def built(tmp_path):
    """Built where it is served (a workspace moved since its build is stale throughout)."""
    return built_workspace(tmp_path, SPECS)


def client(workspace, clearance: str = "TOP SECRET", name: str = "ada") -> TestClient:
    app = create_app(workspace)
    return TestClient(app, base_url="http://127.0.0.1",
                      headers=bearer(app.state.database, name, clearance))  # fmt: skip


def brief(http: TestClient, brief_id: str) -> dict:
    return http.get(f"/api/briefs/{brief_id}").json()


def article(page: str, brief_id: str) -> str:
    return page.split(f'<article id="{brief_id}"', 1)[1].split("</article>", 1)[0]


def later(path) -> None:
    """Saved a few seconds after the build (the build's time is kept to the second)."""
    moment = time.time() + 5
    os.utime(path, (moment, moment))


def test_a_stale_brief_says_which_input_changed(built):
    spec = built / "briefs" / "press-lines-astana.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    later(spec)
    http = client(built)
    found = brief(http, "press-lines-astana")
    assert found["state"] == "stale"
    assert found["stale_because"] == ["the spec was saved: briefs/press-lines-astana.yaml"]
    assert brief(http, "minister-hlm-2026")["stale_because"] == []  # up to date: no reason
    shown = article(http.get("/").text, "press-lines-astana")
    assert "Stale because the spec was saved: briefs/press-lines-astana.yaml." in shown

    scheme = built / "markings.yaml"
    shutil.copy(SCHEMES_DIR / "default.yaml", scheme)
    later(scheme)
    (built / "build" / "minister-hlm-2026.docx").unlink()
    http = client(built)
    assert brief(http, "minister-hlm-2026")["stale_because"] == [
        "minister-hlm-2026.docx is missing from the build folder",
        "the marking scheme changed: markings.yaml",
    ]
    assert "the marking scheme changed: markings.yaml" in brief(http, "press-lines-astana")[
        "stale_because"]  # fmt: skip


def test_a_brief_built_as_a_draft_says_so_and_wears_a_badge(built):
    build_briefs([built / "briefs" / "press-lines-astana.yaml"], out_dir=built / "build",
                 options=BuildOptions(draft=True, force=True))  # fmt: skip
    http = client(built)
    found = brief(http, "press-lines-astana")
    assert found["draft"] is True and found["state"] == "stale"
    assert found["stale_because"] == [
        "it was built as a draft (--draft): DRAFT on every page; a build from the portal "
        "makes it as the spec says"
    ]
    assert brief(http, "minister-hlm-2026")["draft"] is False
    page = http.get("/").text
    assert 'class="badge draft"' in article(page, "press-lines-astana")
    assert "badge draft" not in article(page, "minister-hlm-2026")
    # Built again as the spec says: no badge, no reason.
    build_briefs([built / "briefs" / "press-lines-astana.yaml"], out_dir=built / "build")
    found = brief(client(built), "press-lines-astana")
    assert (found["draft"], found["state"], found["stale_because"]) == (False, "up to date", [])


def test_two_specs_with_one_id_are_flagged_and_downloaded_only_by_who_may_see_both(built):
    original = (built / "briefs" / "press-lines-astana.yaml").read_text(encoding="utf-8")
    assert "\nmarking: OFFICIAL\n" in original
    (built / "briefs" / "press-copy.yaml").write_text(
        original.replace("\nmarking: OFFICIAL\n", "\nmarking: OFFICIAL-SENSITIVE\n"),
        encoding="utf-8")  # fmt: skip
    editor = client(built, "OFFICIAL-SENSITIVE", "eddie")
    assert 'class="badge clash"' in article(editor.get("/").text, "press-lines-astana")
    assert editor.get("/download/press-lines-astana/pdf").status_code == 200
    # Built from the OFFICIAL spec, but the other spec with its id is OFFICIAL-SENSITIVE.
    reader = client(built, "OFFICIAL", "rita")
    assert "press-lines-astana" not in {b["id"] for b in reader.get("/api/briefs").json()}
    for url in ("/download/press-lines-astana/pdf", "/download/press-lines-astana/docx",
                "/preview/press-lines-astana.png"):  # fmt: skip
        response = reader.get(url)
        assert response.status_code == 404, url
        assert response.json() == reader.get(url.replace("astana", "nowhere")).json()


def test_links_and_buttons_are_named_for_their_brief_and_a_skip_link_leads_to_the_briefs(built):
    page = client(built).get("/").text
    names = [
        html.unescape(re.sub(r"<[^>]+>", "", inner))
        for inner in re.findall(r'<a href="/download/[^"]+" download>(.*?)</a>', page)
    ]
    assert "PDF of Press lines: Kazakhstan and the Global Initiative on IHL" in names
    assert all(re.fullmatch(r"(PDF|DOCX) of .+", name) for name in names), names
    assert len(names) == len(set(names)) == 4  # each says which brief it downloads
    rebuild = re.findall(r'<button type="submit">(Rebuild.*?)</button>', page)
    buttons = [html.unescape(re.sub(r"<[^>]+>", "", inner)) for inner in rebuild]
    assert len(buttons) == len(set(buttons)) == 2 and all(" " in b for b in buttons)
    body = page.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="skip" href="#main">Skip to main content</a>')
    assert '<main id="main" tabindex="-1">' in page
