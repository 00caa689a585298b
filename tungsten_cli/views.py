"""The listing views: which record kinds each command shows and the table columns people see."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from tungsten_cli.claims import claimed_unit, conflicts, latest, with_edition, world_shares
from tungsten_cli.commands.corrections import changes_text, correction_rows, reference_text
from tungsten_cli.commands.revisions import revision_change, revision_rows, revision_values
from tungsten_cli.countries import display_name
from tungsten_cli.kinds import referrers
from tungsten_cli.query import Query, resolve_choice, select, timeline
from tungsten_cli.records import FactSet, Record, citing
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
    # The record kinds it lists. One kind: `--kind` takes that kind's subkind (kinds.Kind.subkind);
    # none: every kind, and `--kind` picks one.
    kinds: tuple[str, ...]
    columns: tuple[Column, ...]
    status_vocab: str | None = None
    loads: tuple[str, ...] | None = None  # record kinds the view reads from the cache; None: all
    rows: Callable[[FactSet, Query], Sequence[Record]] = select  # the rows it lists, before --source/--sort/--limit
    # Fields the view adds to its records (derived shares, scores; described in kinds.Kind.derived or
    # fields.py). `--fields` and `--sort` accept exactly what is declared.
    extra_fields: tuple[str, ...] = ()
    # Rows that are not records (comparison rows): every field they hold, its type and its meaning.
    row_fields: tuple[tuple[str, str, str], ...] = ()
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

    @property
    def records(self) -> bool:
        """Whether the rows are records (of `kinds`), not comparison rows (`row_fields`)."""
        return not self.row_fields


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
_QUANTITY_FIELD = ("quantity", "text", "The quantity compared: subject/measure/period (a comparison key)")
_VERDICT_FIELDS = (
    ("verdict", "text", "The outcome of the comparison (see the command's --help)"),
    ("detail", "text", "Why, in words"),
)
_SIDE_FIELDS = (
    ("id", "text", "record id"),
    ("source", "text", "source id"),
    ("edition", "text", "source edition"),
    ("value", "number", "value as stated"),
    ("comparator", "text", "comparator, when the value is a bound (>50)"),
    ("basis", "text", "basis (WO3, W content, ...)"),
    ("date", "text", "date"),
    ("quote", "text", "quote"),
    ("unit", "text", "unit (t, pct, ...)"),
    ("text", "text", "value as the table shows it, with comparator, unit and marks (>50 % (e))"),
)


def _sources(facts: FactSet, query: Query) -> list[Record]:
    """Sources with how many loaded records cite each (with a cache, counted when it was written)."""
    counts = facts.lookups.table("cited") if facts.lookups is not None else citing(facts.records)
    return [{**source, "records": counts.get(source_id, 0)} for source_id, source in facts.sources.items()]


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
            rows=_orgs,
            loads=("organization",),  # who refers to each comes from the index (`ref`)
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
            row_fields=(
                ("kind", "text", "Always 'revision'"),
                _QUANTITY_FIELD,
                ("subject", "text", "What the number is about: a country code, world or other"),
                ("measure", "text", "What is measured (mine-production, tungsten-reserves, ...)"),
                ("date", "text", "The period the editions state it for"),
                ("basis", "text", "What is counted (WO3, W content, ...)"),
                ("editions", "list of text", "The editions stating it, oldest first"),
                ("claims", "list of objects", "Each edition's claim: id, value, comparator, estimated, unit, citations"),
                ("change", "number", "Last edition's value minus the first's, in the quantity's unit"),
                ("change_pct", "number", "The change relative to the first edition's value, percent (none from 0)"),
                ("change_comparator", "text", "Set when the change is a bound (either end is one)"),
                ("change_from_zero", "true/false", "The first edition states 0 and the last does not: a change, sorted as the largest"),
                *_VERDICT_FIELDS,
                ("citations", "list of objects", "Every edition's citations"),
            ),
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
            row_fields=(
                _QUANTITY_FIELD,
                *_VERDICT_FIELDS,
                *(
                    (f"{side}_{name}", kind, f"The {side} claim's {meaning}")
                    for side in ("left", "right")
                    for name, kind, meaning in _SIDE_FIELDS
                ),
                ("rank", "integer", "Where a claim the reference table leaves out would rank in it"),
            ),
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
                Column("stated → corrected", changes_text, fit="words", field="corrections"),
                Column("record value", lambda r: r["record_value"] or "", numeric=True, fit="words", priority=4, field="record_value"),
                Column("correction", lambda r: r["correction"], fit="prose", field="correction", min_width=40, beneath=True),
                _DATE._replace(priority=3),
                Column("reference", reference_text, fit="prose", priority=2, field="reference_publisher"),
                id_column(priority=3),
                source_column(priority=4),
            ),
            rows=correction_rows,
            loads=(),  # the records with a contradicted note come through the index (`note`)
            by_country_index=True,
            report="filtered",
            row_fields=(
                ("id", "text", "Id of the record the note corrects"),
                ("kind", "text", "The record's kind (deal, figure, ...)"),
                ("name", "text", "The record's name; for a kind without names (deals, figures, ...) its summary"),
                ("date", "text", "The record's date, as the source states it"),
                ("record_value", "text", "The record's headline value as the source states it, as a table shows it (US$ 255 m, 50 %)"),
                ("stated", "text", "The same as record_value (its first name, kept); not what a correction states: see corrections"),
                ("unit", "text", "The record's unit (figures: t, pct, degc, ...), in which a correction of its value reads"),
                ("errors", "list of text", "What kind of error the note corrects (value, date, name, unit, scope, place)"),
                (
                    "corrections",
                    "list of objects",
                    "Each corrected value as data: field, stated (what the source states, as the record holds it; "
                    "null where it states nothing), corrected",
                ),
                ("correction", "text", "The note: what is wrong and what the reference says instead"),
                ("reference_publisher", "text", "Who published the outside reference"),
                ("reference_title", "text", "The outside reference's title"),
                ("reference_date", "text", "When the outside reference was published"),
                ("reference_url", "text", "Where the outside reference can be read"),
                ("citations", "list of objects", "The record's citations: the quotes that state what the source says"),
            ),
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
            row_fields=(
                _QUANTITY_FIELD,
                ("id", "text", "Id of the record making this claim"),
                ("date", "text", "The period the claim is for"),
                ("value", "number", "The value as stated, in `unit`"),
                ("comparator", "text", "Set when the value is a bound (>50)"),
                ("approximate", "true/false", "The source hedges the value"),
                ("unit", "text", "Unit of value"),
                ("basis", "text", "What is counted (WO3, W content, ...)"),
                ("source", "text", "Source id of the claim"),
                ("quote", "text", "The claim's quote"),
                ("notes", "list of objects", "Curator notes on the record"),
            ),
            rows=lambda facts, query: conflicts(facts),
            loads=_GROUPED,
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
            loads=(),  # the counts come from the index (`cited`)
            extra_fields=("records",),
            report="whole",
        ),
    )
}
