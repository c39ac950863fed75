"""The ``briefgen`` command line: a thin layer over the pipeline.

Each command imports what it needs when it runs, so ``briefgen --help`` and
``validate`` never pay for WeasyPrint or python-docx. User errors print as
``file:line:col: error: message`` and exit 1; there is no traceback unless
something is really broken.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.errors import BriefgenError

app = typer.Typer(
    help="Build briefing notes (PDF and DOCX) on the Global Initiative on IHL from YAML specs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(
    help="Look into the curated dataset: check it, list its items.", no_args_is_help=True
)
app.add_typer(data_app, name="data")

SpecPaths = Annotated[
    list[Path],
    typer.Argument(help="Spec files (briefs/*.yaml), or folders of them.", show_default=False),
]
DatasetOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here
    typer.Option(
        "--dataset", help="Dataset YAML to use instead of the one shipped.", dir_okay=False
    ),
]


def report(problems) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)


@app.command()
def validate(specs: SpecPaths, dataset: DatasetOption = None) -> None:
    """Check specs against the dataset and templates; report every problem at once."""
    from briefgen.build import load_all

    loaded = load_all(specs, dataset)
    for item in loaded:
        typer.echo(f"{item.path}: ok ({item.spec.audience}, {len(item.spec.sections)} sections)")


@app.command()
def build(
    specs: SpecPaths,
    format: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--format",
            "-f",
            help="pdf, docx or html (the HTML the templates make, for debugging them). "
            "Repeat for several. Default: the formats each spec names.",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("build"),
    dataset: DatasetOption = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit", min=1, help="Seconds one brief may take to render before it is stopped."
        ),
    ] = 60,
) -> None:
    """Validate specs, then write build/<brief-id>.pdf and .docx and update build/manifest.json."""
    from briefgen.build import build_briefs

    lines = build_briefs(
        specs, formats=format, out_dir=out, dataset_path=dataset, time_limit_seconds=time_limit
    )
    for line in lines:
        typer.echo(line)


@data_app.command("check")
def data_check(
    dataset: DatasetOption = None,
    sources: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--sources",
            help="Folder of source texts to check the quotes against (default: the ones shipped).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    """Check ids, references, tags, locators and that every quote is verbatim."""
    from briefgen.load_dataset import load_dataset

    loaded = load_dataset(dataset, sources_dir=sources)
    counts = ", ".join(f"{len(loaded.items(kind))} {kind}" for kind in kinds())
    typer.echo(f"{loaded.path}: ok ({counts})")


def kinds() -> tuple[str, ...]:
    from briefgen.datamodel import ITEM_KINDS

    return ITEM_KINDS


@data_app.command("list")
def data_list(
    kind: Annotated[
        str,
        typer.Argument(
            help="facts, quotes, people, organisations, states, workstreams, "
            "events, figures, sources or tags."
        ),
    ],
    tag: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option("--tag", "-t", help="Only items with this tag (repeat: any of them)."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of the items with all their fields.")
    ] = False,
    dataset: DatasetOption = None,
) -> None:
    """Show dataset items so a spec author can find their ids."""
    from briefgen.listing import print_items

    print_items(kind, tags=tag or [], as_json=as_json, dataset_path=dataset)


def main() -> None:
    try:
        app()
    except BriefgenError as exc:
        report(exc.problems)
        errors = sum(p.severity == "error" for p in exc.problems)
        typer.echo(f"{errors} error(s); nothing was written.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted; nothing was written.", err=True)
        sys.exit(130)
