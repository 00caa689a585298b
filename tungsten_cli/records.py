"""Plain record types and the GC pause: the leaf every module may import.

It imports nothing of the package, so no module that needs a `Record` or a `FactSet` pulls in the
loader, the validator or the query layer with it.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

Record = dict[str, Any]

# The key column that dates a row of a CSV source (the salient tables); claims and tables both read it.
YEAR_KEY = "Year"


class Index:
    """Lookups kept beside the records (tables of ids by country, comparison key, link target, search
    token), so a view over a large set reads only the records it shows.

    `table(name)` gives one table, `fetch(id)` one record; a cache hit decodes either only when asked.
    """

    def __init__(
        self,
        table: Callable[[str], dict[Any, list[str]]],
        fetch: Callable[[str], Record | None],
        keep: Callable[[str, Callable[[], Any]], Any] | None = None,
    ) -> None:
        self.table = table
        self.get = fetch
        self._keep = keep

    def kept(self, name: str, build: Callable[[], Any]) -> Any:
        """What `build` makes from the records, kept beside the cache for later runs when there is one
        (cachefile.Lazy.kept): a view too costly for every run and for every cold load alike."""
        return build() if self._keep is None else self._keep(name, build)

    def ids(self, name: str, key: Any) -> list[str]:
        return self.table(name).get(key, [])

    def records(self, ids: Iterable[str]) -> list[Record]:
        """The records of `ids`, once each, in the order given."""
        with gc_paused():
            found = (self.get(record_id) for record_id in dict.fromkeys(ids))
            return [record for record in found if record is not None]


class FactSet(NamedTuple):
    """Validated records as plain JSON-ready dicts, with where each one was written.

    `records` holds the kinds the caller asked the loader for (all by default); `lookups` reaches
    every record whatever was asked (None without a cache, or when `records` were replaced by hand).
    """

    records: list[Record]
    sources: dict[str, Record]
    origins: dict[str, dict[str, Any]]
    files: list[str]
    lookups: Index | None = None

    def by_id(self) -> dict[str, Record]:
        return {r["id"]: r for r in self.records}

    def lookup(self) -> Callable[[str], Record | None]:
        """Find any record by id: through the index when there is one, else among `records`."""
        return self.lookups.get if self.lookups is not None else self.by_id().get


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while building many small acyclic objects (JSON, YAML, models).

    Collections triggered by allocation made a 10,000-record pack parse four times slower. In a run of
    one command (`freeze_after_pauses`) what was built is then frozen (`gc.freeze`): plain data that
    lives to the end, which the collections after the pause walked again and again though it holds
    no cycle (freed by reference counting all the same): warm at 100,000 copies `timeline --json`
    4.26 -> 2.86 s, `production --json` 2.92 -> 1.98 s, `facts --json` 4.89 -> 3.80 s (one run each,
    alternating, load 1.5).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _freezing:
            gc.freeze()
        if was_enabled:
            gc.enable()


_freezing = False


def freeze_after_pauses() -> None:
    """From now on `gc_paused` freezes what it saw built: for a process that runs one command and
    leaves by os._exit (load.keep_until_exit). A long-lived one (a server, the tests) would keep what
    later became cyclic garbage: freezing after every pause raised the test suite's peak memory from
    538 to 877 MB."""
    global _freezing
    _freezing = True


# Subjects that stand for several countries: a world total, a table's "Other countries", an unnamed group.
AGGREGATES = frozenset({"world", "other", "unspecified"})


def record_countries(record: Record) -> set[str]:
    """Every country a record is about (its own, importer/partner/target, its parties' home countries),
    and the aggregate a figure is about (`world`, `other`), so `--country world` selects it."""
    found = {record.get(key) for key in ("country", "importer", "partner", "target_country")}
    if record.get("subject") in AGGREGATES:
        found.add(record["subject"])
    found.update(party.get("country") for party in record.get("parties") or [])
    return {c for c in found if c}


def citing(records: Iterable[Record]) -> dict[str, int]:
    """How many of `records` cite each source (a record citing one twice counts once): `sources`' count,
    kept as the index table `cited` so a warm run reads no record for it."""
    counts: dict[str, int] = {}
    for record in records:
        for source_id in {citation["source"] for citation in record["citations"]}:
            counts[source_id] = counts.get(source_id, 0) + 1
    return counts


def noted(records: Iterable[Record]) -> dict[str, list[str]]:
    """Ids of the records carrying a curator note of each kind, in the records' order: the index table
    `note`, through which `corrections` reads only the records it lists."""
    found: dict[str, list[str]] = {}
    for record in records:
        for kind in dict.fromkeys(note["kind"] for note in record["notes"]):
            found.setdefault(kind, []).append(record["id"])
    return found
