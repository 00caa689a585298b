"""Compare claims from different sources about one quantity, in one basis, and give each pair a verdict.

Pairs come from the data: claims pair when their comparison keys (subject, measure, period) match
and their first citations point into different sources. Of a series of editions (USGS MCS 2022-2025)
only the newest edition stating a quantity takes part, and editions of one series are never paired
with each other: that is what `revisions` compares. Nothing here names a record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tungsten_cli.basis import WO3_TO_W, normal_basis, w_content
from tungsten_cli.claims import basis_of, claimed_value, comparison_key, edition_of, group_by_key, latest
from tungsten_cli.records import FactSet, Record
from tungsten_cli.vocabulary import COUNTRIES

_TOLERANCE = 0.01
_MIN_TABLE = 3


@dataclass(frozen=True)
class Claim:
    """A claim's number in a comparable form."""

    record: Record
    value: float | None
    comparator: str | None
    basis: str
    series: str | None = None
    edition: str | None = None

    @property
    def source(self) -> str:
        return str(self.record["citations"][0]["source"])


def _claim(facts: FactSet, record: Record) -> Claim:
    source = edition_of(facts, record) or {}
    return Claim(record, claimed_value(record), record.get("comparator"), _basis(record), source.get("series"), source.get("edition"))


def _apart(a: Claim, b: Claim) -> bool:
    """Different sources that are not editions of one series."""
    return a.source != b.source and (a.series is None or a.series != b.series)


def _basis(record: Record) -> str:
    return normal_basis(basis_of(record))


def _in_w(claim: Claim) -> tuple[float | None, bool]:
    """The value in tonnes of W where the claim counts WO3; (value, derived?)."""
    converted = w_content(claim.value, claim.basis, claim.record.get("unit"))
    return (claim.value, False) if converted is None else (converted, True)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(abs(a), abs(b), 1e-9)


def _comparable(a: Claim, b: Claim) -> tuple[float | None, float | None, bool]:
    """Both values in one basis: WO3 tonnes become W tonnes when the other side counts W."""
    if {a.basis, b.basis} == {"WO3", "W"}:
        (va, da), (vb, db) = _in_w(a), _in_w(b)
        return va, vb, da or db
    return a.value, b.value, False


def verdict(a: Claim, b: Claim) -> tuple[str, str]:
    """(verdict, detail) for two claims about one quantity."""
    va, vb, derived = _comparable(a, b)
    note = f" (converted to W at {WO3_TO_W}, derived)" if derived else ""
    if (a.comparator is None) != (b.comparator is None):
        bound = a if a.comparator else b
        limit, other = (vb, va) if bound is b else (va, vb)
        fits = other is not None and limit is not None and _satisfies(other, str(bound.comparator), limit)
        return "bound-vs-value", f"{_fmt(other)} {'is within' if fits else 'falls outside'} the bound {bound.comparator}{_fmt(limit)}{note}"
    if va is not None and vb is not None and _close(va, vb) and a.comparator == b.comparator:
        if a.basis and b.basis and a.basis != b.basis and not derived:
            return "differs-in-basis", f"same value {_fmt(va)}, but '{a.basis}' vs '{b.basis}'"
        dates = _date_detail(a, b)
        if dates:
            return "differs", dates
        unstated = " (one side states no basis)" if bool(a.basis) != bool(b.basis) else ""
        return "agrees", f"both {a.comparator or ''}{_fmt(va)}{note}{unstated}"
    if va is None and vb is None:
        dates = _date_detail(a, b)
        return ("differs", dates) if dates else ("agrees", "same statement")
    return "differs", f"{_fmt(va)} vs {_fmt(vb)}{note}"


def _date_detail(a: Claim, b: Claim) -> str:
    """Measures are keyed without their date, so the date is what they can disagree on."""
    da, db = a.record.get("date"), b.record.get("date")
    if a.record["kind"] == "measure" and da and db and da != db:
        return f"dated {da} vs {db}"
    return ""


def _satisfies(value: float, comparator: str, limit: float) -> bool:
    return {">": value > limit, ">=": value >= limit, "<": value < limit, "<=": value <= limit}[comparator]


def _fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"


