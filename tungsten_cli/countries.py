"""Country names a user may type, and resolving one to its ISO 3166-1 alpha-2 code."""

from __future__ import annotations

import re

from tungsten_cli.errors import UsageError
from tungsten_cli.search import fold

# Names people and sources write that ISO 3166-1 (pycountry) does not list; the USGS text itself
# writes "Russia". Tested name by name in tests/test_countries.py.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "RU": ("Russia",),
    "GB": ("UK", "Britain", "Great Britain"),
    "TR": ("Turkey",),
    "US": ("USA", "America"),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "CG": ("Congo-Brazzaville",),
    "CI": ("Ivory Coast",),
    "MM": ("Burma",),
    "NL": ("Holland",),
    "CZ": ("Czech Republic",),
    "CV": ("Cape Verde",),
    "SZ": ("Swaziland",),
    "MK": ("Macedonia",),
    "VA": ("Vatican",),
    "PS": ("Palestine",),
}


def name_table() -> dict[str, list[str]]:
    """Every ISO 3166-1 country with its codes and names (ISO name third), built once per validation
    and stored in the cache so that lookups need no pycountry."""
    import pycountry

    table: dict[str, list[str]] = {}
    for country in pycountry.countries:
        names = [country.alpha_2, country.alpha_3, country.name]
        names += [getattr(country, attr) for attr in ("official_name", "common_name") if hasattr(country, attr)]
        table[country.alpha_2] = [*names, *COMMON_NAMES.get(country.alpha_2, ())]
    return table


def resolve(value: str, table: dict[str, list[str]]) -> str:
    """A code (alpha-2 first, the fast path) or a name in any case to its alpha-2 code.

    A name matches whole; failing that, a name that holds the words ("Korea") must pick one country,
    else the candidates are listed; a near miss ("Kasachstan") gets a suggestion.
    """
    code = value.strip().upper()
    if code in table:
        return code
    wanted = fold(value.strip())
    folded = {code: [fold(name) for name in names] for code, names in table.items()}
    found = [code for code, names in folded.items() if wanted in names]
    if not found:
        words = re.compile(rf"\b{re.escape(wanted)}\b")
        found = [code for code, names in folded.items() if any(words.search(name) for name in names)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(f"ambiguous country '{value}': {', '.join(_label(code, table) for code in sorted(found))}")
    import difflib

    by_name = {name: code for code, names in folded.items() for name in names}
    close = difflib.get_close_matches(wanted, list(by_name), n=1, cutoff=0.75)
    hint = f"; did you mean {_label(by_name[close[0]], table)}?" if close else ""
    raise UsageError(f"unknown country '{value}'{hint} (use an ISO 3166-1 code such as KZ or an English name)")


def _label(code: str, table: dict[str, list[str]]) -> str:
    return f"{code} ({table[code][2]})"
