"""Term, type and meaning lines (`tungsten fields`), like `--help` output: aligned columns; on a terminal
the meaning wraps under a hanging indent instead of being cut, piped each term is one full line."""

from __future__ import annotations

import textwrap
from typing import IO

from tungsten_cli.records import Record
from tungsten_cli.render.console import fitted
from tungsten_cli.render.text import clean

GAP = "  "


def write_definitions(rows: list[Record], keys: tuple[str, str, str], out: IO[str], *, force_color: bool = False) -> None:
    """`keys` names each row's term, its type and its meaning, in that order."""
    term, kind, meaning = keys
    lead = [(clean(str(r[term])), clean(str(r[kind]))) for r in rows]
    widths = [max([len(key), *(len(pair[i]) for pair in lead)]) for i, key in enumerate((term, kind))]
    indent = sum(widths) + 2 * len(GAP)
    screen = fitted(out, force_color)
    header = f"{term.ljust(widths[0])}{GAP}{kind.ljust(widths[1])}{GAP}{meaning}"
    lines = [header, *(f"{t.ljust(widths[0])}{GAP}{k.ljust(widths[1])}{GAP}{clean(str(r[meaning]))}" for (t, k), r in zip(lead, rows))]
    if screen is None:
        out.write("".join(line + "\n" for line in lines))
        return
    from rich.text import Text

    width = max(screen.width - 1, indent + 20)
    screen.print(Text(header, style="bold"), soft_wrap=True)
    for line in lines[1:]:
        screen.print(Text(textwrap.fill(line, width, subsequent_indent=" " * indent, break_on_hyphens=False)), soft_wrap=True)
