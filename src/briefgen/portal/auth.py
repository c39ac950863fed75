"""Who is asking: sign-in and sign-out, sessions or API tokens, CSRF, the throttle.

A request is signed in by ``Authorization: Bearer <token>`` (scripts) or by the
session cookie (people). Anonymous requests get the sign-in page (the page) or
401 (everything else). A POST that a session cookie signs in must carry the
session's CSRF token (the form's ``csrf_token`` field or an ``X-CSRF-Token``
header); a token-signed one needs none, as no browser sends that header by itself.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from briefgen import audit
from briefgen.accounts import Viewer, person_by_token, sign_in
from briefgen.db import Database
from briefgen.portal.sessions import COOKIE, Sessions
from briefgen.portal.throttle import Throttle

LOGIN_COOKIE = "briefgen_login"  # CSRF for the sign-in form itself (no session yet)


class NotSignedIn(Exception):
    """Raised by :meth:`Guard.viewer` for an anonymous request."""


@dataclass(frozen=True)
class Caller:
    viewer: Viewer
    csrf: str | None  # None: signed in with a token


class Guard:
    def __init__(self, db: Database, sessions: Sessions, throttle: Throttle) -> None:
        self.db = db
        self.sessions = sessions
        self.throttle = throttle
        self.login_key = hashlib.sha256(b"login-form" + db.signing_key().encode()).digest()

    def caller(self, request: Request) -> Caller | None:
        authorization = request.headers.get("authorization", "")
        if authorization[:7].lower() == "bearer ":
            found = person_by_token(self.db, authorization[7:].strip())
            return Caller(found, None) if found else None
        cookie = request.cookies.get(COOKIE)
        signed = self.sessions.get(cookie) if cookie else None
        return Caller(signed.viewer, signed.csrf) if signed else None

    async def viewer(self, request: Request) -> Viewer:
        """The signed-in person (a FastAPI dependency); POSTs checked for their CSRF token."""
        caller = getattr(request.state, "caller", None)
        if caller is None:
            caller = await run_in_threadpool(self.caller, request)
            if caller is None:
                raise NotSignedIn()
            request.state.caller = caller
        if request.method == "POST" and caller.csrf is not None:
            given = request.headers.get("x-csrf-token")
            if given is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")
            ):
                given = (await request.form()).get("csrf_token")
            if not isinstance(given, str) or not hmac.compare_digest(given, caller.csrf):
                raise HTTPException(403, "the form has expired: reload the page and try again")
        return caller.viewer

    def record(self, request: Request, action: str, outcome: str, account: str | None,
               object: str | None = None, **detail) -> None:  # fmt: skip
        audit.record(self.db, action, outcome, account=account, address=address_of(request),
                     object=object, **detail)  # fmt: skip

    def login_token(self, nonce: str) -> str:
        return hmac.new(self.login_key, nonce.encode(), "sha256").hexdigest()


def address_of(request: Request) -> str | None:
    """The client's address (the real one behind a proxy given --forwarded-allow-ips)."""
    return request.client.host if request.client else None


def not_signed_in(request: Request, _exc: NotSignedIn) -> Response:
    """The page sends people to the sign-in form; everything else answers 401."""
    wants_page = request.method in ("GET", "HEAD") and (
        request.url.path == "/" or "text/html" in request.headers.get("accept", "")
    )
    if wants_page:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)
    return Response(
        '{"detail":"sign in first: a session cookie from /login, or '
        'Authorization: Bearer <token> (briefgen tokens create NAME)"}',
        status_code=401, media_type="application/json",
        headers={"WWW-Authenticate": 'Bearer realm="briefgen"'},
    )  # fmt: skip


def login_routes(guard: Guard, render, same_site, sso_name: str | None) -> APIRouter:
    """``GET /login`` (the form), ``POST /login``, ``POST /logout``."""
    router = APIRouter(include_in_schema=False)

    def form(request: Request, status: int = 200, error: str = "", username: str = "",
             next_url: str = "/", headers: dict | None = None) -> HTMLResponse:  # fmt: skip
        nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        html = render("login.html.j2", csrf=guard.login_token(nonce), error=error,
                      username=username, next=same_site(next_url), sso=sso_name)  # fmt: skip
        response = HTMLResponse(html, status_code=status, headers=headers)
        set_cookie(request, response, LOGIN_COOKIE, nonce)
        return response

    @router.get("/login")
    def login_page(request: Request, next: str = "/") -> Response:
        if guard.caller(request) is not None:
            return RedirectResponse(same_site(next), status_code=303)
        return form(request, next_url=next)

    @router.post("/login")
    async def login(request: Request) -> Response:
        data = await request.form()
        name = str(data.get("username") or "").strip()
        password = str(data.get("password") or "")
        next_url = str(data.get("next") or "/")
        nonce = request.cookies.get(LOGIN_COOKIE, "")
        given = str(data.get("csrf_token") or "")
        if not nonce or not hmac.compare_digest(given, guard.login_token(nonce)):
            return form(request, 403, "The sign-in form had expired: please try again.", name,
                        next_url)  # fmt: skip
        address = address_of(request)
        wait = await run_in_threadpool(guard.throttle.wait, name, address)
        if wait:
            await run_in_threadpool(guard.record, request, "sign-in", "throttled", name or None)
            minutes = -(-wait // 60)
            return form(
                request, 429, f"Too many failed sign-ins: try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.", name, next_url,
                headers={"Retry-After": str(wait)},
            )  # fmt: skip
        person = await run_in_threadpool(sign_in, guard.db, name, password)
        if person is None:
            await run_in_threadpool(guard.throttle.failed, name, address)
            await run_in_threadpool(guard.record, request, "sign-in", "failed", name or None)
            return form(request, 401, "The name or the password is wrong.", name, next_url)
        await run_in_threadpool(guard.throttle.succeeded, name)
        return await run_in_threadpool(start_session, guard, request, person, next_url,
                                       same_site)  # fmt: skip

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        viewer = await guard.viewer(request)  # checks the CSRF token
        cookie = request.cookies.get(COOKIE)
        if cookie:
            await run_in_threadpool(guard.sessions.end, cookie)
        await run_in_threadpool(guard.record, request, "sign-out", "ok", viewer.name)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")  # fmt: skip
        return response

    return router


def start_session(guard: Guard, request: Request, person: Viewer, next_url: str,
                  same_site, how: str = "password") -> Response:  # fmt: skip
    """Sign ``person`` in: a new session, its cookie, a record, and on to ``next_url``."""
    cookie = guard.sessions.start(person.name)
    guard.record(request, "sign-in", "ok", person.name, method=how)
    response = RedirectResponse(same_site(next_url), status_code=303)
    set_cookie(request, response, COOKIE, cookie)
    return response


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    """HttpOnly, SameSite=Strict, for this site's every path; Secure over HTTPS (also
    behind a proxy that says so, with --forwarded-allow-ips). A session cookie in the
    browser's sense: the server ends the session itself at its lifetime or idle time."""
    response.set_cookie(name, value, path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip
