"""`tungsten report --html`: the rows of the views the page shows, and the page written to a file
(replaced atomically) or stdout."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from tungsten_cli.claims import edition_of
from tungsten_cli.countries import AGGREGATES, display_name, subject_code
from tungsten_cli.listing import Output, listing
from tungsten_cli.query import Query
from tungsten_cli.records import FactSet, Record
from tungsten_cli.views import VIEWS, View


def report_sections(facts: FactSet, query: Query) -> dict[str, list[Record]]:
    """The rows of every view the HTML report shows (`View.report`), under the filters of `facts`
    (--country, --year, --source).

    Comparison rows (conflicts, crosscheck) are kept when either side is a record the filters select.
    """
    chosen = {r["id"] for r in listing(facts, VIEWS["facts"], query, Output()).records}
    sections = {}
    for name, view in VIEWS.items():
        if view.report == "whole":
            sections[name] = list(view.rows(facts, query))
        elif view.report is None:
            continue
        elif view.records:
            sections[name] = list(listing(facts, view, query, Output()).records)
        else:
            rows = view.rows(facts, query)
            sections[name] = [r for r in rows if chosen & {r.get("id"), r.get("left_id"), r.get("right_id")}]
    for name, view in VIEWS.items():
        if view.report and view.figure_measure:
            sections[f"{name}_context"] = report_context(facts, query, view) if sections[name] else []
    return sections


_CONTEXT_COUNTRIES = 5  # the largest producers or reserve holders a country's own figures are drawn beside


def report_context(facts: FactSet, query: Query, view: View) -> list[Record]:
    """A country's own `production` or `reserves` figures beside the world total and the largest
    countries of the newest edition, those rows marked `context`; in W, the country's WO3 figures
    restated (marked derived) so all share one scale. Empty without a country or its own figures."""
    code = subject_code(query.country) if query.country else None
    if code is None or code in AGGREGATES:
        return []
    rows = listing(facts, view, Query(latest=True, basis="W"), Output()).records
    own = [r for r in rows if r["subject"] == code]
    published = {r["id"]: str(s.get("published")) for r in rows for s in [edition_of(facts, r)] if s is not None and r["subject"] != code}
    if not own or not published:
        return []
    newest = max(published.values())
    others = [r for r in rows if published.get(r["id"]) == newest]
    year = max(str(r.get("date") or "") for r in others)
    others = [r for r in others if str(r.get("date") or "") == year]
    largest = sorted((r for r in others if r["subject"] not in AGGREGATES and r.get("value") is not None), key=lambda r: -r["value"])
    context = [r for r in others if r["subject"] == "world"] + largest[:_CONTEXT_COUNTRIES]
    same_year = [r for r in own if str(r.get("date") or year) == year]
    return (same_year or own) + [{**r, "context": True} for r in context]


def write_report(facts: FactSet, query: Query, target: str, stdout: IO[str]) -> None:
    """`tungsten report --html FILE`: the page to FILE (replaced atomically) or to stdout for `-`."""
    from tungsten_cli import __version__
    from tungsten_cli.render.html import write_html

    data = report_sections(facts, query)
    filters = ", ".join(
        f"{name} {value}" for name, value in (("country", query.country), ("year", query.year), ("source", query.source)) if value
    )
    by_id = {r["id"]: r for r in facts.records}
    code = subject_code(query.country) if query.country else ""
    subject = display_name(code) or code

    def emit(out: IO[str]) -> None:
        write_html(data, by_id, facts.sources, filters, __version__, out, subject=subject)

    if target == "-":
        emit(stdout)
        return
    from tungsten_cli.atomic import replacing

    with replacing(Path(target)) as tmp, tmp.open("w", encoding="utf-8") as out:
        emit(out)
