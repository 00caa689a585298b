"""One source states one quantity once: no (country, year, measure, basis, source) is listed twice."""

from __future__ import annotations

from conftest import run_json

from tungsten_cli.load import load_facts
from tungsten_cli.records import Record

# The source itself gives several values for one quantity, and each record says so in this note.
SEVERAL_IN_SOURCE = "inconsistent-in-source"


def _quantity(record: Record) -> tuple[str, ...] | None:
    """What a figure or an import share counts, in which basis, and the source it states it from."""
    source = record["citations"][0]["source"]
    if record["kind"] == "figure":
        return (record["subject"], record["measure"], record.get("date") or "", record.get("basis") or "", source)
    if record["kind"] == "import_share":
        return (record["importer"], record["partner"], record["date"], record.get("forms") or "", source)
    return None


def test_no_quantity_is_stated_twice_by_one_source() -> None:
    groups: dict[tuple[str, ...], list[Record]] = {}
    for record in load_facts(use_cache=False).records:
        key = _quantity(record)
        if key is not None:
            groups.setdefault(key, []).append(record)
    twice = {
        key: [r["id"] for r in members]
        for key, members in groups.items()
        if len(members) > 1 and not all(any(n["kind"] == SEVERAL_IN_SOURCE for n in r.get("notes") or []) for r in members)
    }
    assert twice == {}


def test_production_lists_the_us_once_a_year() -> None:
    rows = run_json("production", "--year", "2024", "--source", "usgs-mcs-2025")
    assert [r["id"] for r in rows if r["subject"] == "US"] == ["usgs-mine-production-us-2024"]
    us = rows[[r["subject"] for r in rows].index("US")]
    assert [c["quote"].split()[0] for c in us["citations"]] == ["United", "Mine", "Mine", "Salient"]
