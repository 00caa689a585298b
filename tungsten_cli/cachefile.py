"""The cache file's layout: blobs written with their CRC-32s, sections decoded lazily on reading, old files pruned."""

from __future__ import annotations

import marshal
import os
import stat
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
        self.key = bytes(data[:PREFIX])  # sizes and the header's CRC-32, which covers every section's

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
        self,
        cache: CacheFile,
        path: Path,
        rebuild: Callable[[], tuple[dict[str, dict[Any, Any]], dict[str, Record]]],
        loaded: list[Record],
        note: Callable[[str], None],
    ) -> None:
        self._cache, self._path, self._rebuild, self._loaded, self._note = cache, path, rebuild, loaded, note
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

    def kept(self, name: str, build: Callable[[], Any]) -> Any:
        """What `build` makes, kept in `<cache file>.NAME` for the runs after this one: made on first use,
        not in the cold load, which every run's first start pays. The kept file starts with the cache
        file's `key`, so a view never outlives the cache it was made from, and a damaged one is made again."""
        if self._fresh is not None:
            return build()
        path = self._path.with_name(f"{self._path.name}.{name}")
        found = _read_kept(path, self._cache.key)
        if found is not None:
            return found
        value = build()
        _write_kept(path, self._cache.key, value, self._note)
        return value

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


def _read_kept(path: Path, key: bytes) -> Any | None:
    """A kept view's value, or None when it is missing, of another cache, damaged, or not a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # never through a link, never blocking on a FIFO
    except OSError:
        return None
    try:  # the type checked on the open file first: Python's file object refuses a folder with an error
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with os.fdopen(fd, "rb", closefd=False) as kept:
            data = kept.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    start = len(key) + 4
    if data[: len(key)] != key or zlib.crc32(data[start:]) != int.from_bytes(data[len(key) : start], "big"):
        return None
    try:
        with gc_paused():
            return marshal.loads(data[start:])
    except (ValueError, EOFError, TypeError):
        return None


def _write_kept(path: Path, key: bytes, value: Any, note: Callable[[str], None]) -> None:
    from tungsten_cli.atomic import replacing

    payload = marshal.dumps(value)
    with noted(path, note), replacing(path, follow=False) as tmp:
        tmp.write_bytes(key + zlib.crc32(payload).to_bytes(4, "big") + payload)


@contextmanager
def noted(path: Path, note: Callable[[str], None]) -> Iterator[None]:
    """Writing the cache or a view kept beside it: what cannot be written is a note (`--verbose`),
    never a failed run, since the answer comes from the packs all the same."""
    from tungsten_cli.errors import TungstenError

    try:
        yield
    except OSError as err:
        note(f"cannot write {err.filename or path}: {err.strerror}")
    except TungstenError as err:  # the path is a link, a FIFO, a device or a folder: left alone
        note(f"cannot write {err}")


def prune(folder: Path) -> None:
    """Keep the `KEEP` newest cache files, and the views kept beside them (`Lazy.kept`) only as long as they."""
    entries = sorted(_unlinkable(folder, f"*{SUFFIX}"), key=lambda p: p.lstat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        stale.unlink(missing_ok=True)
    for view in _unlinkable(folder, f"[!.]*{SUFFIX}.*"):  # not the hidden files a write is making
        if not view.with_name(view.name[: view.name.index(SUFFIX) + len(SUFFIX)]).exists():
            view.unlink(missing_ok=True)


def _unlinkable(folder: Path, pattern: str) -> list[Path]:
    """What `pattern` names in `folder`, but folders: not the cache's to remove, and unlinking one
    raised, which ended the pruning (and told `-v` "cannot write" on every cold load)."""
    return [path for path in folder.glob(pattern) if not stat.S_ISDIR(path.lstat().st_mode)]
