"""The export tables (a table per record kind, citations, parties and notes) and the SQLite database built from them."""

from __future__ import annotations

import json
import os
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, get_args, get_origin

from pydantic import BaseModel, TypeAdapter

from tungsten_cli import kinds
from tungsten_cli.atomic import check_target, read_head, replacing
from tungsten_cli.errors import ExportError, UsageError
from tungsten_cli.records import FactSet, Record


def export_tables() -> dict[str, str]:
    """Each stored kind's table (kinds.Kind.table), `sources` first."""
    return {name: kind.table for name, kind in kinds.KINDS.items() if kind.stored}


# PRAGMA application_id marks a database as a tungsten export ("TUNG"), so a later export may
# replace it without --force; the SQLite header keeps it at byte 68.
APPLICATION_ID = 0x54554E47
_HEADER = b"SQLite format 3\x00"


def export_sqlite(facts: FactSet, target: Path, *, force: bool = False) -> dict[str, int]:
    """Build the database beside `target` and rename it into place, so readers never see half a file.

    An existing file is replaced only when it is an earlier tungsten export, or with `force`.
    """
    check_sqlite(target, force=force)
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


def check_sqlite(target: Path, *, force: bool = False) -> None:
    """Refuse before anything is written: a target that is not a regular file (`atomic.check_target`),
    or an existing file that is not an earlier export unless `force`."""
    check_target(target)
    if os.path.lexists(target) and not force and not is_export(target):
        raise UsageError(f"{target}: exists and is not a tungsten export; pass --force to replace it")


def is_export(path: Path) -> bool:
    """Whether `path` is a SQLite database that an earlier `tungsten export` wrote."""
    header = read_head(path, 72) or b""
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


