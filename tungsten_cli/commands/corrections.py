"""`tungsten corrections`: its rows (one per contradicted curator note of the records the Query
selects) and the texts of its change and reference columns; views.py declares the view from these."""

from __future__ import annotations

from tungsten_cli.quantity import number
from tungsten_cli.query import Query, select
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import value_text

_REFERENCE_FIELDS = ("publisher", "title", "date", "url")


def correction_rows(facts: FactSet, query: Query) -> list[Record]:
    """`tungsten corrections`: one row per `contradicted` note of the records the filters select."""
    return [_correction(record, note) for record in select(facts, query) for note in record["notes"] if note["kind"] == "contradicted"]


def _correction(record: Record, note: Record) -> Record:
    """What the source states (its value as a table shows it, its quotes), what the note corrects
    and says, and the outside reference it relies on."""
    reference = note.get("reference") or {}
    return {
        "id": record["id"],
        "kind": record["kind"],
        "name": record.get("name") or record["summary"],
        "date": record.get("date"),
        "stated": value_text(record) or None,
        "errors": note["errors"],
        "corrections": note.get("corrections") or [],
        "correction": note["text"],
        **{f"reference_{name}": reference.get(name) for name in _REFERENCE_FIELDS},
        "citations": record["citations"],
    }


def changes_text(row: Record) -> str:
    """Each structured correction as "stated → corrected" ("255,000,000 → 25,500,000"): the error column
    beside it says what kind of value, so the cell stays short enough to stand whole at 80 columns."""
    return "; ".join(f"{_as_read(c['stated'])} → {_as_read(c['corrected'])}" for c in row["corrections"])


def _as_read(value: str | float) -> str:
    return value if isinstance(value, str) else number(value)


def reference_text(row: Record) -> str:
    """The outside reference at a glance: "Fox News: Howard Lutnick sworn in … (2025-02-21)"."""
    date = f" ({row['reference_date']})" if row.get("reference_date") else ""
    return f"{row['reference_publisher']}: {row['reference_title']}{date}"
