"""``briefgen serve``: checks before listening, the server, and a clean stop.

Refuses to listen beyond loopback while no account exists (anyone who reached it
could do nothing, but whoever adds the first account should do so knowingly).
Trusts ``X-Forwarded-For``/``-Proto`` only from the addresses given with
``--forwarded-allow-ips`` (uvicorn's proxy headers), so the audit records the
real client behind a reverse proxy. When the server stops (Ctrl-C, SIGTERM), a
build still running is abandoned and its fork server and workers are stopped:
nothing of the portal's outlives it.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys
import time
from pathlib import Path

from briefgen.errors import BriefgenError

FIRST_ACCOUNT = (
    "printf '%s\\n' 'A-LONG-PASSWORD' | briefgen users add NAME --clearance LEVEL "
    "--role admin --password-stdin{where}"
)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(
    workspace: Path, out: Path | None, host: str, port: int, allowed_hosts: list[str],
    database: str | None = None, forwarded_allow_ips: str | None = None, worker: bool = True,
) -> None:  # fmt: skip
    import uvicorn

    from briefgen.accounts import count_people
    from briefgen.db import database_url, open_database
    from briefgen.portal import create_app

    if not (workspace / "briefs").is_dir():
        raise BriefgenError(f"{workspace}: no briefs/ folder here; use --workspace DIR")
    db = open_database(database_url(workspace, database))
    if not is_loopback(host) and count_people(db) == 0:
        raise BriefgenError(
            f"no account exists yet, and --host {host} would open the portal to the network; "
            "add the first account, then serve again: "
            + FIRST_ACCOUNT.format(
                where=f" --workspace {workspace}" if str(workspace) != "." else ""
            )
        )
    try:  # bound here, so a port in use is one clear message, not a server's log
        listener = socket.create_server((host.strip("[]"), port), family=family_of(host))
    except OSError as exc:
        raise BriefgenError(
            f"cannot listen on {host}:{port}: {exc.strerror or str(exc).split(' (')[0]}; "
            "choose another --port"
        ) from None
    app = create_app(workspace, out, allowed_hosts, database=database, worker=worker)
    print(f"briefgen portal on http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    config = uvicorn.Config(
        app, log_level="warning", proxy_headers=forwarded_allow_ips is not None,
        forwarded_allow_ips=forwarded_allow_ips,
    )  # fmt: skip
    # uvicorn stops gracefully on SIGTERM, then raises it again: exit then, after
    # the finally clause below, rather than dying at once with the workers left behind.
    signal.signal(signal.SIGTERM, terminated)
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        stop_descendants()


def terminated(signum, _frame) -> None:
    raise SystemExit(128 + signum)


def family_of(host: str):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def stop_descendants(deadline_seconds: float = 20) -> None:
    """Stop every process this one started, and theirs (a build's fork server and
    workers), until none is left and no build thread can start another."""
    deadline = time.monotonic() + deadline_seconds
    workers = sys.modules.get("briefgen.workers")
    if workers is not None:  # a build thread still running starts no new process
        workers.refuse_new_workers()
    # multiprocessing's resource tracker ends by itself when we do (its pipe closes), and
    # then frees what the killed workers held; killed, it would complain instead.
    tracker = getattr(
        sys.modules.get("multiprocessing.resource_tracker"), "_resource_tracker", None
    )
    spare = {getattr(tracker, "_pid", None)}
    while time.monotonic() < deadline:
        children = [pid for pid in descendants(os.getpid()) if pid not in spare]
        # Idle: no thread is inside a pool, whose executor could still start a worker
        # (and the fork server again) after the last of these is killed.
        if not children and (workers is None or workers.idle()):
            return
        for pid in children:  # parents first: a fork server forks no replacement
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for pid in children:
            try:
                os.waitpid(pid, os.WNOHANG)  # our own children: reap them
            except ChildProcessError:
                pass
        time.sleep(0.05)


def descendants(root: int) -> list[int]:
    """Processes below ``root``, parents before their children (Linux's /proc)."""
    parents: dict[int, list[int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] == b"Z":  # a zombie is already stopped; its parent reaps it
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found: list[int] = []
    todo = [root]
    while todo:
        for child in parents.get(todo.pop(0), []):
            found.append(child)
            todo.append(child)
    return found
