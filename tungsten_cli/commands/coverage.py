"""`tungsten coverage`'s output: every unit as JSON, or a table per source followed by the gaps.
The check itself (which numbers of a source no record holds) is tungsten_cli/coverage.py."""

from __future__ import annotations

from typing import IO, TYPE_CHECKING

from tungsten_cli.render import Column, Format, Listing, text_column, write

if TYPE_CHECKING:
    from tungsten_cli.coverage import Report as CoverageReport


def _count_column(name: str) -> Column:
    return Column(name, lambda r: str(r[name]), numeric=True)


_COVERAGE_COLUMNS = [
    text_column("source"),
    *(_count_column(name) for name in ("units", "numbers", "cited", "partly-cited", "uncited", "ignored")),
    Column("covered", lambda r: f"{r['covered_pct']:g} %", numeric=True),
]


def write_coverage(report: CoverageReport, as_json: bool, out: IO[str]) -> None:
    """`tungsten coverage`: every unit as JSON, or a summary per source followed by the gaps."""
    from tungsten_cli.coverage import GAPS, summary

    if as_json:
        write(Listing([c.as_row() for c in report.units], []), Format.json, out)
        return
    write(Listing(summary(report), _COVERAGE_COLUMNS), Format.table, out)
    gaps = [c for c in report.units if c.status in GAPS]
    if gaps:
        out.write(f"\n{len(gaps)} unit(s) with numbers no record holds:\n")
    for gap in gaps:
        out.write(f"{gap.unit.source}:{gap.unit.line}: {gap.status} (missing {', '.join(gap.missing)}): {gap.unit.text}\n")
