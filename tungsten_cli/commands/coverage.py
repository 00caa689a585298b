"""`tungsten coverage`'s output: every passage as JSON, or a table per source followed by the gaps.
The check itself (which numbers of a source no record holds) is tungsten_cli/coverage.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from tungsten_cli.environment import Environment
from tungsten_cli.errors import ExitCode
from tungsten_cli.load import load_for
from tungsten_cli.render import Column, Format, Listing, text_column, write
from tungsten_cli.render.text import message_lines

if TYPE_CHECKING:
    from tungsten_cli.coverage import CoverageReport


def run_coverage(
    env: Environment, sources: Sequence[str], source_dir: Sequence[str] | None, paths: Sequence[str] | None, as_json: bool
) -> int:
    """`tungsten coverage`: problems on stdout, then the table or JSON, a count on stderr; 1 on a gap or problem."""
    from tungsten_cli.coverage import GAPS, coverage
    from tungsten_cli.verify import source_dirs

    report = coverage(load_for(env, paths), source_dirs(source_dir or (), env.source_dirs), sources)
    env.stdout.write(message_lines(report.problems))
    write_coverage(report, as_json, env.stdout, force_color=env.force_color)
    gaps = sum(c.status in GAPS for c in report.passages)
    env.stderr.write(f"checked {len(report.passages)} units: {gaps} gap(s), {len(report.problems)} problem(s)\n")
    return ExitCode.DATA if gaps or report.problems else ExitCode.OK


def _count_column(name: str) -> Column:
    return Column(name, lambda r: str(r[name]), numeric=True)


_COVERAGE_COLUMNS = [
    text_column("source"),
    *(_count_column(name) for name in ("units", "numbers", "cited", "partly-cited", "uncited", "ignored")),
    Column("covered", lambda r: f"{r['covered_pct']:g} %", numeric=True),
]


def write_coverage(report: CoverageReport, as_json: bool, out: IO[str], *, force_color: bool = False) -> None:
    """`tungsten coverage`: every passage as JSON, or a summary per source followed by the gaps."""
    from tungsten_cli.coverage import GAPS, summary

    if as_json:
        write(Listing([c.as_row() for c in report.passages], []), Format.json, out)
        return
    write(Listing(summary(report), _COVERAGE_COLUMNS), Format.table, out, force_color=force_color)
    gaps = [c for c in report.passages if c.status in GAPS]
    if gaps:
        out.write(f"\n{len(gaps)} unit(s) with numbers no record holds:\n")
    for gap in gaps:
        out.write(f"{gap.passage.source}:{gap.passage.line}: {gap.status} (missing {', '.join(gap.missing)}): {gap.passage.text}\n")
