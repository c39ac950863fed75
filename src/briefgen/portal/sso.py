"""Single sign-on: ``GET /login/sso`` sends the browser to the identity provider,
``GET /login/sso/callback`` takes it back, checks everything (:mod:`.oidc`), maps
the ID token's claims to a clearance and a role, makes or updates the account
bound to the person's subject (issuer and ``sub``), and starts a session.

What a sign-in under way needs to remember (state, nonce, PKCE verifier, where to
go next) rides in a signed, HttpOnly cookie of its own that lives ten minutes and
is sent only to ``/login/sso`` (``SameSite=Lax``: it must come back with the
provider's redirect, a cross-site navigation). Every outcome is in the audit trail.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from briefgen.accounts import NAME, Viewer, viewer
from briefgen.db import Database
from briefgen.db.tables import ROLES, Person
from briefgen.portal.auth import LOGIN_COOKIE, Guard, set_cookie, start_session
from briefgen.portal.oidc import OidcSettings, OpenIDClient, Pending, Refused

PENDING_COOKIE = "briefgen_sso"
PENDING_FOR = 600  # seconds a sign-in may take at the provider
NO_CLEARANCE = ("Your identity provider did not say which markings you may read, so you "
                "cannot sign in here. Ask the portal's administrator to have your clearance "
                "added to your account at the provider.")  # fmt: skip
UNKNOWN_CLEARANCE = ("Your identity provider gave a clearance this portal does not know, so "
                     "you cannot sign in here. Ask the portal's administrator.")  # fmt: skip
UNKNOWN_ROLE = ("Your identity provider gave a role this portal does not know, so you "
                "cannot sign in here. Ask the portal's administrator.")  # fmt: skip


def map_claims(claims: dict, settings: OidcSettings, scheme) -> tuple[str, str]:
    """(clearance level id, role) from the ID token's claims, or :class:`Refused`."""
    rule = settings.clearance
    given = values_of(claims.get(rule.claim))
    if not given:
        raise Refused(f"no clearance claim ({rule.claim})", NO_CLEARANCE)
    named = [rule.values[v] for v in given if v in rule.values] if rule.values else given
    levels = [scheme.resolve(value) for value in named] if scheme is not None else [None]
    if not named or None in levels:
        raise Refused(f"unknown clearance ({rule.claim})", UNKNOWN_CLEARANCE)
    clearance = scheme.highest(levels)
    rule = settings.role
    given = values_of(claims.get(rule.claim))
    named = [rule.values[v] for v in given if v in rule.values] if rule.values else given
    if any(role not in ROLES for role in named):
        raise Refused(f"unknown role ({rule.claim})", UNKNOWN_ROLE)
    role = max(named, key=ROLES.index) if named else "reader"
    return clearance, role


def values_of(claim) -> list[str]:
    if isinstance(claim, str):
        return [claim] if claim.strip() else []
    if isinstance(claim, list):
        return [value for value in claim if isinstance(value, str) and value.strip()]
    return []


def provision(db: Database, subject: str, claims: dict, clearance: str,
              role: str) -> tuple[Viewer, str | None]:  # fmt: skip
    """The account bound to ``subject``, made on its first sign-in and brought up to date
    with the provider's clearance and role; and what changed (an audit action, or None)."""
    for attempt in range(2):  # two first sign-ins at once: the second finds the first's row
        try:
            with db.session() as session:
                person = session.scalar(select(Person).where(Person.subject == subject))
                if person is None:
                    person = Person(name=free_name(session, claims, subject), subject=subject,
                                    clearance=clearance, role=role, releasable_only=False,
                                    password_hash=None)  # fmt: skip
                    session.add(person)
                    return viewer(person), "account added"
                if (person.clearance, person.role) == (clearance, role):
                    return viewer(person), None
                person.clearance, person.role = clearance, role
                return viewer(person), "account changed"
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def free_name(session, claims: dict, subject: str) -> str:
    """An account name from the person's own (``preferred_username``, else ``email``),
    made unique if another account has it: never someone else's account."""
    suffix = hashlib.sha256(subject.encode()).hexdigest()
    for claim in ("preferred_username", "email"):
        value = claims.get(claim)
        if isinstance(value, str) and NAME.fullmatch(value) and len(value) <= 190:
            for name in (value, f"{value}-{suffix[:6]}"):
                if session.scalar(select(Person.id).where(Person.name == name)) is None:
                    return name
    return f"sso-{suffix[:12]}"


