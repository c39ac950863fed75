"""``briefgen preview`` and ``briefgen schema``: help for authors while they write a
spec (the page as it will print; completion and checks in their editor)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli_common import DatasetOption, WorkspaceOption

SPEC_SCHEMA_FILE = "brief.schema.json"  # briefgen.schema's, without importing pydantic
DATASET_SCHEMA_FILE = "dataset.schema.json"


def register(app: typer.Typer) -> None:
    app.command()(preview)
    app.command()(schema)


def preview(
    spec: Annotated[
        Path,
        typer.Argument(help="The spec to preview (briefs/NAME.yaml).", metavar="SPEC",
                       dir_okay=False, show_default=False),
    ],
    dataset: DatasetOption = None,
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port on 127.0.0.1.")
    ] = 8765,
    browser: Annotated[
        bool, typer.Option("--browser/--no-browser", help="Open the page in a browser.")
    ] = True,
) -> None:
    """Show a brief as it will print, page by page, in a browser, and follow each save of
    the spec, the dataset or a template; problems show on the page, with file:line,
    until fixed. Served on 127.0.0.1 only, for you alone; writes nothing to build/."""
    from briefgen.preview import serve_preview

    if browser:
        import webbrowser

        threading.Timer(1.0, webbrowser.open, [f"http://127.0.0.1:{port}/"]).start()
    serve_preview(spec, dataset, port, lambda text: typer.echo(text, err=True))


def schema(
    workspace: WorkspaceOption = Path("."),
    dataset: DatasetOption = None,
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help=f"Where to write it; '-' for standard output. Default: the workspace's "
            f"{SPEC_SCHEMA_FILE} (with --dataset-files, {DATASET_SCHEMA_FILE}).",
        ),
    ] = None,
    dataset_files: Annotated[
        bool,
        typer.Option("--dataset-files", help="The schema of dataset files, for curators."),
    ] = False,
) -> None:
    """Write a JSON Schema for briefing specs (or dataset files), for editors: with the
    YAML language server they complete keys, audiences, markings and dataset ids, and
    mark a typo before anything is run. Run it again when the dataset, the audiences or
    the marking scheme change (a build says when the workspace's copy is out of date)."""
    from briefgen.schema import dataset_schema, render, workspace_schema, write_schema

    text = render(dataset_schema()) if dataset_files else workspace_schema(workspace, dataset)
    if out == Path("-"):
        typer.echo(text, nl=False)
        return
    path = out or workspace / (DATASET_SCHEMA_FILE if dataset_files else SPEC_SCHEMA_FILE)
    write_schema(text, path)
    typer.echo(f"wrote {path}")
