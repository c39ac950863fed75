"""Build jobs: asked for on any portal, recorded in the shared database, built by workers.

- :mod:`briefgen.jobs.store`: the rows (jobs, their items, progress, outcome);
- :mod:`briefgen.jobs.run`: building one item (the ordinary incremental build);
- :mod:`briefgen.jobs.pgqueue`: the queue on PostgreSQL (procrastinate), for several
  portal processes and ``briefgen worker`` processes on any number of machines;
- :mod:`briefgen.jobs.embedded`: the queue on SQLite, a thread of ``briefgen serve``;
- :mod:`briefgen.jobs.storage`: the check that the shared ``build/`` folder is fit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefgen.db import Database

if TYPE_CHECKING:
    from briefgen.jobs.run import Builder


def uses_postgresql(db: Database) -> bool:
    return db.engine.dialect.name == "postgresql"


def open_queue(db: Database, builder: Builder, stalled_after: float = 60,
               max_attempts: int = 3):  # fmt: skip
    """The queue for this database: procrastinate on PostgreSQL, embedded on SQLite."""
    if uses_postgresql(db):
        from briefgen.jobs.pgqueue import PostgresQueue, Settings

        url = db.engine.url.render_as_string(hide_password=False)
        return PostgresQueue(url, builder, Settings(stalled_after, max_attempts))
    from briefgen.jobs.embedded import EmbeddedQueue

    return EmbeddedQueue(builder, max_attempts)