def sso_routes(guard: Guard, settings: OidcSettings, render, same_site, scheme) -> APIRouter:
    """The two routes; ``scheme()`` gives the workspace's marking scheme (None if it does
    not load: then nobody signs in this way)."""
    router = APIRouter(include_in_schema=False)
    client = OpenIDClient(settings)
    serializer = URLSafeTimedSerializer(guard.db.signing_key(), salt="briefgen-sso")

    def refuse(request: Request, refused: Refused, account: str | None = None,
               **detail) -> Response:  # fmt: skip
        guard.record(request, "sign-in", "refused", account, method="single sign-on",
                     reason=refused.reason, **detail)  # fmt: skip
        nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        html = render("login.html.j2", csrf=guard.login_token(nonce), error=refused.message,
                      username="", next="/", sso=settings.name)  # fmt: skip
        response = HTMLResponse(html, status_code=403)
        set_cookie(request, response, LOGIN_COOKIE, nonce)  # the password form still works
        forget(request, response)
        return response

    def forget(request: Request, response: Response) -> None:
        response.delete_cookie(PENDING_COOKIE, path="/login/sso", httponly=True,
                               samesite="lax", secure=request.url.scheme == "https")  # fmt: skip

    @router.get("/login/sso")
    def begin(request: Request, next: str = "/") -> Response:
        redirect_uri = settings.redirect_url or str(request.url_for("sso_callback"))
        pending = Pending.new(redirect_uri, same_site(next))
        try:
            target = client.authorization_url(pending)
        except Refused as refused:
            return refuse(request, refused)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(PENDING_COOKIE, serializer.dumps(pending.__dict__), max_age=PENDING_FOR,
                            path="/login/sso", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")  # fmt: skip
        return response

    @router.get("/login/sso/callback", name="sso_callback")
    def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
        try:
            saved = serializer.loads(request.cookies.get(PENDING_COOKIE, ""), max_age=PENDING_FOR)
            pending = Pending(**saved)
        except (BadSignature, TypeError, ValueError):
            return refuse(request, Refused("no sign-in under way in this browser (or it took "
                                           "over ten minutes)", EXPIRED))  # fmt: skip
        if not state or not hmac.compare_digest(state, pending.state):
            return refuse(request, Refused("state does not match", EXPIRED))
        if error or not code:
            return refuse(request, Refused(f"provider: {error[:60] or 'no code'}", DECLINED))
        try:
            claims = client.verify(client.exchange(code, pending), pending)
        except Refused as refused:
            return refuse(request, refused)
        subject = f"{claims['iss']} {claims['sub']}"
        try:
            clearance, role = map_claims(claims, settings, scheme())
        except Refused as refused:
            said = claims.get("preferred_username")
            return refuse(request, refused, said if isinstance(said, str) else None,
                          subject=subject)  # fmt: skip
        person, change = provision(guard.db, subject, claims, clearance, role)
        if change:
            guard.record(request, change, "ok", person.name, object=person.name,
                         method="single sign-on", clearance=clearance, role=role)  # fmt: skip
        response = start_session(guard, request, person, pending.next, same_site,
                                 how="single sign-on")  # fmt: skip
        forget(request, response)
        return response

    return router


EXPIRED = ("That sign-in could not be finished: it began in another browser or window, or "
           "took too long. Please sign in again.")  # fmt: skip
DECLINED = "The identity provider did not sign you in. Please try again."
