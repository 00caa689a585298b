"""The listing views: which record kinds each command shows and the table columns people see."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, NamedTuple

from tungsten_cli.claims import claimed_unit, conflicts, editions_without, latest, revisions, with_edition, world_shares
from tungsten_cli.countries import AGGREGATES, display_name, subject_code
from tungsten_cli.dates import bounds
from tungsten_cli.query import Query, check_fields, find, referrers, related, resolve_choice, select, sort_records, timeline
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import (
    Column,
    Format,
    Listing,
    figure_value,
    flat,
    id_column,
    parties_short,
    pct,
    source_column,
    text_column,
    usd,
    value_text,
    write,
)
from tungsten_cli.render.text import field_text, grade_text, number, reserves_text
from tungsten_cli.search import search
from tungsten_cli.vocabulary import VOCAB

if TYPE_CHECKING:
    from tungsten_cli.coverage import Report as CoverageReport
    from tungsten_cli.verify import Evidence


class Output(NamedTuple):
    """How to print a listing: the shared options of every listing command."""

    fmt: Format = Format.table
    fields: list[str] | None = None
    sort: str | None = None
    limit: int | None = None
    cite: bool = False
    chart: bool = False
    note: str | None = None  # --note KIND: only rows whose record carries a curator note of this kind


class View(NamedTuple):
    """What one listing command shows; every behaviour is declared here, none is keyed on the name."""

    name: str
    kinds: tuple[str, ...]
    columns: tuple[Column, ...]
    subkind_vocab: str | None = None
    status_vocab: str | None = None
    loads: tuple[str, ...] | None = None  # record kinds the view reads from the cache; None: all
    rows: Callable[[FactSet, Query], list[Record]] = select  # the rows it lists, before --source/--sort/--limit
    # Fields the view adds to its rows (derived shares, scores); with `records=False` the rows are
    # comparison rows that hold only these. `--fields` and `--sort` accept exactly what is declared.
    extra_fields: tuple[str, ...] = ()
    records: bool = True
    # Rows compared with each other keep a basis column where bases mix (_basis_kept); a `revisions`
    # row compares editions within itself, one basis throughout, so its basis may give way.
    basis_kept: bool = True


def kinds_to_load(view: View, query: Query) -> tuple[str, ...] | None:
    """Only what a listing reads, so a cache hit decodes little; `facts --kind K` needs just K, and a
    plain listing of one country reads that country's records through the index; `--measure` needs
    the figures, whose measures it is checked against."""
    if query.measure and view.rows in (select, _SELECTED_BY_EDITION):
        return ("figure",)
    if query.country and view.rows in (select, _SELECTED_BY_EDITION, _orgs, _corrections):
        return ()
    if view.subkind_vocab == "kind" and query.subkind:
        return (query.subkind,)
    return view.loads


def _rate(record: Record) -> str:
    return field_text(record, "rate_cents_per_kg") or value_text(record)


def _orgs(facts: FactSet, query: Query) -> list[Record]:
    index = facts.lookups.table("ref") if facts.lookups is not None else referrers(facts.records)
    return [{**r, "appears_in": index.get(r["id"], [])} for r in select(facts, query)]


def _shares_of(measure: str) -> Callable[[FactSet, Query], list[Record]]:
    """Figures of one measure with their derived share of the world total."""
    return lambda facts, query: world_shares(facts, [r for r in select(facts, query) if r["measure"] == measure])


def _named(keys: tuple[str, ...], rows: Callable[[FactSet, Query], list[Record]]) -> Callable[[FactSet, Query], list[Record]]:
    """Rows with the name people know each country code by, in `KEY_name` (`KP` -> "North Korea")."""
    return lambda facts, query: [{**r, **{f"{k}_name": display_name(r[k]) for k in keys}} for r in rows(facts, query)]


def _in_basis(rows: Callable[[FactSet, Query], list[Record]]) -> Callable[[FactSet, Query], list[Record]]:
    """With `--basis W`, every WO3 tonnage restated in W content and marked derived (basis.restated)."""

    def restate(facts: FactSet, query: Query) -> list[Record]:
        if query.basis is None:
            return rows(facts, query)
        from tungsten_cli.basis import BASES, restated

        resolve_choice(query.basis, "basis", BASES)
        return [restated(r) for r in rows(facts, query)]

    return restate


def _labelled(key: str) -> Callable[[Record], str]:
    """A code with its name beside it, as people scan a ranking: "KP North Korea"."""
    return lambda r: f"{r[key]} {r.get(f'{key}_name') or ''}".rstrip()


def _basis_text(record: Record) -> str:
    """The basis, and for a converted figure what it was converted from: "W (WO3 x0.793)"."""
    basis = flat("basis", record.get("basis"))
    return f"{basis} ({record['stated_basis']} x{record['factor']})" if record.get("derived") else basis


def _basis_kept(columns: tuple[Column, ...], rows: list[Record]) -> list[Column]:
    """Where the rows mix bases or hold converted figures, the basis column is kept as long as any:
    a WO3 tonnage beside W tonnages must not lose the word that tells them apart."""
    mixed = len({r["basis"] for r in rows if r.get("basis")}) > 1 or any(r.get("derived") for r in rows)
    return [c._replace(priority=1) if mixed and c.field == "basis" else c for c in columns]


def _by_edition(rows: Callable[[FactSet, Query], list[Record]]) -> Callable[[FactSet, Query], list[Record]]:
    """Rows with the `edition` of their source; with `--latest`, only the newest edition's claim per quantity."""
    return lambda facts, query: with_edition(facts, latest(facts, rows(facts, query)) if query.latest else rows(facts, query))


