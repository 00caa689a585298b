"""The listing views: which record kinds each command shows and the table columns people see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from tungsten_cli.claims import world_shares
from tungsten_cli.query import Query, check_fields, fields_of, find, referrers, related, resolve_choice, select, sort_records
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import (
    Column,
    Format,
    Listing,
    cell_range,
    id_column,
    party_text,
    pct,
    text_column,
    tonnes,
    usd,
    value_text,
    write,
    write_detail,
)

if TYPE_CHECKING:
    from tungsten_cli.verify import Evidence


class Output(NamedTuple):
    """How to print a listing: the shared options of every listing command."""

    fmt: Format = Format.table
    fields: list[str] | None = None
    sort: str | None = None
    limit: int | None = None
    cite: bool = False


class View(NamedTuple):
    name: str
    kinds: tuple[str, ...]
    columns: tuple[Column, ...]
    subkind_vocab: str | None = None
    status_vocab: str | None = None
    loads: tuple[str, ...] | None = None  # record kinds the view reads from the cache; None: all


def kinds_to_load(view: View, query: Query) -> tuple[str, ...] | None:
    """Only what a listing reads, so a cache hit decodes little; `facts --kind K` needs just K."""
    if view.subkind_vocab == "kind" and query.subkind:
        return (query.subkind,)
    return view.loads


def _reserves(record: Record) -> str:
    for name, suffix in (("reserves_wo3_t", " WO3"), ("reserves_rare_earth_t", " REE"), ("resources_w_t", " W res.")):
        if record.get(name) is not None:
            return cell_range(record, name, name, tonnes) + suffix
    return ""


def _grade(record: Record) -> str:
    return cell_range(record, "grade_wo3_min_pct", "grade_wo3_max_pct", pct)


def _parties(record: Record) -> str:
    return "; ".join(party_text(p) for p in record.get("parties") or [])


def _rate(record: Record) -> str:
    if record.get("rate_cents_per_kg") is not None:
        return f"{record['rate_cents_per_kg']:g}¢/kg"
    return value_text(record)


def _share(record: Record) -> str:
    share = record.get("share_of_world_pct")
    if share is None:
        return ""
    return (record.get("share_comparator") or ("~" if record.get("share_approximate") else "")) + pct(share)


_SUMMARY = text_column("summary")._replace(prose=True)
_QUOTE = Column("quote", lambda r: r["citations"][0]["quote"].strip(), prose=True)
_TABLE_COLUMNS = (
    id_column(),
    text_column("subject"),
    text_column("date"),
    Column("value", value_text, numeric=True),
    text_column("basis"),
    Column("share of world", _share, numeric=True),
    _QUOTE,
)
_DATE = text_column("date")
_COUNTRY = text_column("country")

VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        View(
            "deposits",
            ("deposit",),
            (
                id_column(),
                text_column("name"),
                _COUNTRY,
                text_column("region"),
                text_column("status"),
                Column("reserves", _reserves, numeric=True),
                Column("grade WO3", _grade, numeric=True),
                text_column("metals", "associated_metals"),
                _QUOTE,
            ),
            status_vocab="deposit_status",
            loads=("deposit",),
        ),
        View(
            "imports",
            ("import_share",),
            (
                id_column(),
                text_column("importer"),
                text_column("partner"),
                Column("share", lambda r: pct(r["share_pct"]), numeric=True),
                text_column("period", "date"),
                text_column("forms"),
            ),
            loads=("import_share",),
        ),
        View(
            "quotas",
            ("measure",),
            (
                id_column(),
                text_column("measure", "measure_kind"),
                _COUNTRY,
                text_column("target", "target_country"),
                Column("rate/change", _rate, numeric=True),
                _DATE,
                text_column("status"),
                _SUMMARY,
            ),
            subkind_vocab="measure_kind",
            loads=("measure",),
        ),
        View(
            "deals",
            ("deal",),
            (
                id_column(),
                text_column("kind", "deal_kind"),
                _DATE,
                Column("parties", _parties, prose=True),
                Column("amount", lambda r: usd(r.get("amount_usd")), numeric=True),
                text_column("status"),
            ),
            subkind_vocab="deal_kind",
            loads=("deal", "organization"),
        ),
        View(
            "facts",
            (),
            (id_column(), text_column("kind"), _DATE, _COUNTRY, Column("value", value_text, numeric=True), _SUMMARY),
            subkind_vocab="kind",
        ),
        View(
            "orgs",
            ("organization",),
            (id_column(), text_column("name"), text_column("kind", "org_kind"), _COUNTRY, text_column("appears in", "appears_in")),
            subkind_vocab="org_kind",
        ),
        View("production", ("figure",), _TABLE_COLUMNS, loads=("figure",)),
        View("reserves", ("figure",), _TABLE_COLUMNS, loads=("figure",)),
        View(
            "crosscheck",
            (),
            (
                text_column("quantity"),
                text_column("verdict"),
                text_column("left", "left_id"),
                text_column("right", "right_id"),
                text_column("detail")._replace(prose=True),
            ),
        ),
        View(
            "search",
            (),
            (id_column(), text_column("kind"), text_column("score"), _SUMMARY, text_column("quote", "matched_quote")._replace(prose=True)),
        ),
        View("timeline", (), (_DATE, id_column(), text_column("kind"), _COUNTRY, _SUMMARY)),
        View(
            "conflicts",
            (),
            (
                text_column("quantity"),
                text_column("id"),
                Column("value", lambda r: f"{r.get('comparator') or ''}{r['value']}" if r.get("value") is not None else "", numeric=True),
                text_column("unit"),
                text_column("basis"),
                text_column("source"),
                text_column("quote")._replace(prose=True),
            ),
        ),
        View(
            "sources",
            (),
            (
                text_column("id"),
                text_column("title"),
                text_column("publisher"),
                text_column("published"),
                text_column("language"),
                text_column("sha256"),
                Column("records", lambda r: str(r["records"]), numeric=True),
            ),
        ),
    )
}


def listing(facts: FactSet, view: View, query: Query, output: Output) -> Listing:
    """Filter, sort, limit and check `--fields` for one view; raises UsageError on bad values."""
    query = _checked(facts, view, query)
    records = select(facts, query)
    if view.name == "orgs":
        index = referrers(facts.records)
        records = [{**r, "appears_in": index.get(r["id"], [])} for r in records]
    if view.name in _MEASURES:
        records = world_shares(facts, [r for r in records if r["measure"] == _MEASURES[view.name]])
    return finish(records, view, output, fields_of(records, query.kinds or facts.vocab["kind"], facts))


_MEASURES = {"production": "mine-production", "reserves": "tungsten-reserves"}


def finish(records: list[Record], view: View, output: Output, valid: list[str]) -> Listing:
    """The output options every listing shares: `--fields` check, `--sort`, `--limit`."""
    if output.fields:
        check_fields(output.fields, valid)
    records = sort_records(records, output.sort, valid)
    if output.limit is not None:
        records = records[: output.limit]
    return Listing(records, list(view.columns), cite=output.cite, fields=output.fields)


def _checked(facts: FactSet, view: View, query: Query) -> Query:
    if view.status_vocab:
        resolve_choice(query.status, "status", facts.vocab[view.status_vocab])
    if view.subkind_vocab == "kind":
        kind = resolve_choice(query.subkind, "kind", facts.vocab["kind"])
        return query._replace(kinds=(kind,) if kind else view.kinds, subkind=None)
    if view.subkind_vocab:
        resolve_choice(query.subkind, "kind", facts.vocab[view.subkind_vocab])
    return query._replace(kinds=view.kinds)


def field_names(facts: FactSet, view_name: str) -> list[str]:
    """Completion candidates for `--fields`, without running the query."""
    view = VIEWS.get(view_name)
    kinds = view.kinds if view and view.kinds else facts.vocab["kind"]
    return fields_of([], kinds, facts)


def _mentions(row: Record, source: str) -> bool:
    if any(c["source"] == source for c in row.get("citations") or []):
        return True
    return source in (row.get("source"), row.get("left_source"), row.get("right_source"))


def from_source(facts: FactSet, rows: list[Record], source: str | None) -> list[Record]:
    """Rows that cite `source`: records by their citations, comparison rows by either side."""
    if source is None:
        return rows
    resolve_choice(source, "source", facts.sources)
    return [r for r in rows if _mentions(r, source)]


def source_rows(facts: FactSet) -> list[Record]:
    """Sources with how many loaded records cite each."""
    counts = {source_id: 0 for source_id in facts.sources}
    for record in facts.records:
        for source_id in {c["source"] for c in record["citations"]}:
            counts[source_id] = counts.get(source_id, 0) + 1
    return [{**source, "records": counts[source_id]} for source_id, source in facts.sources.items()]


def _anchored(citation: Record, found: Evidence) -> Record:
    if found.start is not None:
        return {**citation, "start": found.start, "end": found.start + len(found.quote)}
    if found.line is not None:
        return {**citation, "line": found.line}
    return citation


def _with_offsets(record: Record, found: list[Evidence]) -> Record:
    """Fill in each citation's anchor from the source: a quote's offsets, a cell's line."""
    return {**record, "citations": [_anchored(c, e) for c, e in zip(record["citations"], found)]}


