"""What draft guesses from a passage's words: countries, subjects, units, years, measures and deals, and the fields they fill."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from tungsten_cli.countries import display_name, subject_code
from tungsten_cli.errors import UsageError
from tungsten_cli.quotes import NumberToken, Token
from tungsten_cli.records import Record
from tungsten_cli.tables import Reading, reading
from tungsten_cli.vocabulary import COUNTRIES

# A year a sentence or header dates its numbers by, never a value of its own.
YEAR = re.compile(r"(?:19|20)\d{2}")
YEAR_HEADER = re.compile(r"(?:FY )?((?:19|20)\d{2})(e?)")
PERIOD = re.compile(r"\(((?:19|20)\d{2})\s*[–-]\s*(\d{2}|\d{4})\)")
# Column gaps of a layout-preserved table: segments are words joined by single spaces.
_SEGMENT = re.compile(r"\S+(?: \S+)*")
GAP = re.compile(r"\S {3,}\S")
ALIGN = 3  # columns a cell's right edge may sit from its header's (as verify allows)
SCAN = 40  # lines above a row searched for its table's year header
_RANGE = re.compile(r"\s*%?\s*(?:-|–|bis|to)\s*")
_FOOTNOTE = re.compile(r"[,\d]+$")
FIGURE_UNITS = {"percent": "pct", "tonnage": "t", "currency": "usd", "kilograms": "kg", "degrees": "degc"}
MEASURE_FIELDS = {"rate_pct": "duty", "rate_cents_per_kg": "duty", "additional_duty_pct": "additional duty", "change_pct": "change"}
HTS_CODE = re.compile(r"\b\d{4}\.\d{2}\.\d{4}\b")
# Words for kinds of deal and measure; German compounds ("Projektkredit", "Bergbauquote") hold them inside.
DEAL_WORDS = {
    "loan": r"loan|darlehen|kredit",
    "joint-venture": r"joint.venture|gemeinschaftsunternehmen",
    "acquisition": r"acquisition|acquire|übernahme|erwerb|erwirbt|übernimmt",
    "investment": r"invest",
    "memorandum": r"memorandum|absichtserklärung",
    "letter-of-interest": r"letter of interest",
    "sale-agreement": r"sale agreement|kaufvertrag|liefervertrag",
}
DEAL_ANY = re.compile("|".join([*DEAL_WORDS.values(), r"\bdeal\b", "agreement", "vereinbarung", "abkommen", "vertrag"]), re.I)
MEASURE_WORDS = {
    "mining-quota": r"quota|quote|kontingent",
    "export-control": r"export.?control|exportkontroll|ausfuhrkontroll",
    "tariff": r"tariff|zoll|zöll|\bdut(?:y|ies)\b",
}
# A duty on top of the existing rate ("an additional tariff of 25 %"), beside the reader's increase words.
ADDITIONAL = re.compile(r"additional|zusätzlich", re.I)


def placeholder(name: str) -> str:
    """What a field draft cannot fill holds; the model refuses it, so the record cannot load unfilled."""
    return f"<{name}>"


def slug_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "source"


def draft_note(checks: Sequence[str]) -> Record:
    return {"kind": "draft", "text": "Drafted by tungsten draft; check " + "; ".join(checks) + ". Delete this note when done."}


# --- reading numbers ------------------------------------------------------------------------------


def whole_number(value: float) -> float | int:
    """A whole number as an int, so the pack reads `27`, not `27.0`."""
    return int(value) if float(value).is_integer() else value


@cache
def _country_names() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern of every English country name (longest first, so "South Korea" beats "Korea"), and each name's code."""
    by_name = {n: code for code, names in COUNTRIES.items() for n in names[2:] if len(n) > 3}
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(by_name, key=len, reverse=True))) + r")\b"), by_name


def first_code(codes: list[str]) -> str | None:
    return codes[0] if codes else None


def countries_in(text: str) -> list[str]:
    """The countries a text names (English names from the vocabulary), in order, once each."""
    pattern, by_name = _country_names()
    return list(dict.fromkeys(by_name[m.group()] for m in pattern.finditer(text)))


# Cached: `resolve` folds every country name per call; a row label is read once per cell (drafting
# the MCS 2025 chapter: 123 ms uncached, 54 ms cached).
@cache
def subject_of(label: str) -> str | None:
    """A row label's country or aggregate: "China,8", "Korea, North", "World total (rounded)", "Other countries"."""
    name = _FOOTNOTE.sub("", re.sub(r"\(.*?\)", "", label).strip()).strip(" ,")
    head, _, tail = name.partition(", ")
    first = name.split(" ")[0].lower()
    for candidate in (name, f"{tail} {head}" if tail else "", first if first in ("world", "other", "others") else ""):
        try:
            if candidate:
                return subject_code(candidate)
        except UsageError:
            continue
    return None