_SELECTED_BY_EDITION = _by_edition(select)


def _claim_text(claim: Record) -> str:
    if claim["unavailable"]:
        text = {"withheld": "W", "not-available": "NA"}[claim["unavailable"]]
    else:
        text = (claim["comparator"] or "") + number(claim["value"])
    return f"{claim['edition']}: {text}" + ("e" if claim["estimated"] else "")


def _revision_values(row: Record) -> str:
    """Edition by edition, estimates marked `e` as USGS marks them: "MCS 2023: 84,000e → MCS 2024: 79,800"."""
    return " → ".join(_claim_text(c) for c in row["claims"])


def _revision_change(row: Record) -> str:
    """The change, a bound ("> +800,000 (> +21.05 %)") when either end is one."""
    if row["change"] is None:
        return ""
    sign = (f"{row['change_comparator']} " if row["change_comparator"] else "") + ("+" if row["change"] > 0 else "")
    percent = f" ({sign}{number(row['change_pct'])} %)" if row["change_pct"] is not None else ""
    return f"{sign}{number(row['change'])}{percent}"


def _revisions(facts: FactSet, query: Query) -> list[Record]:
    """`tungsten revisions`: every quantity several editions state; `--min-change` drops rows without a change."""
    rows = every = revisions(facts)
    if query.country:
        code = subject_code(query.country)
        rows = [r for r in rows if any(c["subject"] == code for c in r["claims"])]
    if query.measure:
        resolve_choice(query.measure, "measure", {c["measure"] for r in every for c in r["claims"]})
        rows = [r for r in rows if any(c["measure"] == query.measure for c in r["claims"])]
    if query.year is not None:
        year = query.year
        rows = [r for r in rows if r["date"] and int(bounds(r["date"])[0][:4]) <= year <= int(bounds(r["date"])[1][:4])]
    if query.min_change is not None:
        rows = [r for r in rows if r["change_pct"] is not None and abs(r["change_pct"]) >= query.min_change]
    return rows


def _crosscheck(facts: FactSet, query: Query) -> list[Record]:
    """Every comparison row with each side's unit and its value as people read it ("50 %", ">50 %", "~81,000 t W (e)")."""
    from tungsten_cli.crosscheck import crosscheck

    lookup = facts.lookup()
    shown: dict[str, tuple[str | None, str | None]] = {}  # a claim is a side of many rows, shown once: 0.44 -> 0.2 s at 100k
    rows = crosscheck(facts)
    for row in rows:
        for id_key, unit_key, text_key in _SIDES:
            record_id = row[id_key] or ""
            if record_id not in shown:
                shown[record_id] = _side_shown(lookup(record_id) if record_id else None)
            row[unit_key], row[text_key] = shown[record_id]
    return rows


