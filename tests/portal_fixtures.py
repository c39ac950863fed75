"""Fixtures for the portal's tests: a real PostgreSQL server (Debian's postgresql 15,
started with initdb and pg_ctl in a temporary folder as the ``postgres`` user), a
database per test on either back end, and accounts signed in by token or session.

Import the fixtures a test module needs: ``from portal_fixtures import database_url``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest


def postgres_bin() -> Path:
    """Debian's PostgreSQL programs (15 on Debian 12; the newest there is, elsewhere)."""
    if os.environ.get("BRIEFGEN_PG_BIN"):
        return Path(os.environ["BRIEFGEN_PG_BIN"])
    versions = [path.parent.parent for path in Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")]
    found = sorted((int(v.name), v) for v in versions if v.name.isdigit())
    return found[-1][1] / "bin" if found else Path("/usr/lib/postgresql/15/bin")


PG_BIN = postgres_bin()
PASSWORD = "correct horse battery staple"
BACK_ENDS = ["sqlite", "postgresql"]


def as_postgres(command: list[str], **options) -> subprocess.CompletedProcess:
    """Run a PostgreSQL program as the postgres user (it refuses to run as root)."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **options)


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for this test session, on a Unix socket in its own folder
    (no TCP port): yields the folder, which is the host part of its URLs."""
    if not (PG_BIN / "pg_ctl").exists():
        message = f"PostgreSQL is not installed ({PG_BIN}): scripts/install-system-packages --test"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with postgres_cluster("briefgen-pg-", "-c fsync=off") as folder:  # tests: speed, not safety
        yield folder


@contextmanager
def postgres_cluster(prefix: str, settings: str = ""):
    """A PostgreSQL server on a Unix socket in a new temporary folder named ``prefix...``,
    started with ``settings`` (``-c name=value``) too; yields the folder, stops and
    removes it after."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                 "--no-sync", "-E", "UTF8"])  # fmt: skip
    options = f"-k {folder} -c listen_addresses='' {settings} -c max_connections=200"
    as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-t", "120",
                 "-l", str(folder / "log"), "start"])  # fmt: skip
    try:
        yield folder
    finally:
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(folder, ignore_errors=True)


def new_postgres_database(folder: Path) -> str:
    import psycopg

    name = "briefgen_" + uuid.uuid4().hex[:12]
    with psycopg.connect(f"host={folder} user=postgres dbname=postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    return f"postgresql://postgres@/{name}?host={folder}"


@pytest.fixture(params=BACK_ENDS)
def database_url(request, tmp_path) -> str:
    """A new, empty database on each back end in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    return new_postgres_database(request.getfixturevalue("postgres_server"))


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def sign_in(http, name: str, password: str = PASSWORD, next_url: str = "/"):
    """Sign in through the form (GET /login for its CSRF token, then POST)."""
    form = http.get("/login")
    return http.post("/login", data={"username": name, "password": password,
                                     "csrf_token": csrf_of(form.text), "next": next_url},
                     follow_redirects=False)  # fmt: skip


def bearer(db, name: str, clearance: str = "TOP SECRET", role: str = "admin",
           releasable_only: bool = False) -> dict[str, str]:  # fmt: skip
    """The Authorization header of a new token of the account (made if it is new)."""
    from briefgen.accounts import add_person, create_token, people

    if name not in {person.name for person in people(db)}:
        add_person(db, name, clearance, role, releasable_only, PASSWORD)
    return {"Authorization": f"Bearer {create_token(db, name)[1]}"}


def built_workspace(folder: Path, specs: list[str]) -> Path:
    """A workspace in ``folder`` holding these example specs, built into its build/."""
    from briefgen.build import build_briefs
    from conftest import BRIEFS

    (folder / "briefs").mkdir()
    for name in specs:
        shutil.copy(BRIEFS / name, folder / "briefs" / name)
    build_briefs([folder / "briefs"], out_dir=folder / "build")
    return folder
