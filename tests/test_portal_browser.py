"""The portal in a real browser (Debian's chromium, driven by Playwright): a reader
cleared to OFFICIAL signs in, sees no OFFICIAL-SENSITIVE brief and no build button,
downloads a PDF and signs out; an editor finds the minister's brief, rebuilds it,
downloads its PDF, and checks it is the file the manifest names."""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import BRIEFS
from portal_fixtures import PASSWORD

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium reaches for Google's services, which a closed network refuses.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def portal(tmp_path):
    """``briefgen serve`` on a workspace of three example briefs, built once."""
    (tmp_path / "briefs").mkdir()
    for name in ("minister-hlm-2026.yaml", "press-lines-astana.yaml", "red-crescent-outreach.yaml"):
        shutil.copy(BRIEFS / name, tmp_path / "briefs" / name)
    subprocess.run(
        [sys.executable, "-m", "briefgen", "build", "briefs"], cwd=tmp_path, check=True,
        capture_output=True,
    )  # fmt: skip
    for name, clearance, role in (("rita", "OFFICIAL", "reader"),
                                  ("eddie", "OFFICIAL-SENSITIVE", "editor")):  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "briefgen", "users", "add", name, "--clearance", clearance,
             "--role", role, "--password-stdin"],
            cwd=tmp_path, check=True, capture_output=True, input=PASSWORD + "\n", text=True,
        )  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "--workspace", str(tmp_path),
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "the portal did not start"
            time.sleep(0.2)
    yield url, tmp_path
    server.terminate()
    server.wait(timeout=10)


def sign_in(page, url: str, name: str) -> None:
    page.goto(url)
    assert "/login" in page.url  # nobody anonymous sees anything
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button:has-text('Sign in')")


def test_a_reader_sees_what_their_clearance_allows(portal, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, workspace = portal
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page(accept_downloads=True)
            sign_in(page, url, "rita")
            expect(page.locator("#who")).to_contain_text("Signed in as rita")
            expect(page.locator("#who .clearance")).to_have_text("OFFICIAL")
            expect(page.locator("#count")).to_have_text("2 of 2 briefs shown")
            assert page.locator("article#minister-hlm-2026").count() == 0
            assert "OFFICIAL-SENSITIVE" not in page.content()
            assert page.get_by_role("button", name="Rebuild").count() == 0
            brief = page.locator("article#press-lines-astana")
            with page.expect_download() as event:
                brief.get_by_role("link", name="PDF").click()
            saved = tmp_path / "reader.pdf"
            event.value.save_as(saved)
            assert saved.read_bytes().startswith(b"%PDF-")
            with page.expect_navigation():
                page.click("button:has-text('Sign out')")
            assert "/login" in page.url
            page.goto(url)
            assert "/login" in page.url  # signed out on the server too
        finally:
            browser.close()


def test_find_rebuild_and_download_in_a_browser(portal, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, workspace = portal
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            page = browser.new_page(accept_downloads=True)
            sign_in(page, url, "eddie")
            expect(page.locator("#count")).to_have_text("3 of 3 briefs shown")

            page.select_option("select[name=audience]", "minister")
            page.click("button:has-text('Filter')")
            expect(page.locator("#count")).to_have_text("1 of 3 briefs shown")
            brief = page.locator("article#minister-hlm-2026")
            expect(brief.locator("h2")).to_contain_text("Global high-level meeting")
            expect(brief.locator("img")).to_have_attribute("alt", "Page 1 of " + brief.locator(
                "h2").inner_text())  # fmt: skip

            def built() -> str:
                manifest = json.loads((workspace / "build" / "manifest.json").read_text())
                return manifest["briefs"]["minister-hlm-2026"]["files"][0]["built"]

            before = built()
            time.sleep(1.1)  # so that the new build's time differs (it has whole seconds)
            with page.expect_navigation():
                brief.get_by_role("button", name="Rebuild").click()
            assert "audience=minister" in page.url  # back where the reader was
            # The page follows the build by itself and settles on the new state.
            brief = page.locator("article#minister-hlm-2026")
            expect(brief.locator(".state")).to_have_text("up to date", timeout=60_000)
            rebuilt = built()
            assert rebuilt != before  # really built again
            shown = page.locator("article#minister-hlm-2026 div.meta").inner_text()
            assert f"built {rebuilt[:10]} {rebuilt[11:16]} UTC" in shown

            with page.expect_download() as event:
                brief.get_by_role("link", name="PDF").click()
            download = event.value
            saved = tmp_path / "downloaded.pdf"
            download.save_as(saved)
            assert download.suggested_filename.endswith(".pdf")
            assert "Global high-level meeting" in download.suggested_filename

            manifest = json.loads((workspace / "build" / "manifest.json").read_text())
            pdf = next(f for f in manifest["briefs"]["minister-hlm-2026"]["files"]
                       if f["format"] == "pdf")  # fmt: skip
            assert hashlib.sha256(saved.read_bytes()).hexdigest() == pdf["sha256"]
            assert saved.read_bytes().startswith(b"%PDF-")
        finally:
            browser.close()
