"""Output for every format behind one dispatch; each writer lives in its own module and loads only when used.

rich is imported only when a table is drawn for a terminal (or FORCE_COLOR asks for it): it costs
more to import than a whole JSON query.
"""

from __future__ import annotations

from enum import Enum
from typing import IO, assert_never

from tungsten_cli.quantity import pct, tonnes, usd
from tungsten_cli.render.columns import Column, Listing, id_column, source_column, text_column
from tungsten_cli.render.console import fitted, is_terminal
from tungsten_cli.render.text import figure_value, flat, parties_short, value_text

__all__ = [
    "Column",
    "Format",
    "Listing",
    "figure_value",
    "flat",
    "id_column",
    "parties_short",
    "pct",
    "source_column",
    "text_column",
    "tonnes",
    "usd",
    "value_text",
    "write",
]


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    yaml = "yaml"
    markdown = "markdown"


def write(listing: Listing, fmt: Format, out: IO[str], *, force_color: bool = False) -> list[str]:
    """The one dispatch every command uses; a test checks each Format member reaches a writer.
    `force_color` is FORCE_COLOR: rich output (tables, bars) even into a pipe. Returns lines for
    stderr: the plain table's legend of note marks, kept out of piped data."""
    from tungsten_cli.render import formats

    records = [{n: r.get(n) for n in listing.fields} for r in listing.records] if listing.fields else listing.records
    if fmt is Format.table:
        if listing.chart:
            from tungsten_cli.render.chart import write_chart

            write_chart(listing, out, keep_order=listing.sorted, force_color=force_color)
        elif (screen := fitted(out, force_color)) is not None:
            from tungsten_cli.render.table import write_table

            write_table(listing, screen)
        else:
            from tungsten_cli.render.plain import write_plain

            return write_plain(listing, out)
    elif fmt is Format.json:
        # Indented for people on a terminal; compact (and C-encoded, faster) for pipes, like gh.
        formats.write_json(records, out, 2 if is_terminal(out) else None)
    elif fmt is Format.jsonl:
        formats.write_jsonl(records, out)
    elif fmt is Format.csv:
        formats.write_csv(records, out)
    elif fmt is Format.yaml:
        formats.write_yaml(records, out)
    elif fmt is Format.markdown:
        formats.write_markdown(listing.records, out, listing.fields)
    else:
        assert_never(fmt)
    return []
