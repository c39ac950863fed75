"""The ``briefgen`` command line: a thin layer over the pipeline.

Each command imports what it needs when it runs, so ``briefgen --help`` and
``validate`` never pay for WeasyPrint or python-docx. User errors print as
``file:line:col: error: message`` and exit 1; there is no traceback unless
something is really broken.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.errors import BriefgenError

app = typer.Typer(
    help="Build briefing notes (PDF and DOCX) on the Global Initiative on IHL from YAML specs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
data_app = typer.Typer(
    help="Look into the curated dataset: check it, list its items.", no_args_is_help=True
)
app.add_typer(data_app, name="data")
audience_app = typer.Typer(
    help="See and make audiences: the template sets briefs are laid out with.",
    no_args_is_help=True,
)
app.add_typer(audience_app, name="audience")

WorkspaceOption = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="The workspace (holds briefs/ and templates/).", metavar="DIR"
    ),
]

# Choices typer checks itself (a wrong one is a usage error, exit 2). They mirror
# briefgen.render.WRITERS and briefgen.datamodel.ITEM_KINDS, which import heavier code.
OutputFormat = Enum("OutputFormat", {name: name for name in ("pdf", "docx", "html")}, type=str)
ItemKind = Enum(
    "ItemKind",
    {kind: kind for kind in ("facts", "quotes", "people", "organisations", "states",
                             "workstreams", "events", "figures", "sources")},
    type=str,
)  # fmt: skip
EditionChoice = Enum(
    "EditionChoice", {"full": "full", "releasable": "releasable", "both": "both"}, type=str
)
PdfVariant = Enum("PdfVariant", {"ua": "pdf/ua-1", "a": "pdf/a-3b"}, type=str)
ListKind = Enum("ListKind", {**{k.value: k.value for k in ItemKind}, "tags": "tags"}, type=str)

SpecPaths = Annotated[
    list[Path],
    typer.Argument(
        help="Spec files (briefs/*.yaml), or folders of them.",
        show_default=False,
        metavar="SPEC",
    ),
]
DatasetOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here
    typer.Option(
        "--dataset",
        help="Dataset YAML to use instead of the one shipped.",
        dir_okay=False,
        metavar="FILE",
    ),
]


def report(problems) -> None:
    for problem in problems:
        typer.echo(str(problem), err=True)


def show(result) -> None:
    """Print a build or check report: lines on stdout, warnings on stderr."""
    for line in result.lines:
        typer.echo(line)
    report(result.warnings)


@app.command()
def validate(specs: SpecPaths, dataset: DatasetOption = None) -> None:
    """Check specs against the dataset and render their templates (writing nothing);
    report every problem at once."""
    from briefgen.build import check_briefs

    show(check_briefs(specs, dataset))


@app.command()
def build(
    specs: SpecPaths,
    format: Annotated[
        Optional[list[OutputFormat]],  # noqa: UP045
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            metavar="FORMAT",
            help="pdf, docx or html (the HTML the templates make, for debugging them). "
            "Repeat for several. Default: the formats each spec names.",
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", metavar="DIR")] = Path(
        "build"
    ),
    edition: Annotated[
        Optional[EditionChoice],  # noqa: UP045
        typer.Option(
            "--edition",
            case_sensitive=False,
            metavar="EDITION",
            help="full, releasable (only what is cleared for release: <id>-releasable.pdf) "
            "or both. Default: what each spec says.",
        ),
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Put a DRAFT watermark on every page.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Treat warnings (over the page budget…) as errors."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even the outputs that are up to date.")
    ] = False,
    jobs: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            metavar="N",
            help="Briefs rendered at once, in worker processes. Default: one per core.",
        ),
    ] = None,
    pdf_variant: Annotated[
        PdfVariant,
        typer.Option(
            "--pdf-variant",
            case_sensitive=False,
            metavar="VARIANT",
            help="pdf/ua-1 (tagged, accessible) or pdf/a-3b (archival).",
        ),
    ] = "pdf/ua-1",
    dataset: DatasetOption = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            min=1,
            metavar="SECONDS",
            help="Seconds one brief may take to render before it is stopped.",
        ),
    ] = 60,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="After building, build again whenever a spec, the dataset or a template "
            "changes (only the briefs it touches). Ctrl-C stops.",
        ),
    ] = False,
) -> None:
    """Validate specs, then write build/<brief-id>.pdf and .docx and update build/manifest.json.

    Briefs whose inputs have not changed are left as they are ("up to date").
    On a terminal a progress bar and a table of the briefs are shown; otherwise
    one line per file.
    """
    from briefgen.build import BuildOptions

    options = BuildOptions(
        formats=tuple(choice.value for choice in format) if format else None,
        edition=edition.value if edition else None,
        draft=draft,
        strict=strict,
        force=force,
        jobs=jobs or os.cpu_count() or 1,
        pdf_variant=PdfVariant(pdf_variant).value,
        time_limit_seconds=time_limit,
    )
    if not watch:
        build_and_show(specs, out, dataset, options)
        return
    from briefgen.watch import watch as watch_inputs

    rounds = 0

    def build_round() -> None:
        nonlocal rounds
        rounds += 1
        try:  # after the first round, what changed is news; what did not is a count
            build_and_show(specs, out, dataset, options, only_news=rounds > 1)
        except BriefgenError as exc:  # say so, and wait for the fix
            report(exc.problems)
            typer.echo(f"{exc.summary or 'build failed'}; waiting for changes.", err=True)

    watch_inputs(specs, dataset, out, build_round, lambda text: typer.echo(text, err=True))


def build_and_show(
    specs: list[Path], out: Path, dataset: Path | None, options, only_news: bool = False
) -> None:
    """One build: a progress bar and a table on a terminal, plain lines elsewhere."""
    from briefgen.build import build_briefs

    if not sys.stdout.isatty():
        result = build_briefs(specs, out_dir=out, dataset_path=dataset, options=options)
        if only_news:
            current = [line for line in result.lines if line.endswith("  up to date")]
            result.lines = [line for line in result.lines if line not in current]
            if current:
                result.lines.append(f"({len(current)} files up to date)")
        show(result)
        return
    from rich.console import Console

    from briefgen.console import TerminalProgress, print_summary

    console = Console()
    progress = TerminalProgress(console)
    try:
        result = build_briefs(
            specs, out_dir=out, dataset_path=dataset, options=options, progress=progress
        )
    finally:
        progress.stop()
    print_summary(console, result, out)
    report(result.warnings)


@data_app.command("check")
def data_check(
    dataset: DatasetOption = None,
    sources: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--sources",
            help="Folder of source texts to check the quotes against (default: the ones shipped).",
            file_okay=False,
            metavar="DIR",
        ),
    ] = None,
) -> None:
    """Check ids, references, tags, locators and that every quote is verbatim."""
    from briefgen.listing import count
    from briefgen.load_dataset import load_dataset

    loaded = load_dataset(dataset, sources_dir=sources)
    counts = ", ".join(count(loaded.items(kind.value), kind.value) for kind in ItemKind)
    typer.echo(f"{loaded.path}: ok ({counts})")


@data_app.command("list")
def data_list(
    kind: Annotated[
        ListKind,
        typer.Argument(
            help="What to list.",
            case_sensitive=False,
            metavar="KIND",
            show_default=False,
        ),
    ],
    tag: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--tag", "-t", metavar="TAG", help="Only items with this tag (repeat: any of them)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of the items with all their fields.")
    ] = False,
    dataset: DatasetOption = None,
) -> None:
    """Show dataset items so a spec author can find their ids."""
    from briefgen.listing import print_items

    print_items(kind.value, tags=tag or [], as_json=as_json, dataset_path=dataset)


@audience_app.command("list")
def audience_list(workspace: WorkspaceOption = Path(".")) -> None:
    """Show every audience, built-in or the workspace's own, and where it lives."""
    from briefgen.scaffold import list_audiences

    for row in list_audiences(workspace):
        where = "built-in" if row.builtin else "workspace"
        typer.echo(f"{row.name:<16} {where:<10} {row.folder}")
        if row.description:
            typer.echo(f"{'':<16} {row.description}")


