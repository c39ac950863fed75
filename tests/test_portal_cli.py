"""``briefgen users``, ``tokens``, ``audit`` and ``serve``'s refusal, as run by the people
who run the portal (in a new process, as they would)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from portal_fixtures import PASSWORD


def briefgen(workspace, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "briefgen", *args, "--workspace", str(workspace)],
        input=password + "\n" if password is not None else "", capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "briefs").mkdir()
    return tmp_path


def test_accounts_from_the_command_line(workspace):
    added = briefgen(workspace, "users", "add", "rita", "--clearance", "official",
                     "--password-stdin", password=PASSWORD)  # fmt: skip
    assert added.returncode == 0 and "added rita: reader, cleared to OFFICIAL" in added.stdout
    wrong = briefgen(workspace, "users", "add", "sam", "--clearance", "OFICIAL",
                     "--password-stdin", password=PASSWORD)  # fmt: skip
    assert wrong.returncode == 1 and "did you mean 'OFFICIAL'?" in wrong.stderr
    no_stdin = briefgen(workspace, "users", "add", "sam", "--clearance", "OFFICIAL")
    assert no_stdin.returncode == 1 and "--password-stdin" in no_stdin.stderr
    as_argument = briefgen(workspace, "users", "add", "sam", "--clearance", "OFFICIAL",
                           "--password", PASSWORD)  # fmt: skip
    assert as_argument.returncode == 2  # there is no such option
    short = briefgen(workspace, "users", "add", "sam", "--clearance", "OFFICIAL",
                     "--password-stdin", password="short")  # fmt: skip
    assert short.returncode == 1 and "too short" in short.stderr
    twice = briefgen(workspace, "users", "add", "rita", "--clearance", "OFFICIAL",
                     "--password-stdin", password=PASSWORD)  # fmt: skip
    assert twice.returncode == 1 and "exists already" in twice.stderr
    changed = briefgen(workspace, "users", "set", "rita", "--clearance", "OFFICIAL-SENSITIVE",
                       "--role", "editor", "--releasable-only")  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    listed = briefgen(workspace, "users", "list").stdout
    assert listed.strip() == "rita\teditor\tOFFICIAL-SENSITIVE\treleasable only"
    token = briefgen(workspace, "tokens", "create", "rita", "--expires", "7")
    assert token.returncode == 0 and token.stdout.startswith("bgt_")
    token_id = token.stdout.split("_")[1]
    assert f"briefgen tokens revoke {token_id}" in token.stderr
    assert briefgen(workspace, "tokens", "revoke", token_id).stdout.strip() == "revoked 1 token"
    assert "no live token" in briefgen(workspace, "tokens", "revoke", token_id).stderr
    assert briefgen(workspace, "users", "remove", "rita").returncode == 0
    assert "no accounts yet" in briefgen(workspace, "users", "list").stdout
    gone = briefgen(workspace, "users", "remove", "rita")
    assert gone.returncode == 1 and "no account named rita" in gone.stderr


def test_the_audit_trail_printed(workspace):
    briefgen(workspace, "users", "add", "rita", "--clearance", "OFFICIAL", "--password-stdin",
             password=PASSWORD)  # fmt: skip
    briefgen(workspace, "users", "add", "eddie", "--clearance", "OFFICIAL", "--password-stdin",
             password=PASSWORD)  # fmt: skip
    lines = briefgen(workspace, "audit", "--json").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    assert [(r["action"], r["object"]) for r in records] == [
        ("account added", "rita"), ("account added", "eddie")
    ]
    assert records[0]["at"].endswith("Z") and records[0]["outcome"] == "ok"
    assert "password" not in lines[0].lower() or "password_hash" not in lines[0]
    assert briefgen(workspace, "audit", "--since", "2999-01-01").stdout == ""
    assert briefgen(workspace, "audit", "--user", "nobody").stdout == ""
    text = briefgen(workspace, "audit").stdout.splitlines()
    assert len(text) == 2 and "account added  rita  ok" in text[0]
    bad = briefgen(workspace, "audit", "--since", "last week")
    assert bad.returncode == 1 and "--since 'last week'" in bad.stderr


def test_serve_on_the_network_wants_an_account_first(workspace):
    result = briefgen(workspace, "serve", "--host", "0.0.0.0", "--port", "1")
    assert result.returncode == 1
    assert "no account exists yet" in result.stderr
    assert "briefgen users add NAME --clearance LEVEL --role admin --password-stdin" in (
        result.stderr)  # fmt: skip
