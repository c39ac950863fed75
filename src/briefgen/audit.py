"""The audit trail: who did what to which object, when, from where, with what outcome.

Every sign-in (succeeded or failed), sign-out, download, preview, build request and
account change adds one record. Nothing in briefgen changes or removes a record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

from sqlalchemy import select

from briefgen.db import Database
from briefgen.db.tables import Record, now

UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    account: str | None
    address: str | None
    action: str
    object: str | None
    outcome: str
    detail: dict

    def as_dict(self) -> dict:
        return {
            "at": self.at.isoformat() + "Z",
            "account": self.account,
            "address": self.address,
            "action": self.action,
            "object": self.object,
            "outcome": self.outcome,
            **({"detail": self.detail} if self.detail else {}),
        }

    def line(self) -> str:
        """One line for a terminal, control characters escaped (a brief id in a URL is
        whatever a client sent)."""
        detail = " ".join(f"{key}={value}" for key, value in self.detail.items())
        return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", "  ".join(
            part for part in (
                self.at.strftime("%Y-%m-%d %H:%M:%S") + "Z", self.account or "-",
                self.address or "-", self.action, self.object or "-", self.outcome, detail,
            ) if part
        ))  # fmt: skip


def record(
    db: Database, action: str, outcome: str, *, account: str | None = None,
    address: str | None = None, object: str | None = None, **detail,
) -> None:  # fmt: skip
    """Add one record (time: now, UTC)."""
    with db.session() as session:
        session.add(Record(
            at=now(), account=account, address=address, action=action,
            object=object[:300] if object else object, outcome=outcome,
            detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        ))  # fmt: skip


def entries(
    db: Database, since: dt.datetime | None = None, account: str | None = None
) -> list[Entry]:
    """Records, oldest first, from ``since`` (UTC) on, of ``account`` only if given."""
    query = select(Record).order_by(Record.at, Record.id)
    if since is not None:
        query = query.where(Record.at >= since)
    if account is not None:
        query = query.where(Record.account == account)
    with db.session() as session:
        return [
            Entry(r.at, r.account, r.address, r.action, r.object, r.outcome,
                  json.loads(r.detail) if r.detail else {})
            for r in session.scalars(query)
        ]  # fmt: skip
