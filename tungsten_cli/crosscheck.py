"""Compare claims from different sources about one quantity, in one basis, and give each pair a verdict.

Pairs come from the data: claims pair when their comparison keys (subject, measure, period) match
and their first citations point into different sources. Of a series of editions (USGS MCS 2022-2025)
only the newest edition stating a quantity takes part, and editions of one series are never paired
with each other: that is what `revisions` compares. Nothing here names a record.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from tungsten_cli.claims import Groups, Key, claim_groups, edition_of, stored_groups
from tungsten_cli.kinds import comparison_key
from tungsten_cli.quantity import WO3_TO_W, Quantity, number
from tungsten_cli.records import FactSet, Record
from tungsten_cli.vocabulary import COUNTRIES

_MIN_TABLE = 3


@dataclass(frozen=True)
class Claim:
    """A claim's quantity, with where it comes from."""

    record: Record
    quantity: Quantity
    source: str  # of its first citation
    series: str | None = None
    edition: str | None = None

    @property
    def value(self) -> float | None:
        return self.quantity.value

    @property
    def comparator(self) -> str | None:
        return self.quantity.comparator

    @property
    def basis(self) -> str:
        return self.quantity.basis


def _claim(facts: FactSet, record: Record) -> Claim:
    edition = edition_of(facts, record) or {}
    return Claim(record, Quantity.of(record), str(record["citations"][0]["source"]), edition.get("series"), edition.get("edition"))


def _apart(a: Claim, b: Claim) -> bool:
    """Different sources that are not editions of one series."""
    return a.source != b.source and (a.series is None or a.series != b.series)


def verdict(a: Claim, b: Claim) -> tuple[str, str]:
    """(verdict, detail) for two claims about one quantity, from quantity.Quantity.compare.

    W and NA are reasons, not values: W against NA, or against a number or a bound, is `not-comparable`."""
    comparison = a.quantity.compare(b.quantity)
    if comparison.verdict in ("within", "outside"):
        return "bound-vs-value", comparison.reason
    if comparison.verdict in ("not-comparable", "differs"):
        return comparison.verdict, comparison.reason
    converted = {a.basis, b.basis} == {"W", "WO3"}
    if a.basis and b.basis and a.basis != b.basis and not converted:
        return "differs-in-basis", f"same value {number(a.value or 0)}, but '{a.basis}' vs '{b.basis}'"
    dates = _date_detail(a, b)
    if dates:
        return "differs", dates
    unstated = " (one side states no basis)" if bool(a.basis) != bool(b.basis) else ""
    return "agrees", comparison.reason + unstated


def _date_detail(a: Claim, b: Claim) -> str:
    """Measures are keyed without their date, so the date is what they can disagree on."""
    da, db = a.record.get("date"), b.record.get("date")
    if a.record["kind"] == "measure" and da and db and da != db:
        return f"dated {da} vs {db}"
    return ""


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else number(value)


_SIDE = ("id", "source", "edition", "value", "comparator", "basis", "date", "quote")
_LEFT, _RIGHT = (tuple(f"{side}_{name}" for name in _SIDE) for side in ("left", "right"))


def _row(quantity: str, a: Claim, b: Claim, result: tuple[str, str]) -> Record:
    row: dict[str, Any] = {"quantity": quantity, "verdict": result[0], "detail": result[1]}
    for keys, claim in ((_LEFT, a), (_RIGHT, b)):
        record = claim.record
        values = (record["id"], claim.source, claim.edition, claim.value, claim.comparator, claim.basis or None)
        row.update(zip(keys, (*values, record.get("date"), record["citations"][0]["quote"])))
    return row


def _pairs(group: list[Claim]) -> Iterator[tuple[Claim, Claim]]:
    claims = sorted(group, key=lambda c: (c.source, c.record["id"]))
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            if _apart(a, b):
                yield a, b


