"""One edition states one quantity once: no (subject, measure, year, basis, edition) is listed twice.

An edition is a source's `edition` when it belongs to a series (the CSV tables of one USGS data release
are separate sources but one edition), otherwise the source itself.
"""

from __future__ import annotations

from conftest import run_json

from tungsten_cli.claims import edition_of
from tungsten_cli.load import FactSet, load_facts
from tungsten_cli.records import Record

# The source itself gives several values for one quantity, and each record says so in this note.
SEVERAL_IN_SOURCE = "inconsistent-in-source"


def _edition(facts: FactSet, record: Record) -> str:
    source = edition_of(facts, record)
    return str(source["edition"]) if source is not None else record["citations"][0]["source"]


def _quantity(facts: FactSet, record: Record) -> tuple[str, ...] | None:
    """What a figure or an import share counts, in which basis, and the edition it states it in."""
    if record["kind"] == "figure":
        return (record["subject"], record["measure"], record.get("date") or "", record.get("basis") or "", _edition(facts, record))
    if record["kind"] == "import_share":
        return (record["importer"], record["partner"], record["date"], record.get("forms") or "", _edition(facts, record))
    return None


def test_no_quantity_is_stated_twice_by_one_edition() -> None:
    facts = load_facts(use_cache=False)
    groups: dict[tuple[str, ...], list[Record]] = {}
    for record in facts.records:
        key = _quantity(facts, record)
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


def test_production_lists_the_us_once_per_edition_and_year() -> None:
    # Each data-release edition (MCS 2022-2024) states the US mine production in its world and its salient CSV.
    for year, editions in {"2021": ["MCS 2022", "MCS 2023", "MCS 2024", "MCS 2025"], "2023": ["MCS 2024", "MCS 2025"]}.items():
        rows = [r for r in run_json("production", "--year", year, "--country", "US") if r["subject"] == "US"]
        assert sorted(r["edition"] for r in rows) == editions, year
    merged = next(r for r in run_json("production", "--year", "2023", "--country", "US") if r["edition"] == "MCS 2024")
    assert {c["source"] for c in merged["citations"]} >= {"usgs-mcs-2024-world", "usgs-mcs-2024-salient"}
