"""Restating tonnages in one basis for `--basis W`: WO3 tonnes converted to W content, marked derived."""

from __future__ import annotations

from tungsten_cli.quantity import WO3_TO_W, Quantity
from tungsten_cli.records import Record

BASES = ("W",)  # what `--basis` can restate figures in


def restated(record: Record) -> Record:
    """A figure in W content: WO3 tonnes converted and marked `derived`, with what the source stated."""
    stated = Quantity.of(record, "value")
    converted = stated.in_w()
    if record.get("kind", "figure") != "figure" or converted is stated:
        return {**record, "derived": False}
    return {
        **record,
        "value": converted.value,
        "value_max": converted.max,
        "basis": "W",
        "derived": True,
        "stated_value": record["value"],
        "stated_value_max": record.get("value_max"),
        "stated_basis": record["basis"],
        "factor": WO3_TO_W,
    }
