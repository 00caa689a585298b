"""The Quantity type, and the four comparison bugs it fixes where crosscheck, world shares and revisions meet it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import run

from tungsten_cli.claims import world_shares
from tungsten_cli.crosscheck import crosscheck
from tungsten_cli.quantity import Change, Quantity
from tungsten_cli.records import FactSet, Record


def _figure(rid: str, source: str, **fields: Any) -> Record:
    record: Record = {"kind": "figure", "id": rid, "subject": "CN", "measure": "mine-production", "date": "2023", "unit": "t", "basis": "W"}
    record.update(fields)
    record["citations"] = [{"source": source, "quote": rid}]
    return record


def _facts(*records: Record) -> FactSet:
    sources = {s: {"kind": "source", "id": s, "published": "2025"} for s in {r["citations"][0]["source"] for r in records}}
    return FactSet(list(records), sources, {r["id"]: {"file": "x.yaml", "line": 1} for r in records}, ["x.yaml"])


@pytest.mark.parametrize(
    ("quantity", "text"),
    [
        (Quantity(1_000_000, approximate=True, unit="t", basis="WO3"), "~1,000,000 t WO3"),
        (Quantity(50, comparator=">", unit="pct"), ">50 %"),
        (Quantity(900, estimated=True, unit="t", basis="W"), "900 t W (e)"),
        (Quantity(None, unavailable="withheld", unit="t"), "W"),
        (Quantity(None, unavailable="not-available", unit="t"), "NA"),
        (Quantity(3, max=4, unit="decades"), "3 decades – 4 decades"),
    ],
)
def test_format_as_tables_show_it(quantity: Quantity, text: str) -> None:
    assert quantity.format(with_basis=True) == text


def test_wo3_and_w_convert_both_ways() -> None:
    wo3 = Quantity(1_000_000, unit="t", basis="WO3")
    assert wo3.in_w() == Quantity(793_000, unit="t", basis="W", derived=True)
    assert Quantity(793, unit="t", basis="W").in_wo3().value == 1000
    assert Quantity(50, unit="pct", basis="WO3").in_w().value == 50  # only tonnages convert


def test_read_from_a_record() -> None:
    q = Quantity.of(
        {"kind": "figure", "value": 63000, "unit": "t", "basis": "contained tungsten", "estimated": True, "approximate": ["value"]}
    )
    assert (q.value, q.basis, q.estimated, q.approximate) == (63000, "W", True, True)
    share = Quantity.of({"kind": "import_share", "share_pct": 27, "forms": "ores"})
    assert (share.value, share.unit) == (27, "pct")


# Bug 1: NA against W gave `agrees: same statement`.


def test_na_against_w_is_not_the_same_statement() -> None:
    assert Quantity(None, unavailable="not-available").compare(Quantity(None, unavailable="withheld")).verdict == "not-comparable"
    assert Quantity(None, unavailable="withheld").compare(Quantity(None, unavailable="withheld")).verdict == "equal"
    rows = crosscheck(_facts(_figure("a", "alpha", unavailable="not-available"), _figure("b", "beta", unavailable="withheld")))
    assert [(r["verdict"], r["detail"]) for r in rows] == [
        ("not-comparable", "NA (not-available) vs W (withheld): neither states a value, for different reasons")
    ]


# Bug 2: W against >1,000 gave "n/a falls outside the bound".


def test_withheld_against_a_bound_is_not_comparable() -> None:
    rows = crosscheck(_facts(_figure("a", "alpha", unavailable="withheld"), _figure("b", "beta", value=1000, comparator=">")))
    assert [(r["verdict"], r["detail"]) for r in rows] == [("not-comparable", "W (withheld) states no value to compare with >1,000")]
    assert "n/a" not in rows[0]["detail"]


def test_a_value_against_a_bound_still_says_within_or_outside() -> None:
    rows = crosscheck(_facts(_figure("a", "alpha", value=1500), _figure("b", "beta", value=1000, comparator=">")))
    assert [(r["verdict"], r["detail"]) for r in rows] == [("bound-vs-value", "1,500 is within the bound >1,000")]


# Bug 3: a world share ignored the record's own comparator.


def test_a_share_carries_the_records_own_bound() -> None:
    total = _figure("world", "alpha", subject="world", value=10000)
    part = _figure("cn", "alpha", value=1000, comparator=">")
    (share,) = world_shares(_facts(total, part), [part])
    assert (share["share_of_world_pct"], share["share_comparator"]) == (10.0, ">")


def test_a_share_of_a_lower_bound_total_is_an_upper_bound_and_mixed_bounds_give_none() -> None:
    assert Quantity(1000).share_of(Quantity(10000, comparator=">")) == Quantity(10.0, comparator="<", unit="pct", derived=True)
    assert Quantity(1000, comparator=">").share_of(Quantity(10000, comparator=">")) is None


# Bug 4: revisions treated a change from 0 as no change.


def test_a_change_from_zero_is_a_change_and_the_largest() -> None:
    change = Quantity(0).change_to(Quantity(500))
    assert change == Change(500, None, None, from_zero=True)
    assert change.at_least(10) and not Quantity(0).change_to(Quantity(0)).from_zero
    assert sorted([Quantity(100).change_to(Quantity(120)), change], key=Change.sort_key)[0] is change


def _edition_pack(tmp_path: Path) -> Path:
    """Two editions of one series: CN goes 0 -> 500, AU 100 -> 120 (+20 %)."""
    sources = "".join(
        f"- kind: source\n  id: ed-{year}\n  title: Edition {year}\n  publisher: P\n  language: en\n  edition: E {year}\n"
        f"  series: s\n  published: '{year}-01'\n  file: ed-{year}.txt\n  sha256: '{'0' * 64}'\n"
        for year in (2024, 2025)
    )
    records = "".join(
        f"- kind: figure\n  id: {country.lower()}-{year}\n  summary: x.\n  subject: {country}\n  measure: mine-production\n"
        f"  date: '2023'\n  value: {value}\n  unit: t\n  basis: W\n  citations:\n    - source: ed-{year}\n      quote: q\n"
        for country, values in (("CN", (0, 500)), ("AU", (100, 120)))
        for year, value in zip((2024, 2025), values)
    )
    (tmp_path / "sources.yaml").write_text(sources, encoding="utf-8")
    (tmp_path / "records.yaml").write_text(records, encoding="utf-8")
    return tmp_path


def test_revisions_keep_a_change_from_zero_and_sort_it_first(tmp_path: Path) -> None:
    pack = _edition_pack(tmp_path)
    result = run("revisions", "--facts", str(pack), "--min-change", "10", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["subject"] for r in rows] == ["CN", "AU"], rows
    assert rows[0]["change"] == 500 and rows[0]["change_from_zero"] is True and rows[1]["change_pct"] == 20
