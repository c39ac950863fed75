"""``briefgen worker``: a process that takes build jobs from the shared database and
builds them, on any machine that sees the workspace and the database; and the checks
``briefgen serve`` makes before it builds anything itself."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.admin_cli import DatabaseUrl
from briefgen.cli_common import TimeLimitOption, WorkspaceOption
from briefgen.errors import BriefgenError

NEEDS_POSTGRESQL = (
    "briefgen worker needs a PostgreSQL database shared with the portals (--database-url "
    "or BRIEFGEN_DATABASE_URL); with SQLite, builds run inside briefgen serve: just run that"
)
NO_WORKSPACE = "{workspace}: no briefs/ folder here; use --workspace DIR"


def register(app: typer.Typer) -> None:
    app.command()(worker)


def worker(
    workspace: WorkspaceOption = Path("."),
    out: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional here
        typer.Option(
            "--out",
            metavar="DIR",
            help="The output folder the portals serve (default: the workspace's "
            "build/); on storage every machine sees, see docs/deploy.md.",
        ),
    ] = None,  # fmt: skip
    database_url: DatabaseUrl = None,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            "-j",
            min=2,
            metavar="N",
            help="Render processes per build (default: one per core, at least 2).",
        ),
    ] = None,  # fmt: skip
    stalled_after: Annotated[
        float,
        typer.Option(
            "--stalled-after",
            min=1,
            metavar="SECONDS",
            help="A worker silent this long (killed, its machine lost) counts as "
            "gone, and the build it had is given to another. Use one value for every "
            "worker of a database (a portal's own worker uses the default).",
        ),
    ] = 60,  # fmt: skip
    attempts: Annotated[
        int,
        typer.Option(
            "--attempts",
            min=1,
            metavar="N",
            help="Times a build is handed to a worker before it is failed, when "
            "workers keep dying under it.",
        ),
    ] = 3,  # fmt: skip
    time_limit: TimeLimitOption = 60,
) -> None:
    """Take build jobs from the shared PostgreSQL database and build them: the briefs
    editors asked for on any portal, one at a time, each as `briefgen build` would.
    Run as many as you like, on any machine that sees the workspace (its briefs/,
    templates/ and build/ folders) and the database; a spec is never built by two at
    once, and a build whose worker is killed is given to another. Ctrl-C or SIGTERM
    stops after the build in hand (a second one stops at once). See docs/deploy.md."""
    from briefgen.db import database_url as url_of
    from briefgen.db import open_database
    from briefgen.db.engine import shown_url
    from briefgen.jobs import uses_postgresql
    from briefgen.jobs.pgqueue import PostgresQueue, Settings
    from briefgen.jobs.run import Builder
    from briefgen.jobs.storage import check_shared_folder
    from briefgen.jobs.store import Store, worker_name
    from briefgen.portal.catalogue import Workspace

    if not (workspace / "briefs").is_dir():
        raise BriefgenError(NO_WORKSPACE.format(workspace=workspace))
    given = url_of(workspace, database_url)
    if is_sqlite(given):  # refused before the file is made
        raise BriefgenError(NEEDS_POSTGRESQL)
    db = open_database(given)
    if not uses_postgresql(db):
        raise BriefgenError(NEEDS_POSTGRESQL)
    out_dir = (out or workspace / "build").resolve()
    check_shared_folder(out_dir)
    builder = Builder(Workspace(workspace.resolve(), out_dir), Store(db),
                      jobs or os.cpu_count() or 2, time_limit, report)  # fmt: skip
    url = db.engine.url.render_as_string(hide_password=False)
    queue = PostgresQueue(url, builder, Settings(stalled_after, attempts))
    name = worker_name()
    typer.echo(f"briefgen worker {name}: building for {workspace.resolve()} from "
               f"{shown_url(given)} (Ctrl-C stops after the build in hand)", err=True)  # fmt: skip
    run_in_foreground(queue, name)


def report(line: str) -> None:
    typer.echo(line, err=True)


def run_in_foreground(queue, name: str) -> None:
    """Work until SIGINT or SIGTERM; then finish the build in hand (procrastinate's
    graceful stop). A second signal ends the process at once: the build it had is
    then stalled, and another worker takes it after --stalled-after seconds."""
    import asyncio
    import signal

    async def main() -> None:
        work = asyncio.ensure_future(queue.work(name))
        signals = 0

        def stop() -> None:
            nonlocal signals
            signals += 1
            if signals > 1:
                os._exit(128 + signal.SIGTERM)
            typer.echo("briefgen worker: stopping after the build in hand", err=True)
            queue.stop_taking()

        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop)
        try:
            await work
        except asyncio.CancelledError:
            pass

    import psycopg
    from procrastinate.exceptions import ConnectorException

    try:
        asyncio.run(main())
    except (OSError, psycopg.Error, ConnectorException) as exc:
        # The database went away, or has no connection to spare (max_connections).
        print(f"briefgen worker: stopped: the database: {str(exc).strip()}; see its log, and "
              "docs/deploy.md on connections per worker", file=sys.stderr)  # fmt: skip
        sys.exit(1)


def check_before_serving(workspace: Path, out: Path | None, database: str | None,
                         worker: bool) -> None:  # fmt: skip
    """``briefgen serve``'s start-up checks of what builds need: a worker somewhere, and
    an output folder where renames and locks hold."""
    from briefgen.db import database_url as url_of
    from briefgen.jobs.storage import check_shared_folder
    from briefgen.portal.builds import NO_WORKER_ON_SQLITE

    if not (workspace / "briefs").is_dir():
        return  # serve says so
    if not worker and is_sqlite(url_of(workspace, database)):
        raise BriefgenError(NO_WORKER_ON_SQLITE)
    check_shared_folder((out or workspace / "build").resolve())


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names an SQLite database (False for one that is no URL at all:
    opening it says what is wrong)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name() == "sqlite"
    except ArgumentError:
        return False
