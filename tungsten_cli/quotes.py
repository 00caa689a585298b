"""A quote's numbers as its source writes them: notation by language, scale word, unit, year or date,
and the bound, approximation and direction words that stand beside each.

`number_tokens` finds every number with every value its digits could mean (coverage asks "is this
number held anywhere?"); `read_quote` reads each one the one way its source's language writes it, so
verify can bind a record's field to the token that states it, in its role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?:\s*(Millionen|Million|Milliarden|Milliarde|Mio\.|Mrd\.|million|billion))?"
)
_SCALES = {"million": 1e6, "millionen": 1e6, "mio.": 1e6, "milliarde": 1e9, "milliarden": 1e9, "mrd.": 1e9, "billion": 1e9}
# Number words the German translation spells out ("drei bis vier Jahrzehnten", "ein Dutzend", "dreimal").
_WORDS = {"zwei": 2, "zweiter": 2, "drei": 3, "dreimal": 3, "vier": 4, "fünf": 5, "dutzend": 12}
_WORD = re.compile(r"[^\W\d_]+")
# USGS writes a zero as "—" in a table cell: the dash stands between column gaps (two or more
# spaces) or at a line's edge. A dash in prose ("prices — as reported", "Statistics—United") is not a number.
_CELL_DASH = re.compile(r"(?:^|(?<=\s\s)|(?<=\t))—(?=\s\s|\t|$)", re.MULTILINE)
_RANGE = re.compile(r"\s*(?:-|–|bis|to)\s*")
_MINUS = re.compile(r"(?<![\w.,])[-−]$")


def _readings(token: str, scale: float) -> set[float]:
    """The values digits can stand for: German or English separators; with a scale word only the
    scaled value, its one separator a decimal mark ("1.216 Millionen" is 1,216,000, not 1.216 or 1.216e9)."""
    if scale != 1.0 and len(re.findall(r"[.,]", token)) == 1:
        spellings = {token.replace(",", ".")}
    else:
        spellings = {token.replace(".", "").replace(",", "."), token.replace(",", ""), token.replace(",", ".")}
    found = set()
    for reading in spellings:
        try:
            value = float(reading)
        except ValueError:
            continue
        found.add(round(value * scale, 6))
    return found


class NumberToken(NamedTuple):
    """One number as written in a text (digits with their scale word, a number word, or a lone dash)."""

    start: int
    end: int
    text: str
    readings: frozenset[float]
    negative: bool = False  # written with a minus sign


def _scale_of(matches: list[re.Match[str]], i: int, text: str) -> float:
    """A number's scale word; the lower bound of a range shares its upper bound's ("4 - 5 Milliarden")."""
    match = matches[i]
    scale = _SCALES.get((match.group(2) or "").lower(), 1.0)
    following = matches[i + 1] if i + 1 < len(matches) else None
    if scale == 1.0 and following is not None and _RANGE.fullmatch(text[match.end() : following.start()]):
        scale = _SCALES.get((following.group(2) or "").lower(), 1.0)
    return scale


def number_tokens(text: str) -> list[NumberToken]:
    """Every number in a text with every value it can be read as, in German and English notation.

    A scale word also applies to the lower bound of a range: "4 - 5 Milliarden" holds 4e9 and 5e9.
    A dash counts as zero only where it stands alone, as in a table cell ("—" is USGS's zero), not
    where it joins words ("Statistics—United States").
    """
    tokens: list[NumberToken] = []
    matches = list(_NUMBER.finditer(text))
    for i, match in enumerate(matches):
        scale = _scale_of(matches, i, text)
        negative = bool(_MINUS.search(text, max(0, match.start() - 2), match.start()))
        tokens.append(NumberToken(match.start(), match.end(), match.group(0), frozenset(_readings(match.group(1), scale)), negative))
    for word in _WORD.finditer(text):
        if word.group(0).lower() in _WORDS:
            tokens.append(NumberToken(word.start(), word.end(), word.group(0), frozenset({float(_WORDS[word.group(0).lower()])})))
    tokens += [NumberToken(m.start(), m.end(), m.group(0), frozenset({0.0})) for m in _CELL_DASH.finditer(text)]
    return sorted(tokens)


def numbers_in(quote: str) -> set[float]:
    """Every value a quote can be read as (the union of its tokens' readings)."""
    return {value for token in number_tokens(quote) for value in token.readings}


# ---------------------------------------------------------------- one reading per token, by language

# Languages that write 1.234,5 (a point groups thousands, a comma marks decimals); the rest write 1,234.5.
COMMA_DECIMAL = frozenset("de fr es it nl pt ru pl cs sk sv da nb nn fi tr id ro hu el bg hr sl uk".split())
_UNITS = (
    ("percent", re.compile(r"\s*(?:%|Prozent\b|percent\b|per ?cent\b)")),
    ("tonnage", re.compile(r"\s*(?:Tonnen\b|Tonne\b|tons\b|tonnes\b|metric tons\b|t\b)")),
    ("currency", re.compile(r"\s*(?:US-Dollar\b|Dollar\b|dollars\b|USD\b|US\$)")),
    ("kilograms", re.compile(r"\s*(?:kilograms\b|Kilogramm\b|kg\b)")),
    ("cents-per-kg", re.compile(r"\s*¢/kg")),
    ("degrees", re.compile(r"\s*°\s*C\b")),
)
_CURRENCY_BEFORE = re.compile(r"(?:\$|US\$|USD\s)$")
# A bound word right before a number (only spaces between): "mehr als 2", "over 50", ">4,600,000".
_BOUND_WORDS = {
    "mehr als": ">", "über": ">", "überschreitet": ">", "übersteigt": ">", "more than": ">", "over": ">",
    "exceeds": ">", "exceeded": ">", "exceeding": ">", "above": ">", "at least": ">=", "mindestens": ">=",
    "weniger als": "<", "unter": "<", "less than": "<", "fewer than": "<", "below": "<", "under": "<", "at most": "<=",
    "höchstens": "<=",
}  # fmt: skip
_BOUND = re.compile(
    r"(?:(?<![\w])(" + "|".join(sorted(map(re.escape, _BOUND_WORDS), key=len, reverse=True)) + r")\s+|(>=?|<=?|≥|≤)\s*)$", re.I
)
_SYMBOLS = {"≥": ">=", "≤": "<="}
# An approximation word right before a number, an article allowed between ("etwa ein Dutzend").
_APPROX = re.compile(
    r"(?:(?<![\w])(etwa|ca\.|circa|rund|fast|ungefähr|about|approximately|nearly|almost|around|roughly)\s+(?:(?:ein|eine|a|an)\s+)?|(~)\s*)$",
    re.I,
)
# A table row labelled "(rounded)" hedges every number in it.
_ROUNDED = re.compile(r"\(rounded\)", re.I)
_DECREASE = re.compile(
    r"(?<![\w])(?:senkung|gesenkt|senkt|sank|gesunken|fiel|gefallen|rückgang|zurückgegangen|niedriger|kürzung|gekürzt|verringer\w*|reduzier\w*|"
    r"abnahme|decreas\w*|declin\w*|dropp?\w*|fell|fallen|down|lower\w*|reduc\w*|cut)(?![\w])",
    re.I,
)
_INCREASE = re.compile(
    r"(?<![\w])(?:stieg|gestiegen|steigt|anstieg\w*|jahresanstieg|erhöh\w*|zunahme|zugenommen|höher|increas\w*|rose|risen|rise|grew|grown|"
    r"growth|higher|up)(?![\w])",
    re.I,
)
_CLAUSE_END = re.compile(r"[.;!?](?:\s|$)|\n")
_MONTH = (
    r"(?:Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember|"
    r"January|February|March|May|June|July|October|December)"
)
_DAY_BEFORE_MONTH = re.compile(r"\.\s*" + _MONTH + r"\b")
_MONTH_BEFORE_DAY = re.compile(r"\b" + _MONTH + r"\s+$")
_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,2}[–-]\d{1,2}[–-]\d{2,4}(?!\d)")
_YEAR_RANGE_TAIL = re.compile(r"(?:19|20)\d{2}[–-]$")


@dataclass(frozen=True)
class Token:
    """One number of a quote read as its source writes it.

    `value` is the reading in the source's notation (scaled); `other` the reading the other notation
    would give, where it differs; `slip` says the source's notation cannot read the digits at all, so
    the other reading is the only one (the article's "2.5 Millionen").
    """

    start: int
    end: int
    text: str
    value: float
    other: float | None = None
    notation: str = "en"
    slip: bool = False
    scale: str | None = None
    unit: str | None = None  # percent, tonnage, currency, kilograms, cents-per-kg, degrees; None: not stated
    unit_word: str | None = None
    year: str | None = None  # why it is a year or a date, or None
    bound: str | None = None  # ">", "<", ">=", "<="
    bound_word: str | None = None
    approx_word: str | None = None
    negative: bool = False
    decrease_word: str | None = None  # in the token's clause
    increase_word: str | None = None


def _in_notation(digits: str, language: str) -> float | None:
    """Digits read in a notation; None where they are not well-formed in it ("2.5" in German)."""
    group, decimal = (".", ",") if language in COMMA_DECIMAL else (",", ".")
    g, d = re.escape(group), re.escape(decimal)
    if not re.fullmatch(rf"\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?", digits):
        return None
    return float(digits.replace(group, "").replace(decimal, "."))


def _clause(text: str, start: int, end: int) -> str:
    """The clause a token stands in: from the last clause end before it to the next one after it."""
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, start)]
    after = _CLAUSE_END.search(text, end)
    return text[ends[-1] if ends else 0 : after.start() if after else len(text)]


