"""Bind each numeric field of a record to the one quote token that states it, in its role.

A field is backed only by a number of its own quote read in the source's notation, of its own unit
(a percent backs only a percent field), never by a year or a date, with the quote's bound word and
approximation word matching the record's `comparator` and `approximate` both ways, and a signed
change matching the quote's decrease or increase word. Where the words cannot decide, a curator
note naming the token documents the reading, and the binding names that note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from tungsten_cli.quotes import Token, read_quote
from tungsten_cli.records import Record

# Fields whose sign says which way something changed (a quota 6.45 % lower is -6.45).
SIGNED_CHANGES = frozenset({"change_pct"})
_UNIT_ROLES = {"pct": "percent", "t": "tonnage", "kg": "kilograms", "usd": "currency", "degc": "degrees"}
_ROLE_NAMES = {
    "percent": "a percent",
    "tonnage": "a tonnage",
    "currency": "a currency amount",
    "kilograms": "a mass in kilograms",
    "cents-per-kg": "a rate in cents per kilogram",
    "degrees": "a temperature",
}
# Notes that may document how a token is read: the curator's reading, or a unit the source leaves open.
_READING_NOTES = ("interpretation", "unit-ambiguous")
_READ_AS = re.compile(r"\bread (?:[\w ]+? )?as (\d[\d,]*(?:\.\d+)?)(?:\s*(million|billion))?")
_NOTE_COMPARATOR = re.compile(r"comparator '([<>]=?)'")
# A note that documents a sign against the words says so: it names the token and speaks of its sign.
_SIGN_WORDS = re.compile(r"\b(?:minus|sign|negative|positive)\b", re.IGNORECASE)


def field_role(record: Record, name: str) -> str | None:
    """The unit a field's number must carry in its quote; None for a plain number (a count, a rank)."""
    if name.endswith("_pct"):
        return "percent"
    if name.endswith("_t"):
        return "tonnage"
    if name == "amount_usd":
        return "currency"
    if name == "rate_cents_per_kg":
        return "cents-per-kg"
    if name in ("value", "value_max"):
        return _UNIT_ROLES.get(record.get("unit") or "")
    return None


def record_values(record: Record, fields: Sequence[str]) -> Iterator[tuple[str, float]]:
    """(field, value) for every number the record asserts, parties' stakes included."""
    for name in fields:
        if isinstance(record.get(name), (int, float)) and not isinstance(record.get(name), bool):
            yield name, float(record[name])
    for i, party in enumerate(record.get("parties") or []):
        if party.get("stake_pct") is not None:
            yield f"parties.{i}.stake_pct", float(party["stake_pct"])


def shown(value: float) -> str:
    """A record's number in a message as typed, every digit kept: 2500001, not 2.5e+06 (which reads like "2.5 Millionen")."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


@dataclass(frozen=True)
class Quote:
    """A text citation of the record: its position among the citations, its words and its source's language."""

    index: int
    text: str
    language: str


@dataclass
class Binding:
    """What backs one field: the token (and its quote), the rules that applied, or the problem."""

    name: str
    value: float
    token: Token | None = None
    quote: Quote | None = None
    rules: list[str] = field(default_factory=list)
    problem: str | None = None


def _names(note_text: str, token: Token) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(token.text)}(?![\d])", note_text) is not None


def _notes_on(record: Record, token: Token, kinds: Sequence[str]) -> list[tuple[int, Record]]:
    """The curator notes of `kinds` that name the token as written ('1.216 Millionen', '4500')."""
    return [(i, note) for i, note in enumerate(record.get("notes") or []) if note.get("kind") in kinds and _names(note["text"], token)]


def _note_label(index: int, note: Record) -> str:
    return f"note {index + 1} ({note['kind']})"


