"""The export tables (a table per record kind, citations, parties and notes) and the SQLite database built from them."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

from tungsten_cli.atomic import replacing
from tungsten_cli.errors import ExportError, NotFoundError, UsageError
from tungsten_cli.records import FactSet, Record
from tungsten_cli.vocabulary import VOCAB

_NESTED = ("citations", "notes", "parties")


TABLES = {
    "source": "sources",
    "organization": "organizations",
    "deposit": "deposits",
    "figure": "figures",
    "import_share": "import_shares",
    "measure": "measures",
    "deal": "deals",
    "event": "events",
}


# PRAGMA application_id marks a database as a tungsten export ("TUNG"), so a later export may
# replace it without --force; the SQLite header keeps it at byte 68.
APPLICATION_ID = 0x54554E47
_HEADER = b"SQLite format 3\x00"


def export_sqlite(facts: FactSet, target: Path, *, force: bool = False) -> dict[str, int]:
    """Build the database beside `target` and rename it into place, so readers never see half a file.

    An existing file is replaced only when it is an earlier tungsten export, or with `force`.
    """
    if target.is_dir():
        raise UsageError(f"{target}: is a folder, expected a database file name")
    if not Path(os.path.realpath(target)).parent.is_dir():
        raise NotFoundError(f"{target.parent}: no such folder")
    if os.path.lexists(target) and not force and not is_export(target):
        raise UsageError(f"{target}: exists and is not a tungsten export; pass --force to replace it")
    try:
        with replacing(target) as tmp:
            db = sqlite3.connect(tmp)
            try:
                # A fresh file that is renamed into place only when complete needs no rollback journal.
                db.execute("PRAGMA journal_mode = OFF")
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                counts = _fill(db, facts)
                db.commit()
            finally:
                db.close()
    except (OSError, sqlite3.Error) as err:
        raise ExportError(f"{target}: cannot write the database: {getattr(err, 'strerror', None) or err}") from None
    return counts


def is_export(path: Path) -> bool:
    """Whether `path` is a SQLite database that an earlier `tungsten export` wrote."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(72)
    except OSError:
        return False
    return header.startswith(_HEADER) and int.from_bytes(header[68:72], "big") == APPLICATION_ID


def cell(value: Any) -> Any:
    """A value as both exports store it: lists and objects as JSON text, booleans as 0/1."""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    if isinstance(value, bool):
        return int(value)
    return value


def _name(column: str) -> str:
    """A quoted identifier: a source's `table` field is an SQL keyword."""
    return f'"{column}"'


def _insert(db: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(map(_name, columns))}) VALUES ({', '.join('?' for _ in columns)})"
    db.executemany(sql, [[cell(row.get(c)) for c in columns] for row in rows])


# Link fields and the table they point at (the one list of links is records.reference_fields).
_LINKS = {"operator": "organizations", "deposit": "deposits"}
_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "string": "TEXT", "array": "TEXT", "object": "TEXT"}


def _column_types(kind: str) -> dict[str, str]:
    """SQL types from the JSON Schema of a kind: numbers are REAL, booleans 0/1, lists and objects JSON text."""
    from tungsten_cli.model import RECORD_MODELS

    types = {}
    for name, prop in RECORD_MODELS[kind].model_json_schema(mode="serialization")["properties"].items():
        found = [prop.get("type"), *(option.get("type") for option in prop.get("anyOf", []))]
        types[name] = next((sql for json_type, sql in _SQL_TYPES.items() if json_type in found), "TEXT")
    return types


def _column(name: str, sql_type: str) -> str:
    """A kind table column's type and constraints: the id is the record's, a link field a foreign key."""
    if name == "id":
        return "TEXT PRIMARY KEY REFERENCES records(id)"
    return sql_type + (f" REFERENCES {_LINKS[name]}(id)" if name in _LINKS else "")


def _search_text(record: Record) -> dict[str, Any]:
    """What the full-text index holds: names (with aliases), summary, quotes and notes."""
    notes = record.get("notes") or []
    return {
        "name": "; ".join(n for n in [record.get("name") or record.get("title"), *(record.get("aliases") or [])] if n) or None,
        "quotes": "\n".join(c["quote"] for c in record.get("citations") or []) or None,
        "notes": "\n".join(n["text"] for n in notes) or None,
    }


