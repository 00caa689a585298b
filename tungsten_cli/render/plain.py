"""The plain table for pipes: no escape codes, one line per record, every cell in full (like gh piped)."""

from __future__ import annotations

from typing import IO

from tungsten_cli.render.columns import Listing, cells, table_columns
from tungsten_cli.render.text import clean, mark_legend, note_mark, quotes_of


def write_plain(listing: Listing, out: IO[str]) -> None:
    columns = table_columns(listing)
    rows = cells(columns, listing.records)
    for row, record in zip(rows, listing.records):
        if row:
            row[0] += note_mark(record)
    headers = [c.header for c in columns]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row, record in zip(rows, listing.records):
        out.write("  ".join(c.rjust(w) if col.numeric else c.ljust(w) for c, w, col in zip(row, widths, columns)).rstrip() + "\n")
        if listing.cite:
            for source, quote in quotes_of(record):
                out.write(f"    > {clean(source)}: {clean(quote.strip())}\n")
    for line in mark_legend(map(note_mark, listing.records)):
        out.write(line + "\n")