_SQL_TYPES = {"integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "string": "TEXT", "array": "TEXT", "object": "TEXT"}
# Fields the export names otherwise: a citation's offsets and cell (earlier exports' names, kept for
# readers' queries), a note's reference flattened into columns a spreadsheet or a facet can read.
RENAMED = {"start": "start_offset", "end": "end_offset", "row": "row_keys", "column": "column_name"}
# Fields the loader derives (a party's name and country from its organisation) and the listing
# adds (the edition of the source a record cites), which `facts --json` shows and so both exports hold.
DERIVED = {"parties": ("name", "country"), "records": ("edition",)}


def _sql_type(prop: dict[str, Any]) -> str:
    """A JSON Schema property's SQL type: numbers are REAL, booleans 0/1, lists and objects JSON text."""
    found = [prop.get("type"), *(option.get("type") for option in prop.get("anyOf", []))]
    return next((sql for json_type, sql in _SQL_TYPES.items() if json_type in found), "TEXT")


def _description(prop: dict[str, Any]) -> str:
    """A property's description; an optional list's sits on the list inside its anyOf."""
    return str(prop.get("description") or next((o["description"] for o in prop.get("anyOf", []) if "description" in o), ""))


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds one of (a note's reference), which the export spreads over columns."""
    if get_origin(annotation) is list:
        return None
    return next((t for t in (annotation, *get_args(annotation)) if isinstance(t, type) and issubclass(t, BaseModel)), None)


class FieldColumn(NamedTuple):
    """A column of the export read off a model: its name, the field path it holds, its SQL type, what it means."""

    column: str
    path: str
    sql: str
    description: str


def _properties() -> dict[str, dict[str, Any]]:
    """Each model's JSON Schema properties, by model name, from one schema of every kind (the
    registry's, kinds.entry_adapter): generating one schema per model made the first export of a
    process 130 -> 176 ms CPU (sqlite) and 114 -> 158 ms (csv)."""
    return _schema_properties(kinds.entry_adapter())


@cache
def _schema_properties(adapter: TypeAdapter[Any]) -> dict[str, dict[str, Any]]:
    return {name: schema["properties"] for name, schema in adapter.json_schema(mode="serialization")["$defs"].items()}


def model_columns(model: type[BaseModel]) -> list[FieldColumn]:
    """Every field of `model` as a column, from its JSON Schema: a nested model's fields become
    `FIELD_SUB` columns, so each is a column of its own (`reference_publisher`)."""
    props = _properties()[model.__name__]
    found = []
    for name in [*model.model_fields, *model.model_computed_fields]:
        sub = _submodel(model.model_fields[name].annotation) if name in model.model_fields else None
        if sub is None:
            found.append(FieldColumn(RENAMED.get(name, name), name, _sql_type(props[name]), _description(props[name])))
        else:
            found += [f._replace(column=f"{name}_{f.column}", path=f"{name}.{f.path}") for f in model_columns(sub)]
    return found


def _column(kind: str, name: str, sql_type: str) -> str:
    """A kind table column's type and constraints: the id is the record's, a field linking to one
    record (kinds.Link) a foreign key."""
    if name == "id":
        return "TEXT PRIMARY KEY REFERENCES records(id)"
    described = kinds.get(kind)
    target = next((link.target for link in described.links if link.field == name and not link.many), None) if described else None
    return sql_type + (f" REFERENCES {kinds.KINDS[target].table}(id)" if target else "")


def _search_text(record: Record) -> dict[str, Any]:
    """What the full-text index holds: names (with aliases), summary, quotes and notes."""
    notes = record.get("notes") or []
    return {
        "name": "; ".join(n for n in [record.get("name") or record.get("title"), *(record.get("aliases") or [])] if n) or None,
        "quotes": "\n".join(c["quote"] for c in record.get("citations") or []) or None,
        "notes": "\n".join(n["text"] for n in notes) or None,
    }


class ExportTable(NamedTuple):
    """One table of both exports: SQLite creates it from `columns` (name, then type and constraints),
    `export --csv` writes it as NAME.csv with the same column names and values."""

    name: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]


def kind_columns(kind: str) -> list[tuple[str, str]]:
    """A kind table's columns: every field of the kind's model but the nested lists, which have tables
    of their own, and for a claim the edition `facts --json` adds."""
    types = {f.column: f.sql for f in model_columns(kinds.record_models()[kind])}
    names = [n for n in kinds.fields(kind) if n not in NESTED]
    if kind != "source":
        names += DERIVED["records"]
    return [(n, _column(kind, n, types.get(n, "TEXT"))) for n in names]


def tables(facts: FactSet) -> list[ExportTable]:
    """A table per record kind (nested citations, notes and parties left out), then those three.

    The SQLite `records` table and its full-text index are a search aid built from these, not a table of their own.
    """
    from tungsten_cli.claims import edition_of

    everything: list[Record] = list(facts.sources.values()) + facts.records
    found = []
    for kind, table in export_tables().items():
        columns = kind_columns(kind)
        rows = [r for r in everything if r["kind"] == kind]
        if kind != "source":
            rows = [{**r, "edition": (edition_of(facts, r) or {}).get("edition")} for r in rows]
        found.append(ExportTable(table, columns, [{n: r.get(n) for n, _ in columns} for r in rows]))
    return [*found, *(_nested_table(name, everything) for name in NESTED)]


# The lists a record holds, each a table of its own: its key column, what that points at, the model.
NESTED = {
    "citations": ("record_id", "records", "Citation"),
    "parties": ("deal_id", "deals", "Party"),
    "notes": ("record_id", "records", "Note"),
}
# Columns that must hold a value in every row (the rest follow the model and may be empty).
_REQUIRED = {"citations": ("source", "quote"), "parties": ("org",), "notes": ("kind", "text")}


# What the columns no model declares hold, for the Datasette metadata.
KEY_DESCRIPTIONS = {
    "record_id": "Id of the record (or source) the row belongs to",
    "deal_id": "Id of the deal the party takes part in",
    "position": "Its place in the record's list, from 0",
    "name": "The organisation's name (from its record)",
    "country": "The organisation's country, ISO 3166-1 alpha-2 code (from its record)",
    "edition": "Edition of the record's source within its series (MCS 2025); empty outside a series",
}


def nested_columns(name: str) -> list[FieldColumn]:
    """The columns of a nested table: the key, the place in the list, the model's fields, the derived ones."""
    from tungsten_cli import model

    key, _, model_name = NESTED[name]
    own = [
        FieldColumn(key, key, "TEXT", KEY_DESCRIPTIONS[key]),
        FieldColumn("position", "position", "INTEGER", KEY_DESCRIPTIONS["position"]),
    ]
    derived = [FieldColumn(n, n, "TEXT", KEY_DESCRIPTIONS[n]) for n in DERIVED.get(name, ())]
    return [*own, *model_columns(getattr(model, model_name)), *derived]


def _declared(table: str, column: str, sql: str) -> str:
    key, target, _ = NESTED[table]
    if column == key:
        return f"TEXT NOT NULL REFERENCES {target}(id)"
    if table == "citations" and column == "source":
        return "TEXT NOT NULL REFERENCES sources(id)"
    if table == "parties" and column == "org":
        return "TEXT NOT NULL REFERENCES organizations(id)"
    return sql + (" NOT NULL" if column in _REQUIRED[table] else "")


def _nested_table(name: str, everything: list[Record]) -> ExportTable:
    columns = nested_columns(name)
    key = NESTED[name][0]
    rows = [
        {key: record["id"], "position": position, **{f.column: _at(item, f.path) for f in columns[2:]}}
        for record in everything
        for position, item in enumerate(record.get(name) or [])
    ]
    return ExportTable(name, [(f.column, _declared(name, f.column, f.sql)) for f in columns], rows)


def _at(item: Record, path: str) -> Any:
    """The value at a dotted field path (`reference.publisher`), None where any step is missing."""
    value: Any = item
    for step in path.split("."):
        value = value.get(step) if isinstance(value, dict) else None
    return value


def _fill(db: sqlite3.Connection, facts: FactSet) -> dict[str, int]:
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT, summary TEXT, quotes TEXT, notes TEXT)")
    everything: list[Record] = list(facts.sources.values()) + facts.records
    _insert(db, "records", [{"id": r["id"], "kind": r["kind"], "summary": r.get("summary"), **_search_text(r)} for r in everything])
    counts: dict[str, int] = {}
    for table in tables(facts):
        db.execute(f"CREATE TABLE {table.name} ({', '.join(f'{_name(n)} {declared}' for n, declared in table.columns)})")
        for link in sorted(
            {n for n, _ in table.columns} & {link.field for kind in kinds.KINDS.values() for link in kind.links if not link.many}
        ):
            db.execute(f"CREATE INDEX {table.name}_{link} ON {table.name}({link})")
        _insert(db, table.name, table.rows)
        counts[table.name] = len(table.rows)
    _indexes_and_search(db)
    return counts


def _indexes_and_search(db: sqlite3.Connection) -> None:
    """Indexes on every foreign key, and `records_fts`: the name sqlite-utils and Datasette look for.

    Both find an FTS table by the text of its CREATE statement: `content="records"` in double quotes
    (or `[records]`); `content='records'` works in SQLite but neither tool sees it.
    """
    for table, column in [("records", "kind"), ("citations", "record_id"), ("citations", "source"), ("parties", "deal_id")]:
        db.execute(f"CREATE INDEX {table}_{column} ON {table}({column})")
    db.execute("CREATE INDEX parties_org ON parties(org)")
    db.execute("CREATE INDEX notes_record_id ON notes(record_id)")
    db.execute(
        'CREATE VIRTUAL TABLE records_fts USING fts5(name, summary, quotes, notes, content="records", content_rowid="rowid", '
        "tokenize='unicode61 remove_diacritics 2')"
    )
    db.execute("INSERT INTO records_fts(rowid, name, summary, quotes, notes) SELECT rowid, name, summary, quotes, notes FROM records")
