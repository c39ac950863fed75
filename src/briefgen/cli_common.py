"""What the command line's modules share: options, and how problems are printed."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="The workspace (holds briefs/ and templates/).", metavar="DIR"
    ),
]
DatasetOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here
    typer.Option(
        "--dataset",
        help="The dataset to use instead of the one shipped: a YAML file, or a folder of "
        "them.",
        metavar="PATH",
    ),
]
TimeLimitOption = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=1,
        metavar="SECONDS",
        help="Seconds one brief may take to render before it is stopped (a runaway "
        "template).",
    ),
]
# The kinds of dataset item, as typer checks them; they mirror briefgen.datamodel.ITEM_KINDS
# (which imports pydantic).
ItemKind = Enum(
    "ItemKind",
    {kind: kind for kind in ("facts", "quotes", "people", "organisations", "states",
                             "workstreams", "events", "figures", "sources")},
    type=str,
)  # fmt: skip
ListKind = Enum("ListKind", {**{k.value: k.value for k in ItemKind}, "tags": "tags"}, type=str)


def report(problems) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)
