"""Plain record types, the one list of link fields and the GC pause: the leaf every module may import.

It imports nothing of the package, so no module that needs a `Record` or a `FactSet` pulls in the
loader, the validator or the query layer with it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

Record = dict[str, Any]


class FactSet(NamedTuple):
    """Validated records as plain JSON-ready dicts, with where each one was written."""

    records: list[Record]
    sources: dict[str, Record]
    origins: dict[str, dict[str, Any]]
    countries: dict[str, list[str]]
    vocab: dict[str, Any]
    files: list[str]

    def by_id(self) -> dict[str, Record]:
        return {r["id"]: r for r in self.records}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while building many small acyclic objects (JSON, YAML, models).

    Collections triggered by allocation made a 10,000-record pack parse four times slower.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def reference_fields(record: Record) -> Iterator[tuple[str, str, str]]:
    """(field, target kind, target id) for every id a record points at: the one list of link fields."""
    for i, party in enumerate(record.get("parties") or []):
        yield f"parties.{i}.org", "organization", party["org"]
    for i, org in enumerate(record.get("orgs") or []):
        yield f"orgs.{i}", "organization", org
    if record.get("operator"):
        yield "operator", "organization", record["operator"]
    if record.get("deposit"):
        yield "deposit", "deposit", record["deposit"]


def references(record: Record) -> set[str]:
    """Ids of the organisations and deposits a record points at."""
    return {target for _, _, target in reference_fields(record)}


def party_names(record: Record, facts_by_id: dict[str, Record]) -> list[str]:
    """Names and aliases of every organisation a record involves, for `--party` and search matching."""
    ids = [target for _, kind, target in reference_fields(record) if kind == "organization"]
    names: list[str] = list(ids)
    for org_id in ids:
        org = facts_by_id.get(org_id, {})
        names += [org.get("name", ""), *list(org.get("aliases") or [])]
    return names
