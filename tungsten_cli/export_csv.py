"""`export --csv DIR`: the export tables as one CSV file each, for spreadsheets; the same columns as the SQLite export."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from tungsten_cli.atomic import replacing
from tungsten_cli.errors import ExportError, NotFoundError, UsageError
from tungsten_cli.export import Table, cell, tables
from tungsten_cli.records import FactSet


def export_csv(facts: FactSet, folder: Path, *, force: bool = False, bom: bool = False) -> dict[str, int]:
    """Write TABLE.csv per export table into `folder` (created if missing), each file replaced atomically.

    UTF-8 (with `bom`, led by a byte-order mark: Excel reads a CSV without one in the system's
    legacy code page and garbles every umlaut), RFC 4180 (CRLF rows; a value holding a comma, quote or line break is quoted, so a quote's
    line breaks stay inside its cell). Every target is checked before any is written: an existing
    file is replaced only when it is an earlier export of the same table (its header row is this
    table's), or with `force`.
    """
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file, expected a folder for the CSV files")
    if not Path(os.path.realpath(folder)).parent.is_dir():
        raise NotFoundError(f"{folder.parent}: no such folder")
    found = tables(facts)
    targets = [(folder / f"{table.name}.csv", table) for table in found]
    for path, table in targets:
        if os.path.lexists(path) and not force and not _is_export(path, table):
            raise UsageError(f"{path}: exists and is not a tungsten export of the {table.name} table; pass --force to replace it")
    try:
        folder.mkdir(exist_ok=True)
        for path, table in targets:
            with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                out.write(_header(table))
                csv.writer(out).writerows([cell(row.get(name)) for name, _ in table.columns] for row in table.rows)
    except OSError as err:
        raise ExportError(f"{folder}: cannot write the CSV files: {err.strerror or err}") from None
    return {table.name: len(table.rows) for table in found}


def _header(table: Table) -> str:
    text = io.StringIO()
    csv.writer(text).writerow([name for name, _ in table.columns])
    return text.getvalue()


def _is_export(path: Path, table: Table) -> bool:
    """Whether `path` starts with the header row this table's CSV has, after a byte-order mark if any."""
    expected = _header(table)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            return handle.read(len(expected)) == expected
    except (OSError, UnicodeDecodeError):
        return False
