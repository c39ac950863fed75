"""The ``briefgen`` command and ``python -m briefgen``.

Kept light on purpose. Worker processes import the program's main module
again when they start, so it must not pull in the command line (typer,
pydantic). And a build starts its workers' fork server from here, before the
command line is parsed: WeasyPrint's imports (half a second) then run on
another core while this process parses the arguments and loads the specs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def renders_in_workers(args: list[str]) -> bool:
    """Will this command line build in worker processes? (Read before typer parses it.)"""
    if not args or args[0] != "build" or "--help" in args:
        return False
    one_job = ["-j1", "--jobs=1"] + [f"{a} 1" for a in ("-j", "--jobs")]
    pairs = [*args, *(" ".join(pair) for pair in zip(args, args[1:], strict=False))]
    return not any(option in pairs for option in one_job)


def named_template_dirs(args: list[str]) -> list[Path] | None:
    """The template folders of the specs named on the command line, if they all share
    one workspace (a guess, before the command line is parsed: the fork server lays out
    its warm-up page with their house stylesheet)."""
    from briefgen.workspace import template_dirs

    found = set()
    for arg in args:
        path = Path(arg)
        if path.suffix in (".yaml", ".yml") and path.is_file():
            found.add(tuple(template_dirs(path)))
        elif path.is_dir() and any(path.glob("*.yaml")):
            found.add(tuple(template_dirs(path / "any.yaml")))  # a spec in that folder
    return list(found.pop()) if len(found) == 1 else None


def main() -> None:
    try:
        code = run()
    except OSError as exc:
        # A full disk or TMPDIR, a quota, 'ulimit -f', a read-only folder met outside
        # rendering and writing (which word their own): the user's to fix, no traceback.
        from briefgen.diskerrors import explain, is_disk_refusal

        if not is_disk_refusal(exc):
            raise
        print(f"{explain(exc)}\n1 error.", file=sys.stderr)
        code = 1
    # Everything is written and every lock released by now; tearing down the
    # interpreter (pydantic, Jinja, WeasyPrint's modules) would only add a tenth of
    # a second to every command.
    if "briefgen.workers" in sys.modules:  # a fork server, or a font folder, was made
        from briefgen.workers import clean_up_before_exit

        clean_up_before_exit()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run() -> int:
    """The command; its exit status."""
    if renders_in_workers(sys.argv[1:]):
        from briefgen.workers import warm_up

        warm_up(named_template_dirs(sys.argv[2:]))
    from briefgen.cli import main as run_command_line

    try:
        run_command_line()
        return 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)


if __name__ == "__main__":
    main()
