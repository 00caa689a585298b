"""Writers for every output format behind one dispatch; the only module that knows about tables.

rich is imported only when a table is drawn for a terminal (or FORCE_COLOR asks for it): it costs
more to import than a whole JSON query.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from enum import Enum
from typing import IO, TYPE_CHECKING, Any, NamedTuple, assert_never

from tungsten_cli.records import Record

if TYPE_CHECKING:
    from tungsten_cli.verify import Evidence

NOTE_MARK = "†"


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    yaml = "yaml"
    markdown = "markdown"


class Column(NamedTuple):
    """A table column; `numeric` cells never wrap, `prose` cells (quotes, summaries) take the spare width."""

    header: str
    cell: Callable[[Record], str]
    numeric: bool = False
    prose: bool = False


class Listing(NamedTuple):
    """What a listing command hands to the writers: records plus how a person should see them."""

    records: list[Record]
    columns: list[Column]
    cite: bool = False
    fields: list[str] | None = None


def write(listing: Listing, fmt: Format, out: IO[str]) -> None:
    """The one dispatch every command uses; a test checks each Format member reaches a writer."""
    records = [{n: r.get(n) for n in listing.fields} for r in listing.records] if listing.fields else listing.records
    if fmt in (Format.json, Format.jsonl):
        import json
    if fmt is Format.table:
        write_table(listing, out)
    elif fmt is Format.json:
        # Indented for people on a terminal; compact (and C-encoded, faster) for pipes, like gh.
        out.write(json.dumps(records, ensure_ascii=False, allow_nan=False, indent=2 if _is_terminal(out) else None) + "\n")
    elif fmt is Format.jsonl:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
    elif fmt is Format.csv:
        write_csv(records, out)
    elif fmt is Format.yaml:
        write_yaml(records, out)
    elif fmt is Format.markdown:
        write_markdown(records, out)
    else:
        assert_never(fmt)


# Flattening: one documented rule per nested shape, shared by CSV, Markdown and --fields tables.


def party_text(party: Record) -> str:
    details = [d for d in (party.get("role"), pct(party.get("stake_pct"))) if d]
    name = party.get("name") or party["org"]
    return f"{name} ({', '.join(details)})" if details else name


def flat(key: str, value: Any) -> str:
    """A field as one text cell: lists joined by "; ", parties as "Name (role, 70 %)", quotes by " | "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "parties":
        return "; ".join(party_text(p) for p in value)
    if key == "citations":
        return " | ".join(f"{c['source']}: {c['quote']}" for c in value)
    if key == "notes":
        return " | ".join(f"{n['kind']}: {n['text']}" for n in value)
    if isinstance(value, list):
        return "; ".join(flat(key, v) for v in value)
    if isinstance(value, dict):
        import json

        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    return str(value)


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


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def write_markdown(records: Sequence[Record], out: IO[str]) -> None:
    keys = _header(records) or ["id"]
    out.write("| " + " | ".join(keys) + " |\n")
    out.write("|" + "|".join(" --- " for _ in keys) + "|\n")
    for record in records:
        out.write("| " + " | ".join(_md_cell(flat(k, record.get(k))) for k in keys) + " |\n")


# Numbers for people.


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"


def pct(value: float | None) -> str:
    return "" if value is None else f"{_num(value)} %"


def tonnes(value: float | None) -> str:
    return "" if value is None else f"{_num(value)} t"


def usd(value: float | None) -> str:
    if value is None:
        return ""
    for scale, suffix in ((1e9, "bn"), (1e6, "m")):
        if abs(value) >= scale:
            return f"US$ {value / scale:g} {suffix}"
    return f"US$ {_num(value)}"


_UNIT_TEXT: dict[str, Callable[[float], str]] = {
    "t": tonnes,
    "kg": lambda v: f"{_num(v)} kg",
    "usd": usd,
    "pct": pct,
    "count": _num,
    "rank": lambda v: f"#{_num(v)}",
    "times": lambda v: f"{_num(v)}×",
    "decades": lambda v: f"{_num(v)} decades",
    "degc": lambda v: f"{_num(v)} °C",
    "year": _num,
    "usd_per_mtu_wo3": lambda v: f"US$ {_num(v)}/mtu WO3",
}


def hedge(record: Record, name: str, text: str) -> str:
    """Prefix "~" when the source hedges the field, and the comparator when it is a bound."""
    if not text:
        return text
    if name == "value" and record.get("comparator"):
        return f"{record['comparator']}{text}"
    return "~" + text if name in record.get("approximate", []) else text


def figure_value(record: Record) -> str:
    if record.get("unavailable"):
        return str(record.get("as_written") or record["unavailable"])
    unit = _UNIT_TEXT.get(record["unit"], _num)
    text = hedge(record, "value", unit(record["value"]))
    if record.get("value_max") is not None:
        text += " – " + hedge(record, "value_max", unit(record["value_max"]))
    return text + (" (e)" if record.get("estimated") else "")


def cell_range(record: Record, low: str, high: str, unit: Callable[[float | None], str]) -> str:
    if record.get(low) is None:
        return ""
    text = hedge(record, low, unit(record[low]))
    if record.get(high) is not None and record[high] != record[low]:
        text += " – " + hedge(record, high, unit(record[high]))
    return text


def value_text(record: Record) -> str:
    """The headline quantity of any record, for listings that mix kinds."""
    kind = record["kind"]
    if kind == "figure":
        return figure_value(record)
    candidates = (
        ("reserves_wo3_t", tonnes),
        ("reserves_rare_earth_t", tonnes),
        ("resources_w_t", tonnes),
        ("share_pct", pct),
        ("change_pct", pct),
        ("rate_pct", pct),
        ("amount_usd", usd),
    )
    for name, unit in candidates:
        if record.get(name) is not None:
            return hedge(record, name, unit(record[name]))
    return record.get("as_written") or ""


