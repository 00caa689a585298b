"""Undated claims in `conflicts`: compared with the latest dated claims of their subject and measure, never given a date."""

from __future__ import annotations

from typing import Any

from conftest import run_json

from tungsten_cli.claims import conflicts
from tungsten_cli.load import load_facts


def _figure(record_id: str, value: float, date: str | None = None, basis: str | None = None) -> dict[str, Any]:
    record = {
        "id": record_id,
        "kind": "figure",
        "subject": "US",
        "measure": "m",
        "value": value,
        "unit": "pct",
        "date": date,
        "basis": basis,
    }
    return {**record, "citations": [{"source": "s", "quote": "q"}]}


def _quantities(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(row["quantity"], row["id"]) for row in conflicts(load_facts()._replace(records=records, lookups=None))]


def test_the_article_gives_80_and_83_percent_no_year() -> None:
    rows = [r for r in run_json("conflicts") if r["quantity"] == "US/net-import-reliance/2024"]
    assert {r["id"]: r["date"] for r in rows} == {
        "us-net-import-reliance-50": "2024",
        "us-net-import-reliance-80": None,
        "us-net-import-reliance-83": None,
    }


def test_an_undated_claim_is_compared_with_the_latest_dated_claims() -> None:
    rows = _quantities([_figure("a", 1, "2023"), _figure("b", 2, "2024"), _figure("u", 3), _figure("w", 1, "2024", basis="W")])
    assert rows == [("US/m/2024", "b"), ("US/m/2024", "u")]


def test_undated_claims_alone_are_one_quantity() -> None:
    assert _quantities([_figure("u", 3), _figure("v", 4)]) == [("US/m", "u"), ("US/m", "v")]