def words_of(text: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[^\W\d_]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text))]


def segments_of(line: str) -> list[tuple[int, int, str]]:
    """(start column, end column, text) of each column of a layout-preserved line."""
    return [(m.start(), m.end(), m.group()) for m in _SEGMENT.finditer(line)]


def stem(word: str, part: str) -> bool:
    """A text word matches a measure's word when it starts with it ("concentrates", "productione",
    "Reserves10" read as "reserves"), or abbreviates it ("prod")."""
    return word.startswith(part) or (len(word) >= 4 and part.startswith(word))


def ranges(text: str, tokens: list[Token]) -> list[tuple[Token, Token | None]]:
    """Numbers paired where the text joins two into a range ("0,13% - 0,15%", "4 bis 5"), else alone."""
    found: list[tuple[Token, Token | None]] = []
    for token in tokens:
        if found and found[-1][1] is None and _RANGE.fullmatch(text, found[-1][0].end, token.start):
            found[-1] = (found[-1][0], token)
        else:
            found.append((token, None))
    return found


def notation_check(token: Token) -> list[str]:
    """Where the other notation reads the digits otherwise ("1.216 Millionen": 1,216 million in German
    notation, 1.216 million in English), the curator must say which the source means."""
    if token.other is None:
        return []
    return [
        f"{token.text!r} is {shown_number(token.value)} in {token.notation} notation, {shown_number(token.other)} in the other (a slip?)"
    ]


def qualified(token: Token, name: str) -> Record:
    """A field from a token as verify reads it: its value in the source's notation, signed where a
    minus sign (or, for a change, a decrease word) says so, with its bound and hedge words."""
    down = token.negative or (name == "change_pct" and token.decrease_word is not None and token.increase_word is None)
    fields: Record = {name: whole_number(-token.value if down else token.value)}
    if token.bound and name == "value":
        fields["comparator"] = token.bound
    if token.approx_word:
        fields["approximate"] = [name]
    return fields


def is_year_header(line: str) -> bool:
    """A table's header line: years as its only numbers (beside a title such as "Salient Statistics—United States:")."""
    cells = [s for _, _, s in segments_of(line)]
    years = [s for s in cells if YEAR_HEADER.fullmatch(s)]
    return bool(years) and all(s in years or (reading(s) is None and s != "—") for s in cells)


def is_footnote(text: str, token: NumberToken) -> bool:
    """A footnote marker stands glued to a word or a comma ("China,8", "forms:1", "Reserves10")."""
    before = text[token.start - 1 : token.start]
    return len(token.text) <= 2 and bool(before) and (before.isalpha() or before in ",:") and text[token.end : token.end + 1] != "%"


def date_of(years: tuple[int, int] | None) -> str | None:
    if years is None:
        return None
    return str(years[0]) if years[0] == years[1] else f"{years[0]}/{years[1]}"


def reading_fields(found: Reading, written: str) -> Record:
    """A cell's reading as figure fields: value and comparator, or why there is no value."""
    value, comparator, unavailable = found
    if unavailable is not None or value is None:
        return {"unavailable": unavailable, "as_written": written}
    fields: Record = {"value": whole_number(value)}
    if comparator:
        fields.update(comparator=comparator, as_written=written)
    return fields


def unit_of(context: str, default: str | None) -> str:
    words = set(words_of(context))
    if words & {"percentage", "percent", "pct", "nir"}:
        return "pct"
    if "dollars" in words and "unit" in words:
        return "usd_per_mtu_wo3"
    if "dollars" in words:
        return "usd"
    return default or placeholder("unit")


def country_name(code: str) -> str:
    """A country's name for a summary, "Other countries" and "The world" for the aggregates."""
    return display_name(code) or {"other": "Other countries", "world": "The world"}.get(code, code)


def shown_number(value: float) -> str:
    """A number as a summary or table shows it: thousands grouped, whole numbers without ".0"."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def figure_summary(record: Record, source_id: str) -> str:
    name = country_name(record["subject"])
    what = record["measure"].replace("-", " ") if not record["measure"].startswith("<") else "a figure"
    when = f" in {record['date'].replace('/', '–')}" if record.get("date") else ""
    if record.get("unavailable"):
        stated = f"{record['unavailable'].replace('-', ' ')} ({record['as_written']})"
    else:
        unit = {"t": " t", "pct": " %", "usd": " US$"}.get(record.get("unit", ""), "")
        stated = (
            (record.get("comparator") or "") + shown_number(record["value"]) + unit + (" (estimated)" if record.get("estimated") else "")
        )
    return f"{source_id}: {what} of {name}{when}, {stated}."
