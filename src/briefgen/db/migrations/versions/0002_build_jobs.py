"""Build jobs in the database, and on PostgreSQL procrastinate's queue tables.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "build_jobs",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("requested_by", sa.String(200)),
        sa.Column("force", sa.Boolean, nullable=False),
        sa.Column("queued_at", sa.DateTime, nullable=False, index=True),
    )
    op.create_table(
        "build_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.String(16),
                  sa.ForeignKey("build_jobs.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("spec", sa.String(1000), nullable=False),
        sa.Column("force", sa.Boolean, nullable=False),
        sa.Column("state", sa.String(20), nullable=False, index=True),
        sa.Column("waiting_spec", sa.String(1000), unique=True),
        sa.Column("done", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("current", sa.String(300), nullable=False),
        sa.Column("problems", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("worker", sa.String(200)),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
    )  # fmt: skip
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # procrastinate's own schema (tables, functions, triggers for LISTEN/NOTIFY), as
        # its version pinned in pyproject.toml ships it; a later procrastinate release
        # with schema changes comes with a migration here that applies its SQL scripts.
        # Executed by psycopg itself, with no parameters: the SQL holds '%' and ':'.
        from procrastinate.schema import SchemaManager

        bind.connection.driver_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    op.drop_table("build_items")
    op.drop_table("build_jobs")