_SIDES = [(f"{side}_id", f"{side}_unit", f"{side}_text") for side in ("left", "right")]


def _side_shown(record: Record | None) -> tuple[str | None, str | None]:
    if record is None:
        return None, None
    return claimed_unit(record), figure_value(record, with_basis=True) if record["kind"] == "figure" else value_text(record)


def _right_text(row: Record) -> str:
    """The other source's value, or where its table has no row for the quantity, that it lists none."""
    return "not listed" if row["verdict"] == "not-in-reference" else str(row["right_text"])


_CLAIMS = ("figure", "import_share", "measure")  # the kinds with a comparison key
_REFERENCE_FIELDS = ("publisher", "title", "date", "url")


def _corrections(facts: FactSet, query: Query) -> list[Record]:
    """`tungsten corrections`: one row per `contradicted` note of the records the filters select."""
    return [_correction(record, note) for record in select(facts, query) for note in record["notes"] if note["kind"] == "contradicted"]


def _correction(record: Record, note: Record) -> Record:
    """What the source states (its value as a table shows it, its quotes), what the note corrects
    and says, and the outside reference it relies on."""
    reference = note.get("reference") or {}
    return {
        "id": record["id"],
        "kind": record["kind"],
        "name": record.get("name") or record["summary"],
        "date": record.get("date"),
        "stated": value_text(record) or None,
        "errors": note["errors"],
        "correction": note["text"],
        **{f"reference_{name}": reference.get(name) for name in _REFERENCE_FIELDS},
        "citations": record["citations"],
    }


def _reference_text(row: Record) -> str:
    """The outside reference at a glance: "Fox News: Howard Lutnick sworn in … (2025-02-21)"."""
    date = f" ({row['reference_date']})" if row.get("reference_date") else ""
    return f"{row['reference_publisher']}: {row['reference_title']}{date}"


def _sources(facts: FactSet, query: Query) -> list[Record]:
    """Sources with how many loaded records cite each."""
    counts = {source_id: 0 for source_id in facts.sources}
    for record in facts.records:
        for source_id in {c["source"] for c in record["citations"]}:
            counts[source_id] = counts.get(source_id, 0) + 1
    return [{**source, "records": counts[source_id]} for source_id, source in facts.sources.items()]


# Column priorities: 1 is kept longest; on a narrow terminal the highest numbers go first.
_SUMMARY = text_column("summary", fit="prose")
_DATE = text_column("date", fit="token")
_COUNTRY = text_column("country", fit="token")
_VALUE = Column("value", value_text, numeric=True, fit="words", field="value")
_EDITION = text_column("edition", fit="token", priority=2)
_BASIS = Column("basis", _basis_text, priority=3, field="basis")
_QUANTITY = text_column("quantity", fit="key")
_FIGURES = (
    id_column(priority=4),
    Column("subject", _labelled("subject"), fit="words", field="subject"),
    _EDITION,
    Column("value", value_text, numeric=True, field="value"),
    Column("share of world", lambda r: field_text(r, "share_of_world_pct"), numeric=True, priority=2, field="share_of_world_pct"),
    _DATE._replace(priority=2),
    _BASIS,
    source_column(),
)
_SHARE_FIELDS = ("share_of_world_pct", "share_comparator", "share_approximate", "share_derived")
_DERIVED_FIELDS = ("derived", "stated_value", "stated_value_max", "stated_basis", "factor")


_FIGURE_MEASURES = {"production": "mine-production", "reserves": "tungsten-reserves"}


def inside_other_note(facts: FactSet, view: str, query: Query) -> str | None:
    """Where a user looks for a country the USGS tables do not list (Kazakhstan): say that, in those
    editions, it is counted in 'other'."""
    measure = _FIGURE_MEASURES.get(view)
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


def _figures_view(name: str, measure: str) -> View:
    """`production` and `reserves`: figures of one measure, every edition or (`--latest`) the newest."""
    return View(
        name,
        ("figure",),
        _FIGURES,
        loads=("figure",),
        rows=_in_basis(_named(("subject",), _by_edition(_shares_of(measure)))),
        extra_fields=(*_SHARE_FIELDS, "edition", "subject_name", *_DERIVED_FIELDS),
    )


