"""Country names a user may type, and resolving one to its ISO 3166-1 alpha-2 code."""

from __future__ import annotations

import difflib  # Typer imports it anyway, so a lazy import saves nothing
import re

from tungsten_cli.errors import UsageError
from tungsten_cli.records import AGGREGATES
from tungsten_cli.search import fold
from tungsten_cli.vocabulary import COUNTRIES

__all__ = ["AGGREGATES", "display_name", "resolve", "subject_code"]


def resolve(value: str) -> str:
    """A code (alpha-2 first, the fast path) or a name in any case to its alpha-2 code.

    A name matches whole; failing that, a name that holds the words ("Korea") must pick one country,
    else the candidates are listed; a near miss ("Kasachstan") gets a suggestion.
    """
    code = value.strip().upper()
    if code in COUNTRIES:
        return code
    wanted = fold(value.strip())
    folded = {code: [fold(name) for name in names] for code, names in COUNTRIES.items()}
    found = [code for code, names in folded.items() if wanted in names]
    if not found:
        words = re.compile(rf"\b{re.escape(wanted)}\b")
        found = [code for code, names in folded.items() if any(words.search(name) for name in names)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"ambiguous country '{value}': {', '.join(_label(code) for code in sorted(found))}")
    by_name = {name: code for code, names in folded.items() for name in names}
    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.75)
    hint = f"; did you mean {_label(by_name[close[0]])}?" if close else ""
    raise UsageError(f"unknown country '{value}'{hint} (use an ISO 3166-1 code such as KZ or an English name)")


def subject_code(value: str) -> str:
    """What a figure or an import share is listed under: a country, or an aggregate (`others` is `other`)."""
    folded = fold(value.strip())
    folded = "other" if folded == "others" else folded
    return folded if folded in AGGREGATES else resolve(value)


def display_name(code: str) -> str:
    """The name people know a country by ("North Korea", not ISO's "Korea, Democratic People's Republic
    of"); empty for an aggregate, whose code already says what it is."""
    names = COUNTRIES.get(code)
    return names[3] if names else ""


def _label(code: str) -> str:
    return f"{code} ({COUNTRIES[code][2]})"