def _missing_from_table(groups: dict[tuple[str, str, str], list[Claim]]) -> Iterator[Record]:
    """A country's claim that another source's country table leaves out: where it would rank there.

    Tables are grouped by measure and period first, so each is compared only with the few tables of
    other sources about the same thing (linear in the claims, not quadratic in the tables), and each
    table is ranked once for all the claims it leaves out.
    """
    tables: dict[tuple[str, str], dict[str, list[Claim]]] = {}
    for (subject, measure, period), group in groups.items():
        if subject in COUNTRIES:
            for claim in group:
                tables.setdefault((measure, period), {}).setdefault(claim.source, []).append(claim)
    for (measure, period), by_source in tables.items():
        rankings: dict[str, _Ranking] = {}
        for claims in by_source.values():
            for source, table in by_source.items():
                if len(table) < _MIN_TABLE or not _apart(claims[0], table[0]):
                    continue
                if source not in rankings:
                    rankings[source] = _Ranking(table)
                    others = groups.get(("other", measure, period), [])
                    rankings[source].other = next((c for c in others if c.source == source), None)
                ranking = rankings[source]
                for claim in claims:
                    if claim.record["subject"] not in ranking.listed:
                        yield _rank_row(claim, ranking, f"{claim.record['subject']}/{measure}" + (f"/{period}" if period else ""))


class _Ranking:
    """A source's country table ranked by value, largest first; `above(value)` counts the rows above a value.

    Ranking each table once instead of once per claim it leaves out, with each claim built once
    (not again for the tables) and the row keys spelled once, took `crosscheck` at 100,000 records
    from 1.37 s to 0.81 s CPU (87,681 rows; best of 4 in one process).
    """

    def __init__(self, table: list[Claim]) -> None:
        self.reference = table[0]
        self.listed = {c.record["subject"] for c in table}
        self.in_w = any(c.basis == "W" for c in table)
        self.other: Claim | None = None  # the table's "Other countries" row, where a country it does not list is counted
        ranked = sorted((c for c in table if c.value is not None), key=lambda c: -float(c.value or 0))
        self.size = len(ranked)
        self._keys = [-float(c.value or 0) for c in ranked]
        self._labels = [f"{c.record['subject']} {_fmt(c.value)}" for c in ranked]

    def above(self, value: float) -> int:
        return bisect_left(self._keys, -value)

    def leaders(self, count: int) -> str:
        return ", ".join(self._labels[:count]) or "none"


def _rank_row(claim: Claim, ranking: _Ranking, quantity: str) -> Record:
    stated = claim.quantity.in_w() if ranking.in_w else claim.quantity
    value, derived = stated.value, stated.derived
    reference = ranking.reference
    text = f"{reference.source} lists no {claim.record['measure']} for {claim.record['subject']}"
    rank = None
    if value is not None:
        rank = ranking.above(value) + 1
        converted = f" = {claim.comparator or ''}{_fmt(value)} t W (x{WO3_TO_W}, derived)" if derived else ""
        text += f"; {claim.comparator or ''}{_fmt(claim.value)}{converted} would rank {rank} of {ranking.size + 1} (above it: {ranking.leaders(rank - 1)})"
        text += _beyond_other(claim, stated, ranking)
    row = _row(quantity, claim, reference, ("not-in-reference", text))
    for key in ("right_id", "right_value", "right_comparator", "right_basis", "right_date", "right_quote"):
        row[key] = None
    row["rank"] = rank
    return row


def _beyond_other(claim: Claim, stated: Quantity, ranking: _Ranking) -> str:
    """Where a country the table does not list states more than the table's whole "Other countries" row,
    which counts that country: the two cannot both hold."""
    other = ranking.other
    if other is None or stated.value is None or other.value is None or stated.comparator in ("<", "<="):
        return ""
    total = other.quantity.in_w() if ranking.in_w else other.quantity
    if total.value is None or total.comparator is not None or stated.value <= total.value:
        return ""
    unit = " t W" if ranking.in_w and stated.unit == "t" else ""
    return (
        f"; {stated.comparator or ''}{_fmt(stated.value)}{unit} exceeds the whole 'Other countries' row "
        f"({_fmt(total.value)}{unit}), which includes {claim.record['subject']}"
    )