def _row(quantity: str, a: Claim, b: Claim, result: tuple[str, str]) -> Record:
    row: dict[str, Any] = {"quantity": quantity, "verdict": result[0], "detail": result[1]}
    for side, claim in (("left", a), ("right", b)):
        citation = claim.record["citations"][0]
        row.update(
            {
                f"{side}_id": claim.record["id"],
                f"{side}_source": claim.source,
                f"{side}_edition": claim.edition,
                f"{side}_value": claim.value,
                f"{side}_comparator": claim.comparator,
                f"{side}_basis": claim.basis or None,
                f"{side}_date": claim.record.get("date"),
                f"{side}_quote": citation["quote"],
            }
        )
    return row


def _pairs(facts: FactSet, group: list[Record]) -> Iterator[tuple[Claim, Claim]]:
    claims = sorted((_claim(facts, r) for r in group), key=lambda c: (c.source, c.record["id"]))
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            if _apart(a, b):
                yield a, b


def _missing_from_table(facts: FactSet, groups: dict[tuple[str, str, str], list[Record]]) -> Iterator[Record]:
    """A country's claim that another source's country table leaves out: where it would rank there.

    Tables are grouped by measure and period first, so each is compared only with the few tables of
    other sources about the same thing (linear in the claims, not quadratic in the tables).
    """
    tables: dict[tuple[str, str], dict[str, list[Claim]]] = {}
    for (subject, measure, period), group in groups.items():
        if subject in COUNTRIES:
            for record in group:
                claim = _claim(facts, record)
                tables.setdefault((measure, period), {}).setdefault(claim.source, []).append(claim)
    for (measure, period), by_source in tables.items():
        for claims in by_source.values():
            for table in by_source.values():
                if len(table) < _MIN_TABLE or not _apart(claims[0], table[0]):
                    continue
                listed = {c.record["subject"] for c in table}
                for claim in claims:
                    if claim.record["subject"] not in listed:
                        yield _rank_row(claim, table, f"{claim.record['subject']}/{measure}" + (f"/{period}" if period else ""))


def _rank_row(claim: Claim, table: list[Claim], quantity: str) -> Record:
    value, derived = _in_w(claim) if any(c.basis == "W" for c in table) else (claim.value, False)
    ranked = sorted((c for c in table if c.value is not None), key=lambda c: -float(c.value or 0))
    above = [c for c in ranked if value is not None and float(c.value or 0) > value]
    reference = table[0]
    text = f"{reference.source} lists no {claim.record['measure']} for {claim.record['subject']}"
    if value is not None:
        converted = f" = {claim.comparator or ''}{_fmt(value)} t W (x{WO3_TO_W}, derived)" if derived else ""
        leaders = ", ".join(f"{c.record['subject']} {_fmt(c.value)}" for c in above) or "none"
        text += f"; {claim.comparator or ''}{_fmt(claim.value)}{converted} would rank {len(above) + 1} of {len(ranked) + 1} (above it: {leaders})"
    row = _row(quantity, claim, reference, ("not-in-reference", text))
    for key in ("right_id", "right_value", "right_comparator", "right_basis", "right_date", "right_quote"):
        row[key] = None
    row["rank"] = len(above) + 1 if value is not None else None
    return row


def crosscheck(facts: FactSet, only: Record | None = None) -> list[Record]:
    """Every cross-source pair with its verdict, plus claims another source's table leaves out.

    Each side of a series is its newest edition stating the quantity (`left_edition`, `right_edition`).
    With `only`, just the rows about that record, computed from the claims it can meet: those with
    its comparison key and, for a country's figure, the other country rows of its measure and period.
    """
    groups = group_by_key(latest(facts, facts.records if only is None else _neighbours(facts, only)))
    rows = []
    for (subject, measure, period), group in groups.items():
        quantity = "/".join(p for p in (subject, measure, period) if p)
        rows += [_row(quantity, a, b, verdict(a, b)) for a, b in _pairs(facts, group)]
    rows += list(_missing_from_table(facts, groups))
    if only is not None:
        rows = [r for r in rows if only["id"] in (r["left_id"], r["right_id"])]
    return sorted(rows, key=lambda r: (r["quantity"], r["left_id"], r["right_id"] or ""))


def _neighbours(facts: FactSet, record: Record) -> list[Record]:
    key = comparison_key(record)
    if key is None:
        return []
    in_table = key[0] in COUNTRIES
    if facts.lookups is not None:
        ids = facts.lookups.ids("key", key) + (facts.lookups.ids("table", key[1:]) if in_table else [])
        return facts.lookups.records(ids)

    def meets(other: Record) -> bool:
        other_key = comparison_key(other)
        return other_key == key or (in_table and other_key is not None and other_key[0] in COUNTRIES and other_key[1:] == key[1:])

    return [r for r in facts.records if meets(r)]
