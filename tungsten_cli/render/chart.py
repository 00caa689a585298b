"""`--chart`: horizontal bars, one per row, for listings whose rows carry one comparable number.

Bars are block characters (eighths for the last cell), so a pipe gets plain text; on a terminal
rich only colours them. Marks stay on every value: e (estimated), > (bound), ~ (approximate);
withheld (W) and not-available (NA) rows are listed without a bar; a label carries its record's
note mark (‡ contradicted, † curator notes), as a table row does.
"""

from __future__ import annotations

import shutil  # Typer imports it anyway
from collections.abc import Callable, Sequence
from typing import IO, NamedTuple

from tungsten_cli import kinds
from tungsten_cli.errors import UsageError
from tungsten_cli.quantity import Quantity
from tungsten_cli.records import Record
from tungsten_cli.render.columns import Listing
from tungsten_cli.render.console import MIN_WIDTH, fitted
from tungsten_cli.render.text import clean, headline_text, mark_legend, note_mark
from tungsten_cli.render.wrap import wrap

_EIGHTHS = " ▏▎▍▌▋▊▉"
_FULL = "█"
_GAP = "  "
_MIN_BAR = 10  # columns a bar may always use


class Point(NamedTuple):
    """One bar: what it is, its number (None: W or NA), how a person reads it, and what it measures."""

    label: str
    value: float | None
    text: str
    measure: str  # rows are comparable only when measure and unit agree
    unit: str
    panel: str  # rows of one measure in another basis or year get their own heading and scale
    date: str
    id: str  # the record the bar stands for (a `revisions` row: its quantity)
    origin: str = ""  # the source edition (or id): tells apart rows that share a label
    mark: str = ""  # the record's note mark (‡, †), shown after the label
    edition: bool = False  # the origin is an edition of a series (MCS 2025), not a source of its own

    @property
    def marked_label(self) -> str:
        return self.label + self.mark


def _point(record: Record) -> Point | None:
    """The bar of a record (or a `revisions` row) whose kind declares a chart (kinds.Chart)."""
    kind = kinds.get(record.get("kind"))
    spec = kind.chart if kind is not None else None
    found = kinds.first_held(record, spec.fields) if spec is not None else None
    if spec is None or found is None:
        return None
    return Point(
        spec.label(record),
        Quantity.of(record, found.field).value,  # none for W or NA
        headline_text(record, found),
        spec.measure(record, found.field),
        found.unit or record["unit"],
        spec.panel(record),
        record.get("date") or "",
        str(record.get("id") or record.get("quantity")),
    )


# What a heading calls a unit and a measure stored under a field name (`pct` -> %, `change_pct` -> change).
_UNIT_LABELS = {"pct": "%", "usd": "US$", "cents/kg": "¢/kg", "degc": "°C", "usd_per_mtu_wo3": "US$/mtu WO3"}
_MEASURE_LABELS = {"change_pct": "change", "rate_pct": "rate", "additional_duty_pct": "additional duty", "rate_cents_per_kg": "rate"}


def _scale_name(point: Point) -> str:
    """What a panel measures, as its heading names it: "import share (%)"."""
    return f"{_MEASURE_LABELS.get(point.measure, point.measure)} ({_UNIT_LABELS.get(point.unit, point.unit)})"


def points(records: Sequence[Record]) -> tuple[list[Point], int]:
    """The bars of a listing and how many rows carry no number; UsageError when the numbers are not comparable."""
    found: list[Point] = []
    for record in records:
        point = _point(record)
        if point is not None:
            citations = record.get("citations") or [{}]
            origin = str(record.get("edition") or citations[0].get("source") or "")
            found.append(
                point._replace(
                    label=clean(point.label),
                    text=clean(point.text),
                    origin=clean(origin),
                    mark=note_mark(record),
                    edition=bool(record.get("edition")),
                )
            )
    if records and not found:  # no rows at all is an empty chart, as it is an empty table
        raise UsageError("--chart: no row carries a number to draw (try production, reserves or imports)")
    kinds = sorted({f"{p.measure} ({p.unit})" for p in found})
    if len(kinds) > 1:
        listed = ", ".join(kinds[:4]) + (f" and {len(kinds) - 4} more" if len(kinds) > 4 else "")
        raise UsageError(
            f"--chart cannot put different measures or units on one scale: {listed}; narrow the rows (--kind, --measure, --year, --country, --source, as the command takes them)"
        )
    return found, len(records) - len(found)


def _bar(value: float, scale: float, width: int) -> str:
    eighths = round(abs(value) / scale * width * 8) if scale else 0
    eighths = max(eighths, 1) if value else eighths  # a value too small to draw still shows it is not zero (or W)
    return _FULL * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


class _Line(NamedTuple):
    text: str
    bar: str = ""
    style: str = ""  # the bar's colour; for a line without a bar, the line's style


