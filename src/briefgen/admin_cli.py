"""``briefgen users``, ``briefgen tokens`` and ``briefgen audit``: the portal's accounts,
API tokens and audit trail, for the people who run the portal.

Passwords come from standard input (``--password-stdin``), never from an argument
(arguments show in ``ps`` and shell history). Every change is recorded in the
audit trail, with the local user who made it.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.errors import BriefgenError

users_app = typer.Typer(help="The portal's accounts: add, list, change, remove.",
                        no_args_is_help=True)  # fmt: skip
tokens_app = typer.Typer(help="API tokens for scripts (Authorization: Bearer TOKEN).",
                         no_args_is_help=True)  # fmt: skip

Workspace = Annotated[
    Path, typer.Option("--workspace", "-w", help="The workspace the portal serves.", metavar="DIR")
]
DatabaseUrl = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional here
    typer.Option("--database-url", metavar="URL", envvar="BRIEFGEN_DATABASE_URL",
                 help="sqlite:///FILE or postgresql://USER@HOST/NAME. "
                 "Default: the workspace's .briefgen/portal.db.", show_envvar=True),
]  # fmt: skip
Role = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--role", help="reader (downloads), editor (also builds), admin (also "
                 "manages accounts).", metavar="ROLE"),
]  # fmt: skip
Clearance = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--clearance", help="The highest marking the person may read (a level "
                 "of the workspace's marking scheme).", metavar="LEVEL"),
]  # fmt: skip
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
    app.command("audit")(audit)


def database(workspace: Path, url: str | None):
    from briefgen.db import database_url, open_database

    return open_database(database_url(workspace, url))


def scheme(workspace: Path):
    from briefgen.markings import load_scheme

    return load_scheme(workspace.resolve())


def read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    line = sys.stdin.readline()
    return line[:-1] if line.endswith("\n") else line


def record(db, action: str, name: str, **detail) -> None:
    from briefgen import audit as trail

    trail.record(db, action, "ok", account=f"(command line: {local_user()})", address="local",
                 object=name, **detail)  # fmt: skip


def local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The account's name.", metavar="NAME")],
    clearance: Clearance = None,
    role: Role = "reader",
    releasable_only: Annotated[
        bool, typer.Option("--releasable-only", help="Sees releasable editions only.")
    ] = False,
    password_stdin: PasswordStdin = False,
    workspace: Workspace = Path("."),
    database_url: DatabaseUrl = None,
) -> None:
    """Add an account: briefgen users add NAME --clearance LEVEL --password-stdin."""
    from briefgen.accounts import add_person, check_clearance, check_password

    if clearance is None:
        raise BriefgenError("give the account a clearance: --clearance LEVEL "
                            f"(one of: {', '.join(scheme(workspace).ids)})")  # fmt: skip
    if not password_stdin:
        raise BriefgenError("give the password on standard input: "
                            f"... | briefgen users add {name} ... --password-stdin")  # fmt: skip
    level = check_clearance(scheme(workspace), clearance)
    password = check_password(read_password())
    db = database(workspace, database_url)
    person = add_person(db, name, level, role or "reader", releasable_only, password)
    record(db, "account added", name, clearance=level, role=person.role,
           releasable_only=releasable_only)  # fmt: skip
    typer.echo(f"added {name}: {person.role}, cleared to {level}"
               + (", releasable editions only" if releasable_only else ""))  # fmt: skip


@users_app.command("list")
def users_list(workspace: Workspace = Path("."), database_url: DatabaseUrl = None) -> None:
    """List the accounts."""
    from briefgen.accounts import people

    found = people(database(workspace, database_url))
    if not found:
        typer.echo("no accounts yet; add one with: briefgen users add NAME --clearance LEVEL "
                   "--password-stdin")  # fmt: skip
    for person in found:
        flags = ["releasable only"] * person.releasable_only + ["single sign-on"] * bool(
            person.subject
        )
        typer.echo(f"{person.name}\t{person.role}\t{person.clearance}"
                   + (f"\t{', '.join(flags)}" if flags else ""))  # fmt: skip


@users_app.command("set")
def users_set(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    clearance: Clearance = None,
    role: Role = None,
    releasable_only: Annotated[
        Optional[bool],  # noqa: UP045
        typer.Option("--releasable-only/--all-editions", help="Releasable editions only, or all."),
    ] = None,
    password_stdin: PasswordStdin = False,
    workspace: Workspace = Path("."),
    database_url: DatabaseUrl = None,
) -> None:
    """Change an account's clearance, role, editions or password."""
    from briefgen.accounts import check_clearance, check_password, set_person

    level = check_clearance(scheme(workspace), clearance) if clearance is not None else None
    password = check_password(read_password()) if password_stdin else None
    if level is None and role is None and releasable_only is None and password is None:
        raise BriefgenError("nothing to change: give --clearance, --role, --releasable-only, "
                            "--all-editions or --password-stdin")  # fmt: skip
    db = database(workspace, database_url)
    person = set_person(db, name, level, role, releasable_only, password)
    changed = {"clearance": level, "role": role, "releasable_only": releasable_only,
               "password": "changed" if password else None}  # fmt: skip
    record(db, "account changed", name, **{k: v for k, v in changed.items() if v is not None})
    typer.echo(f"{name}: {person.role}, cleared to {person.clearance}"
               + (", releasable editions only" if person.releasable_only else ""))  # fmt: skip


