"""'Other countries' is what an edition does not list by name: editions listing other countries state other aggregates."""

from __future__ import annotations

from typing import Any

from conftest import run_json

from tungsten_cli.load import load_facts


def _other(quantity: str) -> list[dict[str, Any]]:
    return [r for r in run_json("revisions", "--country", "other") if r["quantity"] == quantity]


def test_other_across_different_country_lists_is_a_series_change_without_a_change() -> None:
    rows = {r["quantity"]: r for r in run_json("revisions", "--country", "other") if r["verdict"] == "series-changed"}
    assert set(rows) == {"other/mine-production/2021", "other/mine-production/2022", "other/tungsten-reserves"}
    assert all(r["change"] is None and r["change_pct"] is None for r in rows.values())
    assert rows["other/mine-production/2021"]["detail"] == "MCS 2023 has no row for KP, its 'other' includes them"
    assert rows["other/tungsten-reserves"]["editions"] == ["MCS 2023", "MCS 2024"]
    assert rows["other/tungsten-reserves"]["detail"] == "MCS 2024 lists AU, KP by name, MCS 2023's 'other' includes them"


def test_other_is_still_compared_where_the_editions_list_the_same_countries() -> None:
    (reserves,) = [r for r in _other("other/tungsten-reserves") if r["verdict"] != "series-changed"]
    assert reserves["editions"] == ["MCS 2024", "MCS 2025"] and reserves["verdict"] == "unchanged"
    (production,) = _other("other/mine-production/2023")
    assert production["editions"] == ["MCS 2024", "MCS 2025"] and production["change"] == 220


def test_every_edition_other_record_says_which_countries_it_lists() -> None:
    others = [r for r in load_facts().records if r.get("subject") == "other" and r["id"].startswith("usgs-")]
    assert len(others) == 11
    for record in others:
        assert any("does not list by name; it lists" in n["text"] for n in record["notes"]), record["id"]
