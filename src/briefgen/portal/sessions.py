"""Sign-in sessions, kept on the server (the database), named by a signed cookie.

The cookie holds a random key signed with the portal's key (itsdangerous); the
database holds the key's SHA-256, who it belongs to, a CSRF token, when it began
and when it was last used. A session ends at sign-out (on the server: the cookie
alone is then worth nothing), after ``lifetime`` or after ``idle`` without use.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from sqlalchemy import select

from briefgen.accounts import Viewer, viewer
from briefgen.db import Database
from briefgen.db.tables import Person, Session, now

COOKIE = "briefgen_session"
TOUCH_EVERY = dt.timedelta(seconds=30)  # seen_at is written at most this often


@dataclass(frozen=True)
class Signed:
    viewer: Viewer
    csrf: str


class Sessions:
    def __init__(
        self, db: Database, lifetime: dt.timedelta = dt.timedelta(hours=10),
        idle: dt.timedelta = dt.timedelta(minutes=30),
    ) -> None:  # fmt: skip
        self.db = db
        self.lifetime = lifetime
        self.idle = idle
        self.signer = Signer(db.signing_key(), salt="briefgen-session")

    def start(self, name: str) -> str:
        """A new session for the account; the cookie's value."""
        key = secrets.token_urlsafe(32)
        with self.db.session() as session:
            person = session.scalar(select(Person).where(Person.name == name))
            session.add(Session(key_hash=digest(key), person_id=person.id,
                                csrf=secrets.token_urlsafe(32)))  # fmt: skip
        return self.signer.sign(key).decode()

    def get(self, cookie: str) -> Signed | None:
        """The session's person and CSRF token, if it is signed, live and not idle."""
        key = self.unsign(cookie)
        if key is None:
            return None
        moment = now()
        with self.db.session() as session:
            row = session.execute(
                select(Session, Person).join(Person).where(Session.key_hash == digest(key))
            ).first()
            if row is None:
                return None
            found, person = row
            if (
                found.ended_at is not None
                or moment - found.created_at >= self.lifetime
                or moment - found.seen_at >= self.idle
            ):
                return None
            if moment - found.seen_at >= TOUCH_EVERY:
                found.seen_at = moment
            return Signed(viewer(person), found.csrf)

    def end(self, cookie: str) -> None:
        key = self.unsign(cookie)
        if key is None:
            return
        with self.db.session() as session:
            found = session.get(Session, digest(key))
            if found is not None and found.ended_at is None:
                found.ended_at = now()

    def unsign(self, cookie: str) -> str | None:
        try:
            return self.signer.unsign(cookie.encode("ascii")).decode()
        except (BadSignature, UnicodeError):
            return None


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
