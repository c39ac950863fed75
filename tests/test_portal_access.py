"""Who may read what, over HTTP, on both database back ends (SQLite and a real
PostgreSQL server): sign-in, clearance, roles, releasable-only, sessions, CSRF,
tokens, the throttle, the headers and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from briefgen import audit
from briefgen.accounts import add_person, create_token, revoke_tokens
from briefgen.db.tables import Session, Token
from briefgen.portal import create_app
from portal_fixtures import (  # noqa: F401 - fixtures
    PASSWORD,
    bearer,
    built_workspace,
    csrf_of,
    database_url,
    postgres_server,
    sign_in,
)

# Three OFFICIAL briefs, one OFFICIAL-SENSITIVE, one spec with a releasable edition.
SPECS = ["minister-hlm-2026.yaml", "press-lines-astana.yaml", "initiative-at-a-glance.yaml"]
SENSITIVE = "minister-hlm-2026"
OFFICIAL = {"press-lines-astana", "initiative-at-a-glance", "initiative-at-a-glance-releasable"}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    return built_workspace(tmp_path_factory.mktemp("built"), SPECS)


@pytest.fixture
def portal(built_once, tmp_path, database_url):  # noqa: F811
    """The portal on a copy of the built workspace, with an empty database."""
    shutil.copytree(built_once, tmp_path / "ws")
    app = create_app(tmp_path / "ws", database=database_url,
                     throttle=(3, 6, dt.timedelta(minutes=15)))  # fmt: skip
    db = app.state.database
    add_person(db, "rita", "OFFICIAL", "reader", password=PASSWORD)
    add_person(db, "eddie", "OFFICIAL-SENSITIVE", "editor", password=PASSWORD)
    add_person(db, "pat", "TOP SECRET", "reader", releasable_only=True, password=PASSWORD)
    yield app
    # A build asked for starts this process's worker (no lifespan under TestClient): stop
    # it before the test's database goes, or it keeps trying to reach it.
    app.state.builds.stop(wait_seconds=60)


def http(app, headers=None) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", headers=headers or {})


def ids(client: TestClient, **query) -> set[str]:
    return {brief["id"] for brief in client.get("/api/briefs", params=query).json()}


def test_nobody_anonymous_sees_anything(portal):
    anonymous = http(portal)
    page = anonymous.get("/", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=%2F"
    for url in ("/api/briefs", f"/api/briefs/{SENSITIVE}", "/download/press-lines-astana/pdf",
                "/preview/press-lines-astana.png", "/api/builds/x"):  # fmt: skip
        response = anonymous.get(url)
        assert response.status_code == 401, url
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert anonymous.post("/api/briefs/press-lines-astana/build").status_code == 401
    login = anonymous.get("/login")
    assert login.status_code == 200 and 'name="username"' in login.text
    assert 'name="password"' in login.text and 'name="csrf_token"' in login.text


def test_a_reader_sees_nothing_above_their_clearance_anywhere(portal):
    reader = http(portal)
    assert sign_in(reader, "rita").status_code == 303
    assert ids(reader) == OFFICIAL
    assert ids(reader, q="MFA-IHL-2026-014") == set()  # the sensitive brief's reference
    assert ids(reader, marking="OFFICIAL-SENSITIVE") == set()
    page = reader.get("/").text
    assert SENSITIVE not in page and "OFFICIAL-SENSITIVE" not in page
    assert "3 of 3 briefs shown" in page  # not counted either
    assert "Signed in as <strong>rita</strong>" in page and ">OFFICIAL<" in page
    searched = reader.get("/", params={"q": "Global high-level meeting"}).text
    assert "0 of 3 briefs shown" in searched and SENSITIVE not in searched
    # Its URLs answer exactly as an id that does not exist.
    for hidden, unknown in [
        (f"/api/briefs/{SENSITIVE}", "/api/briefs/no-such-brief"),
        (f"/download/{SENSITIVE}/pdf", "/download/no-such-brief/pdf"),
        (f"/download/{SENSITIVE}/docx", "/download/no-such-brief/docx"),
        (f"/preview/{SENSITIVE}.png", "/preview/no-such-brief.png"),
    ]:
        a, b = reader.get(hidden), reader.get(unknown)
        assert a.status_code == b.status_code == 404, hidden
        assert a.content == b.content and a.headers.keys() == b.headers.keys()
    head = reader.head(f"/download/{SENSITIVE}/pdf")
    assert head.status_code == 404
    csrf = csrf_of(reader.get("/").text)
    for url in (f"/api/briefs/{SENSITIVE}/build", "/api/briefs/no-such-brief/build"):
        assert reader.post(url, headers={"X-CSRF-Token": csrf}).status_code == 404
    assert reader.get("/download/press-lines-astana/pdf").status_code == 200


def test_readers_may_not_build_and_editors_may(portal):
    reader = http(portal)
    sign_in(reader, "rita")
    page = reader.get("/").text
    assert "Rebuild" not in page and "Build" not in page.replace("Build</", "")
    csrf = csrf_of(page)
    response = reader.post("/api/briefs/press-lines-astana/build", headers={"X-CSRF-Token": csrf})
    assert response.status_code == 403
    form = reader.post("/build/press-lines-astana", data={"csrf_token": csrf},
                       follow_redirects=False)  # fmt: skip
    assert form.status_code == 403
    assert reader.post("/api/build-stale", headers={"X-CSRF-Token": csrf}).status_code == 403

    editor = http(portal)
    sign_in(editor, "eddie")
    page = editor.get("/").text
    assert f'article id="{SENSITIVE}"' in page and "Rebuild" in page
    built = editor.post(f"/build/{SENSITIVE}", data={"csrf_token": csrf_of(page)},
                        follow_redirects=False)  # fmt: skip
    assert built.status_code == 303


def test_releasable_only_sees_releasable_editions_only(portal):
    partner = http(portal)
    sign_in(partner, "pat")
    assert ids(partner) == {"initiative-at-a-glance-releasable"}
    assert partner.get("/download/initiative-at-a-glance/pdf").status_code == 404
    assert partner.get("/download/initiative-at-a-glance-releasable/pdf").status_code == 200
    assert "releasable editions only" in partner.get("/").text


def test_unknown_markings_and_clearances_fail_closed(portal):
    db = portal.state.database
    add_person(db, "odd", "OFFICIAL", "reader", password=PASSWORD)
    with db.session() as session:  # a clearance the scheme no longer has
        from briefgen.db.tables import Person

        session.execute(update(Person).where(Person.name == "odd").values(clearance="COSMIC"))
    odd = http(portal, bearer(db, "odd"))
    assert ids(odd) == set()
    workspace = portal.state.workspace
    manifest = json.loads((workspace.out_dir / "manifest.json").read_text())
    manifest["briefs"]["press-lines-astana"]["marking"] = "COSMIC TOP SECRET"
    (workspace.out_dir / "manifest.json").write_text(json.dumps(manifest))
    top = http(portal, bearer(db, "ada"))
    assert "press-lines-astana" not in ids(top)
    assert top.get("/download/press-lines-astana/pdf").status_code == 404


def test_sessions_are_signed_httponly_strict_and_end_on_the_server(portal):
    person = http(portal)
    signed = sign_in(person, "rita")
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith("briefgen_session=") and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower() and "Secure" not in cookie  # plain HTTP
    value = person.cookies["briefgen_session"]
    # A forged or altered cookie is nobody.
    for forged in (value[:-2] + ("AA" if not value.endswith("AA") else "BB"), "x.y", ""):
        stranger = http(portal)
        stranger.cookies.set("briefgen_session", forged)
        assert stranger.get("/api/briefs").status_code == 401
    page = person.get("/").text
    assert person.post("/logout", follow_redirects=False).status_code == 403  # no CSRF token
    out = person.post("/logout", data={"csrf_token": csrf_of(page)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    replay = http(portal)
    replay.cookies.set("briefgen_session", value)  # the old cookie, kept by an attacker
    assert replay.get("/api/briefs").status_code == 401


@pytest.mark.parametrize("column", ["created_at", "seen_at"])
def test_a_session_ends_after_its_lifetime_and_when_idle(portal, column):
    person = http(portal)
    sign_in(person, "rita")
    assert person.get("/api/briefs").status_code == 200
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=11)
    with portal.state.database.session() as session:
        session.execute(update(Session).values({column: long_ago}))
    assert person.get("/api/briefs").status_code == 401


def test_https_behind_a_proxy_makes_the_cookie_secure(portal):
    secure = TestClient(portal, base_url="https://127.0.0.1")
    assert "Secure" in sign_in(secure, "rita").headers["set-cookie"]


def test_every_form_needs_its_csrf_token(portal):
    person = http(portal)
    sign_in(person, "eddie")
    for url in (f"/build/{SENSITIVE}", "/build-stale", "/logout"):
        assert person.post(url, data={"csrf_token": "wrong"}).status_code == 403, url
        assert person.post(url).status_code == 403, url
    api = person.post(f"/api/briefs/{SENSITIVE}/build", headers={"X-CSRF-Token": "wrong"})
    assert api.status_code == 403
    # The sign-in form too.
    fresh = http(portal)
    fresh.get("/login")
    response = fresh.post("/login", data={"username": "rita", "password": PASSWORD,
                                          "csrf_token": "forged"})  # fmt: skip
    assert response.status_code == 403 and "briefgen_session" not in fresh.cookies


def test_tokens_revoked_or_expired_are_refused(portal):
    db = portal.state.database
    token_id, token = create_token(db, "rita")
    scripted = http(portal, {"Authorization": f"Bearer {token}"})
    assert ids(scripted) == OFFICIAL
    # A token needs no CSRF token (no browser sends it by itself); the role still counts.
    assert scripted.post("/api/briefs/press-lines-astana/build").status_code == 403
    revoke_tokens(db, token_id)
    assert scripted.get("/api/briefs").status_code == 401
    later_id, later = create_token(db, "rita", days=1)
    with db.session() as session:
        session.execute(update(Token).where(Token.id == later_id)
                        .values(expires_at=dt.datetime(2000, 1, 1)))  # fmt: skip
    assert http(portal, {"Authorization": f"Bearer {later}"}).get("/api/briefs").status_code == 401
    nonsense = http(portal, {"Authorization": "Bearer bgt_nonsense"})
    assert nonsense.get("/", follow_redirects=False).status_code == 303


def test_failed_sign_ins_are_throttled_per_name_and_per_address(portal):
    guesser = http(portal)
    for _ in range(3):
        assert sign_in(guesser, "rita", "wrong password!").status_code == 401
    blocked = sign_in(guesser, "rita")  # even the right password, now
    assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= 900
    assert "Too many failed sign-ins" in blocked.text
    # A name that has no account is throttled alike (nothing tells which names exist).
    for _ in range(3):
        assert sign_in(guesser, "nobody", "wrong password!").status_code == 401
    assert sign_in(guesser, "nobody", "wrong password!").status_code == 429
    # Per address: six failures from one address, whatever the names.
    assert sign_in(guesser, "eddie").status_code == 429
    records = audit.entries(portal.state.database, account="rita")
    assert [r.outcome for r in records if r.action == "sign-in"] == ["failed"] * 3 + ["throttled"]


def test_every_answer_carries_the_security_headers(portal):
    person = http(portal)
    sign_in(person, "rita")
    answers = [person.get("/"), person.get("/api/briefs"), person.get("/login"),
               person.get("/download/press-lines-astana/pdf"), http(portal).get("/api/briefs"),
               person.get("/download/no-such/pdf"), person.get("/static/portal.css")]  # fmt: skip
    for answer in answers:
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src" not in csp
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"
    assert answers[0].headers["cache-control"] == "no-store"
    assert "<script" not in answers[0].text and "<style" not in answers[0].text


def test_the_audit_trail_records_who_did_what(portal):
    person = http(portal)
    sign_in(person, "eddie", "wrong password!")
    sign_in(person, "eddie")
    pdf = person.get(f"/download/{SENSITIVE}/pdf")
    person.get(f"/preview/{SENSITIVE}.png")
    page = person.get("/").text
    person.post(f"/build/{SENSITIVE}", data={"csrf_token": csrf_of(page)})
    person.post("/logout", data={"csrf_token": csrf_of(page)})
    records = [r for r in audit.entries(portal.state.database) if r.account == "eddie"]
    assert [(r.action, r.outcome) for r in records] == [
        ("sign-in", "failed"), ("sign-in", "ok"), ("download", "ok"), ("preview", "ok"),
        ("build", "queued"), ("sign-out", "ok"),
    ]  # fmt: skip
    download = records[2]
    import hashlib

    assert download.object == f"{SENSITIVE}.pdf" and download.address == "testclient"
    assert download.detail == {"sha256": hashlib.sha256(pdf.content).hexdigest(),
                               "edition": "full", "marking": "OFFICIAL-SENSITIVE"}  # fmt: skip
    assert all(r.at <= dt.datetime.now(dt.UTC).replace(tzinfo=None) for r in records)
