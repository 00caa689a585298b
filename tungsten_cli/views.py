"""The listing views: which record kinds each command shows and the table columns people see."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from tungsten_cli.claims import claimed_unit, conflicts, latest, with_edition, world_shares
from tungsten_cli.commands.revisions import revision_change, revision_rows, revision_values
from tungsten_cli.countries import display_name
from tungsten_cli.quantity import number
from tungsten_cli.query import Query, referrers, resolve_choice, select, timeline
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import (
    Column,
    figure_value,
    flat,
    id_column,
    parties_short,
    pct,
    source_column,
    text_column,
    usd,
    value_text,
)
from tungsten_cli.render.text import field_text, grade_text, reserves_text
from tungsten_cli.search import search


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
    # Rows compared with each other keep a basis column where bases mix (listing._basis_kept); a
    # `revisions` row compares editions within itself, one basis throughout, so its basis may give way.
    basis_kept: bool = True
    # Rows drawn from `select`: with --country only that country's records are read (through the index).
    by_country_index: bool = False
    # --measure is checked against the figures' measures, and only the figures are read.
    measure_of_figures: bool = False
    # A figure view's measure: a country its USGS tables count under 'other' gets a note (listing.other_note).
    figure_measure: str | None = None
    # In the HTML report: None not shown; "filtered" under the report's filters (comparison rows
    # where either side is a selected record); "whole" every row.
    report: str | None = None


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


def _by_edition(rows: Callable[[FactSet, Query], list[Record]]) -> Callable[[FactSet, Query], list[Record]]:
    """Rows with the `edition` of their source; with `--latest`, only the newest edition's claim per quantity."""
    return lambda facts, query: with_edition(facts, latest(facts, rows(facts, query)) if query.latest else rows(facts, query))


_SELECTED_BY_EDITION = _by_edition(select)


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


# Comparison views read their groups' records through the index (index.comparison_tables), none up front.
_GROUPED: tuple[str, ...] = ()
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
        "corrections": note.get("corrections") or [],
        "correction": note["text"],
        **{f"reference_{name}": reference.get(name) for name in _REFERENCE_FIELDS},
        "citations": record["citations"],
    }


def _changes_text(row: Record) -> str:
    """Each structured correction as "stated → corrected" ("255,000,000 → 25,500,000"): the error column
    beside it says what kind of value, so the cell stays short enough to stand whole at 80 columns."""
    return "; ".join(f"{_as_read(c['stated'])} → {_as_read(c['corrected'])}" for c in row["corrections"])


def _as_read(value: str | float) -> str:
    return value if isinstance(value, str) else number(value)


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


def _figures_view(name: str, measure: str) -> View:
    """`production` and `reserves`: figures of one measure, every edition or (`--latest`) the newest."""
    return View(
        name,
        ("figure",),
        _FIGURES,
        loads=("figure",),
        rows=_in_basis(_named(("subject",), _by_edition(_shares_of(measure)))),
        extra_fields=(*_SHARE_FIELDS, "edition", "subject_name", *_DERIVED_FIELDS),
        figure_measure=measure,
        report="filtered",
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
            by_country_index=True,
            report="filtered",
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
            report="filtered",
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
            by_country_index=True,
            report="filtered",
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
            by_country_index=True,
            report="filtered",
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
            by_country_index=True,
            measure_of_figures=True,
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
            by_country_index=True,
        ),
        _figures_view("production", "mine-production"),
        _figures_view("reserves", "tungsten-reserves"),
        View(
            "revisions",
            (),
            (
                _QUANTITY,
                Column("values", revision_values, fit="words", field="claims"),
                Column("change", revision_change, numeric=True, field="change_pct", priority=2),
                text_column("verdict", fit="token", priority=3),
                text_column("basis", priority=4),
                text_column("detail", priority=5),
            ),
            rows=revision_rows,
            loads=_GROUPED,
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
                "change_from_zero",
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
            loads=_GROUPED,
            report="filtered",
        ),
        View(
            "corrections",
            (),
            (
                # What was stated and what is right come first, whole; on a narrow terminal the note's
                # prose takes the record's second line, where it has nearly the whole width.
                text_column("record", "name", fit="prose"),
                text_column("error", "errors", fit="token", priority=2),
                Column("stated → corrected", _changes_text, fit="words", field="corrections"),
                Column("stated", lambda r: r["stated"] or "", numeric=True, fit="words", priority=4, field="stated"),
                Column("correction", lambda r: r["correction"], fit="prose", field="correction", min_width=40, beneath=True),
                _DATE._replace(priority=3),
                Column("reference", _reference_text, fit="prose", priority=2, field="reference_publisher"),
                id_column(priority=3),
                source_column(priority=4),
            ),
            rows=_corrections,
            by_country_index=True,
            report="filtered",
            extra_fields=(
                "id",
                "kind",
                "name",
                "date",
                "stated",
                "errors",
                "corrections",
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
            loads=_GROUPED,
            records=False,
            report="filtered",
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
            report="whole",
        ),
    )
}
