"""Single sign-on with OpenID Connect, against a real OpenID provider on loopback
(:mod:`oidc_provider`, Authlib's server side): the portal and the provider each
listen on 127.0.0.1 and a client follows the redirects between them, as a browser
does. Nothing of the protocol is mocked."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx2 as httpx
import pytest
import uvicorn
from sqlalchemy import select

from briefgen import audit
from briefgen.accounts import add_person, sign_in
from briefgen.db import open_database
from briefgen.db.tables import Person
from briefgen.errors import BriefgenError
from briefgen.portal import create_app
from briefgen.portal.oidc import ClaimRule, OidcSettings, settings_from_environment
from oidc_provider import Provider, free_port
from portal_fixtures import PASSWORD, built_workspace, database_url, postgres_server  # noqa: F401 - fixtures

SPECS = ["minister-hlm-2026.yaml", "press-lines-astana.yaml", "initiative-at-a-glance.yaml"]
SENSITIVE = "minister-hlm-2026"
OFFICIAL = {"press-lines-astana", "initiative-at-a-glance", "initiative-at-a-glance-releasable"}
OLGA = {"sub": "olga-7f3a", "preferred_username": "olga", "email": "olga@mfa.example",
        "briefgen_clearance": "OFFICIAL"}  # fmt: skip
BAD_TOKEN = "could not be trusted"


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    return built_workspace(tmp_path_factory.mktemp("built"), SPECS)


@pytest.fixture(scope="module")
def provider():
    with Provider() as running:
        yield running


class Portal:
    """The portal served by uvicorn on 127.0.0.1 in a thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db = app.state.database
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            assert self.thread.is_alive() and time.monotonic() < deadline, "no portal"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(30)

    def records(self, action: str = "sign-in") -> list:
        return [e for e in audit.entries(self.db) if e.action == action]


@pytest.fixture
def start_portal(built_once, tmp_path, provider):
    """Start the portal on a copy of the built workspace, with single sign-on through the
    provider (``clearance``/``role``: the claims mapping), on ``database`` (default SQLite)."""
    started = []

    def start(database: str | None = None, **rules) -> Portal:
        shutil.copytree(built_once, tmp_path / "ws")
        settings = OidcSettings(provider.issuer, provider.client_id, provider.client_secret,
                                name="Ministry ID", **rules)  # fmt: skip
        app = create_app(tmp_path / "ws", database=database or f"sqlite:///{tmp_path / 'p.db'}",
                         oidc=settings)  # fmt: skip
        portal = Portal(app)
        started.append(portal)
        provider.register(f"{portal.url}/login/sso/callback")
        return portal

    provider.tamper = None
    provider.user = dict(OLGA)
    yield start
    for portal in started:
        portal.stop()


def browser() -> httpx.Client:
    return httpx.Client(follow_redirects=True, timeout=30)


def sso(client: httpx.Client, portal: Portal, next_url: str = "/") -> httpx.Response:
    """Sign in through the provider from the sign-in page's link, following every redirect."""
    page = client.get(f"{portal.url}/login", params={"next": next_url})
    assert "Sign in with Ministry ID" in page.text
    return client.get(f"{portal.url}/login/sso", params={"next": next_url})


def ids(client: httpx.Client, portal: Portal) -> set[str]:
    return {brief["id"] for brief in client.get(f"{portal.url}/api/briefs").json()}


def person(portal: Portal, subject: str) -> Person | None:
    with portal.db.session() as session:
        return session.scalar(select(Person).where(Person.subject == subject))


