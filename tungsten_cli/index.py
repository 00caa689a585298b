"""The lookup tables a fact set keeps beside its records: ids by kind, country, comparison key and link
target, and each record's search text."""

from __future__ import annotations

from typing import Any

from tungsten_cli.claims import comparison_key
from tungsten_cli.records import Record, record_countries, references
from tungsten_cli.search import search_text
from tungsten_cli.vocabulary import COUNTRIES

Tables = dict[str, dict[Any, Any]]


def build_tables(records: list[Record]) -> Tables:
    """One pass over the records; every list keeps the records' order. `search` maps each id to its text."""
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
        texts[record_id] = search_text(record, lookup)
    return {"kind": kinds, "country": countries, "key": keys, "table": rows, "ref": refs, "search": texts}