# Tables.


def _marked_id(record: Record) -> str:
    return str(record["id"]) + (NOTE_MARK if record.get("notes") else "")


def id_column() -> Column:
    return Column("id", _marked_id)


def text_column(header: str, key: str | None = None) -> Column:
    name = key or header
    return Column(header, lambda r: flat(name, r.get(name)))


def _plain_table(rows: list[list[str]], headers: list[str], quotes: list[list[str]], out: IO[str]) -> None:
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(headers)]
    out.write("  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    for row, row_quotes in zip(rows, quotes):
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
        for quote in row_quotes:
            out.write(f"    > {quote}\n")


def _is_terminal(out: IO[str]) -> bool:
    return hasattr(out, "isatty") and out.isatty()


def _use_rich(out: IO[str]) -> bool:
    return bool(os.environ.get("FORCE_COLOR")) or _is_terminal(out)


def _rich_table(rows: list[list[str]], columns: list[Column], quotes: list[list[str]], out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=out, no_color=bool(os.environ.get("NO_COLOR")) or None, highlight=False)
    table = Table(show_lines=any(quotes), header_style="bold")
    for column in columns:
        table.add_column(
            column.header,
            justify="right" if column.numeric else "left",
            no_wrap=column.numeric,
            overflow="fold",
            ratio=1 if column.prose else None,
        )
    for row, row_quotes in zip(rows, quotes):
        cells: list[Text | str] = [Text(c) for c in row]
        if row_quotes:
            cells[-1] = Text(row[-1]) + Text("\n" + "\n".join(f"“{q}”" for q in row_quotes), style="italic dim")
        table.add_row(*cells)
    console.print(table)


def write_table(listing: Listing, out: IO[str]) -> None:
    columns = _table_columns(listing)
    rows = [[column.cell(r) for column in columns] for r in listing.records]
    quotes = [[c["quote"] for c in r.get("citations", [])] if listing.cite else [] for r in listing.records]
    if _use_rich(out):
        _rich_table(rows, columns, quotes, out)
    else:
        _plain_table(rows, [c.header for c in columns], quotes, out)
    if any(r.get("notes") for r in listing.records):
        out.write(f"{NOTE_MARK} curator notes: tungsten show ID\n")


def _table_columns(listing: Listing) -> list[Column]:
    if listing.fields is None:
        return listing.columns
    return [text_column(name) for name in listing.fields]


# One record in full (`tungsten show`).


_DETAIL_SKIP = ("id", "kind", "summary", "citations", "notes")


def _detail_lines(record: Record) -> list[tuple[str, str]]:
    lines = []
    for key, value in record.items():
        if key in _DETAIL_SKIP or value is None or value is False or value in ([], ""):
            continue
        text = flat(key, value)
        if key in record.get("approximate", []):
            text = "~" + text + " (approximate)"
        lines.append((key, text))
    return lines


def _emit_row(item: Evidence, emit: Callable[[str, str], None]) -> None:
    """A cited CSV row beside its header, one cell a line, the cited cell marked with an arrow."""
    width = max(len(header) for header, _ in item.cells)
    for header, cell in item.cells:
        cited = header == item.column
        emit(f"    {'→' if cited else ' '} {header.ljust(width)}  {cell}".rstrip(), "bold" if cited else "")


def write_detail(record: Record, evidence: list[Evidence], related: list[Record], extra: list[str], out: IO[str]) -> None:
    """Every field, each quote inside its sentence, curator notes and related records, as plain text or rich."""
    rich = _use_rich(out)
    console = None
    if rich:
        from rich.console import Console

        console = Console(file=out, no_color=bool(os.environ.get("NO_COLOR")) or None, highlight=False)

    def emit(text: str, markup: str = "") -> None:
        if console is not None:
            console.print(text, style=markup or None, markup=False, soft_wrap=False)
        else:
            out.write(text + "\n")

    emit(f"{record['id']}  ({record['kind']})", "bold")
    emit(record["summary"])
    emit("")
    width = max([len(k) for k, _ in _detail_lines(record)] or [0])
    for key, text in _detail_lines(record):
        emit(f"  {key.ljust(width)}  {text}")
    emit("")
    emit("citations:", "bold")
    for n, item in enumerate(evidence, 1):
        where = f", chars {item.start}-{item.start + len(item.quote)}" if item.start is not None else ""
        where = f", line {item.line}, column {item.column}" if item.line is not None else where
        emit(f"  [{n}] {item.source}{where}{'  (unverified)' if item.unverified else ''}")
        if item.cells:
            _emit_row(item, emit)
        elif console is not None:
            from rich.text import Text

            console.print(
                Text("      ") + Text(item.before, style="dim") + Text(item.quote, style="bold underline") + Text(item.after, style="dim")
            )
        else:
            emit(f"      {item.before}»{item.quote}«{item.after}")
    if record.get("notes"):
        emit("")
        emit(f"notes {NOTE_MARK}:", "bold")
        for note in record["notes"]:
            emit(f"  - {note['kind']}: {note['text']}")
            ref = note.get("reference")
            if ref:
                emit("    reference: " + ", ".join(str(ref[k]) for k in ("publisher", "title", "date", "url") if ref.get(k)))
    for line in extra:
        emit(line)
    if related:
        emit("")
        emit("related:", "bold")
        for other in related:
            emit(f"  {other['id']}  ({other['kind']})  {other['summary']}")
