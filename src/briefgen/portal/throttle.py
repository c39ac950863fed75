"""Failed sign-ins slow down guessing: per account name and per client address.

Each failure is a row in the database (so every portal process counts the same
failures). Once a name has ``per_name`` failures within ``window``, or an address
``per_address``, sign-in for it answers 429 until the oldest of them is older than
the window. The name counts whether or not such an account exists, so the throttle
tells nothing about which accounts exist.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select

from briefgen.db import Database
from briefgen.db.tables import Failure, now


class Throttle:
    def __init__(
        self, db: Database, per_name: int = 5, per_address: int = 20,
        window: dt.timedelta = dt.timedelta(minutes=15),
    ) -> None:  # fmt: skip
        self.db = db
        self.limits = {"name": per_name, "address": per_address}
        self.window = window

    def wait(self, name: str, address: str | None) -> int:
        """Seconds to wait before the next try (0: go ahead)."""
        start = now() - self.window
        longest = 0.0
        with self.db.session() as session:
            for key, limit in self.keys(name, address):
                times = session.execute(
                    select(func.count(), func.min(Failure.at))
                    .where(Failure.key == key, Failure.at > start)
                ).one()  # fmt: skip
                if times[0] >= limit:
                    longest = max(longest, (times[1] - start).total_seconds())
        return math.ceil(longest) if longest else 0

    def failed(self, name: str, address: str | None) -> None:
        with self.db.session() as session:
            for key, _ in self.keys(name, address):
                session.add(Failure(key=key, at=now()))
            session.execute(delete(Failure).where(Failure.at < now() - 2 * self.window))

    def succeeded(self, name: str) -> None:
        with self.db.session() as session:
            session.execute(delete(Failure).where(Failure.key == f"name:{name.casefold()}"))

    def keys(self, name: str, address: str | None) -> list[tuple[str, int]]:
        keys = [(f"name:{name.casefold()}"[:300], self.limits["name"])]
        if address:
            keys.append((f"address:{address}", self.limits["address"]))
        return keys