def _year_reason(text: str, match: re.Match[str], digits: str, unit: str | None, scale: str | None) -> str | None:
    before, after = text[: match.start()], text[match.end() :]
    if _DAY_BEFORE_MONTH.match(after) or (_MONTH_BEFORE_DAY.search(before) and len(digits) <= 2):
        return "a date"
    if any(m.start() <= match.start() < m.end() for m in _NUMERIC_DATE.finditer(text)):
        return "a date"
    if unit is None and scale is None and re.fullmatch(r"(?:19|20)\d{2}", digits):
        return "a year"
    if unit is None and scale is None and len(digits) == 2 and _YEAR_RANGE_TAIL.search(before):
        return "a year"
    return None


@lru_cache(maxsize=4096)
def read_quote(quote: str, language: str) -> tuple[Token, ...]:
    """Every number of a quote read in its source's notation, with the words that qualify it.

    Cached: many records cite the same sentence or table row."""
    notation = "de" if language in COMMA_DECIMAL else "en"
    other_notation = "en" if notation == "de" else "de"
    rounded = _ROUNDED.search(quote)
    tokens: list[Token] = []
    matches = list(_NUMBER.finditer(quote))
    for i, match in enumerate(matches):
        digits, scale_word = match.group(1), match.group(2)
        factor = _scale_of(matches, i, quote)
        own = _in_notation(digits, notation)
        alt = _in_notation(digits, other_notation)
        slip = own is None
        value = alt if own is None else own
        if value is None:
            continue
        other = None if slip or alt is None or alt == own else round(alt * factor, 6)
        after = quote[match.end() :]
        unit, unit_word = None, None
        for name, pattern in _UNITS:
            found = pattern.match(after)
            if found:
                unit, unit_word = name, found.group(0).strip()
                break
        if unit is None and _CURRENCY_BEFORE.search(quote[: match.start()]):
            unit, unit_word = "currency", "$"
        before = quote[: match.start()]
        previous = tokens[-1] if tokens and _RANGE.fullmatch(quote[tokens[-1].end : match.start()]) else None
        bound_match, approx_match = _BOUND.search(before), _APPROX.search(before)
        bound_word = (bound_match.group(1) or bound_match.group(2)) if bound_match else None
        bound = (_BOUND_WORDS.get(bound_word.lower()) or _SYMBOLS.get(bound_word, bound_word)) if bound_word else None
        approx_word = (approx_match.group(1) or approx_match.group(2)) if approx_match else None
        if previous is not None:  # the second bound of a range shares the first's words ("rund 4 - 5 Milliarden")
            bound, bound_word = bound or previous.bound, bound_word or previous.bound_word
            approx_word = approx_word or previous.approx_word
        if approx_word is None and rounded:
            approx_word = rounded.group(0)
        clause = _clause(quote, match.start(), match.end())
        decrease, increase = _DECREASE.search(clause), _INCREASE.search(clause)
        tokens.append(
            Token(
                start=match.start(),
                end=match.end(),
                text=match.group(0),
                value=round(value * factor, 6),
                other=other,
                notation=other_notation if slip else notation,
                slip=slip,
                scale=scale_word if factor != 1.0 else None,
                unit=unit,
                unit_word=unit_word,
                year=_year_reason(quote, match, digits, unit, scale_word),
                bound=bound,
                bound_word=bound_word,
                approx_word=approx_word,
                negative=bool(_MINUS.search(quote, max(0, match.start() - 2), match.start())),
                decrease_word=decrease.group(0) if decrease else None,
                increase_word=increase.group(0) if increase else None,
            )
        )
    for word in _WORD.finditer(quote):
        if word.group(0).lower() in _WORDS:
            approx_match = _APPROX.search(quote[: word.start()])
            tokens.append(
                Token(
                    word.start(),
                    word.end(),
                    word.group(0),
                    float(_WORDS[word.group(0).lower()]),
                    notation="word",
                    approx_word=(approx_match.group(1) or approx_match.group(2)) if approx_match else None,
                )
            )
    tokens = _ranges_share_units(quote, tokens)
    tokens += [Token(m.start(), m.end(), m.group(0), 0.0, notation="dash") for m in _CELL_DASH.finditer(quote)]
    return tuple(sorted(tokens, key=lambda t: t.start))


def _ranges_share_units(quote: str, tokens: list[Token]) -> list[Token]:
    """The lower bound of a range takes its upper bound's scale word and unit ("4 - 5 Milliarden US-Dollar")."""
    shared = list(tokens)
    for i in range(len(shared) - 2, -1, -1):
        low, high = shared[i], shared[i + 1]
        if low.unit is None and high.unit is not None and _RANGE.fullmatch(quote[low.end : high.start]):
            shared[i] = replace(low, unit=high.unit, unit_word=high.unit_word, scale=low.scale or high.scale)
    return shared
