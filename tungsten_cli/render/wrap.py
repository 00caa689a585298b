"""Wrapping text for a terminal: between words, never between a number and its unit (`70 %`, `US$ 900 m`, `2 million t`)."""

from __future__ import annotations

import re
import textwrap
from typing import Any

_GLUE = "\x00"  # clean() shows every control character escaped, so shown text never holds this one
_UNITS = r"(?:%|t|kg|bn|m|¢)(?!\w)"
# A scale word between them ("2 million t") belongs to the number: both spaces are glued.
_UNIT = re.compile(rf"(?<=\d) (?=(?:[mb]illion )?{_UNITS})|(?<=\d [mb]illion) (?={_UNITS})|(?<=US\$) (?=\d)")


def wrap(text: str, width: int, **options: Any) -> list[str]:
    """textwrap.wrap without breaking at hyphens, nor between a number and its unit or currency."""
    glued = _UNIT.sub(_GLUE, text)
    return [line.replace(_GLUE, " ") for line in textwrap.wrap(glued, width, break_on_hyphens=False, **options)]
