"""A change between editions to or from a bound is a bound itself; between two bounds it is unknown."""

from __future__ import annotations

from typing import Any

from conftest import run, run_json


def _row(*args: str) -> dict[str, Any]:
    (row,) = run_json("revisions", *args)
    return row


def test_a_change_to_a_lower_bound_is_a_lower_bound_in_json_and_table() -> None:
    row = _row("--country", "world", "--measure", "tungsten-reserves")
    assert [c["comparator"] for c in row["claims"]] == [None, None, ">"]
    assert (row["change"], row["change_pct"], row["change_comparator"]) == (800000, 21.05, ">")
    table = run("revisions", "--country", "world", "--measure", "tungsten-reserves").stdout
    assert "> +800,000 (> +21.05 %)" in table


def test_a_change_between_two_lower_bounds_is_left_empty() -> None:
    row = _row("--country", "US", "--measure", "net-import-reliance", "--year", "2021")
    assert {(c["comparator"], c["value"]) for c in row["claims"]} == {(">", 50)}
    assert (row["change"], row["change_pct"], row["change_comparator"]) == (None, None, None)
    assert row["verdict"] == "unchanged"  # what the editions state did not change; by how much is unknown


def test_a_change_between_exact_values_has_no_comparator() -> None:
    row = _row("--country", "world", "--measure", "mine-production", "--year", "2022")
    assert (row["change"], row["change_comparator"]) == (-4200, None)


def test_a_change_from_a_lower_bound_is_an_upper_bound() -> None:
    from tungsten_cli.claims import _change
    from tungsten_cli.quantity import Change

    def side(value: float, comparator: str | None) -> dict[str, Any]:
        return {"value": value, "comparator": comparator}

    assert _change([side(50, ">"), side(60, None)]) == Change(10, 20.0, "<")
    assert _change([side(50, ">="), side(60, None)]) == Change(10, 20.0, "<=")
    assert _change([side(50, "<"), side(60, ">")]) == Change(10, 20.0, ">")
