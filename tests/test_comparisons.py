"""Comparisons that show the numbers: crosscheck values, --exclude, country names, the basis column and --basis W."""

from __future__ import annotations

import pytest
from conftest import run, run_json

from tungsten_cli.countries import display_name, subject_code
from tungsten_cli.listing import Output, listing
from tungsten_cli.load import load_facts
from tungsten_cli.quantity import WO3_TO_W
from tungsten_cli.query import Query
from tungsten_cli.views import VIEWS

RELIANCE = "US/net-import-reliance/2024"


def test_crosscheck_on_a_pipe_shows_both_values_sources_and_verdict() -> None:
    result = run("crosscheck")
    assert result.exit_code == 0, result.stderr
    lines = [line.split() for line in result.stdout.splitlines() if line.startswith(RELIANCE)]
    assert lines[0][:8] == [RELIANCE, "50", "%", ">50", "%", "(e)", "bound-vs-value", "sunsirs-2025-11-21"]
    assert lines[0][8] == "usgs-mcs-2025"
    header = result.stdout.splitlines()[0].split()
    assert header[:4] == ["quantity", "left", "right", "verdict"]


def test_crosscheck_json_adds_units_and_texts_and_keeps_every_field() -> None:
    rows = run_json("crosscheck")
    row = next(r for r in rows if r["quantity"] == RELIANCE and r["left_id"] == "us-net-import-reliance-50")
    before = {
        f"{side}_{name}"
        for side in ("left", "right")
        for name in ("id", "source", "edition", "value", "comparator", "basis", "date", "quote")
    }
    assert before | {"quantity", "verdict", "detail"} <= set(row)
    assert (row["left_value"], row["right_value"], row["right_comparator"]) == (50, 50, ">")
    assert (row["left_unit"], row["right_unit"], row["left_text"], row["right_text"]) == ("pct", "pct", "50 %", ">50 % (e)")
    kz = next(r for r in rows if r["verdict"] == "not-in-reference")
    assert (kz["left_text"], kz["right_text"], kz["right_unit"]) == (">2,000,000 t WO3 (e)", None, None)


def test_crosscheck_human_table_says_not_listed_where_the_other_table_has_no_row() -> None:
    line = next(line for line in run("crosscheck").stdout.splitlines() if line.startswith("KZ/tungsten-reserves"))
    assert ">2,000,000 t WO3 (e)" in line and "not listed" in line


@pytest.mark.parametrize(("command", "field"), [("production", "subject"), ("reserves", "subject"), ("imports", "partner")])
def test_exclude_leaves_the_aggregates_out(command: str, field: str) -> None:
    every = {r[field] for r in run_json(command)}
    assert "other" in every
    kept = {r[field] for r in run_json(command, "--exclude", "world,other")}
    assert not kept & {"world", "other"} and kept == every - {"world", "other"}


def test_exclude_takes_names_and_others() -> None:
    kept = {r["subject"] for r in run_json("reserves", "--latest", "--exclude", "china, Others ,world")}
    assert "CN" not in kept and "other" not in kept and "world" not in kept and "AU" in kept


@pytest.mark.parametrize("command", ["production", "reserves", "imports"])
def test_exclude_of_an_unknown_code_is_a_usage_error_naming_it(command: str) -> None:
    result = run(command, "--exclude", "world,XX")
    assert result.exit_code == 2 and "'XX'" in result.stderr and "--exclude" in result.stderr, result.stderr
    assert result.stdout == ""


def test_exclude_naming_nothing_is_a_usage_error() -> None:
    result = run("production", "--exclude", " , ")
    assert result.exit_code == 2 and "names no code" in result.stderr


def test_country_names_beside_codes() -> None:
    out = run("production", "--year", "2024", "--source", "usgs-mcs-2025").stdout
    assert "KP North Korea" in out and "RU Russia" in out and "US United States" in out
    rows = run_json("imports", "--partner", "DE")
    assert {(r["importer_name"], r["partner_name"]) for r in rows} == {("United States", "Germany")}
    assert [display_name(code) for code in ("KP", "RU", "VN", "BO", "world")] == ["North Korea", "Russia", "Vietnam", "Bolivia", ""]
    assert [subject_code(v) for v in ("others", "World", "North Korea")] == ["other", "world", "KP"]