def test_sign_in_through_the_provider_maps_its_claims_to_clearance_and_role(
    start_portal,
    provider,
    database_url,  # noqa: F811
):
    portal = start_portal(database_url)
    client = browser()
    page = sso(client, portal, "/?q=astana")
    assert page.status_code == 200 and page.url == f"{portal.url}/?q=astana"
    assert "olga" in page.text and "Sign out" in page.text
    assert ids(client, portal) == OFFICIAL  # cleared to OFFICIAL: nothing above it
    assert client.get(f"{portal.url}/download/{SENSITIVE}/pdf").status_code == 404
    assert client.get(f"{portal.url}/download/press-lines-astana/pdf").status_code == 200
    found = person(portal, f"{provider.issuer} olga-7f3a")
    assert (found.name, found.clearance, found.role, found.password_hash) == (
        "olga",
        "OFFICIAL",
        "reader",
        None,
    )
    assert sign_in(portal.db, "olga", "") is None  # no password to guess
    added = portal.records("account added")
    assert [(e.account, e.detail["clearance"], e.detail["role"]) for e in added] == [
        ("olga", "OFFICIAL", "reader")
    ]
    assert [(e.account, e.outcome, e.detail["method"]) for e in portal.records()] == [
        ("olga", "ok", "single sign-on")
    ]

    # The provider now says more: the account follows it at the next sign-in.
    provider.user = {**OLGA, "briefgen_clearance": "OFFICIAL-SENSITIVE", "briefgen_role": "editor"}
    client.post(f"{portal.url}/logout", data={"csrf_token": csrf(client, portal)})
    assert client.get(f"{portal.url}/api/briefs").status_code == 401
    sso(client, portal)
    assert ids(client, portal) == OFFICIAL | {SENSITIVE}
    found = person(portal, f"{provider.issuer} olga-7f3a")
    assert (found.name, found.clearance, found.role) == ("olga", "OFFICIAL-SENSITIVE", "editor")
    assert [e.detail["role"] for e in portal.records("account changed")] == ["editor"]
    from briefgen.accounts import people

    assert [p.name for p in people(portal.db)] == ["olga"]


def csrf(client: httpx.Client, portal: Portal) -> str:
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"{portal.url}/").text)[1]


def test_a_groups_claim_mapped_to_clearance_and_role(start_portal, provider):
    portal = start_portal(
        clearance=ClaimRule("groups", {"briefs-official": "OFFICIAL",
                                       "briefs-sensitive": "OFFICIAL-SENSITIVE"}),
        role=ClaimRule("groups", {"briefs-editors": "editor"}),
    )  # fmt: skip
    provider.user = {
        "sub": "u-2",
        "preferred_username": "ivan",
        "groups": ["staff", "briefs-sensitive", "briefs-official", "briefs-editors"],
    }
    client = browser()
    assert sso(client, portal).status_code == 200
    assert ids(client, portal) == OFFICIAL | {SENSITIVE}
    found = person(portal, f"{provider.issuer} u-2")
    assert (found.clearance, found.role) == ("OFFICIAL-SENSITIVE", "editor")


def test_a_name_taken_by_another_account_is_not_theirs(start_portal, provider):
    portal = start_portal()
    add_person(portal.db, "olga", "TOP SECRET", "admin", password=PASSWORD)
    client = browser()
    sso(client, portal)
    assert ids(client, portal) == OFFICIAL  # the provider's olga, not the local one
    found = person(portal, f"{provider.issuer} olga-7f3a")
    assert found.name.startswith("olga-") and found.clearance == "OFFICIAL"


@pytest.mark.parametrize(("claims", "reason", "message"), [
    ({"briefgen_clearance": None}, "no clearance claim (briefgen_clearance)", "did not say which"),
    ({"briefgen_clearance": ""}, "no clearance claim (briefgen_clearance)", "did not say which"),
    ({"briefgen_clearance": "COSMIC"}, "unknown clearance (briefgen_clearance)", "does not know"),
    ({"briefgen_clearance": ["OFFICIAL", "COSMIC"]}, "unknown clearance (briefgen_clearance)",
     "does not know"),
    ({"briefgen_role": "superuser"}, "unknown role (briefgen_role)", "role this portal"),
])  # fmt: skip
def test_a_missing_or_unknown_clearance_is_refused_and_recorded(
    start_portal, provider, claims, reason, message
):
    portal = start_portal()
    provider.user = {k: v for k, v in {**OLGA, **claims}.items() if v is not None}
    client = browser()
    page = sso(client, portal)
    assert page.status_code == 403 and message in page.text
    assert "COSMIC" not in page.text and "SECRET" not in page.text  # nothing of the scheme
    assert client.get(f"{portal.url}/api/briefs").status_code == 401
    assert person(portal, f"{provider.issuer} olga-7f3a") is None
    [record] = portal.records()
    assert (record.account, record.outcome, record.detail["reason"]) == ("olga", "refused", reason)
    assert record.detail["subject"] == f"{provider.issuer} olga-7f3a"


