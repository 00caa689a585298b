"""The data formats (json, jsonl, csv, yaml) and the Markdown pipe table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from tungsten_cli.records import Record
from tungsten_cli.render.text import clean, field_text, flat, mark_legend, note_mark
from tungsten_cli.stored_rows import JsonRows, json_text


def write_json(records: Sequence[Record], out: IO[str], indent: int | None) -> None:
    """The rows as one JSON list. Without an indent (a pipe), written row by row as json.dumps makes
    the list, its items' texts between ", ": never the whole text at once (`facts --json` at 100,000
    copies is 105 MB of it), and rows stored with the cache as they are (JsonRows)."""
    if indent is not None:
        out.write(json_text(list(records), indent) + "\n")
        return
    texts = (part.replace("\n", ", ") for part in records.lines()) if isinstance(records, JsonRows) else map(json_text, records)
    out.write("[")
    for n, text in enumerate(texts):
        out.write(", " if n else "")
        out.write(text)
    out.write("]\n")


def write_jsonl(records: Sequence[Record], out: IO[str]) -> None:
    lines = records.lines() if isinstance(records, JsonRows) else map(json_text, records)
    for line in lines:
        out.write(line + "\n")


def _header(records: Sequence[Record]) -> list[str]:
    return list(dict.fromkeys(key for record in records for key in record))


def write_csv(records: Sequence[Record], out: IO[str]) -> None:
    import csv

    keys = _header(records)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(keys)
    for record in records:
        writer.writerow([flat(k, record.get(k)) for k in keys])


def write_yaml(records: Sequence[Record], out: IO[str]) -> None:
    import yaml

    out.write(yaml.safe_dump(list(records), allow_unicode=True, sort_keys=False, width=100))


def md_cell(text: str) -> str:
    """One Markdown cell: a CR or LF would end the row, a pipe the cell, a control character the reader's terminal."""
    return clean(text.replace("\\", "\\\\").replace("|", "\\|"))


def write_markdown(records: Sequence[Record], out: IO[str], fields: list[str] | None = None) -> None:
    """A table for people to paste: each field (all, or the `--fields` chosen) as a table shows it,
    quantities with units and marks, which may come from fields not shown (`comparator`, `unit`);
    the first cell carries the record's note mark (‡, †), explained beneath the table."""
    keys = fields or _header(records) or ["id"]
    out.write("| " + " | ".join(keys) + " |\n")
    out.write("|" + "|".join(" --- " for _ in keys) + "|\n")
    for record in records:
        cells = [md_cell(field_text(record, k)) for k in keys]
        cells[0] += note_mark(record)
        out.write("| " + " | ".join(cells) + " |\n")
    legend = mark_legend(map(note_mark, records))
    if legend:
        out.write("\n" + "  \n".join(md_cell(line) for line in legend) + "\n")
