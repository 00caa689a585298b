"""Neither export drops a field: every field of every model has a column, and the SQLite file reads back
into the records `facts --json` prints, nested citations, notes and parties included."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Any, get_args, get_origin

import pytest
from conftest import exported as export_into
from conftest import run_json
from pydantic import BaseModel

from tungsten_cli import model
from tungsten_cli.export import DERIVED, RENAMED, export_tables
from tungsten_cli.load import load_facts

# The lists a record holds and the table each is exported to, with that table's key column.
NESTED = {"citations": ("record_id", model.Citation), "notes": ("record_id", model.Note), "parties": ("deal_id", model.Party)}


def _sub(annotation: Any) -> type[BaseModel] | None:
    if get_origin(annotation) is list:
        return None
    return next((t for t in (annotation, *get_args(annotation)) if isinstance(t, type) and issubclass(t, BaseModel)), None)


def expected_columns(cls: type[BaseModel]) -> dict[str, str]:
    """Column -> dotted field path, read off the model: a nested model's fields as FIELD_SUB columns."""
    found: dict[str, str] = {}
    for name in [*cls.model_fields, *cls.model_computed_fields]:
        if name in NESTED:
            continue
        sub = _sub(cls.model_fields[name].annotation) if name in cls.model_fields else None
        if sub is None:
            found[RENAMED.get(name, name)] = name
        else:
            found.update({f"{name}_{column}": f"{name}.{path}" for column, path in expected_columns(sub).items()})
    return found


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_into(tmp_path_factory.mktemp("lossless"), "--sqlite", "t.db", "--csv", "csv")


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in db.execute(f"PRAGMA table_info({table})")]


def test_every_field_of_every_model_has_a_column_in_both_exports(exported: Path) -> None:
    db = sqlite3.connect(exported / "t.db")
    wanted = {export_tables()[kind]: expected_columns(cls) for kind, cls in model.RECORD_MODELS.items()}
    wanted.update({table: expected_columns(cls) for table, (_, cls) in NESTED.items()})
    for table, columns in wanted.items():
        with (exported / "csv" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        for found in (_columns(db, table), header):
            missing = set(columns) - set(found)
            assert not missing, f"{table} lacks {sorted(missing)}"
    assert {"year_header", "line", "row_keys", "column_name", "start_offset"} <= set(_columns(db, "citations"))
    assert {"errors", "reference_publisher", "reference_url"} <= set(_columns(db, "notes"))


def _decoded(value: Any, prop: dict[str, Any]) -> Any:
    """A cell as `facts --json` has it: JSON text parsed, 0/1 as booleans, whole numbers as ints."""
    types = {prop.get("type"), *(option.get("type") for option in prop.get("anyOf", []))}
    if value is None:
        return None
    if types & {"array", "object"}:
        return json.loads(value)
    if "boolean" in types:
        return bool(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _rows(db: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    cursor = db.execute(f"SELECT * FROM {table}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _nested(db: sqlite3.Connection, table: str) -> dict[str, list[dict[str, Any]]]:
    """Each record's list, in order, as the loader gives it: empty keys left out, flattened fields nested again."""
    key, cls = NESTED[table]
    columns = expected_columns(cls)
    props = {column: _prop(cls, path) for column, path in columns.items()}
    found: dict[str, list[dict[str, Any]]] = {}
    for row in sorted(_rows(db, table), key=lambda r: (r[key], r["position"])):
        item: dict[str, Any] = {}
        for column, path in columns.items():
            value = _decoded(row.pop(column), props[column])
            if value is not None:
                head, _, tail = path.partition(".")
                if tail:
                    item.setdefault(head, {})[tail] = value
                else:
                    item[head] = value
        item.update({name: row.pop(name) for name in DERIVED.get(table, ())})  # the loader sets these, None or not
        found.setdefault(row.pop(key), []).append(item)
        del row["position"]
        assert not row, f"{table} has columns no field reads: {sorted(row)}"
    return found


def _prop(cls: type[BaseModel], path: str) -> dict[str, Any]:
    head, _, tail = path.partition(".")
    if tail:
        sub = _sub(cls.model_fields[head].annotation)
        assert sub is not None
        return _prop(sub, tail)
    props: dict[str, Any] = cls.model_json_schema(mode="serialization")["properties"]
    return props[head]


def read_back(path: Path) -> dict[str, dict[str, Any]]:
    """Every record of the database by id, rebuilt from the kind tables and the nested ones."""
    db = sqlite3.connect(path)
    nested = {table: _nested(db, table) for table in NESTED}
    records: dict[str, dict[str, Any]] = {}
    for kind, table in export_tables().items():
        props = model.RECORD_MODELS[kind].model_json_schema(mode="serialization")["properties"]
        for row in _rows(db, table):
            record = {name: _decoded(value, props.get(name, {})) for name, value in row.items()}
            for name in NESTED:
                if name in model.RECORD_MODELS[kind].model_fields:
                    record[name] = nested[name].get(row["id"], [])
            records[row["id"]] = record
    return records


def test_the_database_reads_back_into_the_records_facts_json_prints(exported: Path) -> None:
    back = read_back(exported / "t.db")
    printed = run_json("facts")
    assert len(printed) > 500
    for record in printed:
        assert back.pop(record["id"]) == record, record["id"]
    sources = load_facts(None).sources
    assert back == sources, "the rest are the sources, whole"