def crosscheck(facts: FactSet, only: Record | None = None) -> list[Record]:
    """Every cross-source pair with its verdict, plus claims another source's table leaves out.

    Each side of a series is its newest edition stating the quantity (`left_edition`, `right_edition`).
    With `only`, just the rows about that record, computed from the claims it can meet: those with
    its comparison key and, for a country's figure, the other country rows of its measure and period.
    """
    if only is None:
        grouped = stored_groups(facts, "crosscheck", lambda f: claim_groups(f, f.records))
    else:
        grouped = claim_groups(facts, _neighbours(facts, only))
    rows = []
    groups = {key: [_claim(facts, record) for record in group] for key, group in grouped.items()}
    for (subject, measure, period), group in groups.items():
        quantity = "/".join(p for p in (subject, measure, period) if p)
        rows += [_row(quantity, a, b, verdict(a, b)) for a, b in _pairs(group)]
    rows += list(_missing_from_table(groups))
    if only is not None:
        rows = [r for r in rows if only["id"] in (r["left_id"], r["right_id"])]
    return sorted(rows, key=lambda r: (r["quantity"], r["left_id"], r["right_id"] or ""))


def crosscheck_groups(facts: FactSet, grouped: Groups) -> Groups:
    """The groups that can give a row: those stated by two publications (sources, or series of
    editions, which are never paired with each other), and every country's group of a measure that
    two publications tabulate (a claim another source's table leaves out), with that measure's "other"
    rows (where such a table counts the country it leaves out). Any other group gives
    none, so the cache keeps only these and a warm `crosscheck` reads only their records: at 100,000
    copies of the shipped records, 3,259 of 81,936 claims.
    """
    several: set[Key] = set()  # a set of publications per key took 17 MB at 100,000 copies of the shipped records
    tabulated: dict[str, set[tuple[str, str]]] = {}
    for key, group in grouped.items():
        publications = {_publication(facts, record) for record in group}
        if len(publications) > 1:
            several.add(key)
        if key[0] in COUNTRIES:
            tabulated.setdefault(key[1], set()).update(publications)
    return {
        key: group
        for key, group in grouped.items()
        if key in several or ((key[0] in COUNTRIES or key[0] == "other") and len(tabulated.get(key[1], ())) > 1)
    }


def _publication(facts: FactSet, record: Record) -> tuple[str, str]:
    """What `_apart` tells apart: the series of an edition, or else the source."""
    source = edition_of(facts, record)
    return ("series", source["series"]) if source is not None else ("source", str(record["citations"][0]["source"]))


def _neighbours(facts: FactSet, record: Record) -> list[Record]:
    key = comparison_key(record)
    if key is None:
        return []
    in_table = key[0] in COUNTRIES
    other_row = ("other", *key[1:])  # where a table that leaves the country out counts it
    # Every period of its subject and measure: an undated claim joins the latest dated key
    # (claims.group_by_key), and only all of them tell which that is (`show us-net-import-reliance-80`
    # listed none of the row `crosscheck` lists).
    if facts.lookups is not None:
        same = [i for other, ids in facts.lookups.table("key").items() if other[:2] == key[:2] for i in ids]
        return facts.lookups.records(same + (facts.lookups.ids("table", key[1:]) + facts.lookups.ids("key", other_row) if in_table else []))

    def meets(other: Record) -> bool:
        other_key = comparison_key(other)
        if other_key is None:
            return False
        in_other_table = in_table and ((other_key[0] in COUNTRIES and other_key[1:] == key[1:]) or other_key == other_row)
        return other_key[:2] == key[:2] or in_other_table

    return [r for r in facts.records if meets(r)]
