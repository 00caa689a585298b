"""`tungsten report --html`: the rows of the views the page shows, and the page written to a file
(replaced atomically) or stdout."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from tungsten_cli.listing import Output, listing
from tungsten_cli.query import Query
from tungsten_cli.records import FactSet, Record
from tungsten_cli.views import VIEWS


def report_sections(facts: FactSet, query: Query) -> dict[str, list[Record]]:
    """The rows of every view the HTML report shows (`View.report`), under the filters of `facts`
    (--country, --year, --source).

    Comparison rows (conflicts, crosscheck) are kept when either side is a record the filters select.
    """
    chosen = {r["id"] for r in listing(facts, VIEWS["facts"], query, Output()).records}
    sections = {}
    for name, view in VIEWS.items():
        if view.report == "whole":
            sections[name] = view.rows(facts, query)
        elif view.report is None:
            continue
        elif view.records:
            sections[name] = listing(facts, view, query, Output()).records
        else:
            rows = view.rows(facts, query)
            sections[name] = [r for r in rows if chosen & {r.get("id"), r.get("left_id"), r.get("right_id")}]
    return sections


def write_report(facts: FactSet, query: Query, target: str, stdout: IO[str]) -> None:
    """`tungsten report --html FILE`: the page to FILE (replaced atomically) or to stdout for `-`."""
    from tungsten_cli import __version__
    from tungsten_cli.render.html import write_html

    data = report_sections(facts, query)
    filters = ", ".join(
        f"{name} {value}" for name, value in (("country", query.country), ("year", query.year), ("source", query.source)) if value
    )
    by_id = {r["id"]: r for r in facts.records}

    def emit(out: IO[str]) -> None:
        write_html(data, by_id, facts.sources, filters, __version__, out)

    if target == "-":
        emit(stdout)
        return
    from tungsten_cli.atomic import replacing

    with replacing(Path(target)) as tmp, tmp.open("w", encoding="utf-8") as out:
        emit(out)
