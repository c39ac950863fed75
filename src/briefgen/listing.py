"""``briefgen data list``: show dataset items as a table or as JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from briefgen.datamodel import singular
from briefgen.errors import BriefgenError, did_you_mean
from briefgen.load_dataset import Dataset, load_dataset

# The columns a table shows for each kind (every field is in --json).
COLUMNS = {
    "facts": ("id", "paragraph", "tags", "text"),
    "quotes": ("id", "speaker", "paragraph", "text"),
    "people": ("id", "name", "role", "organisation"),
    "organisations": ("id", "name", "kind"),
    "states": ("id", "name", "founding"),
    "workstreams": ("id", "name", "paragraph"),
    "events": ("id", "name", "date", "place"),
    "figures": ("id", "label", "value", "bound", "unit"),
    "sources": ("id", "title", "publisher", "date"),
}


def print_items(
    kind: str, *, tags: list[str], as_json: bool, dataset_path: Path | None = None
) -> None:
    dataset = load_dataset(dataset_path)
    # Through a pipe nothing is wrapped: an id broken across lines cannot be copied.
    piped = not sys.stdout.isatty()
    console = Console(soft_wrap=piped, width=1000 if piped else None)
    if tags and kind in ("tags", "sources"):
        raise BriefgenError(f"{kind} have no tags; list them without --tag")
    if kind == "tags":
        rows = [{"id": tag, "meaning": meaning} for tag, meaning in dataset.tags.items()]
        emit(console, rows, ("id", "meaning"), "tags", as_json)
        return
    check_tags(tags, dataset)
    items = [item for item in dataset.items(kind) if not tags or set(tags) & set(item.tags)]
    rows = [item_row(item, kind, dataset) for item in items]
    emit(console, rows, COLUMNS[kind], kind, as_json)


def check_tags(tags: list[str], dataset: Dataset) -> None:
    unknown = [tag for tag in tags if tag not in dataset.tags]
    if unknown:
        raise BriefgenError(
            [f"unknown tag '{tag}'{did_you_mean(tag, dataset.tags)}" for tag in unknown]
        )


def item_row(item: Any, kind: str, dataset: Dataset) -> dict[str, Any]:
    row = item.model_dump(mode="json")
    if kind == "quotes":
        row["speaker_name"] = dataset.get(item.speaker).name
    return row


def emit(console: Console, rows: list[dict], columns: tuple[str, ...], kind: str, as_json: bool):
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if "text" in columns:
        emit_blocks(console, rows, columns, kind)
        return
    table = Table(title=count(rows, kind), show_lines=True, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold", no_wrap=column == "id")
    for row in rows:
        table.add_row(*(Text(cell(row, column)) for column in columns))  # no markup
    console.print(table)


def emit_blocks(console: Console, rows: list[dict], columns: tuple[str, ...], kind: str) -> None:
    """Long texts read better as blocks than squeezed into a table column."""
    console.print(Text(count(rows, kind), style="bold"))
    for row in rows:
        details = [cell(row, column) for column in columns if column not in ("id", "text")]
        heading = Text(row["id"], style="bold cyan")
        heading.append(f"  ({', '.join(detail for detail in details if detail)})", style="dim")
        console.print()
        console.print(heading)
        console.print(Text(cell(row, "text")))


def count(rows: list, kind: str) -> str:
    return f"{len(rows)} {singular(kind) if len(rows) == 1 else kind}"


def cell(row: dict, column: str) -> str:
    if column == "speaker" and "speaker_name" in row:
        return row["speaker_name"]
    value = row.get(column)
    if column == "paragraph":  # with its page, for an item of a PDF source
        return (f"page {row['page']} " if row.get("page") else "") + f"paragraph {value}"
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)