def show_record(facts: FactSet, record_id: str, folder: Path | None, fmt: Format, out: IO[str]) -> list[str]:
    """`tungsten show`: a detail block for people, or a one-element array in the data formats.

    Returns one warning per source whose text could not be used, for the caller to print.
    """
    from tungsten_cli.crosscheck import crosscheck, involving
    from tungsten_cli.verify import evidence

    record = find(facts, record_id)
    found = evidence(facts, record, folder)
    others = related(facts, record)
    checks = involving(crosscheck(facts), record_id)
    if fmt is Format.table:
        write_detail(record, found, others, _crosscheck_lines(record_id, checks), out)
    else:
        full = {**_with_offsets(record, found), "related": [r["id"] for r in others], "crosscheck": checks}
        write(Listing([full], []), fmt, out)
    reasons = {e.source: e.unverified for e in found if e.unverified}
    return [f"{source}: {reason}; its quotes are shown unverified, without context" for source, reason in reasons.items()]


def _crosscheck_lines(record_id: str, checks: list[Record]) -> list[str]:
    lines = ["", "crosscheck:"] if checks else []
    for check in checks:
        other = check["right_id"] if check["left_id"] == record_id else check["left_id"]
        against = f" vs {other} ({check['right_source'] if other == check['right_id'] else check['left_source']})" if other else ""
        lines.append(f"  {check['verdict']}{against}: {check['detail']}")
    return lines


def schema_text(kind: str | None) -> str:
    from tungsten_cli.model import RECORD_MODELS, json_schema

    resolve_choice(kind, "kind", RECORD_MODELS)
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
