"""`tungsten revisions`: its rows (quantities several editions state, filtered by the Query) and the
texts of its values and change columns; views.py declares the view from these."""

from __future__ import annotations

from collections.abc import Sequence

from tungsten_cli.claims import revisions
from tungsten_cli.quantity import number
from tungsten_cli.query import Query, predicates, resolve_choice
from tungsten_cli.records import FactSet, Record


def _claim_text(claim: Record) -> str:
    if claim["unavailable"]:
        text = {"withheld": "W", "not-available": "NA"}[claim["unavailable"]]
    else:
        text = (claim["comparator"] or "") + number(claim["value"])
    return f"{claim['edition']}: {text}" + ("e" if claim["estimated"] else "")


def revision_values(row: Record) -> str:
    """Edition by edition, estimates marked `e` as USGS marks them: "MCS 2023: 84,000e → MCS 2024: 79,800"."""
    return " → ".join(_claim_text(c) for c in row["claims"])


def revision_change(row: Record) -> str:
    """The change, a bound ("> +800,000 (> +21.05 %)") when either end is one."""
    if row["change"] is None:
        return ""
    sign = (f"{row['change_comparator']} " if row["change_comparator"] else "") + ("+" if row["change"] > 0 else "")
    percent = f" ({sign}{number(row['change_pct'])} %)" if row["change_pct"] is not None else ""
    if row.get("change_from_zero"):
        percent = " (from 0)"
    return f"{sign}{number(row['change'])}{percent}"


def revision_rows(facts: FactSet, query: Query) -> Sequence[Record]:
    """`tungsten revisions`: every quantity several editions state, through the Query's predicates
    (--country and --measure match any edition's claim, --year the period, --min-change the change).
    Without a filter the rows stay as `claims.revisions` gives them: stored JSON is written as it is."""
    rows = revisions(facts)
    checks = predicates(query, facts)
    if query.measure:
        resolve_choice(query.measure, "measure", {c["measure"] for r in rows for c in r["claims"]})
    return [r for r in rows if all(check(r) for check in checks)] if checks else rows
