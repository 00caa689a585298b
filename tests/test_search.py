"""`tungsten search`: every word must occur in a hit, notes are searched, and rank follows where words match."""

from __future__ import annotations

from typing import Any

from conftest import run, run_json

from tungsten_cli.load import load_facts
from tungsten_cli.search import _search_fields, fold, own_text, search, search_text


def _fields(record: dict[str, Any]) -> dict[str, list[str]]:
    facts = load_facts()
    return {k: [fold(v) for v in vs if v] for k, vs in _search_fields(record, facts.by_id().get).items()}


def test_notes_are_searched_so_the_corrected_names_are_found() -> None:
    ids = {r["id"] for r in run_json("search", "Lutnick")}
    assert {"cove-kaz-samruk-kazyna-jv-proposal-2025-09", "us-department-of-commerce", "wabtec-kazakhstan-railway-locomotives-2025"} <= ids


def test_every_hit_contains_every_word() -> None:
    for text in ("Trump", "Tau-Ken joint venture", "USGS reserves"):
        hits = run_json("search", text)
        assert hits, text
        for hit in hits:
            found = _fields(hit)
            for word in fold(text).split():
                assert any(word in value for values in found.values() for value in values), (text, hit["id"])


def test_trump_finds_no_stockpile_records() -> None:
    assert not [r["id"] for r in run_json("search", "Trump") if "stockpile" in r["id"]]


def test_rank_follows_the_field_that_matches() -> None:
    facts = load_facts()
    name = {"id": "a", "kind": "event", "name": "Zebra", "summary": "x", "citations": [{"source": "s", "quote": "q"}]}
    summary = {**name, "id": "b", "name": "", "summary": "zebra crossing"}
    quote = {**summary, "id": "c", "summary": "x", "citations": [{"source": "s", "quote": "a zebra"}]}
    note = {**quote, "id": "d", "citations": [{"source": "s", "quote": "q"}], "notes": [{"kind": "context", "text": "Zebra."}]}
    none = {**note, "id": "e", "notes": []}
    ranked = search(facts._replace(records=[none, note, quote, summary, name], lookups=None), "zebra")
    assert [r["id"] for r in ranked] == ["a", "b", "c", "d"]


def test_ranking_is_explained_in_help() -> None:
    out = run("search", "--help").stdout
    assert "Every word of TEXT must occur" in out and "then its curator" in out


def test_a_search_text_made_from_its_own_parts_is_the_whole_text_folded() -> None:
    """A parallel load folds each record's own fields in a worker and adds the names it links to later:
    the joined parts must be what folding every field at once gives (accents, ß, links and none)."""
    facts = load_facts()
    lookup = facts.by_id().get
    accented = {**facts.records[0], "name": "Kaïrakty Straße", "aliases": ["ÉTÉ"], "notes": [{"text": "Ǆ ﬁ", "kind": "context"}]}
    records = [*facts.records, accented]
    assert any(isinstance(own_text(r), str) for r in records) and any(isinstance(own_text(r), tuple) for r in records)
    for record in records:
        whole = fold("\n".join(value for values in _search_fields(record, lookup).values() for value in values))
        assert search_text(record, lookup, own_text(record)) == whole, record["id"]