@pytest.mark.parametrize(("tamper", "reason"), [
    ("payload", "ID token: bad signature"),
    ("foreign-key", "ID token: bad signature"),
    ("unsigned", "ID token not valid"),
    ("expired", "ID token expired"),
    ("audience", "ID token: Invalid claim: 'aud'"),
    ("issuer", "ID token: Invalid claim: 'iss'"),
    ("nonce", "ID token: Invalid claim: 'nonce'"),
])  # fmt: skip
def test_an_id_token_that_is_tampered_expired_or_not_ours_is_refused(
    start_portal, provider, tamper, reason
):
    portal = start_portal()
    provider.user = {**OLGA, "briefgen_clearance": "SECRET"}
    provider.tamper = tamper
    client = browser()
    page = sso(client, portal)
    assert page.status_code == 403 and BAD_TOKEN in page.text
    assert client.get(f"{portal.url}/api/briefs").status_code == 401
    assert person(portal, f"{provider.issuer} olga-7f3a") is None
    [record] = portal.records()
    assert record.outcome == "refused" and record.account is None
    assert record.detail["reason"].startswith(reason), record.detail["reason"]


def start_by_hand(client: httpx.Client, portal: Portal) -> str:
    """Sign-in up to the provider's redirect back to the portal: its URL."""
    to_provider = client.get(f"{portal.url}/login/sso", follow_redirects=False)
    assert to_provider.status_code == 303
    asked = parse_qs(urlsplit(to_provider.headers["location"]).query)
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert asked["nonce"][0] and asked["state"][0] and asked["scope"][0].startswith("openid")
    back = client.get(to_provider.headers["location"], follow_redirects=False)
    assert back.status_code == 302 and back.headers["location"].startswith(portal.url)
    return back.headers["location"]


def test_a_state_that_does_not_match_is_refused(start_portal, provider):
    portal = start_portal()
    client = browser()
    callback = start_by_hand(client, portal)
    query = parse_qs(urlsplit(callback).query)
    forged = f"{portal.url}/login/sso/callback?" + urlencode(
        {"code": query["code"][0], "state": "x" + query["state"][0][1:]}
    )
    asked = provider.token_requests
    page = client.get(forged)
    assert page.status_code == 403 and "could not be finished" in page.text
    assert provider.token_requests == asked  # the code was never even exchanged
    # Another browser brought the real callback (login CSRF): it began no sign-in.
    other = browser()
    assert other.get(callback).status_code == 403
    assert other.get(f"{portal.url}/api/briefs").status_code == 401
    reasons = [e.detail["reason"] for e in portal.records()]
    assert reasons[0] == "state does not match" and reasons[1].startswith("no sign-in under way")
    # The browser that began it finishes it once; the same callback again is refused.
    assert client.get(callback).status_code == 403  # the failed try ended the sign-in
    callback = start_by_hand(client, portal)
    assert client.get(callback).url == f"{portal.url}/"
    assert client.get(callback).status_code == 403
    assert [e.outcome for e in portal.records()][-2:] == ["ok", "refused"]


def test_a_person_who_declines_at_the_provider_is_not_signed_in(start_portal, provider):
    portal = start_portal()
    provider.user = None
    client = browser()
    page = sso(client, portal)
    assert page.status_code == 403 and "did not sign you in" in page.text
    assert [e.detail["reason"] for e in portal.records()] == ["provider: access_denied"]


