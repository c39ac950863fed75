"""People who may use the portal, their passwords and their API tokens.

Each person has a clearance (a level of the workspace's marking scheme), a role
(``reader`` downloads, ``editor`` also builds, ``admin`` also manages accounts)
and may be limited to releasable editions. Passwords are kept as Argon2 hashes
(argon2-cffi); API tokens as their SHA-256 (they are long random strings, so a
fast hash loses nothing and keeps every API request cheap).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from briefgen.db import Database
from briefgen.db.tables import ROLES, Person, Token, now
from briefgen.errors import BriefgenError, did_you_mean

HASHER = PasswordHasher()
# Checked when a name is unknown, so that a wrong name takes as long as a wrong password.
_UNKNOWN = HASHER.hash(secrets.token_urlsafe(16))
NAME = re.compile(r"[\w.@+-]{1,200}")
SHORTEST_PASSWORD = 10
TOKEN_PREFIX = "bgt_"


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as the portal needs to know it."""

    name: str
    clearance: str
    role: str
    releasable_only: bool

    @property
    def may_build(self) -> bool:
        return self.role in ("editor", "admin")


def viewer(person: Person) -> Viewer:
    return Viewer(person.name, person.clearance, person.role, person.releasable_only)


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise BriefgenError(
            f"account name {name!r}: use 1 to 200 letters, digits and . _ @ + - only"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BriefgenError(f"unknown role '{role}'{did_you_mean(role, ROLES)} "
                            f"(roles: {', '.join(ROLES)})")  # fmt: skip
    return role


def check_clearance(scheme, level: str) -> str:
    """The level id ``level`` names in ``scheme`` (id, label or short form)."""
    found = scheme.resolve(level)
    if found is None:
        raise BriefgenError(f"clearance: {scheme.unknown(level)}")
    return found


def check_password(password: str) -> str:
    if len(password) < SHORTEST_PASSWORD:
        raise BriefgenError(f"the password is too short: use at least {SHORTEST_PASSWORD} "
                            "characters")  # fmt: skip
    return password


def add_person(
    db: Database, name: str, clearance: str, role: str = "reader",
    releasable_only: bool = False, password: str | None = None, subject: str | None = None,
) -> Viewer:  # fmt: skip
    check_name(name)
    check_role(role)
    with db.session() as session:
        if session.scalar(select(Person).where(Person.name == name)) is not None:
            raise BriefgenError(f"an account named {name} exists already; "
                                f"change it with: briefgen users set {name} ...")  # fmt: skip
        person = Person(
            name=name, clearance=clearance, role=role, releasable_only=releasable_only,
            password_hash=HASHER.hash(check_password(password)) if password else None,
            subject=subject,
        )  # fmt: skip
        session.add(person)
        return viewer(person)


def set_person(
    db: Database, name: str, clearance: str | None = None, role: str | None = None,
    releasable_only: bool | None = None, password: str | None = None,
) -> Viewer:  # fmt: skip
    with db.session() as session:
        person = find(session, name)
        if clearance is not None:
            person.clearance = clearance
        if role is not None:
            person.role = check_role(role)
        if releasable_only is not None:
            person.releasable_only = releasable_only
        if password is not None:
            person.password_hash = HASHER.hash(check_password(password))
        return viewer(person)


def remove_person(db: Database, name: str) -> None:
    """Remove the account, its sessions and its tokens (its audit records stay)."""
    with db.session() as session:
        session.delete(find(session, name))


def people(db: Database) -> list[Person]:
    with db.session() as session:
        return list(session.scalars(select(Person).order_by(Person.name)))


def count_people(db: Database) -> int:
    return len(people(db))


def find(session, name: str) -> Person:
    person = session.scalar(select(Person).where(Person.name == name))
    if person is None:
        raise BriefgenError(f"no account named {name}; see them with: briefgen users list")
    return person


def sign_in(db: Database, name: str, password: str) -> Viewer | None:
    """The person if ``password`` is theirs, else None (in the same time either way)."""
    with db.session() as session:
        person = session.scalar(select(Person).where(Person.name == name))
        stored = person.password_hash if person is not None else None
        try:
            HASHER.verify(stored or _UNKNOWN, password)
        except (VerificationError, InvalidHashError):
            return None
        if person is None or stored is None:
            return None
        if HASHER.check_needs_rehash(stored):
            person.password_hash = HASHER.hash(password)
        return viewer(person)


def person_by_subject(db: Database, subject: str) -> Viewer | None:
    with db.session() as session:
        person = session.scalar(select(Person).where(Person.subject == subject))
        return viewer(person) if person else None


# --- API tokens ----------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(db: Database, name: str, days: int | None = None) -> tuple[str, str]:
    """A new token for the account: (its id, the token). Only the hash is kept."""
    if days is not None and days < 1:
        raise BriefgenError("--expires: give a number of days, 1 or more")
    token_id = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    with db.session() as session:
        person = find(session, name)
        expires = now() + dt.timedelta(days=days) if days else None
        session.add(Token(id=token_id, person_id=person.id, secret_hash=token_hash(token),
                          expires_at=expires))  # fmt: skip
    return token_id, token


def revoke_tokens(db: Database, token_id: str | None = None, name: str | None = None) -> int:
    """Revoke one token (by id) or every token of an account; how many were revoked."""
    with db.session() as session:
        query = select(Token).where(Token.revoked_at.is_(None))
        if token_id is not None:
            query = query.where(Token.id == token_id)
        if name is not None:
            query = query.where(Token.person_id == find(session, name).id)
        revoked = list(session.scalars(query))
        for token in revoked:
            token.revoked_at = now()
        return len(revoked)


def tokens(db: Database) -> list[tuple[Token, str]]:
    with db.session() as session:
        rows = session.execute(select(Token, Person.name).join(Person).order_by(Token.created_at))
        return [(token, name) for token, name in rows]


def person_by_token(db: Database, token: str) -> Viewer | None:
    """Whose the token is, if it is known, not revoked and not expired."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    with db.session() as session:
        row = session.execute(
            select(Token, Person).join(Person).where(Token.secret_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        found, person = row
        if found.revoked_at is not None:
            return None
        if found.expires_at is not None and found.expires_at <= now():
            return None
        return viewer(person)

