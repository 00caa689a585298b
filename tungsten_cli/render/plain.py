"""The plain table for pipes: no escape codes, one line per record, every cell in full (like gh piped)."""

from __future__ import annotations

from typing import IO

from tungsten_cli.render.columns import Listing, cells, table_columns
from tungsten_cli.render.text import clean, mark_legend, note_mark, quotes_of


def write_plain(listing: Listing, out: IO[str]) -> list[str]:
    """The table on `out`; returns the legend of the note marks, for the caller to put on stderr.

    A record's mark (†, ‡) is a column of its own, last, never glued to the id: stdout holds only
    the table, so `tungsten deposits | tail -n +3 | awk '{print $1}' | xargs -n1 tungsten show` gets ids.
    """
    columns = table_columns(listing)
    rows = cells(columns, listing.records)
    marks = [note_mark(record) for record in listing.records]
    headers = [c.header for c in columns]
    numeric = [c.numeric for c in columns]
    if any(marks):
        headers.append("note")
        numeric.append(False)
        for row, mark in zip(rows, marks):
            row.append(mark)
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row, record in zip(rows, listing.records):
        out.write("  ".join(c.rjust(w) if right else c.ljust(w) for c, w, right in zip(row, widths, numeric)).rstrip() + "\n")
        if listing.cite:
            for source, quote in quotes_of(record):
                out.write(f"    > {clean(source)}: {clean(quote.strip())}\n")
    return mark_legend(marks)
