"""What a listing hands to the writers: records, and columns that say how each may give way to a narrow terminal."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple

from tungsten_cli.records import Record
from tungsten_cli.render.text import field_text, flat, is_quantity

# token: ids, numbers, dates, codes; never wrapped or cut.
# words: names; may wrap between words onto a second line, never cut.
# key:   a comparison key (`US<-BO/import-share/2020/2023`); may wrap onto a second line after a "/"
#        between its parts, never inside a part (nor inside a period such as 2020/2023).
# prose: summaries, parties, quotes; wrapped onto two lines, then cut with "…".
# auto:  token when every cell is short, otherwise prose.
Fit = Literal["token", "words", "key", "prose", "auto"]


class Column(NamedTuple):
    """A table column. When the terminal is too narrow the highest `priority` numbers are dropped first."""

    header: str
    cell: Callable[[Record], str]
    numeric: bool = False
    fit: Fit = "auto"
    priority: int = 1
    field: str | None = None  # the --fields name that shows this column; None: the header
    min_width: int | None = None  # a prose column narrower than this is not worth showing
    beneath: bool = False  # may go onto the record's second line when one line cannot hold it (render.table)


class Listing(NamedTuple):
    """Records plus how a person should see them."""

    records: Sequence[Record]
    columns: list[Column]
    cite: bool = False
    fields: list[str] | None = None
    chart: bool = False  # draw bars instead of a table
    sorted: bool = False  # the user chose the order (--sort): a chart keeps it
    labelled: Mapping[str, Column] = {}  # a field --fields named by its column's label: that column (never mutated)
    # What the footer offers for what did not fit (hidden columns, cut text); None: the listing
    # options (--fields, show ID, --format csv). `draft`, which takes none of them, names its own.
    more: str | None = None


def id_column(priority: int = 1) -> Column:
    return Column("id", lambda r: str(r["id"]), fit="token", priority=priority)


def text_column(header: str, key: str | None = None, *, fit: Fit = "auto", priority: int = 1, beneath: bool = False) -> Column:
    name = key or header
    return Column(header, lambda r: flat(name, r.get(name)), fit=fit, priority=priority, field=name, beneath=beneath)


def source_column(priority: int = 1) -> Column:
    """Which source a row comes from, where rows of several sources mix."""
    return Column(
        "source",
        lambda r: r.get("source") or (r["citations"][0]["source"] if r.get("citations") else ""),
        fit="token",
        priority=priority,
        field="citations",
    )


def field_column(name: str) -> Column:
    """A `--fields` column: the field as a person reads it, units and marks kept (`>50 %`, `1,216,000 t`)."""
    return Column(name, lambda r: field_text(r, name), numeric=is_quantity(name), field=name)


def table_columns(listing: Listing) -> list[Column]:
    """The view's columns, or one column per `--fields` name: the view's own where it was named by its label."""
    if listing.fields is None:
        return listing.columns
    return [listing.labelled.get(name) or field_column(name) for name in listing.fields]


def cells(columns: list[Column], records: Sequence[Record]) -> list[list[str]]:
    """Every cell as safe one-line text, row by row."""
    from tungsten_cli.render.text import clean

    return [[clean(column.cell(record)) for column in columns] for record in records]
