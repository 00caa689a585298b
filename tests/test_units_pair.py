"""Unit tests of query, validate, render, crosscheck and export on tests/data/pair, not the shipped facts.

The pair pack has intervals (2020/2023, 2025-03/2025), records with and without a value, a whole
float (`value: 40.0`), links of each kind and one quantity stated by two sources in two bases.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, replace_once, run

from tungsten_cli.load import load_facts
from tungsten_cli.query import covers_year

PAIR = str(DATA / "pair")


def ids(*args: str) -> list[str]:
    result = run(*args, "--facts", PAIR, "--json")
    assert result.exit_code == 0, result.stderr
    return [row["id"] for row in json.loads(result.stdout)]


@pytest.mark.parametrize(("year", "covered"), [(2019, False), (2020, True), (2022, True), (2023, True), (2024, False)])
def test_an_interval_covers_every_year_to_its_end(year: int, covered: bool) -> None:
    assert covers_year({"date": "2020/2023"}, year) is covered
    assert ("nordberg-jv" in ids("deals", "--year", str(year))) is covered


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (["--from", "2023"], True),  # the joint venture runs to 2023: it overlaps
        (["--from", "2023-12-31"], True),
        (["--from", "2024"], False),
        (["--to", "2020"], True),
        (["--to", "2019-12"], False),
        (["--from", "2021", "--to", "2022"], True),
    ],
)
def test_timeline_windows_compare_a_records_end_with_from_and_its_start_with_to(window: list[str], expected: bool) -> None:
    assert ("nordberg-jv" in ids("timeline", *window)) is expected


def test_a_month_interval_is_in_a_window_that_starts_before_its_end() -> None:
    assert "quota-cut" in ids("timeline", "--from", "2025-12")
    assert "quota-cut" not in ids("timeline", "--to", "2025-02")


@pytest.mark.parametrize("spec", ["reserves_wo3_t", "-reserves_wo3_t", "value", "-value"])
def test_missing_values_sort_last_in_either_direction(spec: str) -> None:
    field = spec.lstrip("-")
    result = run("facts", "--facts", PAIR, "--json", "--sort", spec)
    rows = json.loads(result.stdout)
    present = [row.get(field) is not None for row in rows]
    assert present == sorted(present, reverse=True), [(r["id"], r.get(field)) for r in rows]
    assert any(present) and not all(present)


def test_numbers_sort_as_numbers() -> None:
    rows = json.loads(run("facts", "--facts", PAIR, "--json", "--kind", "figure", "--sort", "-value").stdout)
    assert [r["value"] for r in rows] == [2500000, 1982500, 40, 0]


def test_whole_floats_are_integers_in_every_data_format() -> None:
    fields = ["--kind", "figure", "--fields", "id,value", "--sort", "value"]
    assert '"value": 40}' in run("facts", "--facts", PAIR, "--format", "jsonl", *fields).stdout
    assert "nordberg-production-2025,40\n" in run("facts", "--facts", PAIR, "--format", "csv", *fields).stdout
    assert "value: 40\n" in run("facts", "--facts", PAIR, "--format", "yaml", *fields).stdout
    assert "40.0" not in run("facts", "--facts", PAIR, "--json").stdout


def _with(tmp_path: Path, old: str, new: str) -> str:
    folder = tmp_path / "pair"
    shutil.copytree(PAIR, folder)
    replace_once(folder / "records.yaml", old, new)
    return str(folder)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("  deposit: nordberg\n  parties:", "  deposit: gamma\n  parties:", "nordberg-jv: deposit: no deposit with id 'gamma'"),
        ("    - org: gamma\n", "    - org: nordberg\n", "nordberg-jv: parties.0.org: no organization with id 'nordberg'"),
        (
            "  deposit: nordberg\n  citations:\n    - source: alpha",
            "  deposit: ghost\n  citations:\n    - source: alpha",
            "deposit: no deposit with id 'ghost'",
        ),
    ],
)
def test_a_link_must_point_at_a_record_of_its_kind(tmp_path: Path, old: str, new: str, problem: str) -> None:
    result = run("validate", _with(tmp_path, old, new))
    assert result.exit_code == 1
    assert problem in result.stderr, result.stderr


def test_crosscheck_converts_bases_and_gives_a_verdict(tmp_path: Path) -> None:
    (row,) = json.loads(run("crosscheck", "--facts", PAIR, "--json").stdout)
    assert (row["verdict"], row["left_id"], row["right_id"]) == ("agrees", "alpha-nordberg-reserves", "beta-nordberg-reserves")
    assert row["detail"] == "both 1,982,500 (converted to W at 0.793, derived)"
    changed = _with(tmp_path, "value: 1982500", "value: 2100000")
    (row,) = json.loads(run("crosscheck", "--facts", changed, "--json").stdout)
    assert row["verdict"] == "differs" and row["detail"] == "1,982,500 vs 2,100,000 (converted to W at 0.793, derived)"


def test_conflicts_list_one_quantity_stated_twice_in_one_basis(tmp_path: Path) -> None:
    assert json.loads(run("conflicts", "--facts", PAIR, "--json").stdout) == []
    changed = _with(tmp_path, "  basis: W\n", "  basis: WO3\n")
    rows = json.loads(run("conflicts", "--facts", changed, "--json").stdout)
    assert {(r["id"], r["value"]) for r in rows} == {("alpha-nordberg-reserves", 2500000), ("beta-nordberg-reserves", 1982500)}


def test_export_keeps_every_citation_of_a_record_citing_two_sources(tmp_path: Path) -> None:
    target = tmp_path / "pair.db"
    assert run("export", "--sqlite", str(target), "--facts", PAIR).exit_code == 0
    db = sqlite3.connect(target)
    rows = db.execute(
        "select position, source, quote, prefix, start_offset from citations where record_id = ? order by position",
        ("nordberg-production-2025",),
    )
    assert [r[:2] for r in rows] == [(0, "alpha"), (1, "beta")]
    anchored = db.execute(
        "select prefix, suffix, start_offset, end_offset from citations where record_id in ('nordberg', 'suedberg', 'alpha-nordberg-reserves') order by record_id"
    )
    assert anchored.fetchall() == [(None, ". Die Mine Suedberg", None, None), ("Nordberg hat ", None, None, None), (None, None, 116, 153)]
    assert db.execute("select org, stake_pct from parties where deal_id = 'nordberg-jv' order by stake_pct").fetchall() == [
        ("delta", 40),
        ("gamma", 60),
    ]
    assert db.execute("select value from figures where id = 'nordberg-production-2025'").fetchone() == (40,)
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_origins_point_at_each_records_line() -> None:
    facts = load_facts([PAIR])
    origins: dict[str, Any] = facts.origins
    text = (DATA / "pair" / "records.yaml").read_text(encoding="utf-8").splitlines()
    for record_id in ("gamma", "nordberg-jv", "quota-cut"):
        origin = origins[record_id]
        assert origin["file"].endswith("records.yaml")
        assert text[origin["line"] - 1].startswith("- kind:")
        assert text[origin["line"]].strip() == f"id: {record_id}"
