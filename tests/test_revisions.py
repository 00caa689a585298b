"""`revisions`, `--latest` and the newest-edition crosscheck, on the shipped editions MCS 2022-2025 (and a two-edition data release made here)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import run, run_json


def _revision(quantity: str, verdict: str | None = None) -> dict[str, Any]:
    rows = [r for r in run_json("revisions") if r["quantity"] == quantity and (verdict is None or r["verdict"] == verdict)]
    assert len(rows) == 1, rows
    return rows[0]


def _values(row: dict[str, Any]) -> list[tuple[str, Any, bool]]:
    return [(c["edition"], c["value"], c["estimated"]) for c in row["claims"]]


def test_world_2022_is_an_estimate_revised() -> None:
    row = _revision("world/mine-production/2022")
    assert _values(row) == [("MCS 2023", 84000, True), ("MCS 2024", 79800, False)]
    assert row["verdict"] == "estimate-revised"
    assert (row["change"], row["change_pct"]) == (-4200, -5.0)


def test_china_reserves_are_revised_twice() -> None:
    row = _revision("CN/tungsten-reserves")
    assert _values(row) == [("MCS 2023", 1800000, False), ("MCS 2024", 2300000, False), ("MCS 2025", 2400000, False)]
    assert row["verdict"] == "revised" and row["change"] == 600000


def test_the_2020_price_changed_series_between_mcs_2022_and_2023() -> None:
    row = _revision("Price_WO3_dt/2020", "series-changed")
    assert [(c["edition"], c["value"]) for c in row["claims"]] == [("MCS 2022", 270), ("MCS 2023", 172)]
    assert row["claims"][0]["basis"] != row["claims"][1]["basis"]
    assert row["change"] is None and row["change_pct"] is None  # never compared as one quantity
    rotterdam = _revision("rotterdam-market/price-concentrate-rotterdam/2020")
    assert rotterdam["verdict"] == "unchanged" and {c["value"] for c in rotterdam["claims"]} == {172}


def test_us_mine_production_zero_is_unchanged() -> None:
    row = _revision("US/mine-production/2021")
    assert [c["value"] for c in row["claims"]] == [0, 0, 0, 0]
    assert row["verdict"] == "unchanged"


def test_every_side_is_cited() -> None:
    row = _revision("CN/mine-production/2022")
    sources = [c["citations"][0]["source"] for c in row["claims"]]
    assert sources == ["usgs-mcs-2023-world", "usgs-mcs-2024-world"]
    assert row["claims"][0]["citations"][0]["column"] == "Prod_t_est_2022"


def test_rows_are_sorted_by_largest_relative_change() -> None:
    changes = [abs(r["change_pct"]) for r in run_json("revisions") if r["change_pct"] is not None]
    assert changes == sorted(changes, reverse=True) and changes[0] > 0


def test_filters() -> None:
    rows = run_json("revisions", "--country", "China", "--measure", "mine-production")
    assert {r["quantity"] for r in rows} == {f"CN/mine-production/{year}" for year in (2021, 2022, 2023)}
    assert [r["quantity"] for r in run_json("revisions", "--country", "CN", "--year", "2022")] == ["CN/mine-production/2022"]
    big = run_json("revisions", "--min-change", "30")
    assert big and all(abs(r["change_pct"]) >= 30 for r in big)
    assert run_json("revisions", "--country", "world", "--year", "2022", "--measure", "mine-production")[0]["subject"] == "world"


def test_unknown_measure_is_a_usage_error() -> None:
    result = run("revisions", "--measure", "mine-prod")
    assert result.exit_code == 2 and "unknown measure 'mine-prod'" in result.stderr


def test_table_marks_estimates_like_usgs() -> None:
    result = run("revisions", "--country", "world", "--year", "2022", "--measure", "mine-production")
    assert "MCS 2023: 84,000e → MCS 2024: 79,800" in result.stdout
    assert "estimate-revised" in result.stdout and "-4,200 (-5 %)" in result.stdout


@pytest.mark.parametrize(("year", "edition", "value"), [(2021, "MCS 2023", 71000), (2022, "MCS 2024", 66000)])
def test_latest_picks_the_newest_edition(year: int, edition: str, value: int) -> None:
    (row,) = run_json("production", "--country", "CN", "--year", str(year), "--latest")
    assert (row["edition"], row["value"]) == (edition, value)


def test_without_latest_every_edition_shows() -> None:
    rows = run_json("production", "--year", "2022", "--country", "CN")
    assert sorted((r["edition"], r["value"]) for r in rows) == [("MCS 2023", 71000), ("MCS 2024", 66000)]
    assert "MCS 2023" in run("production", "--year", "2022", "--country", "CN").stdout


def test_china_time_series_one_value_a_year() -> None:
    rows = run_json("production", "--country", "CN", "--latest", "--sort", "year")
    assert [r["year"] for r in rows] == [2020, 2021, 2022, 2023, 2024]
    us = [r["year"] for r in run_json("production", "--country", "US", "--latest", "--sort", "year")]
    assert us == sorted(us) and set(us) == set(range(2017, 2025))  # the salient tables reach back to 2017


def test_reserves_latest() -> None:
    (row,) = run_json("reserves", "--country", "CN", "--latest")
    assert (row["value"], row["edition"]) == (2400000, "MCS 2025")
    assert len(run_json("reserves", "--country", "CN")) == 3


def test_latest_on_facts_and_imports() -> None:
    every = run_json("facts", "--kind", "figure", "--country", "CN", "--year", "2021")
    newest = run_json("facts", "--kind", "figure", "--country", "CN", "--year", "2021", "--latest")
    assert len(every) > len(newest) and {r["edition"] for r in newest} == {"MCS 2023"}
    assert {r["edition"] for r in run_json("imports", "--latest", "--importer", "US")} == {"MCS 2025", None}  # None: the article


def test_crosscheck_pairs_the_article_with_the_newest_edition() -> None:
    rows = run_json("crosscheck")
    (world,) = [r for r in rows if r["quantity"] == "world/mine-production/2024" and r["verdict"] == "agrees"]
    assert 81000 in (world["left_value"], world["right_value"])
    assert "MCS 2025" in (world["left_edition"], world["right_edition"])
    for row in rows:  # editions of one series are never checked against each other
        assert not (row["left_edition"] and row["right_edition"]), row


def test_conflicts_leave_revisions_to_revisions() -> None:
    quantities = {r["quantity"] for r in run_json("conflicts")}
    assert "world/mine-production/2022" not in quantities and "CN/tungsten-reserves" not in quantities


def test_chart_draws_the_percent_change() -> None:
    result = run("revisions", "--country", "CN", "--chart")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "change between editions (%)"
    assert lines[1].startswith("CN/tungsten-reserves") and "33.33 %" in lines[1] and "█" in lines[1]


_EDITION = """\
- kind: source
  id: t-{year}
  title: A data release
  publisher: Tests
  published: "{year}-01"
  language: en
  file: tables/release-{year}.csv
  sha256: {sha}
  edition: T {year}
  series: t
  key_columns: [Country]
- kind: figure
  id: cn-2022-in-{year}
  summary: China mined it in 2022.
  subject: CN
  measure: mine-production
  date: "2022"
  value: {value}
  unit: t
  basis: {basis}
  citations:
  - source: t-{year}
    row: {{Country: China}}
    column: Prod_t_2022
    quote: "{value}"
"""


def test_a_quantity_change_seen_under_both_its_labels_is_one_row(tmp_path: Path) -> None:
    """China's 2022 production in W, then in WO3: a change under the quantity's label (CN/mine-production/2022)
    and under the cell's column label (China/Prod_t_2022/2022), the same pair of claims: one series-changed row."""
    (tmp_path / "pack.yaml").write_text(
        _EDITION.format(year=2023, sha="a" * 64, value=100, basis="W") + _EDITION.format(year=2024, sha="b" * 64, value=126, basis="WO3"),
        encoding="utf-8",
    )
    rows = run_json("revisions", "--facts", str(tmp_path / "pack.yaml"))
    assert [(r["verdict"], r["editions"], [c["id"] for c in r["claims"]]) for r in rows] == [
        ("series-changed", ["T 2023", "T 2024"], ["cn-2022-in-2023", "cn-2022-in-2024"])
    ]
