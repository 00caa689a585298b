"""The cache file's layout: blobs written with their CRC-32s, sections decoded lazily on reading, old files pruned."""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

from tungsten_cli.records import Record, gc_paused

SUFFIX = ".facts-cache"
KEEP = 8


class Damaged(Exception):
    """A cache section whose bytes no longer match their checksum, or a file cut short."""


# A cache file: `[body size: 8][header length: 4][header CRC-32: 4][body][marshal header]`; the header
# comes last because it is written last, when every section's place is known.
PREFIX = 16


class CacheFile:
    """A mapped cache file; the header gives every section's `(start, stop, crc)` in the body, and
    `index:id` each record's."""

    def __init__(self, data: memoryview) -> None:
        size, length = int.from_bytes(data[:8], "big"), int.from_bytes(data[8:12], "big")
        if len(data) != PREFIX + size + length:
            raise Damaged("size")
        head = data[PREFIX + size :]
        if zlib.crc32(head) != int.from_bytes(data[12:16], "big"):
            raise Damaged("checksum")
        self.header: dict[str, Any] = marshal.loads(head)
        self._body = data[PREFIX : PREFIX + size]

    def section(self, name: str) -> Any:
        """A section's object; a table written in parts (`parts`) merged back into one dict."""
        spans = self.header["sections"][name]
        if len(spans) == 1:
            return marshal.loads(self._checked(*spans[0]))
        merged: dict[Any, Any] = {}
        for span in spans:
            merged.update(marshal.loads(self._checked(*span)))
        return merged

    def records(self, kind: str) -> list[Record]:
        """A kind's records: one checksum over their span, then one decode each."""
        start, stop, crc = self.header["spans"][kind]
        self._checked(start, stop, crc)
        return [marshal.loads(self._body[a:b]) for a, b in self.section(f"kind:{kind}")]

    def record(self, start: int, stop: int, crc: int) -> Record:
        return marshal.loads(self._checked(start, stop, crc))  # type: ignore[no-any-return]

    def _checked(self, start: int, stop: int, crc: int) -> memoryview:
        part = self._body[start:stop]
        if zlib.crc32(part) != crc:
            raise Damaged("checksum")
        return part


class Lazy:
    """The index tables and records by id of a cache hit, each decoded on first use.

    A section found damaged only now, after the listing's own sections passed, is not worth a failed
    run: the packs are validated again (as on a miss), the cache rewritten, and every later answer
    comes from the fresh tables.
    """

    def __init__(
        self, cache: CacheFile, rebuild: Callable[[], tuple[dict[str, dict[Any, Any]], dict[str, Record]]], loaded: list[Record]
    ) -> None:
        self._cache, self._rebuild, self._loaded = cache, rebuild, loaded
        self._tables: dict[str, dict[Any, Any]] = {}
        self._records: dict[str, Record] = {}
        self._fresh: tuple[dict[str, dict[Any, Any]], dict[str, Record]] | None = None

    def table(self, name: str) -> dict[Any, Any]:
        try:
            if self._fresh is None:
                return self._decoded(name)
        except Damaged:
            self._fresh = self._rebuild()
        assert self._fresh is not None
        return self._fresh[0][name]

    def get(self, record_id: str) -> Record | None:
        try:
            if self._fresh is None:
                if self._loaded:  # the records the listing read are not decoded twice: crosscheck at 100k 0.45 s faster
                    self._records.update((record["id"], record) for record in self._loaded)
                    self._loaded = []
                if record_id not in self._records:
                    span: tuple[int, int, int] | None = self._decoded("id").get(record_id)
                    if span is None:
                        return None
                    self._records[record_id] = self._cache.record(*span)
                return self._records[record_id]
        except Damaged:
            self._fresh = self._rebuild()
        assert self._fresh is not None
        return self._fresh[1].get(record_id)

    def _decoded(self, name: str) -> dict[Any, Any]:
        if name not in self._tables:
            with gc_paused():
                self._tables[name] = self._cache.section(f"index:{name}")
        return self._tables[name]


PART = 10_000  # entries of an index table per marshalled part


def parts(table: dict[Any, Any]) -> Iterator[dict[Any, Any]]:
    """A large table in parts of `PART` entries, each marshalled and written on its own: the search
    texts of 100,000 copies in one piece made a 50 MB string that raised a cold load's peak memory
    by as much (561 -> 527 MB)."""
    if len(table) <= PART:
        yield table
        return
    items = iter(table.items())
    while part := dict(islice(items, PART)):
        yield part


class Body:
    """The body of a cache file being written: blobs appended in turn, each placed by `(start, stop, crc)`."""

    def __init__(self, out: BinaryIO) -> None:
        self._out, self.size = out, 0

    def add(self, blob: bytes) -> tuple[int, int, int]:
        self._out.write(blob)
        self.size += len(blob)
        return self.size - len(blob), self.size, zlib.crc32(blob)


def prune(folder: Path) -> None:
    entries = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.lstat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
