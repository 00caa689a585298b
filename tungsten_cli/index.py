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
    tables: Tables = {name: {} for name in ("kind", "country", "key", "table", "ref")}
    by_id = {record["id"]: record for record in records}
    texts = {}
    for record in records:
        record_id = record["id"]
        keys: list[tuple[str, Any]] = [("kind", record["kind"])]
        keys += [("country", code) for code in sorted(record_countries(record))]
        key = comparison_key(record)
        if key is not None:
            keys.append(("key", key))
            if key[0] in COUNTRIES:  # a row of a country table, for the missing-from-table check
                keys.append(("table", key[1:]))
        keys += [("ref", target) for target in sorted(references(record))]
        for name, value in keys:
            tables[name].setdefault(value, []).append(record_id)
        texts[record_id] = search_text(record, by_id.get)
    tables["search"] = texts
    return tables