def test_settings_from_the_environment(tmp_path):
    assert settings_from_environment({}) is None
    with pytest.raises(BriefgenError, match="BRIEFGEN_OIDC_CLIENT_ID"):
        settings_from_environment({"BRIEFGEN_OIDC_ISSUER": "https://id.example"})
    environ = {"BRIEFGEN_OIDC_ISSUER": "https://id.example", "BRIEFGEN_OIDC_CLIENT_ID": "bg",
               "BRIEFGEN_OIDC_CLIENT_SECRET_FILE": str(tmp_path / "secret")}  # fmt: skip
    with pytest.raises(BriefgenError, match="cannot read the client secret"):
        settings_from_environment(environ)
    (tmp_path / "secret").write_text("s3cret\n")
    (tmp_path / "claims.yaml").write_text(
        "clearance:\n  claim: groups\n  values: {g-off: OFFICIAL}\nrole:\n  claim: roles\n"
    )
    environ["BRIEFGEN_OIDC_CLAIMS"] = str(tmp_path / "claims.yaml")
    found = settings_from_environment(environ)
    assert found.client_secret == "s3cret" and "s3cret" not in repr(found)
    assert found.clearance == ClaimRule("groups", {"g-off": "OFFICIAL"})
    assert found.role == ClaimRule("roles")
    (tmp_path / "claims.yaml").write_text("clearance: groups\n")
    with pytest.raises(BriefgenError, match="claim: NAME"):
        settings_from_environment(environ)


def test_briefgen_serve_takes_single_sign_on_from_the_environment(built_once, tmp_path, provider):
    shutil.copytree(built_once, tmp_path / "ws")
    (tmp_path / "secret").write_text(provider.client_secret + "\n")
    port = free_port()
    provider.register(f"http://127.0.0.1:{port}/login/sso/callback")
    provider.user, provider.tamper = dict(OLGA), None
    environ = {**os.environ, "BRIEFGEN_OIDC_ISSUER": provider.issuer,
               "BRIEFGEN_OIDC_CLIENT_ID": provider.client_id,
               "BRIEFGEN_OIDC_CLIENT_SECRET_FILE": str(tmp_path / "secret"),
               "BRIEFGEN_OIDC_NAME": "Ministry ID"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "briefgen", "serve", "--workspace", str(tmp_path / "ws"),
         "--port", str(port)], env=environ, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        client = browser()
        deadline = time.monotonic() + 60
        while True:
            try:
                client.get(f"http://127.0.0.1:{port}/login")
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "the portal did not start"
                time.sleep(0.2)
        page = client.get(f"http://127.0.0.1:{port}/login/sso")
        assert page.status_code == 200 and "olga" in page.text
    finally:
        server.terminate()
        server.wait(timeout=30)
    db = open_database(f"sqlite:///{tmp_path / 'ws' / '.briefgen' / 'portal.db'}")
    assert [(e.account, e.outcome) for e in audit.entries(db) if e.action == "sign-in"] == [
        ("olga", "ok")
    ]


def test_a_provider_that_cannot_be_reached_is_a_clear_page_not_a_traceback(built_once, tmp_path):
    from fastapi.testclient import TestClient

    shutil.copytree(built_once, tmp_path / "ws")
    settings = OidcSettings(f"http://127.0.0.1:{free_port()}", "briefgen", "secret")
    app = create_app(tmp_path / "ws", oidc=settings)
    page = TestClient(app, base_url="http://127.0.0.1").get("/login/sso")
    assert page.status_code == 403 and "could not sign you in just now" in page.text
    assert "Traceback" not in page.text and 'name="password"' in page.text
    [record] = [e for e in audit.entries(app.state.database) if e.action == "sign-in"]
    assert record.detail["reason"].startswith("provider unreachable")
