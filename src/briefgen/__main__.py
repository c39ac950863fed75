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


def renders_in_workers(args: list[str]) -> bool:
    """Will this command line build in worker processes? (Read before typer parses it.)"""
    if not args or args[0] != "build" or "--help" in args:
        return False
    one_job = ["-j1", "--jobs=1"] + [f"{a} 1" for a in ("-j", "--jobs")]
    pairs = [*args, *(" ".join(pair) for pair in zip(args, args[1:], strict=False))]
    return not any(option in pairs for option in one_job)


def main() -> None:
    if renders_in_workers(sys.argv[1:]):
        from briefgen.workers import warm_up

        warm_up()
    from briefgen.cli import main as run_command_line

    try:
        run_command_line()
        code = 0
    except SystemExit as exc:
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    # Everything is written and every lock released by now; tearing down the
    # interpreter (pydantic, Jinja, WeasyPrint's modules) would only add a tenth of
    # a second to every command.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
