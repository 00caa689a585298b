"""The lookup tables a fact set keeps beside its records: ids by kind, country, comparison key, link
target and note kind, each record's search text, and how many records cite each source."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from tungsten_cli.claims import claim_groups, conflict_groups, revision_groups, stated
from tungsten_cli.crosscheck import crosscheck_groups
from tungsten_cli.kinds import comparison_key, referrers
from tungsten_cli.parallel import beside
from tungsten_cli.records import FactSet, Record, citing, noted, record_countries
from tungsten_cli.search import search_text
from tungsten_cli.vocabulary import COUNTRIES

Tables = dict[str, dict[Any, Any]]


@contextmanager
def building(
    facts: FactSet, own: Callable[[], dict[str, str | tuple[str, str]]] | None = None
) -> Iterator[tuple[Tables, Callable[[], Tables]]]:
    """The index tables of a fact set: some now (`_record_tables`: each record's search text, ids by
    kind, country and link target), and a function giving the others (`_claim_tables`: ids by
    comparison key and country table, each source's citing records, ids by note kind, and the
    comparison groups `compare:VIEW` crosscheck, conflicts and revisions list), built meanwhile in a
    forked child from MIN_BESIDE records on (parallel.beside), else when asked for. Every list keeps
    the records' order. `own()` gives records' `search.own_text` already made (by the workers of a
    parallel load: 0.8 s at 100,000 records), taken over by their texts one by one.
    """
    with beside(lambda: _claim_tables(facts), fork=len(facts.records) >= MIN_BESIDE) as others:
        yield _record_tables(facts, {} if own is None else own()), others.result


# From this many records on, the claim tables are built in a forked child beside the record tables and
# the cache's records. Measured (load average 3.5, 2 cores): the built-in set (558 records) 6-8 ms here
# against 2.7 ms of this process's CPU for the fork, but 19-21 ms until the result; 10,558 records
# 128-133 ms here against 11 ms (fork 7-10 ms). At 100,558 records the split is where the two take
# about as long: with every table but the search texts in the child, this process waited 0.9-1.0 s
# for it; with only the comparison groups there, the child finished 1.0-1.5 s early.
MIN_BESIDE = 5_000


def _record_tables(facts: FactSet, made: dict[str, str | tuple[str, str]]) -> Tables:
    records = facts.records
    kinds: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    lookup = {record["id"]: record for record in records}.get
    for record in records:
        record_id = record["id"]
        kinds.setdefault(record["kind"], []).append(record_id)
        for code in sorted(record_countries(record)):
            countries.setdefault(code, []).append(record_id)
        texts[record_id] = search_text(record, lookup, made.pop(record_id, None))
    return {"kind": kinds, "country": countries, "ref": referrers(records), "search": texts}


def _claim_tables(facts: FactSet) -> Tables:
    keys: dict[tuple[str, str, str], list[str]] = {}
    rows: dict[tuple[str, str], list[str]] = {}
    for record in facts.records:
        key = comparison_key(record)
        if key is not None:
            keys.setdefault(key, []).append(record["id"])
            if key[0] in COUNTRIES:  # a row of a country table, for the missing-from-table check
                rows.setdefault(key[1:], []).append(record["id"])
    tables: Tables = {"key": keys, "table": rows, "cited": citing(facts.records), "note": noted(facts.records)}
    return tables | comparison_tables(facts)


def comparison_tables(facts: FactSet) -> Tables:
    """Each comparison view's groups, key -> claim ids: built once with the cache, so a warm view reads
    only the records of the groups it lists."""
    known = stated(facts, facts.records)
    grouped = claim_groups(facts, facts.records, known)

    def ids(groups: dict[Any, list[Record]]) -> dict[Any, list[str]]:
        return {key: [record["id"] for record in group] for key, group in groups.items()}

    return {
        "compare:crosscheck": ids(crosscheck_groups(facts, grouped)),
        "compare:conflicts": ids(conflict_groups(grouped)),
        "compare:revisions": revision_groups(facts, known),
    }
