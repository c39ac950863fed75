"""The portal's pages checked with axe-core in a real browser (Debian's chromium):
no serious or critical violation on the sign-in page or the list of briefs (with a
stale brief, a draft, a releasable edition). The skip link is the first thing the
keyboard reaches and leads into the page.

axe-core comes from npm: ``scripts/install-system-packages --test`` puts it in the
repository's ``node_modules`` (or give its ``axe.min.js`` with ``BRIEFGEN_AXE_CORE``).
Without it the test fails in CI and is skipped elsewhere, saying so."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import BRIEFS, REPO, unavailable
from portal_fixtures import PASSWORD
from test_portal_browser import CHROMIUM, CHROMIUM_FLAGS, free_port, sign_in

SPECS = ["minister-hlm-2026.yaml", "press-lines-astana.yaml", "initiative-at-a-glance.yaml"]


@pytest.fixture
def axe_script() -> str:
    return axe_core().read_text(encoding="utf-8")


def axe_core() -> Path:
    found = [Path(p) for p in (os.environ.get("BRIEFGEN_AXE_CORE", ""),
                               REPO / "node_modules/axe-core/axe.min.js") if p]  # fmt: skip
    for path in found:
        if path.is_file():
            return path
    unavailable("axe-core", "scripts/install-system-packages --test installs it with npm; "
                "or npm install axe-core, or set BRIEFGEN_AXE_CORE")  # fmt: skip


@pytest.fixture
def portal(tmp_path):
    (tmp_path / "briefs").mkdir()
    for name in SPECS:
        shutil.copy(BRIEFS / name, tmp_path / "briefs" / name)
    run = {"cwd": tmp_path, "check": True, "capture_output": True, "text": True}
    subprocess.run([sys.executable, "-m", "briefgen", "build", "briefs"], **run)
    spec = tmp_path / "briefs" / "press-lines-astana.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(spec, (time.time() + 5, time.time() + 5))  # stale, with a reason
    subprocess.run([sys.executable, "-m", "briefgen", "users", "add", "eddie", "--clearance",
                    "OFFICIAL-SENSITIVE", "--role", "editor", "--password-stdin"],
                   input=PASSWORD + "\n", **run)  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "--workspace", str(tmp_path),
         "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url + "login", timeout=2)
            break
        except OSError:
            assert server.poll() is None, server.stdout.read().decode()
            assert time.monotonic() < deadline, "the portal did not start"
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)


def violations(page, script: str) -> list[dict]:
    page.add_script_tag(content=script)  # the context bypasses the portal's CSP for this
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in found
    ]  # fmt: skip


def test_the_pages_pass_axe_core(axe_script, portal, tmp_path):
    from playwright.sync_api import sync_playwright

    script = axe_script
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_FLAGS)  # fmt: skip
        try:
            page = browser.new_context(bypass_csp=True).new_page()
            page.goto(portal)
            found = {"login": violations(page, script)}
            sign_in(page, portal, "eddie")
            page.wait_for_selector("article#press-lines-astana[data-state=stale]")
            found["list"] = violations(page, script)
            page.screenshot(path=str(tmp_path / "portal.png"), full_page=True)
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent")
            page.keyboard.press("Enter")
            landed = page.evaluate("document.activeElement.id")
        finally:
            browser.close()
    print(json.dumps(found, indent=1))
    serious = [v for vs in found.values() for v in vs if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)
    assert (focused, landed) == ("Skip to main content", "main")
