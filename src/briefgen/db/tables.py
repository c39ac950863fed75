"""The tables (SQLAlchemy declarative models). Times are UTC, stored without a zone."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("reader", "editor", "admin")


def now() -> dt.datetime:
    """The time now, UTC, without a zone (as every table stores it)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class Base(DeclarativeBase):
    pass


class Person(Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(400))  # None: single sign-on only
    clearance: Mapped[str] = mapped_column(String(100))  # a level id of the marking scheme
    role: Mapped[str] = mapped_column(String(20))  # reader, editor, admin
    releasable_only: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str | None] = mapped_column(String(400), unique=True)  # OIDC issuer + sub
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class Session(Base):
    __tablename__ = "sessions"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the key
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # shown, to revoke by
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Failure(Base):
    """A failed sign-in, per key (``name:...`` and ``address:...``), for the throttle."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)


class Record(Base):
    """One line of the audit trail. The portal only ever adds to this table."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)
    account: Mapped[str | None] = mapped_column(String(200), index=True)
    address: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    object: Mapped[str | None] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)  # JSON: sha256, edition, marking, ...


class Setting(Base):
    """Values every portal process shares, such as the key that signs session cookies."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class BuildJob(Base):
    """A build someone asked for: one or more specs (see :mod:`briefgen.jobs`)."""

    __tablename__ = "build_jobs"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    requested_by: Mapped[str | None] = mapped_column(String(200))  # an account name
    force: Mapped[bool] = mapped_column(Boolean, default=False)
    queued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, index=True)


class BuildItem(Base):
    """One spec of a build job: the unit a worker takes, builds and reports on."""

    __tablename__ = "build_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("build_jobs.id", ondelete="CASCADE"), index=True)
    spec: Mapped[str] = mapped_column(String(1000))  # relative to the workspace
    force: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(20), index=True)  # queued running done failed
    # The spec while the item waits and was never started: unique, so two portal
    # processes asked for one spec at once make one item, and the second request joins
    # it. Cleared when a worker takes the item (a later request queues a new build).
    waiting_spec: Mapped[str | None] = mapped_column(String(1000), unique=True)
    done: Mapped[int] = mapped_column(Integer, default=0)  # outputs rendered
    total: Mapped[int] = mapped_column(Integer, default=0)
    current: Mapped[str] = mapped_column(String(300), default="")  # the output last rendered
    problems: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of messages
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times a worker took it
    worker: Mapped[str | None] = mapped_column(String(200))  # host:pid building it
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
