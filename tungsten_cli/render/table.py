"""The terminal table: columns fitted to the width by priority, two lines a record at most, quotes beneath rows.

rich draws it (styles, NO_COLOR, width detection); the fitting is done here because rich can
neither drop a column nor cap a cell at two lines.

A view may mark columns `beneath` (deals: parties and amount). When one line of columns would hide
more than two bands do, each record takes two lines of one line each: the other columns (the id
whole, the deal kind) on the first, the beneath columns indented on the second, where a long text
has nearly the whole width instead of a narrow column.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, NamedTuple

from tungsten_cli.render.columns import Column, Fit, Listing, cells, table_columns
from tungsten_cli.render.text import clean, mark_legend, note_mark, quotes_of
from tungsten_cli.render.wrap import wrap

if TYPE_CHECKING:
    from rich.console import Console

MAX_LINES = 2
GAP = 2  # spaces between columns
PROSE_MIN = 24  # a prose column narrower than this says too little: drop a column before squeezing it further
AUTO_TOKEN = 24  # an `auto` column whose cells are all this short is kept whole
CUT = "…"


class Layout(NamedTuple):
    """Which columns are shown, at what width, and how each fits."""

    shown: list[int]
    widths: list[int]
    fits: list[Fit]
    hidden: list[int]


def _words_min(text: str) -> int:
    """The narrowest width at which `text` wraps onto MAX_LINES lines without splitting a word (nor
    a number from its unit: `282,000,000 t` is one word to `wrap`)."""
    words = wrap(text, 1, break_long_words=False)
    width = max([len(w) for w in words] + [(len(text) + 1) // MAX_LINES, 1])
    while len(_wrap(text, width, cut=False)) > MAX_LINES:
        width += 1
    return width


def _wrap(text: str, width: int, *, cut: bool, lines: int = MAX_LINES) -> list[str]:
    if len(text) <= width:
        return [text]
    return wrap(
        text,
        width,
        break_long_words=cut,
        max_lines=lines if cut else None,
        placeholder=" " + CUT,
    ) or [""]


def _key_parts(text: str) -> list[str]:
    """A key split after each "/" between its parts; a "/" between two digits (a period) holds."""
    parts, start = [], 0
    for i, char in enumerate(text):
        if char == "/" and not (text[i - 1 : i].isdigit() and text[i + 1 : i + 2].isdigit()):
            parts.append(text[start : i + 1])
            start = i + 1
    return [*parts, text[start:]] if text[start:] else parts


def _key_lines(text: str, width: int) -> list[str]:
    """A key on one line, or on two split after a "/": the longest first line that leaves a second line fitting."""
    parts = _key_parts(text)
    if len(text) <= width or len(parts) < 2:
        return [text]
    splits = [("".join(parts[:k]), "".join(parts[k:])) for k in range(len(parts) - 1, 0, -1)]
    return list(next((s for s in splits if max(map(len, s)) <= width), min(splits, key=lambda s: max(map(len, s)))))


def _key_min(text: str) -> int:
    return max(len(line) for line in _key_lines(text, 0))


def _fit_of(column: Column, natural: int) -> Fit:
    if column.fit == "auto":
        return "token" if column.numeric or natural <= AUTO_TOKEN else "prose"
    return column.fit


def fit(columns: list[Column], rows: list[list[str]], width: int) -> Layout:
    """Drop the lowest-priority columns until the minimum widths fit, then share the spare width out."""
    natural = [max([len(c.header)] + [len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    fits = [_fit_of(c, n) for c, n in zip(columns, natural)]
    least = []
    for i, (column, kind) in enumerate(zip(columns, fits)):
        if kind == "token":
            least.append(natural[i])
        elif kind == "words":
            least.append(max([len(column.header)] + [_words_min(row[i]) for row in rows]))
        elif kind == "key":
            least.append(max([len(column.header)] + [_key_min(row[i]) for row in rows]))
        else:
            least.append(min(natural[i], max(len(column.header), column.min_width or PROSE_MIN)))
    shown = list(range(len(columns)))

    def needed() -> int:
        return sum(least[i] for i in shown) + GAP * (len(shown) - 1)

    while needed() > width and len(shown) > 1:
        shown.remove(max(reversed(shown), key=lambda i: columns[i].priority))
    if needed() > width:  # one column left and still too wide: let it be cut
        fits[shown[0]] = "prose"
        least[shown[0]] = max(width, 1)
    widths = {i: least[i] for i in shown}
    spare = width - needed()
    for i in shown:  # a key wraps only when nothing else gives: it is made whole first
        if fits[i] == "key":
            extra = min(natural[i] - widths[i], spare)
            widths[i] += extra
            spare -= extra
    growing = [i for i in shown if widths[i] < natural[i]]
    while spare > 0 and growing:
        share = max(spare // len(growing), 1)
        for i in growing:
            extra = min(share, natural[i] - widths[i], spare)
            widths[i] += extra
            spare -= extra
        growing = [i for i in growing if widths[i] < natural[i]]
    return Layout(shown, [widths[i] for i in shown], [fits[i] for i in shown], [i for i in range(len(columns)) if i not in shown])


def _cell_lines(text: str, width: int, kind: Fit, numeric: bool, most: int = MAX_LINES) -> list[str]:
    if kind == "key":
        lines = _key_lines(text, width)
    else:
        lines = _wrap(text, width, cut=kind != "words", lines=most) if kind != "token" else [text]
    return [line.rjust(width) if numeric else line.ljust(width) for line in lines]


class Band(NamedTuple):
    """One line of a record: which columns (indices into the table's), fitted how, how far in."""

    columns: list[int]
    layout: Layout
    indent: int = 0
    lines: int = MAX_LINES  # lines a cell may take

    @property
    def shown(self) -> list[int]:
        return [self.columns[i] for i in self.layout.shown]

    @property
    def hidden(self) -> list[int]:
        return [self.columns[i] for i in self.layout.hidden]


BENEATH_INDENT = 4


def _band(columns: list[Column], rows: list[list[str]], chosen: list[int], width: int, indent: int) -> Band:
    """Columns on a line of their own: every cell on one line (a name or key whole, a text cut)."""
    one_line = [columns[i]._replace(fit="token") if columns[i].fit in ("words", "key") else columns[i] for i in chosen]
    return Band(chosen, fit(one_line, [[row[i] for i in chosen] for row in rows], width - indent), indent, 1)


def _hides(bands: list[Band], columns: list[Column]) -> tuple[int, int]:
    """What a layout costs: first-rank columns hidden, then columns hidden."""
    hidden = [i for band in bands for i in band.hidden]
    return sum(columns[i].priority == 1 for i in hidden), len(hidden)


def bands(columns: list[Column], rows: list[list[str]], width: int) -> list[Band]:
    """One band of columns, or two when that hides less (see the module's docstring)."""
    single = [Band(list(range(len(columns))), fit(columns, rows, width))]
    beneath = [i for i, c in enumerate(columns) if c.beneath]
    if not beneath or not single[0].hidden:
        return single
    first = [i for i in range(len(columns)) if i not in beneath]
    stacked = [_band(columns, rows, first, width, 0), _band(columns, rows, beneath, width, BENEATH_INDENT)]
    return stacked if _hides(stacked, columns) < _hides(single, columns) else single


def _footer(listing: Listing, columns: list[Column], first: int, hidden_at: list[int], cut: bool) -> list[str]:
    notes = []
    if listing.more is not None and (hidden_at or cut):
        return [f"{'hidden or cut' if hidden_at and cut else 'hidden' if hidden_at else 'cut'} to fit: {listing.more}"]
    if hidden_at:
        hidden = [columns[i] for i in hidden_at]
        wanted = ",".join(c.field or c.header for c in [columns[first], *hidden])
        notes.append(f"hidden to fit: {', '.join(c.header for c in hidden)}; show them with --fields {wanted}, or --format csv")
    if cut:
        notes.append(f"{CUT} text cut to fit: tungsten show ID, or --format csv or json")
    if not listing.cite and any(quotes_of(r) for r in listing.records):
        notes.append("quotes: --cite")
    return notes + mark_legend(map(note_mark, listing.records))


def write_table(listing: Listing, screen: Console) -> None:
    """The fitted table on `screen`, at least console.MIN_WIDTH wide (`console.fitted` decides)."""
    from rich.text import Text

    width = screen.width
    columns = table_columns(listing)
    rows = cells(columns, listing.records)
    if rows:  # a column empty in every row only costs width on a terminal
        # Every column empty (`deals --fields offtake_pct`) keeps them all: a header over blank cells.
        keep = [i for i in range(len(columns)) if any(row[i] for row in rows)] or list(range(len(columns)))
        columns, rows = [columns[i] for i in keep], [[row[i] for i in keep] for row in rows]
    marks = [note_mark(record) for record in listing.records]
    marked = any(marks)
    plan = bands(columns, rows, width - marked)
    first = plan[0].shown[0]
    if marked:  # the mark rides on the first shown column, which was given one spare cell for it
        plan[0].layout.widths[0] += 1
        for row, mark in zip(rows, marks):
            row[first] += mark

    def line(band: Band, parts: list[str]) -> str:
        return (" " * band.indent + (" " * GAP).join(parts)).rstrip()

    for band in plan:
        headers = [columns[i].header for i in band.shown]
        padded = [h.rjust(w) if columns[i].numeric else h.ljust(w) for h, i, w in zip(headers, band.shown, band.layout.widths)]
        screen.print(Text(line(band, padded), style="bold"))
    if len(plan) == 1:
        screen.print(Text(line(plan[0], ["─" * w for w in plan[0].layout.widths]), style="dim"))
    else:  # two lines of headers: one rule across both
        screen.print(Text("─" * max(band.indent + sum(band.layout.widths) + GAP * (len(band.shown) - 1) for band in plan), style="dim"))
    cut = False
    for row, record in zip(rows, listing.records):
        for band in plan:
            shown = [columns[i] for i in band.shown]
            blocks = [
                _cell_lines(row[i], w, kind, c.numeric, band.lines)
                for i, w, kind, c in zip(band.shown, band.layout.widths, band.layout.fits, shown)
            ]
            cut = cut or any(CUT in b[-1] and CUT not in row[i] for i, b in zip(band.shown, blocks))
            for n in range(max(len(b) for b in blocks)):
                screen.print(
                    Text(line(band, [b[n] if n < len(b) else " " * w for b, w in zip(blocks, band.layout.widths)])), soft_wrap=True
                )
        if listing.cite:
            for source, quote in quotes_of(record):
                text = textwrap.fill(
                    f"[{clean(source)}] {clean(quote.strip())}", width - 1, initial_indent="    ", subsequent_indent="      "
                )
                screen.print(Text(text, style="italic"), soft_wrap=True)
    hidden = [i for band in plan for i in band.hidden]
    for note in _footer(listing, columns, first, hidden, cut):
        screen.print(Text(textwrap.fill(note, width - 1), style="dim"), soft_wrap=True)
