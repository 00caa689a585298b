"""'Other countries' is what an edition does not list by name: editions listing other countries state other aggregates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import run, run_json

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


KZ_NOTE = (
    "tungsten: note: no USGS edition lists KZ (Kazakhstan) by name in its {measure} tables: it is counted in "
    "'other' (Other countries); tungsten revisions --country other --measure {measure}\n"
)


def test_a_country_no_edition_lists_is_said_to_be_inside_other_where_one_looks_for_it() -> None:
    result = run("production", "--country", "KZ", "--json")
    assert result.exit_code == 0 and result.stdout == "[]\n"
    assert result.stderr == KZ_NOTE.format(measure="mine-production")
    result = run("reserves", "--country", "Kazakhstan", "--json")  # the article's record stays listed
    assert result.exit_code == 0 and [r["id"] for r in json.loads(result.stdout)] == ["kz-tungsten-reserves"]
    assert result.stderr == KZ_NOTE.format(measure="tungsten-reserves")


def test_a_country_missing_from_some_editions_is_named_with_them() -> None:
    result = run("production", "--country", "KP", "--json")
    assert result.exit_code == 0
    assert result.stderr == (
        "tungsten: note: MCS 2023 lists no KP (North Korea) row in its mine-production tables: "
        "it is counted in 'other' (Other countries) there\n"
    )


@pytest.mark.parametrize("view", ["production", "reserves"])
def test_a_country_every_edition_lists_gets_no_note(view: str) -> None:
    result = run(view, "--country", "CN", "--json")
    assert result.exit_code == 0 and result.stderr == ""
