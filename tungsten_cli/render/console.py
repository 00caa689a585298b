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


def console(out: IO[str]) -> Console:
    """A Console on `out`: width from the terminal or COLUMNS, no markup or highlighting (pack text is
    never interpreted). rich itself drops colour when NO_COLOR is set to a non-empty value, as
    no-color.org says, and forces it under FORCE_COLOR; tests/test_chart.py pins both."""
    from rich.console import Console

    return Console(file=out, highlight=False, markup=False, emoji=False)
