"""`tungsten corrections`: its rows (one per contradicted curator note of the records the Query
selects) and the texts of its change and reference columns; views.py declares the view from these."""

from __future__ import annotations

from tungsten_cli.query import Query, select
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import value_text
from tungsten_cli.render.text import field_text

_REFERENCE_FIELDS = ("publisher", "title", "date", "url")


def correction_rows(facts: FactSet, query: Query) -> list[Record]:
    """`tungsten corrections`: one row per `contradicted` note of the records the filters select."""
    return [
        _correction(record, note)
        for record in select(facts, query, noted="contradicted")
        for note in record["notes"]
        if note["kind"] == "contradicted"
    ]


def _correction(record: Record, note: Record) -> Record:
    """The record's own value (as a table shows it, its quotes), what the note corrects (each
    correction's field, what the source stated, what holds) and says, and the outside reference it relies on."""
    reference = note.get("reference") or {}
    value = value_text(record) or None
    return {
        "id": record["id"],
        "kind": record["kind"],
        "name": record.get("name") or record["summary"],
        "date": record.get("date"),
        "record_value": value,
        "stated": value,  # record_value's first name, kept: schema 1 only adds keys (docs/data-contract.md)
        "unit": record.get("unit"),
        "errors": note["errors"],
        # Every correction names `stated`, null where the source states nothing (the record's JSON omits empty keys).
        "corrections": [
            {"field": c["field"], "stated": c.get("stated"), "corrected": c["corrected"]} for c in note.get("corrections") or ()
        ],
        "correction": note["text"],
        **{f"reference_{name}": reference.get(name) for name in _REFERENCE_FIELDS},
        "citations": record["citations"],
    }


def changes_text(row: Record) -> str:
    """Each structured correction as "stated → corrected", in the field's unit ("US$ 255 m → US$ 25.5 m",
    "3,410 °C → 3,422 °C"): the error column beside it says what kind of value, so the cell stays short
    enough to stand whole at 80 columns. A value the source does not state reads "(not stated)"."""
    return "; ".join(f"{_as_read(row, c['field'], c['stated'])} → {_as_read(row, c['field'], c['corrected'])}" for c in row["corrections"])


# A corrected bound says in words what its sign means: "> (more than)".
_BOUNDS = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}


def _as_read(row: Record, field: str, value: str | float | None) -> str:
    """One side of a correction as the record's field reads in a table: with the field's unit (a
    figure's `value` in the record's own `unit`), a bound with its meaning."""
    if value is None:
        return "(not stated)"
    text = field_text({"unit": row.get("unit"), field: value}, field)
    return f"{text} ({_BOUNDS[value]})" if field == "comparator" and value in _BOUNDS else text


def reference_text(row: Record) -> str:
    """The outside reference at a glance: "Fox News: Howard Lutnick sworn in … (2025-02-21)"."""
    date = f" ({row['reference_date']})" if row.get("reference_date") else ""
    return f"{row['reference_publisher']}: {row['reference_title']}{date}"
