"""CSV sources as tables: parse a source's text, find the cell a citation names, read its number and year.

Headers and cells are compared exactly as written (surrounding spaces included), so a citation says
which cell it means without any guessing; the USGS codes keep their meaning (`W` withheld, `NA` not
available, `>50` a bound).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from tungsten_cli.records import YEAR_KEY

CODES = {"W": "withheld", "NA": "not-available"}
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_NUMBER = re.compile(r"^([<>]=?)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")


def is_table_file(name: str) -> bool:
    """CSV sources are cited by cell, every other source by quote."""
    return name.lower().endswith(".csv")


class Row(NamedTuple):
    """A data row and the physical line it starts on (1-based, the header is line 1)."""

    line: int
    cells: list[str]


class Table(NamedTuple):
    header: list[str]
    rows: list[Row]

    def value(self, row: Row, header: str) -> str:
        """The cell under `header` (the first such column); "" where a short row has no cell."""
        index = self.header.index(header)
        return row.cells[index] if index < len(row.cells) else ""


class Cell(NamedTuple):
    column: str
    text: str
    row: Row


class Reading(NamedTuple):
    """What a cell states: a number (with its comparator) or why there is none."""

    value: float | None
    comparator: str | None
    unavailable: str | None


class CellError(ValueError):
    """A citation that names no cell, or more than one."""


def parse(text: str) -> Table:
    """The header and every non-blank row, read with the `csv` module as the file is written.

    The text is decoded UTF-8; a leading byte-order mark is dropped (utf-8-sig) and CR LF line ends
    stay line ends, so line numbers are the file's physical lines.
    """
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, [])
    rows, start = [], reader.line_num + 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append(Row(start, cells))
        start = reader.line_num + 1
    return Table(header, rows)


def describe(keys: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {v!r}" for k, v in keys.items()) + "}"


def _matching(table: Table, rows: list[Row], wanted: Mapping[str, str], file: str) -> list[Row]:
    missing = [name for name in wanted if name not in table.header]
    if missing:
        raise CellError(f"no column {missing[0]!r} in {file}")
    return [row for row in rows if all(table.value(row, k) == v for k, v in wanted.items())]


def selected_rows(table: Table, source: Mapping[str, Any]) -> list[Row]:
    """The rows a source's `rows` selector keeps (all rows without one)."""
    return _matching(table, table.rows, source.get("rows") or {}, source["file"])


def find_cell(table: Table, source: Mapping[str, Any], citation: Mapping[str, Any]) -> Cell:
    """The one cell a citation names by key columns and header; CellError says why there is none."""
    keys, column, file = citation["row"], citation["column"], source["file"]
    key_columns = source.get("key_columns") or []
    if key_columns and sorted(keys) != sorted(key_columns):
        raise CellError(f"row names {', '.join(keys)}; rows of {source['id']} are identified by {', '.join(key_columns)}")
    count = table.header.count(column)
    if count != 1:
        raise CellError(f"no column {column!r} in {file}" if not count else f"column {column!r} appears {count} times in {file}")
    rows = _matching(table, selected_rows(table, source), keys, file)
    if len(rows) != 1:
        raise CellError(f"no row {describe(keys)} in {file}" if not rows else f"{len(rows)} rows match {describe(keys)} in {file}")
    row = rows[0]
    if citation.get("line") is not None and citation["line"] != row.line:
        raise CellError(f"row {describe(keys)} is on line {row.line} of {file}, not line {citation['line']}")
    return Cell(column, table.value(row, column), row)


def reading(text: str) -> Reading | None:
    """A cell's number or code: `66000`, `>50`, `<100,000`, `W`, `NA`; None for text such as notes."""
    stripped = text.strip()
    if stripped in CODES:
        return Reading(None, None, CODES[stripped])
    match = _NUMBER.match(stripped)
    if match is None:
        return None
    return Reading(float(match.group(2).replace(",", "") + (match.group(3) or "")), match.group(1), None)


def cell_years(table: Table, cell: Cell) -> tuple[int, int] | None:
    """The years a cell is about: from its header (`Prod_t_est_2022`, `..._2018_2021`), else its row's Year."""
    found = _YEAR.findall(cell.column)
    if not found and YEAR_KEY in table.header:
        found = _YEAR.findall(table.value(cell.row, YEAR_KEY))
    return (int(found[0]), int(found[-1])) if found else None
