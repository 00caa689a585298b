"""The listing pipeline every listing command shares: a view's rows, then --source, --note,
--fields, --sort and --limit, and what the cache must load for it. The views themselves are
declared in views.py; this module knows them only through `View`'s attributes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from tungsten_cli.claims import editions_without
from tungsten_cli.countries import AGGREGATES, display_name, subject_code
from tungsten_cli.kinds import fields as kind_fields
from tungsten_cli.kinds import get as get_kind
from tungsten_cli.kinds import names as known_kinds
from tungsten_cli.query import Query, check_fields, resolve_choice, sort_records
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import Column, Format, Listing
from tungsten_cli.views import VIEWS, View
from tungsten_cli.vocabulary import VOCAB


class Output(NamedTuple):
    """How to print a listing: the shared options of every listing command."""

    fmt: Format = Format.table
    fields: list[str] | None = None
    sort: str | None = None
    limit: int | None = None
    cite: bool = False
    chart: bool = False
    note: str | None = None  # --note KIND: only rows whose record carries a curator note of this kind


def kinds_to_load(view: View, query: Query) -> tuple[str, ...] | None:
    """Only what a listing reads, so a cache hit decodes little; `facts --kind K` needs just K, and a
    plain listing of one country reads that country's records through the index; `--measure` needs
    the figures, whose measures it is checked against."""
    if query.measure and view.measure_of_figures:
        return ("figure",)
    if query.country and view.by_country_index:
        return ()
    if not view.kinds and query.subkind:
        return (query.subkind,)
    return view.loads


def listing(facts: FactSet, view: View, query: Query, output: Output) -> Listing:
    """Rows of one view, then `--source`, `--note`, `--fields`, `--sort` and `--limit`; raises UsageError on bad values."""
    query = _checked(facts, view, query)
    resolve_choice(output.note, "note kind", VOCAB["note_kind"])
    rows = view.rows(facts, query)
    if query.source:
        rows = [row for row in rows if _mentions(row, query.source)]
    if output.note:
        rows = _noted(rows, output.note, facts.lookup())
    return _finish(rows, view, output, view_fields(facts, view, query.kinds))


def view_fields(facts: FactSet, view: View, kinds: tuple[str, ...] = ()) -> list[str]:
    """What `--fields` and `--sort` accept for a view: its kinds' schema fields (or only `kinds`,
    as `facts --kind K` narrows them) plus what it adds; never what one result happens to hold,
    so an empty result is `[]`, not an error."""
    names: list[str] = []
    if view.records:
        for kind in kinds or view.kinds or known_kinds():
            names += kind_fields(kind)
    return list(dict.fromkeys([*names, *view.extra_fields, *(name for name, _, _ in view.row_fields)]))


def labels(view: View, valid: list[str]) -> dict[str, str]:
    """Each label the view's table shows and the field its column shows (`share` -> share_pct, `source`
    -> citations), so `--fields` and `--sort` take either; a label that is a field itself (`change` of
    revisions, the absolute change beside change_pct) keeps meaning that field."""
    return {c.header: c.field for c in view.columns if c.field and c.header not in valid and c.field in valid}


def _finish(records: Sequence[Record], view: View, output: Output, valid: list[str]) -> Listing:
    """The output options every listing shares: `--fields` check (a label chooses its column, as the
    table shows it), `--sort`, `--limit`."""
    hint = f"tungsten fields {view.name} explains each"
    aliases = labels(view, valid)
    accepted = [*valid, *aliases]
    fields = chosen = None
    if output.fields:
        check_fields(output.fields, accepted, hint)
        fields = [aliases.get(name, name) for name in output.fields]
        by_label = {c.header: c for c in view.columns if c.header in aliases}
        chosen = {aliases[name]: by_label[name] for name in output.fields if name in aliases}
    sort = output.sort
    if sort:
        check_fields([sort.lstrip("-")], accepted, hint)
        sort = sort[: len(sort) - len(sort.lstrip("-"))] + aliases.get(sort.lstrip("-"), sort.lstrip("-"))
        records = sort_records(records, sort, valid, hint)  # unsorted, rows stored as JSON stay so (stored_rows)
    if output.limit is not None:
        records = records[: output.limit]
    return Listing(
        records,
        _basis_kept(view.columns, records) if view.basis_kept else list(view.columns),
        cite=output.cite,
        fields=fields,
        chart=output.chart,
        sorted=bool(output.sort),
        labelled=chosen or {},
    )


def _checked(facts: FactSet, view: View, query: Query) -> Query:
    resolve_choice(query.source, "source", facts.sources)
    if query.measure and view.measure_of_figures:
        resolve_choice(query.measure, "measure", {r["measure"] for r in facts.records if r["kind"] == "figure"})
    if view.status_vocab:
        resolve_choice(query.status, "status", VOCAB[view.status_vocab])
    if not view.kinds:  # a view of every kind: --kind picks one
        kind = resolve_choice(query.subkind, "kind", known_kinds())
        return query._replace(kinds=(kind,) if kind else view.kinds, subkind=None)
    listed = get_kind(view.kinds[0])
    if query.subkind and listed is not None and listed.subkind:  # --kind of a one-kind view: its subkind
        resolve_choice(query.subkind, "kind", VOCAB[listed.subkind])
    return query._replace(kinds=view.kinds)


def field_names(facts: FactSet, view_name: str) -> list[str]:
    """Completion candidates for `--fields`, without running the query."""
    view = VIEWS.get(view_name)
    return view_fields(facts, view) if view else []


def _mentions(row: Record, source: str) -> bool:
    """Whether a row cites `source`: a record by its citations, a comparison row by either side."""
    if any(c["source"] == source for c in row.get("citations") or []):
        return True
    return source in (row.get("source"), row.get("left_source"), row.get("right_source"))


def _noted(rows: Sequence[Record], kind: str, lookup: Callable[[str], Record | None]) -> list[Record]:
    """The rows standing for a record with a note of `kind`: a record (or source) by its own notes, a
    row that is not a record by the records it names (a correction's record, either side of a
    cross-check, any edition's claim of a revision)."""

    def has(record: Record | None) -> bool:
        return any(note["kind"] == kind for note in (record or {}).get("notes") or [])

    def names(row: Record) -> list[str]:
        return [i for i in (row.get("id"), row.get("left_id"), row.get("right_id"), *(c["id"] for c in row.get("claims") or [])) if i]

    return [row for row in rows if (has(row) if "notes" in row else any(has(lookup(i)) for i in names(row)))]


def _basis_kept(columns: tuple[Column, ...], rows: Sequence[Record]) -> list[Column]:
    """Where the rows mix bases or hold converted figures, the basis column is kept as long as any:
    a WO3 tonnage beside W tonnages must not lose the word that tells them apart."""
    mixed = len({r["basis"] for r in rows if r.get("basis")}) > 1 or any(r.get("derived") for r in rows)
    return [c._replace(priority=1) if mixed and c.field == "basis" else c for c in columns]


def other_note(facts: FactSet, view: View, query: Query) -> str | None:
    """Where a user looks for a country the USGS tables do not list (Kazakhstan): say that, in those
    editions, it is counted in 'other'."""
    measure = view.figure_measure
    if measure is None or not query.country:
        return None
    code = subject_code(query.country)
    if code in AGGREGATES:
        return None
    lacking, editions = editions_without(facts, measure, code)
    if not lacking:
        return None
    country = f"{code} ({display_name(code)})"
    if lacking == editions:
        return (
            f"no USGS edition lists {country} by name in its {measure} tables: it is counted in 'other' (Other countries); "
            f"tungsten revisions --country other --measure {measure}"
        )
    verb = "lists no" if len(lacking) == 1 else "list no"
    whose = "its" if len(lacking) == 1 else "their"
    return f"{', '.join(lacking)} {verb} {country} row in {whose} {measure} tables: it is counted in 'other' (Other countries) there"
