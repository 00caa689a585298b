"""The one place that decides between rich and plain text, and builds rich's Console."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def is_terminal(out: IO[str]) -> bool:
    return hasattr(out, "isatty") and out.isatty()


def use_rich(out: IO[str], force_color: bool = False) -> bool:
    """rich on a terminal, or when FORCE_COLOR asks for it (`force_color`, from the Environment);
    plain text in a pipe."""
    return force_color or is_terminal(out)


# Below this many columns a fitted layout says less than plain lines the terminal wraps itself: a
# table falls back to the plain table, `show` and definition lists to unwrapped lines, and a chart
# is drawn at this width. 40 holds an id, a value and a short bar; at 20 even `show`'s quote indent
# and a key (`CN/mine-production/2024`) leave no room.
MIN_WIDTH = 40


def fitted(out: IO[str], force_color: bool = False) -> Console | None:
    """A Console for a layout fitted to the width: on a terminal (or under FORCE_COLOR) at least
    MIN_WIDTH columns wide; None means plain, unwrapped text (a pipe, or a narrower window,
    COLUMNS=0 included)."""
    if not use_rich(out, force_color):
        return None
    screen = console(out)
    return screen if screen.width >= MIN_WIDTH else None


def console(out: IO[str]) -> Console:
    """A Console on `out`: width from the terminal or COLUMNS, no markup or highlighting (pack text is
    never interpreted). rich itself drops colour when NO_COLOR is set to a non-empty value, as
    no-color.org says, and forces it under FORCE_COLOR; tests/test_chart.py pins both."""
    from rich.console import Console

    return Console(file=out, highlight=False, markup=False, emoji=False)