VIEWS: dict[str, View] = {
    view.name: view
    for view in (
        View(
            "deposits",
            ("deposit",),
            (
                id_column(priority=3),
                text_column("name", fit="words"),
                _COUNTRY,
                Column("reserves", reserves_text, numeric=True, field="reserves_wo3_t"),
                Column("grade WO3", grade_text, numeric=True, priority=2, field="grade_wo3_min_pct"),
                text_column("status", fit="token", priority=3),
                text_column("region", priority=4),
                text_column("metals", "associated_metals", fit="prose", priority=5),
            ),
            status_vocab="deposit_status",
            loads=("deposit",),
        ),
        View(
            "imports",
            ("import_share",),
            (
                id_column(priority=3),
                Column("importer", _labelled("importer"), fit="words", priority=2, field="importer"),
                Column("partner", _labelled("partner"), fit="words", field="partner"),
                Column("share", lambda r: pct(r["share_pct"]), numeric=True, field="share_pct"),
                text_column("period", "date", fit="token", priority=2),
                _EDITION,
                source_column(),
                text_column("forms", fit="prose", priority=4),
            ),
            loads=("import_share",),
            rows=_named(("importer", "partner"), _SELECTED_BY_EDITION),
            extra_fields=("edition", "importer_name", "partner_name"),
        ),
        View(
            "quotas",
            ("measure",),
            (
                id_column(priority=3),
                text_column("measure", "measure_kind", fit="token"),
                _COUNTRY,
                text_column("target", "target_country", fit="token", priority=3),
                Column("rate/change", _rate, numeric=True, field="change_pct"),
                _DATE,
                text_column("status", fit="token", priority=4),
                _SUMMARY._replace(priority=2),
            ),
            subkind_vocab="measure_kind",
            loads=("measure",),
        ),
        View(
            "deals",
            ("deal",),
            (
                # A deal has no name: its id (for `show`) and kind say which it is; on a narrow terminal the
                # parties and amount go on a second line, where the parties read whole (render.table).
                id_column(),
                _DATE._replace(priority=2),
                text_column("kind", "deal_kind", fit="token"),
                Column("parties", parties_short, fit="prose", field="parties", min_width=40, beneath=True),
                Column("amount", lambda r: usd(r.get("amount_usd")), numeric=True, field="amount_usd", beneath=True),
                text_column("status", fit="token", priority=4),
            ),
            subkind_vocab="deal_kind",
            loads=("deal", "organization"),
        ),
        View(
            "facts",
            (),
            (
                id_column(priority=4),
                _DATE,
                text_column("kind", fit="token", priority=3),
                _COUNTRY._replace(priority=2),
                _VALUE,
                _EDITION._replace(priority=3),
                _SUMMARY,
            ),
            subkind_vocab="kind",
            rows=_SELECTED_BY_EDITION,
            extra_fields=("edition",),
        ),
        View(
            "orgs",
            ("organization",),
            (
                id_column(priority=3),
                text_column("name", fit="words"),
                text_column("kind", "org_kind", fit="token", priority=2),
                _COUNTRY,
                text_column("appears in", "appears_in", fit="prose", priority=4),
            ),
            subkind_vocab="org_kind",
            rows=_orgs,
            extra_fields=("appears_in",),
        ),
        *(_figures_view(name, measure) for name, measure in _FIGURE_MEASURES.items()),
        View(
            "revisions",
            (),
            (
                _QUANTITY,
                Column("values", _revision_values, fit="words"),
                Column("change", _revision_change, numeric=True, field="change_pct", priority=2),
                text_column("verdict", fit="token", priority=3),
                text_column("basis", priority=4),
                text_column("detail", priority=5),
            ),
            rows=_revisions,
            basis_kept=False,
            extra_fields=(
                "kind",
                "quantity",
                "subject",
                "measure",
                "date",
                "basis",
                "editions",
                "claims",
                "change",
                "change_pct",
                "change_comparator",
                "verdict",
                "detail",
                "citations",
            ),
            records=False,
        ),
        View(
            "crosscheck",
            (),
            (
                _QUANTITY,
                Column("left", lambda r: r["left_text"], numeric=True, fit="words", field="left_value"),
                Column("right", _right_text, numeric=True, fit="words", field="right_value"),
                text_column("verdict", fit="token"),
                text_column("left source", "left_source", fit="token", priority=2),
                text_column("right source", "right_source", fit="token", priority=2),
                text_column("detail", fit="prose", priority=3),
                text_column("left id", "left_id", fit="token", priority=4),
                text_column("right id", "right_id", fit="token", priority=4),
            ),
            extra_fields=(
                "quantity",
                "verdict",
                "detail",
                *(
                    f"{side}_{name}"
                    for side in ("left", "right")
                    for name in ("id", "source", "edition", "value", "comparator", "basis", "date", "quote", "unit", "text")
                ),
                "rank",
            ),
            records=False,
            rows=_crosscheck,
            loads=_CLAIMS,
        ),
        View(
            "corrections",
            (),
            (
                text_column("record", "name", fit="prose"),
                text_column("error", "errors", fit="token"),
                Column("stated", lambda r: r["stated"] or "", numeric=True, fit="words", priority=2, field="stated"),
                Column("correction", lambda r: r["correction"], fit="prose", field="correction"),
                _DATE._replace(priority=3),
                Column("reference", _reference_text, fit="prose", priority=2, field="reference_publisher"),
                id_column(priority=3),
                source_column(priority=4),
            ),
            rows=_corrections,
            extra_fields=(
                "id",
                "kind",
                "name",
                "date",
                "stated",
                "errors",
                "correction",
                *(f"reference_{name}" for name in _REFERENCE_FIELDS),
                "citations",
            ),
            records=False,
        ),
        View(
            "search",
            (),
            (id_column(priority=3), text_column("kind", fit="token", priority=2), _SUMMARY, text_column("score", fit="token", priority=4)),
            rows=lambda facts, query: search(facts, query.text or ""),
            loads=(),  # the token index finds the records to score
            extra_fields=("score", "matched_quote"),
        ),
        View(
            "timeline",
            (),
            (_DATE, id_column(priority=4), text_column("kind", fit="token", priority=3), _COUNTRY._replace(priority=2), _SUMMARY),
            rows=lambda facts, query: timeline(select(facts, query)),
        ),
        View(
            "conflicts",
            (),
            (
                _QUANTITY,
                # the value in its unit as crosscheck and every table writes it ("50 %", ">50 %"): field_text
                Column("value", lambda r: field_text(r, "value"), numeric=True, field="value"),
                text_column("basis", priority=2),
                source_column(),
                id_column(priority=3),
            ),
            extra_fields=("quantity", "id", "date", "value", "comparator", "approximate", "unit", "basis", "source", "quote", "notes"),
            rows=lambda facts, query: conflicts(facts),
            loads=_CLAIMS,
            records=False,
        ),
        View(
            "sources",
            ("source",),
            (
                text_column("id", fit="token"),
                text_column("title", fit="prose", priority=2),
                text_column("publisher", fit="prose", priority=3),
                text_column("published", fit="token"),
                text_column("language", fit="token", priority=4),
                Column("records", lambda r: str(r["records"]), numeric=True, field="records"),
                text_column("sha256", fit="token", priority=5),
            ),
            rows=_sources,
            extra_fields=("records",),
        ),
    )
}


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
        for kind in kinds or view.kinds or VOCAB["kind"]:
            names += VOCAB["fields"][kind]
    return list(dict.fromkeys([*names, *view.extra_fields]))


