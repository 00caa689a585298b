"""The lookup tables a fact set keeps beside its records: ids by kind, country, comparison key and link
target, and each record's search text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tungsten_cli.claims import claim_groups, conflict_groups, revision_groups, stated
from tungsten_cli.crosscheck import crosscheck_groups
from tungsten_cli.kinds import comparison_key, references
from tungsten_cli.records import FactSet, Record, record_countries
from tungsten_cli.search import search_text
from tungsten_cli.vocabulary import COUNTRIES

Tables = dict[str, dict[Any, Any]]


def build_tables(facts: FactSet, own: Callable[[], dict[str, str | tuple[str, str]]] | None = None) -> Tables:
    """One pass over the records; every list keeps the records' order. `search` maps each id to its
    text; `compare:VIEW` gives the comparison groups crosscheck, conflicts and revisions list, by id.
    `own()` gives records' `search.own_text` already made (by the workers of a parallel load: 0.8 s
    at 100,000 records), taken over by their texts one by one."""
    records = facts.records
    # The comparison groups first: what building them leaves free (labels, quantities; 70 MB at 100,000
    # copies, 5 MB kept) is reused by the search texts below instead of adding to the peak.
    compared = comparison_tables(facts)
    made = {} if own is None else own()
    kinds: dict[str, list[str]] = {}
    countries: dict[str, list[str]] = {}
    keys: dict[tuple[str, str, str], list[str]] = {}
    rows: dict[tuple[str, str], list[str]] = {}
    refs: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    lookup = {record["id"]: record for record in records}.get
    for record in records:
        record_id = record["id"]
        kinds.setdefault(record["kind"], []).append(record_id)
        for code in sorted(record_countries(record)):
            countries.setdefault(code, []).append(record_id)
        key = comparison_key(record)
        if key is not None:
            keys.setdefault(key, []).append(record_id)
            if key[0] in COUNTRIES:  # a row of a country table, for the missing-from-table check
                rows.setdefault(key[1:], []).append(record_id)
        for target in sorted(references(record)):
            refs.setdefault(target, []).append(record_id)
        texts[record_id] = search_text(record, lookup, made.pop(record_id, None))
    tables: Tables = {"kind": kinds, "country": countries, "key": keys, "table": rows, "ref": refs, "search": texts}
    return tables | compared


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