def test_reserves_by_country_include_the_article_figure() -> None:
    assert [r["id"] for r in run_json("reserves", "--country", "KZ")] == ["kz-tungsten-reserves"]


def test_basis_w_converts_wo3_with_the_one_factor_and_marks_it_derived() -> None:
    rows = {r["id"]: r for r in run_json("reserves", "--basis", "W")}
    kz = rows["kz-tungsten-reserves"]
    assert kz["value"] == pytest.approx(2_000_000 * WO3_TO_W) and kz["basis"] == "W" and kz["comparator"] == ">"
    assert (kz["derived"], kz["stated_value"], kz["stated_basis"], kz["factor"]) == (True, 2_000_000, "WO3", WO3_TO_W)
    cn = rows["usgs-reserves-cn"]
    assert (cn["value"], cn["derived"], cn.get("stated_value")) == (2_400_000, False, None)
    line = next(line for line in run("reserves", "--basis", "W").stdout.splitlines() if line.startswith("kz-tungsten-reserves"))
    assert ">1,586,000 t (e, derived)" in line and "W (WO3 x0.793)" in line
    assert "derived" not in run("reserves").stdout


def test_basis_other_than_w_is_a_usage_error() -> None:
    result = run("reserves", "--basis", "WO3")
    assert result.exit_code == 2 and "unknown basis 'WO3'" in result.stderr


def _basis_priority(view: str, query: Query) -> int:
    columns = listing(load_facts(), VIEWS[view], query, Output()).columns
    return next(c.priority for c in columns if c.field == "basis")


def test_basis_column_is_kept_where_bases_mix() -> None:
    assert _basis_priority("reserves", Query()) == 1  # KZ in WO3 beside USGS in W
    assert _basis_priority("reserves", Query(source="usgs-mcs-2025")) == 3
    assert _basis_priority("production", Query(year=2024)) == 3  # W, and the article's total states none
    assert _basis_priority("reserves", Query(source="sunsirs-2025-11-21", basis="W")) == 1  # a converted figure


def test_crosscheck_cite_prints_both_sides_quotes_beneath_the_row() -> None:
    lines = run("crosscheck", "--cite").stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(RELIANCE) and "us-net-import-reliance-50" in line)
    assert lines[at + 1].startswith('    > sunsirs-2025-11-21: Gemäß den "Mineral Commodity Summaries 2025"')
    assert lines[at + 2].startswith("    > usgs-mcs-2025: Net import reliance7 as a percentage of apparent")
    assert lines[at + 3].startswith(RELIANCE)
    kz = next(i for i, line in enumerate(lines) if line.startswith("KZ/tungsten-reserves"))
    assert lines[kz + 1].startswith("    > sunsirs-2025-11-21: Kasachstan selbst") and not lines[kz + 2].startswith("    >")


@pytest.mark.parametrize("view", sorted(set(VIEWS) - {"sources"}))
def test_every_listing_whose_rows_carry_quotes_takes_cite(view: str) -> None:
    args = [view, "kairakty"] if view == "search" else [view]
    result = run(*args, "--cite", "--limit", "3")
    assert result.exit_code == 0, result.stderr
    assert "\n    > " in result.stdout, f"{view} --cite prints no quote"


def test_conflicts_write_the_unit_as_crosscheck_does() -> None:
    """One rule for a value with its unit (render.text.UNIT_TEXT): "50 %", never a bare 50 beside "pct"."""
    lines = run("conflicts").stdout.splitlines()
    assert lines[0].split()[:2] == ["quantity", "value"] and "unit" not in lines[0].split()
    row = next(line.split() for line in lines if "us-net-import-reliance-50" in line)
    assert row[1:3] == ["50", "%"]
    assert "pct" not in run("conflicts").stdout
    crosscheck = {r["left_id"]: r["left_text"] for r in run_json("crosscheck")}
    assert " ".join(row[1:3]) == crosscheck["us-net-import-reliance-50"]
