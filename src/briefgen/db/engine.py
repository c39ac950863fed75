"""Opening the database: which one, its engine, and its schema brought up to date."""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker

from briefgen.db.tables import Setting
from briefgen.errors import BriefgenError

ENVIRONMENT = "BRIEFGEN_DATABASE_URL"
DEFAULT_FILE = Path(".briefgen") / "portal.db"  # in the workspace
MIGRATIONS = Path(__file__).parent / "migrations"
SIGNING_KEY = "session-signing-key"


def database_url(workspace: Path | str = ".", given: str | None = None) -> str:
    """``given`` (``--database-url``), else ``BRIEFGEN_DATABASE_URL``, else the SQLite
    file in the workspace."""
    url = given or os.environ.get(ENVIRONMENT)
    if url:
        return url
    return f"sqlite:///{(Path(workspace).resolve() / DEFAULT_FILE).as_posix()}"


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the database URL"


class Database:
    """An engine and its sessions. ``with db.session() as s:`` commits at the end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self):
        with self.sessions() as session, session.begin():
            yield session

    def signing_key(self) -> str:
        """The key that signs session cookies: made once, shared by every process."""
        with self.session() as session:
            value = session.get(Setting, SIGNING_KEY)
            if value is not None:
                return value.value
        try:
            with self.session() as session:
                session.add(Setting(key=SIGNING_KEY, value=secrets.token_urlsafe(48)))
        except IntegrityError:  # another process made it first
            pass
        with self.session() as session:
            return session.get(Setting, SIGNING_KEY).value


_open: dict[str, Database] = {}
_lock = threading.Lock()


def open_database(url: str) -> Database:
    """The database at ``url``, its schema migrated to the newest revision."""
    with _lock:
        if url not in _open:
            engine = make_engine(url)
            try:
                migrate(engine)
            except OperationalError as exc:
                engine.dispose()
                reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
                raise BriefgenError(
                    f"cannot open the database {shown_url(url)}: {reason}; check "
                    f"--database-url or {ENVIRONMENT}"
                ) from None
            _open[url] = Database(engine)
        return _open[url]


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BriefgenError(
            f"not a database URL: {shown_url(url)}; write sqlite:///FILE or "
            "postgresql://USER@HOST/NAME"
        ) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # psycopg 3
    if parsed.get_backend_name() == "sqlite":
        return sqlite_engine(parsed)
    if parsed.get_backend_name() != "postgresql":
        raise BriefgenError(
            f"unsupported database {parsed.get_backend_name()}: use SQLite or PostgreSQL"
        )
    return create_engine(parsed, pool_pre_ping=True)


def sqlite_engine(url) -> Engine:
    if url.database and url.database != ":memory:":
        path = Path(url.database)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not path.exists():
            path.touch(mode=0o600)  # people's password hashes: the owner only
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def setup(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for writers
        # With WAL, NORMAL cannot corrupt the file; a power cut may lose the last few
        # commits. One fsync per download's audit record would halve the portal's speed.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (Alembic). Several processes starting at
    once take turns: an advisory lock on PostgreSQL, a file lock beside a SQLite file."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from filelock import FileLock

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()

    def current() -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    if current() == head:
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    guard = FileLock(f"{database}.lock") if database and database != ":memory:" else nullcontext()
    with guard, engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
        if MigrationContext.configure(connection).get_current_revision() == head:
            return
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def tables(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def count(db: Database, model) -> int:
    from sqlalchemy import func

    with db.session() as session:
        return session.scalar(select(func.count()).select_from(model))
