"""The listing views: which record kinds each command shows and the table columns people see."""

from __future__ import annotations

from dataclasses import dataclass, replace

from tungsten_cli.load import FactSet, Record
from tungsten_cli.query import Query, check_fields, fields_of, resolve_choice, select, sort_records
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
)


@dataclass(frozen=True)
class Output:
    """How to print a listing: the shared options of every listing command."""

    fmt: Format = Format.table
    fields: list[str] | None = None
    sort: str | None = None
    limit: int | None = None
    cite: bool = False


@dataclass(frozen=True)
class View:
    name: str
    kinds: tuple[str, ...]
    columns: tuple[Column, ...]
    subkind_vocab: str | None = None
    status_vocab: str | None = None


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


_SUMMARY = text_column("summary")
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
            ),
            status_vocab="deposit_status",
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
        ),
        View(
            "deals",
            ("deal",),
            (
                id_column(),
                text_column("kind", "deal_kind"),
                _DATE,
                Column("parties", _parties),
                Column("amount", lambda r: usd(r.get("amount_usd")), numeric=True),
                text_column("status"),
            ),
            subkind_vocab="deal_kind",
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
            (id_column(), text_column("name"), text_column("kind", "org_kind"), _COUNTRY, text_column("aliases")),
            subkind_vocab="org_kind",
        ),
    )
}


def listing(facts: FactSet, view: View, query: Query, output: Output) -> Listing:
    """Filter, sort, limit and check `--fields` for one view; raises UsageError on bad values."""
    query = _checked(facts, view, query)
    records = select(facts, query)
    valid = fields_of(records, query.kinds or facts.vocab["kind"], facts)
    if output.fields:
        check_fields(output.fields, valid)
    records = sort_records(records, output.sort, valid)
    if output.limit is not None:
        records = records[: output.limit]
    return Listing(records, list(view.columns), cite=output.cite, fields=output.fields)


def _checked(facts: FactSet, view: View, query: Query) -> Query:
    if view.status_vocab:
        resolve_choice(query.status, "status", facts.vocab[view.status_vocab])
    if query.source is not None:
        resolve_choice(query.source, "source", facts.sources)
    if view.subkind_vocab == "kind":
        kind = resolve_choice(query.subkind, "kind", facts.vocab["kind"])
        return replace(query, kinds=(kind,) if kind else view.kinds, subkind=None)
    if view.subkind_vocab:
        resolve_choice(query.subkind, "kind", facts.vocab[view.subkind_vocab])
    return replace(query, kinds=view.kinds)


def field_names(facts: FactSet, view_name: str) -> list[str]:
    """Completion candidates for `--fields`, without running the query."""
    view = VIEWS.get(view_name)
    kinds = view.kinds if view and view.kinds else facts.vocab["kind"]
    return fields_of([], kinds, facts)

