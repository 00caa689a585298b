"""A view's rows stored with the cache as JSON text: written as they are by the JSON writers, decoded
only when something reads a row."""

from __future__ import annotations

import marshal
import zlib
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any, overload

from tungsten_cli.records import Record, gc_paused

# Rows per stored part. 2,000 rows of `revisions` at 100,000 copies (12 parts of 64 MB in all) compress
# at level 1 to 2.4 MB in 0.2 s and come back in 0.07 s; uncompressed, they were 64 MB to hold and write.
PART_ROWS = 2000


def json_text(value: Any, indent: int | None = None) -> str:
    """The one JSON encoding of rows: every writer's and the stored views' (UTF-8 as it is, no NaN).
    Without an indent it has no line break (json escapes one inside a string), so rows can be joined by them."""
    import json  # lazily: a table query never imports it; 1.3-1.7 ms (python -X importtime, 5 runs)

    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)


def store(rows: list[Record]) -> dict[str, Any]:
    """Rows as a view to keep: `json`, their `json_text` in parts of `PART_ROWS`, one a line, compressed,
    for the JSON writers; `rows`, the rows marshalled and compressed, for anything that reads a row.
    marshal, not the JSON again: it keeps an object met twice as one (a `revisions` row's citations are
    its claims'), as YAML shows it, and decodes the 22,325 rows of 100,000 copies in 0.36 s, not 0.84 s
    (median of 3, load 2.3)."""
    return {"json": _packed(map(json_text, rows)), "rows": zlib.compress(marshal.dumps(rows), 1)}


def _packed(texts: Iterator[str]) -> dict[tuple[int, int], bytes]:
    table: dict[tuple[int, int], bytes] = {}
    done = 0
    while part := list(islice(texts, PART_ROWS)):
        table[(done, len(part))] = zlib.compress("\n".join(part).encode(), 1)
        done += len(part)
    return table


class JsonRows(Sequence[Record]):
    """The rows of a view `store` made. `lines()` gives their JSON text part by part for the JSON
    writers; a row is decoded only when read, and then all are, once."""

    def __init__(self, table: dict[str, Any]) -> None:
        self._parts: dict[tuple[int, int], bytes] = table["json"]
        self._blob: bytes = table["rows"]
        self._rows: list[Record] | None = None

    def lines(self) -> Iterator[str]:
        """The rows' JSON texts, a part at a time, each part the texts of several rows one a line. Part
        by part, not joined into one string: the 64 MB of `revisions` at 100,000 copies were decoded and
        written in 0.47 s, not 0.83 s (cProfile, load 3.5-3.9)."""
        for part in self._parts.values():
            yield zlib.decompress(part).decode()

    def __len__(self) -> int:
        return sum(rows for _, rows in self._parts)

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> list[Record]: ...

    def __getitem__(self, index: int | slice) -> Record | list[Record]:
        return self._decoded()[index]

    def __iter__(self) -> Iterator[Record]:
        return iter(self._decoded())

    def _decoded(self) -> list[Record]:
        if self._rows is None:
            with gc_paused():
                self._rows = marshal.loads(zlib.decompress(self._blob))
        return self._rows
