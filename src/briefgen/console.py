"""What ``briefgen build`` shows on a terminal: a progress bar while briefs render,
and a table of the briefs at the end.

When the output is not a terminal (a pipe, a log file, CI) the command prints
plain lines instead, one per file, which scripts can read; this module is
then not used.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar
from rich.table import Table

from briefgen.build import Progress, Report


class TerminalProgress(Progress):
    """A rich progress bar: outputs done of all, the brief last finished, time elapsed."""

    def __init__(self, console: Console) -> None:
        self.bar = Bar(
            TextColumn("rendering"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,  # the table at the end replaces it
        )
        self.task = None

    def start(self, total: int) -> None:
        if total:
            self.task = self.bar.add_task("", total=total)
            self.bar.start()

    def advance(self, output_id: str) -> None:
        if self.task is not None:
            self.bar.update(self.task, advance=1, description=output_id)

    def stop(self) -> None:
        self.bar.stop()


def summary_table(report: Report) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False)
    for name, justify in (
        ("brief", "left"),
        ("formats", "left"),
        ("pages", "right"),
        ("time", "right"),
        ("state", "left"),
    ):
        table.add_column(name, justify=justify)
    for brief in report.briefs:
        table.add_row(
            brief.output_id,
            ", ".join(brief.formats),
            page_counts(brief),
            f"{brief.seconds:.2f} s" if brief.seconds else "-",
            brief.state if brief.state == "up to date" else f"[green]{brief.state}[/]",
        )
    return table


def page_counts(brief) -> str:
    """The PDF's pages, and the DOCX's where LibreOffice counted them: "2", "2 · DOCX 2"."""
    pdf = "-" if brief.pages is None else str(brief.pages)
    return pdf if brief.docx_pages is None else f"{pdf} · DOCX {brief.docx_pages}"


def print_summary(console: Console, report: Report, out_dir: Path) -> None:
    console.print(summary_table(report))
    built = sum(brief.state == "built" for brief in report.briefs)
    current = len(report.briefs) - built
    console.print(
        f"{built} built, {current} up to date, in {out_dir}/ (list: {out_dir / 'manifest.json'})",
        highlight=False,
    )