def _note_reading(record: Record, token: Token) -> tuple[float, str] | None:
    """The value a note says the token is read as ("'1.216 Millionen Tonnen' is read as 1.216 million t")."""
    for i, note in _notes_on(record, token, _READING_NOTES):
        found = _READ_AS.search(note["text"])
        if found:
            number = float(found.group(1).replace(",", ""))
            scale = {"million": 1e6, "billion": 1e9}.get(found.group(2) or "", 1.0)
            return round(number * scale, 6), _note_label(i, note)
    return None


def _reading(record: Record, token: Token) -> tuple[float, str]:
    """The token's value and the notation rule behind it."""
    documented = _note_reading(record, token)
    if documented is not None:
        plain = "" if documented[0] == token.value else f" (the {token.notation} notation alone would give {shown(token.value)})"
        return documented[0], f"notation: {documented[1]} reads {token.text!r} as {shown(documented[0])}{plain}"
    if token.notation in ("word", "dash"):
        return token.value, f"notation: {'a number word' if token.notation == 'word' else 'a dash in a table cell is zero'}"
    if token.slip:
        return (
            token.value,
            f"notation: {token.text!r} is not well-formed in the source's notation; read the only way it can be ({token.notation})",
        )
    return token.value, f"notation: {token.notation} ({shown(token.value)})"


def _comparator_problem(record: Record, name: str, token: Token) -> tuple[str | None, str]:
    """(problem, rule): the quote's bound word and the record's comparator must agree, both ways."""
    recorded = record.get("comparator") if name == "value" else None
    stated, why = token.bound, f"bound word {token.bound_word!r}" if token.bound_word else "no bound word"
    for i, note in _notes_on(record, token, _READING_NOTES):
        found = _NOTE_COMPARATOR.search(note["text"])
        if found and stated is None:
            stated, why = found.group(1), f"{_note_label(i, note)} reads comparator {found.group(1)!r}"
    if stated == recorded:
        return None, f"comparator: {why}, recorded {recorded or 'none'}"
    if recorded is None:
        return f"the quote states a bound ({why} before {token.text!r}: {stated}), the record has no comparator", "comparator"
    return f"comparator {recorded!r} is recorded, but the quote has {why} before {token.text!r}", "comparator"


def _approximation_problem(record: Record, name: str, token: Token) -> tuple[str | None, str]:
    listed = name in (record.get("approximate") or [])
    if listed == (token.approx_word is not None):
        return (
            None,
            f"approximation: {repr(token.approx_word) if token.approx_word else 'no word'}, {'listed' if listed else 'not listed'} in approximate",
        )
    if token.approx_word is not None:
        return f"the quote hedges {token.text!r} with {token.approx_word!r}; list {name} in approximate", "approximation"
    return f"{name} is listed in approximate, but no approximation word stands before {token.text!r}", "approximation"


def _sign_problem(record: Record, name: str, value: float, token: Token) -> tuple[str | None, str]:
    notes = [(i, n) for i, n in _notes_on(record, token, ("interpretation", "contradicted")) if _SIGN_WORDS.search(n["text"])]
    excused = f"; {_note_label(*notes[0])} documents the sign" if notes else ""
    if value < 0:
        if token.negative:
            return None, "direction: a minus sign"
        if token.decrease_word:
            return None, f"direction: decrease word {token.decrease_word!r}"
        if notes:
            return None, f"direction{excused}"
        return f"{name} = {shown(value)} is negative, but {token.text!r} has no minus sign and its clause no decrease word", "direction"
    if value > 0 and token.negative:
        if notes:
            return None, f"direction{excused}"
        return (
            f"{name} = {shown(value)} is positive, but the quote writes {token.text!r} with a minus sign; make it negative or explain it in an interpretation note naming it",
            "direction",
        )
    if value > 0 and name in SIGNED_CHANGES and token.decrease_word and not token.increase_word:
        if notes:
            return None, f"direction{excused}"
        return f"{name} = {shown(value)} is positive, but the quote says {token.decrease_word!r}: a decrease is negative", "direction"
    if value < 0 or name not in SIGNED_CHANGES:
        return None, "direction: unsigned" if value >= 0 else "direction"
    return None, f"direction: {'increase word ' + repr(token.increase_word) if token.increase_word else 'no decrease word'}"