@audience_app.command("new")
def audience_new(
    name: Annotated[str, typer.Argument(help="The new audience's name, e.g. committee.")],
    base: Annotated[
        str, typer.Option("--from", help="The audience to start from.", metavar="AUDIENCE")
    ] = "minister",
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Copy an audience into the workspace's templates/NAME/ to change it."""
    from briefgen.scaffold import new_audience

    for path in new_audience(workspace, name, base):
        typer.echo(f"wrote {path}")
    typer.echo(f"Set 'audience: {name}' in a spec to use it.")


@app.command()
def serve(
    workspace: WorkspaceOption = Path("."),
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out", "-o", help="Output folder. Default: the workspace's build/.", metavar="DIR"
        ),
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on; 0.0.0.0 opens it to the network.", metavar="ADDRESS"
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port to listen on.", min=1, max=65535, metavar="PORT")
    ] = 8000,
    allowed_host: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--allowed-host",
            metavar="NAME",
            help="A host name readers reach the portal by (repeat for several). "
            "Default: 127.0.0.1 and localhost, and ADDRESS when it is a name of its own.",
        ),
    ] = None,
) -> None:
    """Serve the download portal: a page listing the workspace's briefs, to find,
    download (PDF, DOCX) and rebuild them, with a JSON API (/api, /openapi.json)."""
    import socket

    import uvicorn

    from briefgen.portal import create_app
    from briefgen.portal.app import LOOPBACK_NAMES

    if not (workspace / "briefs").is_dir():
        raise BriefgenError(f"{workspace}: no briefs/ folder here; use --workspace DIR")
    hosts = allowed_host or [*LOOPBACK_NAMES, *([host] if host not in ("0.0.0.0", "::") else [])]
    try:  # bound here, so a port in use is one clear message, not a server's log
        listener = socket.create_server((host, port), family=family_of(host))
    except OSError as exc:
        raise BriefgenError(
            f"cannot listen on {host}:{port}: {exc.strerror or str(exc).split(' (')[0]}; "
            "choose another --port"
        ) from None
    typer.echo(f"briefgen portal on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    config = uvicorn.Config(create_app(workspace, out, hosts), log_level="warning")
    uvicorn.Server(config).run(sockets=[listener])


def family_of(host: str):
    import socket

    return socket.AF_INET6 if ":" in host else socket.AF_INET


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Where to make the workspace.", metavar="DIR")],
) -> None:
    """Make a new workspace: briefs/ with a sample brief, templates/, a README."""
    import datetime as dt

    from briefgen.scaffold import init_workspace

    for path in init_workspace(folder, dt.date.today().isoformat()):
        typer.echo(f"wrote {path}")
    typer.echo(f"made {folder / 'templates'}/ for your own audiences")
    typer.echo(f"Next: cd {folder} && briefgen build briefs/sample.yaml")


def main() -> None:
    try:
        app()
    except BriefgenError as exc:
        report(exc.problems)
        errors = exc.error_count()
        summary = f"{errors} error{'s' if errors != 1 else ''}"
        typer.echo(f"{summary}; {exc.summary}." if exc.summary else f"{summary}.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("interrupted.", err=True)
        sys.exit(130)
