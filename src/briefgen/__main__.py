"""The ``briefgen`` command and ``python -m briefgen``.

Kept light on purpose. Worker processes import the program's main module
again when they start, so it must not pull in the command line (typer,
pydantic). And a build starts its workers' fork server from here, before the
command line is parsed: WeasyPrint's imports (half a second) then run on
another core while this process parses the arguments and loads the specs.
"""

from __future__ import annotations

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

    run_command_line()


if __name__ == "__main__":
    main()
