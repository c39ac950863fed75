"""``briefgen data ...``: look into the curated dataset, check it, and curate it."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Optional

import typer

from briefgen.cli_common import DatasetOption, ItemKind, ListKind, report
from briefgen.errors import BriefgenError

data_app = typer.Typer(
    help="Look into the curated dataset: check it, list its items, find words in its "
    "sources, add sources and quotes.",
    no_args_is_help=True,
)


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
    missing: Annotated[
        bool, typer.Option("--missing", help="List the ids of the items each language lacks.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings (time words that rot) as errors.")
    ] = False,
    workspace: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--workspace", "-w", metavar="DIR", file_okay=False,
            help="Check the items' markings against this workspace's marking scheme "
            "(its markings.yaml). Default: the current folder's, if it has one.",
        ),
    ] = None,
) -> None:
    """Check ids, references, tags, locators and that every quote is verbatim; flag facts
    whose time words rot ("next year"); show how much is translated, per language."""
    from briefgen.dataset_review import (
        coverage_table,
        missing_lines,
        relative_time_words,
        translation_coverage,
        unknown_markings,
    )
    from briefgen.listing import count
    from briefgen.load_dataset import load_dataset
    from briefgen.markings import load_scheme

    loaded = load_dataset(dataset, sources_dir=sources)
    errors = unknown_markings(loaded, load_scheme(workspace or Path(".")))
    if errors:
        raise BriefgenError(errors)
    warnings = relative_time_words(loaded)
    if strict and warnings:
        raise BriefgenError([replace(w, severity="error") for w in warnings])
    counts = ", ".join(count(loaded.items(kind.value), kind.value) for kind in ItemKind)
    typer.echo(f"{loaded.path}: ok ({counts})")
    coverage = translation_coverage(loaded)
    for line in coverage_table(coverage) + (missing_lines(coverage) if missing else []):
        typer.echo(line)
    report(warnings)


def list_kind(value: str) -> str:
    """A kind of item, in any case; a near miss ('fact') is told the word it meant."""
    from briefgen.errors import did_you_mean

    kinds = [kind.value for kind in ListKind]
    if value.lower() in kinds:
        return value.lower()
    choices = ", ".join(f"'{kind}'" for kind in kinds)
    raise typer.BadParameter(f"'{value}' is not one of {choices}{did_you_mean(value, kinds)}")


@data_app.command("list")
def data_list(
    kind: Annotated[
        str,
        typer.Argument(
            help=f"What to list: {', '.join(kind.value for kind in ListKind)}.",
            metavar="KIND",
            show_default=False,
            callback=list_kind,
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

    print_items(kind, tags=tag or [], as_json=as_json, dataset_path=dataset)




@data_app.command("find")
def data_find(
    words: Annotated[str, typer.Argument(help="The words to look for (case aside).")],
    source: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--source", metavar="ID", help="Only in this source."),
    ] = None,
    dataset: DatasetOption = None,
) -> None:
    """Show where words stand in the sources: source, paragraph, and the sentence, so a
    locator can be written (and a quote checked) in one step."""
    from briefgen.curation import find_words
    from briefgen.load_dataset import load_dataset

    found = find_words(load_dataset(dataset), words, source)
    if not found:
        raise BriefgenError(f"'{words}' is in no source{' ' + source if source else ''}")
    for place in found:
        typer.echo(f"{place.source} {place.locator}: {place.sentence}")


@data_app.command("quote")
def data_quote(
    text: Annotated[str, typer.Argument(help="The words, exactly as the source has them.")],
    source: Annotated[str, typer.Option("--source", metavar="ID", help="The source.")],
    paragraph: Annotated[
        int, typer.Option("--paragraph", min=1, metavar="N", help="Its paragraph.")
    ],
    page: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--page", min=1, metavar="P",
            help="Its page, for a PDF source (--paragraph then counts on that page).",
        ),
    ] = None,
    speaker: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--speaker", metavar="ID", help="Who said it (a person's id)."),
    ] = None,
    dataset: DatasetOption = None,
) -> None:
    """Print a quote item ready to paste under quotes:, if the words stand word for word
    in that paragraph; else say where the nearest match differs."""
    from briefgen.curation import line_break_words, located_paragraphs, quote_item
    from briefgen.load_dataset import load_dataset

    loaded = load_dataset(dataset)
    typer.echo(quote_item(loaded, source, paragraph, text, speaker, page), nl=False)
    if source in loaded.texts:
        where = located_paragraphs(loaded.texts[source], source, page)[paragraph - 1]
        for word in line_break_words(text, where):
            typer.echo(
                f"note: '{word}' runs over a hyphen at a line's end in the source; check "
                "whether the word has that hyphen, and write it as meant",
                err=True,
            )


@data_app.command("add-source")
def data_add_source(
    file: Annotated[
        Path, typer.Argument(help="The source: .txt, .md, .html or .pdf.", metavar="FILE")
    ],
    dataset: Annotated[
        Path,
        typer.Option(
            "--dataset", metavar="DIR", help="The dataset's folder.", file_okay=False
        ),
    ],
    source_id: Annotated[
        str, typer.Option("--id", metavar="ID", help="Its id, e.g. icrc-2026-03.")
    ],
    publisher: Annotated[str, typer.Option("--publisher", help="Who published it.")],
    title: Annotated[str, typer.Option("--title", help="Its title, as published.")],
    date: Annotated[
        str, typer.Option("--date", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD.")
    ],
    language: Annotated[str, typer.Option("--language", help="Its language.")] = "en",
    kind: Annotated[str, typer.Option("--kind", help="What it is.")] = "news article",
    url: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--url", help="Where it was published."),
    ] = None,
) -> None:
    """Register a source: copy its text beside the dataset, add its entry in a file of its
    own, and print its numbered paragraphs (on each page, for a PDF) for writing locators."""
    from briefgen.curation import NewSource, add_source
    from briefgen.sources import shown

    new = NewSource(source_id, title, publisher, date, language, kind, url)
    written, text = add_source(dataset, file, new)
    for path in written:
        typer.echo(f"wrote {path}")
    for number, page in enumerate(text.pages, start=1):
        if text.paged:
            typer.echo(f"page {number}" + ("" if page else ": no text (an image? no OCR is done)"))
        for paragraph_number, paragraph in enumerate(page, start=1):
            typer.echo(f"{paragraph_number:>4}  {shown(paragraph)}")