class Table(NamedTuple):
    """One table of both exports: SQLite creates it from `columns` (name, then type and constraints),
    `export --csv` writes it as NAME.csv with the same column names and values."""

    name: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def tables(facts: FactSet) -> list[Table]:
    """A table per record kind (nested citations, notes and parties left out), then those three.

    The SQLite `records` table and its full-text index are a search aid built from these, not a table of their own.
    """
    everything: list[Record] = list(facts.sources.values()) + facts.records
    found = []
    for kind, table in TABLES.items():
        names = [n for n in VOCAB["fields"][kind] if n not in _NESTED]
        types = _column_types(kind)
        columns = [(n, _column(n, types.get(n, "TEXT"))) for n in names]
        found.append(Table(table, columns, [{n: r.get(n) for n in names} for r in everything if r["kind"] == kind]))
    citations = [_citation_row(r["id"], i, c) for r in facts.records for i, c in enumerate(r["citations"])]
    parties = [{"deal_id": r["id"], **_party_row(p)} for r in facts.records for p in r.get("parties") or []]
    notes = [
        {"record_id": r["id"], "kind": n["kind"], "text": n["text"], "reference": n.get("reference")}
        for r in everything
        for n in r.get("notes") or []
    ]
    return [
        *found,
        Table("citations", _CITATION_COLUMNS, citations),
        Table("parties", _PARTY_COLUMNS, parties),
        Table("notes", _NOTE_COLUMNS, notes),
    ]


_CITATION_COLUMNS = [
    ("record_id", "TEXT NOT NULL REFERENCES records(id)"),
    ("position", "INTEGER"),
    ("source", "TEXT NOT NULL REFERENCES sources(id)"),
    ("quote", "TEXT NOT NULL"),
    ("start_offset", "INTEGER"),
    ("end_offset", "INTEGER"),
    ("prefix", "TEXT"),
    ("suffix", "TEXT"),
    ("row_keys", "TEXT"),
    ("column_name", "TEXT"),
    ("line", "INTEGER"),
]
_PARTY_COLUMNS = [
    ("deal_id", "TEXT NOT NULL REFERENCES deals(id)"),
    ("org", "TEXT NOT NULL REFERENCES organizations(id)"),
    ("name", "TEXT"),
    ("country", "TEXT"),
    ("role", "TEXT"),
    ("stake_pct", "REAL"),
]
_NOTE_COLUMNS = [
    ("record_id", "TEXT NOT NULL REFERENCES records(id)"),
    ("kind", "TEXT NOT NULL"),
    ("text", "TEXT NOT NULL"),
    ("reference", "TEXT"),
]


def _party_row(party: Record) -> dict[str, Any]:
    return {name: party.get(name) for name, _ in _PARTY_COLUMNS[1:]}


def _fill(db: sqlite3.Connection, facts: FactSet) -> dict[str, int]:
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, summary TEXT, quotes TEXT, notes TEXT)")
    everything: list[Record] = list(facts.sources.values()) + facts.records
    _insert(db, "records", [{"id": r["id"], "kind": r["kind"], "summary": r.get("summary"), **_search_text(r)} for r in everything])
    counts: dict[str, int] = {}
    for table in tables(facts):
        db.execute(f"CREATE TABLE {table.name} ({', '.join(f'{_name(n)} {declared}' for n, declared in table.columns)})")
        for link in sorted({n for n, _ in table.columns} & set(_LINKS)):
            db.execute(f"CREATE INDEX {table.name}_{link} ON {table.name}({link})")
        _insert(db, table.name, table.rows)
        counts[table.name] = len(table.rows)
    _indexes_and_search(db)
    return counts


def _indexes_and_search(db: sqlite3.Connection) -> None:
    """Indexes on every foreign key, and `records_fts`: the name sqlite-utils and Datasette look for."""
    for table, column in [("records", "kind"), ("citations", "record_id"), ("citations", "source"), ("parties", "deal_id")]:
        db.execute(f"CREATE INDEX {table}_{column} ON {table}({column})")
    db.execute("CREATE INDEX parties_org ON parties(org)")
    db.execute("CREATE INDEX notes_record_id ON notes(record_id)")
    db.execute(
        "CREATE VIRTUAL TABLE records_fts USING fts5(name, summary, quotes, notes, content='records', content_rowid='rowid', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO records_fts(rowid, name, summary, quotes, notes) SELECT rowid, name, summary, quotes, notes FROM records")


def _citation_row(record_id: str, position: int, citation: Record) -> dict[str, Any]:
    row = {"record_id": record_id, "position": position, "source": citation["source"], "quote": citation["quote"]}
    row.update(start_offset=citation.get("start"), end_offset=citation.get("end"))
    row.update(prefix=citation.get("prefix"), suffix=citation.get("suffix"))
    row.update(row_keys=citation.get("row"), column_name=citation.get("column"), line=citation.get("line"))
    return row