def _finish(records: list[Record], view: View, output: Output, valid: list[str]) -> Listing:
    """The output options every listing shares: `--fields` check, `--sort`, `--limit`."""
    hint = f"tungsten fields {view.name} explains each"
    if output.fields:
        check_fields(output.fields, valid, hint)
    records = sort_records(records, output.sort, valid, hint)
    if output.limit is not None:
        records = records[: output.limit]
    return Listing(
        records,
        _basis_kept(view.columns, records) if view.basis_kept else list(view.columns),
        cite=output.cite,
        fields=output.fields,
        chart=output.chart,
        sorted=bool(output.sort),
    )


def _checked(facts: FactSet, view: View, query: Query) -> Query:
    resolve_choice(query.source, "source", facts.sources)
    if query.measure and view.rows in (select, _SELECTED_BY_EDITION):
        resolve_choice(query.measure, "measure", {r["measure"] for r in facts.records if r["kind"] == "figure"})
    if view.status_vocab:
        resolve_choice(query.status, "status", VOCAB[view.status_vocab])
    if view.subkind_vocab == "kind":
        kind = resolve_choice(query.subkind, "kind", VOCAB["kind"])
        return query._replace(kinds=(kind,) if kind else view.kinds, subkind=None)
    if view.subkind_vocab:
        resolve_choice(query.subkind, "kind", VOCAB[view.subkind_vocab])
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


