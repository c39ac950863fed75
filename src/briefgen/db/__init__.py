"""The portal's database: people, sessions, tokens, sign-in failures, the audit trail.

SQLAlchemy over an embedded SQLite file by default (``<workspace>/.briefgen/portal.db``)
or PostgreSQL when ``BRIEFGEN_DATABASE_URL`` (or ``--database-url``) names one; one
code path for both. The schema is made and upgraded by Alembic migrations shipped
in this package (:func:`briefgen.db.engine.open_database` runs them)."""

from briefgen.db.engine import Database, database_url, open_database

__all__ = ["Database", "database_url", "open_database"]
