"""Alembic's environment: migrations run on the connection briefgen hands over
(:func:`briefgen.db.engine.migrate`), never on a URL of their own."""

from alembic import context

from briefgen.db.tables import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