def _noted(rows: list[Record], kind: str, lookup: Callable[[str], Record | None]) -> list[Record]:
    """The rows standing for a record with a note of `kind`: a record (or source) by its own notes, a
    row that is not a record by the records it names (a correction's record, either side of a
    cross-check, any edition's claim of a revision)."""

    def has(record: Record | None) -> bool:
        return any(note["kind"] == kind for note in (record or {}).get("notes") or [])

    def names(row: Record) -> list[str]:
        return [i for i in (row.get("id"), row.get("left_id"), row.get("right_id"), *(c["id"] for c in row.get("claims") or [])) if i]

    return [row for row in rows if (has(row) if "notes" in row else any(has(lookup(i)) for i in names(row)))]


def _anchored(citation: Record, found: Evidence) -> Record:
    if found.start is not None:
        return {**citation, "start": found.start, "end": found.start + len(found.quote)}
    if found.line is not None:
        return {**citation, "line": found.line}
    return citation


def _with_offsets(record: Record, found: list[Evidence]) -> Record:
    """Fill in each citation's anchor from the source: a quote's offsets, a cell's line."""
    return {**record, "citations": [_anchored(c, e) for c, e in zip(record["citations"], found)]}


def show_record(facts: FactSet, record_id: str, folders: Sequence[Path], fmt: Format, out: IO[str]) -> list[str]:
    """`tungsten show`: a detail block for people, or a one-element array in the data formats.

    Returns one warning per source whose text could not be used, for the caller to print.
    """
    from tungsten_cli.crosscheck import crosscheck
    from tungsten_cli.verify import evidence

    record = find(facts, record_id)
    found = evidence(facts, record, folders)
    others = related(facts, record)
    checks = crosscheck(facts, only=record)
    if fmt is Format.table:
        from tungsten_cli.render.detail import write_detail

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


def template_text(kind: str) -> str:
    """`tungsten new KIND`: a commented YAML template of one record to fill in."""
    from tungsten_cli.model import RECORD_MODELS
    from tungsten_cli.template import template

    resolve_choice(kind, "kind", RECORD_MODELS)
    return template(kind)


def write_schema_summary(kind: str, output: Output, out: IO[str]) -> None:
    """`tungsten schema KIND --summary`: the template's information as a table, one row per field."""
    from tungsten_cli.model import RECORD_MODELS
    from tungsten_cli.template import summary_rows

    resolve_choice(kind, "kind", RECORD_MODELS)
    columns = [
        text_column("field", fit="token"),
        text_column("required"),
        text_column("type", fit="prose"),
        text_column("unit", fit="prose"),
        text_column("example", fit="prose", priority=2),
        text_column("meaning", fit="prose", priority=3),
    ]
    check_fields(output.fields or [], [c.header for c in columns])
    write(Listing(summary_rows(kind), columns, fields=output.fields), output.fmt, out)


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


REPORT_SECTIONS = ("deposits", "imports", "quotas", "deals", "production", "reserves", "conflicts", "crosscheck", "sources")


def report_sections(facts: FactSet, query: Query) -> dict[str, list[Record]]:
    """The rows of every view the HTML report shows, under the filters of `facts` (--country, --year, --source).

    Comparison rows (conflicts, crosscheck) are kept when either side is a record the filters select.
    """
    chosen = {r["id"] for r in listing(facts, VIEWS["facts"], query, Output()).records}
    sections = {}
    for name in REPORT_SECTIONS:
        view = VIEWS[name]
        if name == "sources":
            sections[name] = view.rows(facts, query)
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
