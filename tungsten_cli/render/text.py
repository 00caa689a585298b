"""Text for people: numbers with units and marks, flattened nested values, and escaped control characters."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from tungsten_cli.kinds import Headline, headline
from tungsten_cli.quantity import UNIT_TEXT, Quantity, number, pct, tonnes, usd
from tungsten_cli.records import Record

# Marks beside a record: `‡` when an outside reference contradicts what the source states (a
# `contradicted` note), `†` when it carries other curator notes only.
CONTRADICTED_MARK = "‡"
NOTE_MARK = "†"
MARK_MEANINGS = {
    CONTRADICTED_MARK: "contradicted by an outside reference: tungsten corrections, tungsten show ID",
    NOTE_MARK: "curator notes: tungsten show ID",
}


def note_mark(record: Record) -> str:
    """`‡` for a record a `contradicted` note corrects, `†` for one with other notes, else nothing."""
    notes = record.get("notes")
    if not notes:
        return ""
    return CONTRADICTED_MARK if any(note.get("kind") == "contradicted" for note in notes) else NOTE_MARK


def mark_legend(marks: Iterable[str]) -> list[str]:
    """One line for each mark used (`map(note_mark, records)`), saying what it means and where to read more."""
    used = set(marks)
    return [f"{mark} {meaning}" for mark, meaning in MARK_MEANINGS.items() if mark in used]


# C0 and C1 controls, DEL and the bidi marks and overrides (the set source_files.CONTROLS names): a summary holding ESC[31m must not recolour a
# terminal, and U+202E must not reorder what a reader sees. Line breaks and tabs become spaces
# (one record, one line); everything else is shown as a visible escape such as \x1b.
_CONTROLS: dict[int, str] = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_CONTROLS.update({c: f"\\u{c:04x}" for c in (0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_CONTROLS.update({ord("\t"): " ", ord("\n"): " ", ord("\r"): " "})


def clean(text: str) -> str:
    """Pack text made safe to show: no escape sequences, no line breaks, no bidi overrides."""
    return text.translate(_CONTROLS)


def message_lines(items: Iterable[object], prefix: str = "") -> str:
    """One stderr line per message, control characters escaped: problems and warnings quote pack
    values, and a pack must not be able to recolour or retitle the terminal through them."""
    return "".join(f"{prefix}{clean(str(item))}\n" for item in items)


# Flattening: one documented rule per nested shape, shared by CSV, Markdown and --fields tables.


def party_text(party: Record) -> str:
    details = [d for d in (party.get("role"), pct(party.get("stake_pct"))) if d]
    name = party.get("name") or party["org"]
    return f"{name} ({', '.join(details)})" if details else name


def party_short(party: Record) -> str:
    """A party at a glance: `Cove Kaz Capital Group 70 % (operator)`; the role's first clause without its
    asides in brackets, and no bare "partner" (the stake says it); `--fields parties` gives it all."""
    text = party.get("name") or party["org"]
    if party.get("stake_pct") is not None:
        text += " " + pct(party["stake_pct"])
    role = re.sub(r"\s*\([^()]*\)", "", party.get("role") or "").split(",")[0].strip()
    return f"{text} ({role})" if role and role != "partner" else text


def parties_short(record: Record) -> str:
    return " · ".join(party_short(p) for p in record.get("parties") or [])


def flat(key: str, value: Any) -> str:
    """A field as one text cell: lists joined by "; ", parties as "Name (role, 70 %)", quotes by " | "."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "parties":
        return "; ".join(party_text(p) for p in value)
    if key == "citations":
        return " | ".join(f"{c['source']}: {citation_text(c)}" for c in value)
    if key == "notes":
        return " | ".join(f"{n['kind']}: {n['text']}" for n in value)
    if isinstance(value, list):
        return "; ".join(flat(key, v) for v in value)
    if isinstance(value, dict):
        import json  # lazily: nothing else on a table query imports it; 1.3-1.7 ms (python -X importtime, 5 runs)

        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    return str(value)


# Where a field's comparator lives when the field is a bound (a `revisions` change to ">4,600,000",
# a crosscheck side, a share of a lower-bound world total).
_BOUND_FIELDS = {
    "value": "comparator",
    "change": "change_comparator",
    "change_pct": "change_comparator",
    "left_value": "left_comparator",
    "right_value": "right_comparator",
    "share_of_world_pct": "share_comparator",
}


def bounded_field(name: str) -> str:
    """The field a comparator field bounds (`value` for `comparator`), so a corrected bound reads as the
    bounded value (">50 %"); any other field is its own."""
    return next((field for field, bound in _BOUND_FIELDS.items() if bound == name), name)


# Derived fields that carry their own hedge flag instead of a place in `approximate`.
_APPROXIMATE_FLAGS = {"share_of_world_pct": "share_approximate"}


def _hedged(record: Record, name: str) -> bool:
    """A record lists its hedged fields in `approximate`; a comparison row's `approximate` is one flag for its value."""
    listed = record.get("approximate")
    if isinstance(listed, list):
        return name in listed or bool(record.get(_APPROXIMATE_FLAGS.get(name, "")))
    return bool(listed) and name == "value"


def hedge(record: Record, name: str, text: str) -> str:
    """Prefix "~" when the source hedges the field, and the comparator when it is a bound."""
    if not text:
        return text
    bound = record.get(_BOUND_FIELDS.get(name, ""))
    if bound:
        return f"{bound}{text}"
    return "~" + text if _hedged(record, name) else text