@users_app.command("remove")
def users_remove(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    workspace: Workspace = Path("."),
    database_url: DatabaseUrl = None,
) -> None:
    """Remove an account, its sessions and its tokens (its audit records stay)."""
    from briefgen.accounts import remove_person

    db = database(workspace, database_url)
    remove_person(db, name)
    record(db, "account removed", name)
    typer.echo(f"removed {name}")


@tokens_app.command("create")
def tokens_create(
    name: Annotated[str, typer.Argument(help="Whose token it is.", metavar="NAME")],
    expires: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--expires", help="Days until it stops working (default: never).", metavar="DAYS"
        ),
    ] = None,  # fmt: skip
    workspace: Workspace = Path("."),
    database_url: DatabaseUrl = None,
) -> None:
    """Print a new API token for the account (shown once; only its hash is kept)."""
    from briefgen.accounts import create_token

    db = database(workspace, database_url)
    token_id, token = create_token(db, name, expires)
    record(db, "token created", name, token=token_id, expires_days=expires)
    typer.echo(token)
    typer.echo(f"token {token_id} for {name}"
               + (f", expires in {expires} days" if expires else "")
               + f"; revoke it with: briefgen tokens revoke {token_id}", err=True)  # fmt: skip


@tokens_app.command("list")
def tokens_list(workspace: Workspace = Path("."), database_url: DatabaseUrl = None) -> None:
    """List tokens: id, account, created, expires, revoked."""
    from briefgen.accounts import tokens

    for token, name in tokens(database(workspace, database_url)):
        created, expires, revoked = (
            moment.strftime("%Y-%m-%d %H:%M") if moment else "-"
            for moment in (token.created_at, token.expires_at, token.revoked_at)
        )
        typer.echo(f"{token.id}\t{name}\tcreated {created}\texpires {expires}\trevoked {revoked}")


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[
        Optional[str],  # noqa: UP045
        typer.Argument(help="The token's id (briefgen tokens list).", metavar="ID"),
    ] = None,
    all_of: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--all-of", help="Revoke every token of this account.", metavar="NAME"),
    ] = None,
    workspace: Workspace = Path("."),
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token (by its id) or every token of an account (--all-of NAME)."""
    from briefgen.accounts import revoke_tokens

    if (token_id is None) == (all_of is None):
        raise BriefgenError("give a token id, or --all-of NAME; see them: briefgen tokens list")
    db = database(workspace, database_url)
    revoked = revoke_tokens(db, token_id, all_of)
    if token_id is not None and not revoked:
        raise BriefgenError(f"no live token {token_id}; see them: briefgen tokens list")
    record(db, "token revoked", all_of or token_id, tokens=revoked)
    typer.echo(f"revoked {revoked} token{'s' if revoked != 1 else ''}")


def audit(
    since: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--since", help="From this date or time (UTC), e.g. 2026-03-01.", metavar="DATE"
        ),
    ] = None,  # fmt: skip
    user: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--user", help="Only this account's records.", metavar="NAME"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    workspace: Workspace = Path("."),
    database_url: DatabaseUrl = None,
) -> None:
    """Print the portal's audit trail: sign-ins, downloads, previews, builds, account
    changes (time UTC, account, address, action, object, outcome)."""
    from briefgen.audit import entries

    start = None
    if since is not None:
        try:
            start = dt.datetime.fromisoformat(since)
        except ValueError:
            raise BriefgenError(f"--since {since!r}: write a date as 2026-03-01 "
                                "or a time as 2026-03-01T14:00")  from None  # fmt: skip
        if start.tzinfo is not None:
            start = start.astimezone(dt.UTC).replace(tzinfo=None)
    for entry in entries(database(workspace, database_url), start, user):
        typer.echo(json.dumps(entry.as_dict(), ensure_ascii=False) if as_json else entry.line())
