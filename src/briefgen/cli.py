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

from briefgen import admin_cli, cli_authoring, cli_data, cli_worker
from briefgen.cli_common import DatasetOption, TimeLimitOption, WorkspaceOption, report
from briefgen.errors import BriefgenError

app = typer.Typer(
    help="Build briefing notes (PDF and DOCX) on the Global Initiative on IHL from YAML specs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(cli_data.data_app, name="data")
audience_app = typer.Typer(
    help="See and make audiences: the template sets briefs are laid out with.",
    no_args_is_help=True,
)
app.add_typer(audience_app, name="audience")


# Choices typer checks itself (a wrong one is a usage error, exit 2). They mirror
# briefgen.render.WRITERS, which imports heavier code.
OutputFormat = Enum("OutputFormat", {name: name for name in ("pdf", "docx", "html")}, type=str)
EditionChoice = Enum(
    "EditionChoice", {"full": "full", "releasable": "releasable", "both": "both"}, type=str
)
PdfVariant = Enum("PdfVariant", {"ua": "pdf/ua-1", "a": "pdf/a-3b"}, type=str)

SpecPaths = Annotated[
    list[Path],
    typer.Argument(
        help="Spec files (briefs/*.yaml), or folders of them.",
        show_default=False,
        metavar="SPEC",
    ),
]
def show(result) -> None:
    """Print a build or check report: lines on stdout, warnings on stderr."""
    for line in result.lines:
        typer.echo(line)
    for note in result.notes:  # what each releasable edition withheld
        typer.echo(note)
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
    out: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--out",
            "-o",
            help="Output folder. Default: the build/ folder of the specs' workspace (the "
            "folder holding their briefs/), where `briefgen serve` looks; ./build when the "
            "specs come from several workspaces.",
            metavar="DIR",
        ),
    ] = None,
    edition: Annotated[
        Optional[EditionChoice],  # noqa: UP045
        typer.Option(
            "--edition",
            case_sensitive=False,
            metavar="EDITION",
            help="full, releasable (<id>-releasable.pdf: internal advice, the decision "
            "block, the critical date, phone, email and what is not cleared withheld, marked "
            "from what it still shows) or both. Default: what each spec says.",
        ),
    ] = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Put a DRAFT watermark on every page.")
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Treat warnings as errors: over the page budget, an item with no "
            "translation, a releasable edition that withholds nothing, a number in your own "
            "words that cites nothing…",
        ),
    ] = False,
    measure_docx: Annotated[
        Optional[bool],  # noqa: UP045
        typer.Option(
            "--measure-docx/--no-measure-docx",
            help="Count each DOCX's pages with LibreOffice (headless; some 3 s a build) and "
            "check them against the page budget as the PDF's. Default: with --strict.",
            show_default=False,
        ),
    ] = None,
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
    time_limit: TimeLimitOption = 60,
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

    out = out or default_out_dir(specs)
    options = BuildOptions(
        formats=tuple(choice.value for choice in format) if format else None,
        edition=edition.value if edition else None,
        draft=draft,
        strict=strict,
        measure_docx=measure_docx,
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


def default_out_dir(specs: list[Path]) -> Path:
    """The workspace's build/ (as the portal's), said when it is not ./build."""
    from briefgen.workspace import expand_spec_paths, find_workspace

    workspaces = {find_workspace(path) for path in expand_spec_paths(list(specs))}
    if len(workspaces) != 1:
        return Path("build")
    out = workspaces.pop() / "build"
    if out == Path("build").resolve():
        return Path("build")
    try:
        out = out.relative_to(Path.cwd())
    except ValueError:
        pass  # outside the current folder: the full path
    typer.echo(f"writing to {out}/ (the workspace's; --out DIR to choose)", err=True)
    return out


def build_and_show(
    specs: list[Path], out: Path, dataset: Path | None, options, only_news: bool = False
) -> None:
    """One build: a progress bar and a table on a terminal, plain lines elsewhere."""
    from briefgen.build import build_briefs

    if not sys.stdout.isatty():
        result = build_briefs(specs, out_dir=out, dataset_path=dataset, options=options)
        if only_news:  # a round of --watch tells only what it built
            current = [line for line in result.lines if line.endswith("  up to date")]
            result.lines = [line for line in result.lines if line not in current]
            built = {brief.output_id for brief in result.briefs if brief.state == "built"}
            result.lines += [n for n in result.notes if n.split(":")[0] in built]
            result.notes = []
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
    for note in result.notes:
        typer.echo(note)
    report(result.warnings)


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
    description: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--description",
            metavar="TEXT",
            help="What the audience is for, as `audience list` shows it. Default: says it "
            "is a copy, until you describe it in its audience.yaml.",
        ),
    ] = None,
    workspace: WorkspaceOption = Path("."),
) -> None:
    """Copy an audience into the workspace's templates/NAME/ to change it."""
    from briefgen.scaffold import new_audience

    for path in new_audience(workspace, name, base, description):
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
    database_url: admin_cli.DatabaseUrl = None,
    forwarded_allow_ips: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--forwarded-allow-ips",
            metavar="ADDRESSES",
            help="Behind a reverse proxy: the proxy's addresses (comma-separated, or *), "
            "whose X-Forwarded-For and X-Forwarded-Proto are believed.",
        ),
    ] = None,
    worker: Annotated[
        bool,
        typer.Option(help="Build in this process too (--no-worker: leave builds to `briefgen "
                     "worker` processes; needs PostgreSQL)."),  # fmt: skip
    ] = True,
) -> None:
    """Serve the download portal: a page listing the workspace's briefs, to find,
    download (PDF, DOCX) and rebuild them, with a JSON API (/api, /openapi.json).
    Everyone signs in (briefgen users add) and sees what their clearance allows."""
    from briefgen.cli_worker import check_before_serving
    from briefgen.portal.app import LOOPBACK_NAMES
    from briefgen.portal.serving import serve as run_portal

    hosts = allowed_host or [*LOOPBACK_NAMES, *([host] if host not in ("0.0.0.0", "::") else [])]
    check_before_serving(workspace, out, database_url, worker)
    run_portal(workspace, out, host, port, hosts, database_url, forwarded_allow_ips, worker)


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Where to make the workspace.", metavar="DIR")],
    markings: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--markings",
            metavar="SCHEME",
            help="Copy this shipped marking scheme to DIR/markings.yaml: 'default' "
            "(UNCLASSIFIED to TOP SECRET) or 'kazakhstan' (ДСП and state-secret levels, "
            "in Russian and Kazakh). Without it, briefs use the default scheme.",
        ),
    ] = None,
) -> None:
    """Make a new workspace: briefs/ with a sample brief, templates/, a README (and with
    --markings, the workspace's marking scheme)."""
    import datetime as dt

    from briefgen.scaffold import init_workspace

    for path in init_workspace(folder, dt.date.today().isoformat(), markings):
        typer.echo(f"wrote {path}")
    typer.echo(f"made {folder / 'templates'}/ for your own audiences")
    typer.echo(f"Next: cd {folder} && briefgen build briefs/sample.yaml")


# Commands in modules of their own, listed after these in --help.
cli_authoring.register(app)  # preview, schema
admin_cli.register(app)  # users, tokens, audit
cli_worker.register(app)  # worker


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
    except SystemExit as exc:  # typer itself turns Ctrl-C into exit status 130
        if exc.code == 130:
            typer.echo("interrupted.", err=True)
        raise