def figure_value(record: Record, *, with_basis: bool = False) -> str:
    """A figure as written for people (quantity.Quantity.format): bound or "~", unit, range, "(e)" for an
    estimate and "(derived)" for a value converted from another basis; `with_basis` names what a tonnage
    counts ("t W", "t WO3"); W or NA (or the source's own spelling) where there is no value."""
    if record.get("unavailable"):
        return str(record.get("as_written") or Quantity.of(record).mark)
    return Quantity.of(record).format(with_basis=with_basis)


def cell_range(record: Record, low: str, high: str, unit: Callable[[float | None], str]) -> str:
    if record.get(low) is None:
        return ""
    text = hedge(record, low, unit(record[low]))
    if record.get(high) is not None and record[high] != record[low]:
        text += " – " + hedge(record, high, unit(record[high]))
    return text


def reserves_text(record: Record) -> str:
    """A deposit's headline tonnage with what it counts: WO3 reserves, rare earths, or resources."""
    for name, suffix in (
        ("reserves_wo3_t", " WO3"),
        ("reserves_rare_earth_t", " REE"),
        ("resources_w_t", " W res."),
        ("resources_t", " res."),
    ):
        if record.get(name) is not None:
            return cell_range(record, name, name, tonnes) + suffix
    return ""


def grade_text(record: Record) -> str:
    return cell_range(record, "grade_wo3_min_pct", "grade_wo3_max_pct", pct)


# How a kind's headline or chart number reads, by the unit its descriptor names (kinds.Headline).
_HEADLINE_UNITS: dict[str, Callable[[float], str]] = {"t": tonnes, "pct": pct, "usd": usd, "cents/kg": lambda v: f"{v:g}¢/kg"}


def headline_text(record: Record, headline: Headline) -> str:
    """A headline number with its unit, affix and marks; "" (the record's own unit) is a figure's value."""
    if not headline.unit:
        return figure_value(record)
    write = _HEADLINE_UNITS.get(headline.unit) or (lambda v: f"{v:g} {headline.unit}")
    return hedge(record, headline.field, headline.affix.format(write(record[headline.field])))


def value_text(record: Record) -> str:
    """The headline quantity of any record (its kind's first headline number it holds), for listings that mix kinds."""
    found = headline(record)
    return headline_text(record, found) if found is not None else record.get("as_written") or ""


# How a number field reads in a table, by name (docs/data-contract.md: the unit is the name's suffix); a figure's
# `value` and `value_max` read in the record's own `unit`; comparison rows' values are bare numbers
# (their unit is in the quantity). Other numbers (`year`, counts, scores) are shown as stored.
_NAMED_UNITS: dict[str, Callable[[float], str]] = {
    "additional_duty_pct": lambda v: f"+{pct(v)}",
    "rate_cents_per_kg": lambda v: f"{number(v)}¢/kg",
    "left_value": number,
    "right_value": number,
    "change": number,
}
_SUFFIX_UNITS: tuple[tuple[str, Callable[[float], str]], ...] = (("_t", tonnes), ("_pct", pct), ("_usd", usd))
_OWN_UNIT = ("value", "value_max")


def is_quantity(name: str) -> bool:
    """Whether a field holds a quantity that `field_text` writes with its unit (and a table right-aligns)."""
    return name in _OWN_UNIT or name in _NAMED_UNITS or name.endswith(tuple(suffix for suffix, _ in _SUFFIX_UNITS))


def _unit_text(record: Record, name: str) -> Callable[[float], str]:
    if name in _OWN_UNIT:
        return UNIT_TEXT.get(record.get("unit") or "", number)
    return _NAMED_UNITS.get(name) or next(unit for suffix, unit in _SUFFIX_UNITS if name.endswith(suffix))


def field_text(record: Record, name: str) -> str:
    """One field as a person reads it (`--fields` in a table, Markdown): a quantity with its unit and
    its marks (`>` bound, `~` approximate, `(e)` estimated, W/NA as written); other fields as `flat`."""
    value = record.get(name)
    if name == "value" and record.get("unavailable"):
        return figure_value(record)
    if not is_quantity(name) or isinstance(value, bool) or not isinstance(value, (int, float)):
        return flat(name, value)
    text = hedge(record, name, _unit_text(record, name)(value))
    return text + (" (e)" if name in _OWN_UNIT and record.get("estimated") else "")


def citation_text(citation: Record) -> str:
    """A quote as written; a table cell with its row keys and column, as `coverage` names cells."""
    if citation.get("column") is None:
        return str(citation["quote"])
    keys = ", ".join(f"{name}={value}" for name, value in citation["row"].items())
    return f"{keys} | {citation['column']} = {citation['quote']}"


def quotes_of(record: Record) -> list[tuple[str, str]]:
    """(source id, quote) pairs of a record, of a comparison row that carries one quote (`conflicts`),
    or of one that carries a quote for each side (`crosscheck`: left, then right)."""
    if record.get("citations"):
        return [(c["source"], citation_text(c)) for c in record["citations"]]
    sides = ("", "left_", "right_")
    return [(str(record.get(f"{side}source") or ""), record[f"{side}quote"]) for side in sides if record.get(f"{side}quote")]