def _marks(found: list[Point]) -> list[str]:
    legend: tuple[tuple[str, Callable[[Point], bool]], ...] = (
        ("e estimated", lambda p: "(e)" in p.text),
        ("> < bound", lambda p: p.text[:1] in "<>"),
        ("~ approximate", lambda p: "~" in p.text),
        ("W withheld, NA not available", lambda p: p.value is None),
    )
    return [name for name, present in legend if any(present(p) for p in found)]


def _told_apart(rows: list[Point]) -> list[Point]:
    """Rows that share a label but come from different editions get the edition beside the label."""
    origins: dict[str, set[str]] = {}
    for p in rows:
        origins.setdefault(p.label, set()).add(p.origin)
    return [p._replace(label=f"{p.label} ({p.origin})") if len(origins[p.label]) > 1 and p.origin else p for p in rows]


def _sources_named(rows: list[Point]) -> list[Point]:
    """Beside rows of an edition (MCS 2025), a row from a source without editions (the article) names
    its source, so a ranking does not pass it off as the edition's: "KZ (sunsirs-2025-11-21)"."""
    if not any(p.edition for p in rows):
        return rows
    return [
        p if p.edition or not p.origin or p.label.endswith(f"({p.origin})") else p._replace(label=f"{p.label} ({p.origin})") for p in rows
    ]


class Panel(NamedTuple):
    heading: str
    rows: list[Point]


def panels(records: Sequence[Record], *, keep_order: bool) -> tuple[list[Panel], int]:
    """Bars grouped by basis, each group sorted descending unless the user sorted; and how many rows had no number."""
    found, skipped = points(records)
    # One subject over several years is a time series: its years are bars on one scale, not a panel each.
    series = len({p.label for p in found}) == 1 and len({p.date for p in found}) > 1
    groups: dict[str, list[Point]] = {}
    for p in found:
        groups.setdefault(p.panel.removesuffix(f", {p.date}") if series and p.date else p.panel, []).append(p)
    result = []
    for panel, rows in groups.items():
        if len({p.date for p in rows}) > 1:
            rows = [p._replace(label=f"{p.label} {p.date}" if p.date else p.label) for p in rows]
        rows = _sources_named(_told_apart(rows))
        if not keep_order:
            rows.sort(key=lambda p: (p.value is None, -(p.value or 0)))
        result.append(Panel(clean(_scale_name(found[0]) + (f", {panel}" if panel else "")), rows))
    return result, skipped


def scale_of(rows: list[Point]) -> float:
    return max((abs(p.value) for p in rows if p.value is not None), default=0)


def chart_lines(listing: Listing, width: int, *, keep_order: bool) -> list[_Line]:
    """The text chart: a heading per panel, then label, value and a bar scaled to what the width leaves."""
    found, skipped = panels(listing.records, keep_order=keep_order)
    width = max(width, MIN_WIDTH)  # narrower, the lines run past the edge and the terminal wraps them
    lines: list[_Line] = []
    for panel in found:
        text_w = max(len(p.text) for p in panel.rows)
        # A label longer than the width leaves beside its value and the shortest bar wraps between words.
        label_w = min(max(len(p.marked_label) for p in panel.rows), max(width - text_w - 2 * len(_GAP) - 1 - _MIN_BAR, 12))
        bar_w = max(width - label_w - text_w - 2 * len(_GAP) - 1, _MIN_BAR)
        scale = scale_of(panel.rows)
        lines += [_Line(part, style="bold") for part in wrap(panel.heading, width - 1, subsequent_indent="  ")]
        for p in panel.rows:
            bar = _bar(p.value, scale, bar_w) if p.value is not None else ""
            colour = "red" if p.value is not None and p.value < 0 else "cyan"
            label, *rest = wrap(p.marked_label, label_w, break_long_words=False) or [""]
            lines.append(_Line(f"{label.ljust(label_w)}{_GAP}{p.text.rjust(text_w)}{_GAP}", bar, colour))
            if rest:  # only a label past the cap (12 or more columns) has a rest
                lines += [_Line(f"  {part}") for part in wrap(" ".join(rest), label_w - 2, break_long_words=False)]
        lines.append(_Line(""))
    if skipped:
        lines.append(_Line(f"{skipped} row(s) without a number left out", style="dim"))
    rows = [p for panel in found for p in panel.rows]
    marks = _marks(rows)
    if marks:
        lines.append(_Line("marks: " + "; ".join(marks), style="dim"))
    lines += [_Line(text, style="dim") for text in mark_legend(p.mark for p in rows)]
    return lines


def write_chart(listing: Listing, out: IO[str], *, keep_order: bool, force_color: bool = False) -> None:
    screen = fitted(out, force_color)
    if screen is None:  # a pipe, or a window narrower than MIN_WIDTH (rich draws nothing at COLUMNS=0)
        for line in chart_lines(listing, shutil.get_terminal_size((80, 24)).columns, keep_order=keep_order):
            out.write((line.text + line.bar).rstrip() + "\n")
        return
    from rich.text import Text

    for line in chart_lines(listing, screen.width, keep_order=keep_order):
        text = Text(line.text, style="" if line.bar else line.style)
        text.append(line.bar, style=line.style)
        screen.print(text, soft_wrap=True)
