"""`export --csv DIR`: the export tables as one CSV file each, for spreadsheets; the same columns as the SQLite export."""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path

from tungsten_cli.atomic import check_folder, read_head, replacing_set
from tungsten_cli.errors import ExportError, UsageError
from tungsten_cli.export import ExportTable, cell, tables
from tungsten_cli.records import FactSet


def export_csv(facts: FactSet, folder: Path, *, force: bool = False, bom: bool = False) -> dict[str, int]:
    """Write TABLE.csv per export table into `folder` (created if missing), each file replaced atomically.

    UTF-8 (with `bom`, led by a byte-order mark: Excel reads a CSV without one in the system's
    legacy code page and garbles every umlaut), RFC 4180 (CRLF rows; a value holding a comma, quote
    or line break is quoted, so a quote's line breaks stay inside its cell). The set is written
    whole or not at all (`atomic.replacing_set`).
    """
    found = tables(facts)
    check_csv(folder, found, force=force)
    try:
        with replacing_set(folder, [f"{table.name}.csv" for table in found]) as tmp:
            for table in found:
                with open(tmp / f"{table.name}.csv", "x", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                    out.write(_header(table))
                    csv.writer(out).writerows([cell(row.get(name)) for name, _ in table.columns] for row in table.rows)
    except OSError as err:
        raise ExportError(f"{folder}: cannot write the CSV files: {err.strerror or err}") from None
    return {table.name: len(table.rows) for table in found}


def check_csv(folder: Path, found: list[ExportTable], *, force: bool = False) -> None:
    """Refuse before anything is written: a folder that is not one, a target that is not a regular
    file, or an existing file that is not an earlier export of the same table (its header row is
    this table's) unless `force`."""
    check_folder(folder, [f"{table.name}.csv" for table in found])
    for table in found:
        path = folder / f"{table.name}.csv"
        if os.path.lexists(path) and not force and not _is_export(path, table):
            raise UsageError(f"{path}: exists and is not a tungsten export of the {table.name} table; pass --force to replace it")


def _header(table: ExportTable) -> str:
    text = io.StringIO()
    csv.writer(text).writerow([name for name, _ in table.columns])
    return text.getvalue()


def _is_export(path: Path, table: ExportTable) -> bool:
    """Whether `path` starts with the header row this table's CSV has, after a byte-order mark if any."""
    expected = _header(table).encode()
    head = read_head(path, len(expected) + len(codecs.BOM_UTF8)) or b""
    return head.removeprefix(codecs.BOM_UTF8)[: len(expected)] == expected