def _unit_rule(role: str | None, token: Token) -> str:
    if token.unit is None:
        return "unit: none written beside the number"
    return f"unit: {token.unit_word!r} ({_ROLE_NAMES[token.unit]}) backs {_ROLE_NAMES.get(role or '', 'this field')}"


def _check(record: Record, binding: Binding, token: Token, reading_rule: str) -> Binding:
    """The rules a candidate token must meet to back the field; the first broken one is the problem."""
    rules = [reading_rule]
    if token.scale:
        rules.append(f"scale word: {token.scale!r}")
    rules.append(_unit_rule(field_role(record, binding.name), token))
    for check in (_comparator_problem(record, binding.name, token), _approximation_problem(record, binding.name, token)):
        problem, rule = check
        if problem:
            binding.problem = f"{binding.name} = {shown(binding.value)}: {problem} [rule: {rule}]"
            return binding
        rules.append(rule)
    problem, rule = _sign_problem(record, binding.name, binding.value, token)
    if problem:
        binding.problem = f"{problem} [rule: {rule}]"
        return binding
    rules.append(rule)
    binding.token, binding.rules = token, rules
    return binding


def _no_token(record: Record, binding: Binding, tokens: list[tuple[Quote, Token]]) -> str:
    """Why no token backs the field: the closest miss (a year, another unit, the other notation), or none."""
    target, name, value = round(abs(binding.value), 6), binding.name, shown(binding.value)
    role = field_role(record, name)
    for _quote, token in tokens:
        reading, _ = _reading(record, token)
        if reading == target and token.year:
            return f"{name} = {value}: {token.text!r} in the quote is {token.year}; a year or date never backs a quantity [rule: years]"
    for _quote, token in tokens:
        reading, _ = _reading(record, token)
        if reading == target and token.unit is not None and token.unit != role:
            wanted = _ROLE_NAMES.get(role or "", "a plain number")
            return (
                f"{name} = {value}: {token.text!r} is {_ROLE_NAMES[token.unit]} ({token.unit_word!r}); it backs only a field of that unit, "
                f"{name} needs {wanted} [rule: unit]"
            )
    for quote, token in tokens:
        if token.other == target or (_note_reading(record, token) is not None and token.value == target):
            documented = _note_reading(record, token)
            if documented is not None:
                return f"{name} = {value}: {documented[1]} reads {token.text!r} as {shown(documented[0])}, not {value} [rule: notation]"
            other = "en" if token.notation == "de" else "de"
            return (
                f"{name} = {value}: {token.text!r} reads {shown(token.value)} in {token.notation} notation (the source's language is "
                f"{quote.language}); {value} is its {other} reading [rule: notation]"
            )
    return f"{name} = {value} does not appear in any of its quotes"


def bind_field(record: Record, name: str, value: float, quotes: Sequence[Quote]) -> Binding:
    """The token that backs one field, with the rules it met; or the problem, naming token and rule."""
    binding = Binding(name, value)
    tokens = [(quote, token) for quote in quotes for token in read_quote(quote.text, quote.language)]
    target, role = round(abs(value), 6), field_role(record, name)
    candidates: list[tuple[Quote, Token, str]] = []
    for quote, token in tokens:
        reading, rule = _reading(record, token)
        if reading == target and not token.year and (token.unit is None or token.unit == role):
            candidates.append((quote, token, rule))
    if not candidates:
        binding.problem = _no_token(record, binding, tokens)
        return binding
    attempts = []
    for quote, token, rule in candidates:
        attempt = _check(record, Binding(name, value, quote=quote), token, rule)
        if attempt.problem is None:
            return attempt
        attempts.append(attempt)
    return attempts[0]
