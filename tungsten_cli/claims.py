"""Claims about one quantity: comparison keys, conflicting values and shares of a world total."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tungsten_cli.records import FactSet, Record


def comparison_key(record: Record) -> tuple[str, str, str] | None:
    """What a claim measures (subject, measure, period); equal keys are claims about one quantity."""
    if record["kind"] == "figure":
        return (record["subject"], record["measure"], record.get("date") or "")
    if record["kind"] == "import_share":
        return (f"{record['importer']}<-{record['partner']}", "import-share", record["date"])
    if record["kind"] == "measure" and record.get("legal_basis"):
        target = f"->{record['target_country']}" if record.get("target_country") else ""
        return (f"{record['country']}{target}", f"{record['measure_kind']}/{record['legal_basis']}", "")
    return None


def basis_of(record: Record) -> str:
    """How a quantity is defined (WO3 or W content, which import forms): same key, other basis, other number."""
    return str(record.get("basis") or record.get("forms") or "")


def stated_value(record: Record) -> tuple[Any, ...]:
    return (record.get("comparator"), record.get("value"), record.get("value_max"), record.get("share_pct"), record.get("unavailable"))


def group_by_key(records: Iterable[Record]) -> dict[tuple[str, str, str], list[Record]]:
    groups: dict[tuple[str, str, str], list[Record]] = {}
    for record in records:
        key = comparison_key(record)
        if key is not None:
            groups.setdefault(key, []).append(record)
    return groups


def conflicts(facts: FactSet) -> list[Record]:
    """One flat row per claim, for every quantity (same key and basis) stated with different values."""
    rows: list[Record] = []
    for (subject, measure, period), group in group_by_key(facts.records).items():
        by_basis: dict[str, list[Record]] = {}
        for member in group:
            by_basis.setdefault(basis_of(member), []).append(member)
        for members in by_basis.values():
            if len({stated_value(m) for m in members}) > 1:
                rows += _conflict_rows(subject, measure, period, members)
    return rows


def claimed_value(record: Record) -> Any:
    """The number a comparable claim states: a figure's value, a share, or a measure's rate or change."""
    if record["kind"] == "figure":
        return record.get("value")
    return next((record[k] for k in ("share_pct", "rate_pct", "additional_duty_pct", "change_pct") if record.get(k) is not None), None)


def claim_row(member: Record, quantity: str) -> Record:
    """A claim reduced to what comparisons need: value, unit, basis and its first quote."""
    citation = member["citations"][0]
    return {
        "quantity": quantity,
        "id": member["id"],
        "value": claimed_value(member),
        "comparator": member.get("comparator"),
        "approximate": bool(member.get("approximate")),
        "unit": member.get("unit", "pct"),
        "basis": basis_of(member) or None,
        "source": citation["source"],
        "quote": citation["quote"],
        "notes": member.get("notes") or [],
    }


def _conflict_rows(subject: str, measure: str, period: str, members: list[Record]) -> list[Record]:
    quantity = "/".join(p for p in (subject, measure, period) if p)
    return [claim_row(m, quantity) for m in members]


def world_shares(facts: FactSet, records: list[Record]) -> list[Record]:
    """Each figure with its share of the world total of the same source, measure, period and basis.

    The share is derived, never typed in: approximate when the total is rounded or hedged, and an
    upper bound ("<") when the total is a lower bound (">4,600,000").
    """
    totals = {
        (r["citations"][0]["source"], r["measure"], r.get("date"), r.get("basis")): r
        for r in facts.records
        if r["kind"] == "figure" and r["subject"] == "world" and r.get("value")
    }
    shares = []
    for record in records:
        total = totals.get((record["citations"][0]["source"], record["measure"], record.get("date"), record.get("basis")))
        share: Record = {"share_of_world_pct": None, "share_comparator": None, "share_approximate": None}
        if total is not None and record.get("value") is not None and record is not total:
            share["share_of_world_pct"] = round(100 * record["value"] / total["value"], 2)
            share["share_comparator"] = {">": "<", ">=": "<="}.get(total.get("comparator") or "")
            share["share_approximate"] = bool(total.get("approximate")) or bool(record.get("approximate"))
        shares.append({**record, **share, "share_derived": share["share_of_world_pct"] is not None})
    return shares
