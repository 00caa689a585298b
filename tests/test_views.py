"""Views declare their rows, extra fields and source filter; one path serves records and comparison rows."""

from __future__ import annotations

import pytest
from conftest import run, run_json

from tungsten_cli.listing import field_names, kinds_to_load
from tungsten_cli.load import load_facts
from tungsten_cli.query import Query
from tungsten_cli.views import VIEWS
from tungsten_cli.vocabulary import VOCAB

SOURCE = "usgs-mcs-2025"
# The listing views that take --source, with their extra arguments.
WITH_SOURCE = {
    "deposits": [],
    "imports": [],
    "quotas": [],
    "deals": [],
    "facts": [],
    "orgs": [],
    "production": [],
    "reserves": [],
    "crosscheck": [],
    "timeline": [],
    "search": ["tungsten"],
    "conflicts": [],
}


def _cites(row: dict[str, object], source: str) -> bool:
    citations = row.get("citations") or []
    assert isinstance(citations, list)
    return any(c["source"] == source for c in citations) or source in (row.get("source"), row.get("left_source"), row.get("right_source"))


@pytest.mark.parametrize("name", sorted(WITH_SOURCE))
def test_source_keeps_exactly_the_rows_citing_it(name: str) -> None:
    everything = run_json(name, *WITH_SOURCE[name])
    kept = run_json(name, *WITH_SOURCE[name], "--source", SOURCE)
    assert kept == [row for row in everything if _cites(row, SOURCE)]


def test_source_filter_changes_something_somewhere() -> None:
    """Guards the test above against a filter that keeps everything (or nothing) everywhere."""
    changed = [n for n in WITH_SOURCE if 0 < len(run_json(n, *WITH_SOURCE[n], "--source", SOURCE)) < len(run_json(n, *WITH_SOURCE[n]))]
    assert {"timeline", "facts", "search"} <= set(changed)


@pytest.mark.parametrize(("view", "field"), [("orgs", "appears_in"), ("production", "share_of_world_pct"), ("search", "score")])
def test_declared_extra_fields_complete_and_select(view: str, field: str) -> None:
    assert field in field_names(load_facts(), view)
    args = ["tungsten"] if view == "search" else []
    rows = run_json(view, *args, "--fields", f"id,{field}")
    assert rows and all(list(row) == ["id", field] for row in rows)
    assert any(row[field] not in (None, []) for row in rows), "the view's rows hook did not fill the field"


def test_record_views_accept_every_schema_field_of_their_kinds() -> None:
    facts = load_facts()
    for name, view in VIEWS.items():
        if view.records:
            kinds = view.kinds or VOCAB["kind"]
            assert set(VOCAB["fields"][kinds[0]]) <= set(field_names(facts, name)), name


def test_comparison_views_reject_record_fields() -> None:
    result = run("crosscheck", "--fields", "reserves_wo3_t")
    assert result.exit_code == 2 and "unknown field 'reserves_wo3_t'" in result.stderr


def test_a_listing_reads_only_the_kinds_it_shows() -> None:
    """What the cache decodes for a listing: `facts --kind K` only K (the kind --kind picks in a view of
    every kind), a one-kind view its kind, a one-country listing nothing up front (the index finds
    its records), `--measure` the figures; `facts` alone every kind (None)."""
    assert kinds_to_load(VIEWS["facts"], Query(subkind="figure")) == ("figure",)
    assert kinds_to_load(VIEWS["deposits"], Query()) == ("deposit",)
    assert kinds_to_load(VIEWS["deals"], Query(country="KZ")) == ()
    assert kinds_to_load(VIEWS["facts"], Query(measure="mine-production")) == ("figure",)
    assert kinds_to_load(VIEWS["facts"], Query()) is None


@pytest.mark.parametrize("cached", [True, False])
def test_sources_count_the_records_citing_each_once(cached: bool) -> None:
    """`sources` counts come from the index table `cited` with a cache: counted here from the records themselves."""
    records = run_json("facts")
    expected = {
        source["id"]: sum(any(c["source"] == source["id"] for c in r["citations"]) for r in records) for source in run_json("sources")
    }
    counts = {source["id"]: source["records"] for source in run_json(*([] if cached else ["--no-cache"]), "sources")}
    assert counts == expected and max(counts.values()) > 100
