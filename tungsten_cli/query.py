"""Pure filtering, sorting and lookup over plain records: no I/O, no rendering, no Typer."""

from __future__ import annotations

import difflib  # Typer imports it anyway: a lazy import saved nothing (python -X importtime)
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple

from tungsten_cli.countries import AGGREGATES, resolve, subject_code
from tungsten_cli.dates import bounds
from tungsten_cli.errors import NotFoundError, UsageError
from tungsten_cli.kinds import party_names, references, subkind
from tungsten_cli.quantity import Change
from tungsten_cli.records import FactSet, Record, record_countries
from tungsten_cli.search import fold

Predicate = Callable[[Record], bool]


class Query(NamedTuple):
    """Every filter a listing command can pass; None means "do not filter on this"."""

    kinds: tuple[str, ...] = ()
    country: str | None = None
    year: int | None = None
    name: str | None = None
    status: str | None = None
    party: str | None = None
    subkind: str | None = None
    importer: str | None = None
    partner: str | None = None
    source: str | None = None  # applied by the view to its rows, records or comparisons alike
    date_from: str | None = None
    date_to: str | None = None
    text: str | None = None  # search words
    latest: bool = False  # of a series of editions, keep only the newest edition's claim per quantity
    measure: str | None = None  # a figure's measure (facts, revisions)
    min_change: float | None = None  # smallest change in percent, either way (revision rows)
    exclude: tuple[str, ...] = ()  # countries or aggregates (world, other) to leave out of a ranking
    basis: str | None = None  # restate figures in this basis (W), converted values marked derived


def covers_year(record: Record, year: int) -> bool:
    date = record.get("date")
    if not date:
        return False
    start, end = bounds(date)
    return int(start[:4]) <= year <= int(end[:4])


def _field_equals(key: str, value: str) -> Predicate:
    return lambda record: record.get(key) == value


def predicates(query: Query, facts: FactSet) -> list[Predicate]:
    """Turn the set filters into predicates, resolving country names first so typos fail loudly."""
    checks: list[Predicate] = []
    if query.kinds:
        checks.append(lambda r: r["kind"] in query.kinds)
    if query.country:
        checks.append(_about(subject_code(query.country)))
    for key, value in (("importer", query.importer), ("partner", query.partner)):
        if value:
            code = subject_code(value) if key == "partner" else resolve(value)
            checks.append(_field_equals(key, code))
    if query.year is not None:
        year = query.year
        checks.append(lambda r: covers_year(r, year))
    if query.name:
        needle = fold(query.name)
        checks.append(lambda r: any(needle in fold(n) for n in [r.get("name") or "", *(r.get("aliases") or [])]))
    if query.status:
        checks.append(lambda r: r.get("status") == query.status)
    if query.subkind:
        checks.append(lambda r: subkind(r) == query.subkind)
    if query.measure:
        checks.append(_of_measure(query.measure))
    if query.min_change is not None:
        least = query.min_change
        checks.append(lambda r: Change.of(r).at_least(least))  # a change from 0 always passes
    if query.party:
        needle, lookup = fold(query.party), facts.lookup()
        checks.append(lambda r: any(needle in fold(n) for n in party_names(r, lookup)))
    if query.exclude:
        left_out = {_excluded(value, facts) for value in query.exclude}
        checks.append(lambda r: _listed_under(r) not in left_out)
    checks += _date_range(query)
    return checks


def _about(code: str) -> Predicate:
    """A record by every country it is about; a revision row (`claims.revisions`) by the subject of any
    edition's claim."""
    return lambda r: any(c["subject"] == code for c in r["claims"]) if r["kind"] == "revision" else code in record_countries(r)


def _of_measure(measure: str) -> Predicate:
    """A figure by its measure; a revision row by the measure of any edition's claim."""
    return lambda r: any(c["measure"] == measure for c in r["claims"]) if r["kind"] == "revision" else r.get("measure") == measure


def _listed_under(record: Record) -> str | None:
    """The code a row ranks under: a figure's subject, an import share's partner."""
    return record.get("partner") if record["kind"] == "import_share" else record.get("subject")


def _excluded(value: str, facts: FactSet) -> str:
    try:
        return subject_code(value)
    except UsageError as err:
        raise UsageError(f"--exclude: {err}; or an aggregate: {', '.join(sorted(AGGREGATES))}") from None


def _date_range(query: Query) -> list[Predicate]:
    checks: list[Predicate] = []
    if query.date_from:
        low = bounds(query.date_from)[0]
        checks.append(lambda r: bool(r.get("date")) and bounds(r["date"])[1] >= low)
    if query.date_to:
        high = bounds(query.date_to)[1]
        checks.append(lambda r: bool(r.get("date")) and bounds(r["date"])[0] <= high)
    return checks


def select(facts: FactSet, query: Query, *, noted: str | None = None) -> list[Record]:
    """Records passing every filter; with a country, only that country's records are read (through
    the index). `noted`: the caller's rows come from notes of this kind, so with an index only the
    records carrying one are read; without one every record is, and the others give no row."""
    checks = predicates(query, facts)
    candidates = facts.records
    if noted and facts.lookups is not None:
        candidates = facts.lookups.records(facts.lookups.ids("note", noted))
    elif query.country and facts.lookups is not None:
        candidates = facts.lookups.records(facts.lookups.ids("country", subject_code(query.country)))
    return [r for r in candidates if all(check(r) for check in checks)]


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or value == "" or value == []:
        return (2, 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, fold(str(value)))


def sort_records(records: Sequence[Record], spec: str | None, valid: Iterable[str], hint: str = "") -> list[Record]:
    """`spec` is a field name, prefixed with `-` for descending; missing values sort last either way."""
    if not spec:
        return list(records)
    descending = spec.startswith("-")
    name = spec.lstrip("-")
    check_fields([name], valid, hint)
    present = [r for r in records if _sort_key(r.get(name))[0] < 2]
    missing = [r for r in records if _sort_key(r.get(name))[0] == 2]
    present.sort(key=lambda r: _sort_key(r.get(name)), reverse=descending)
    return present + missing


def check_fields(names: Iterable[str], valid: Iterable[str], hint: str = "") -> None:
    """Refuse a field the view does not declare, naming the ones that contain it (`grade` ->
    grade_wo3_min_pct, ...), else the closest spellings, else every valid one; `hint` says where
    they are explained."""
    allowed = list(dict.fromkeys(valid))
    unknown = [n for n in names if n not in allowed]
    if not unknown:
        return
    name = unknown[0]
    close = [n for n in allowed if name in n][:4] or difflib.get_close_matches(name, allowed, n=4, cutoff=0.6)
    suffix = f" ({hint})" if hint else ""
    if close:
        raise UsageError(f"unknown field '{name}'; did you mean {', '.join(close)}?{suffix}")
    raise UsageError(f"unknown field '{name}'; valid fields: {', '.join(allowed)}{suffix}")


def resolve_choice(value: str | None, label: str, choices: Iterable[str]) -> str | None:
    """Check a value against the schema's vocabulary, so a typo is a usage error, not an empty result."""
    if value is None:
        return None
    allowed = sorted(set(choices))
    if value not in allowed:
        raise UsageError(f"unknown {label} '{value}'; choose from: {', '.join(allowed)}")
    return value


def related(facts: FactSet, record: Record) -> list[Record]:
    """Records sharing a deposit or an organisation with `record` (or pointing at it)."""
    anchor = references(record) | {record["id"]}
    candidates = facts.records
    if facts.lookups is not None:
        pointing = [record_id for target in sorted(anchor) for record_id in facts.lookups.ids("ref", target)]
        candidates = sorted(facts.lookups.records([*sorted(anchor), *pointing]), key=_position(facts))
    return [r for r in candidates if r["id"] != record["id"] and (references(r) | {r["id"]}) & anchor]


def _position(facts: FactSet) -> Callable[[Record], int]:
    """The order the cache holds records in (by kind, then as written), for results found through the index."""
    order = {record_id: i for i, record_id in enumerate(_all_ids(facts))}
    return lambda record: order[record["id"]]


def _all_ids(facts: FactSet) -> list[str]:
    if facts.lookups is None:
        return [r["id"] for r in facts.records]
    return [record_id for ids in facts.lookups.table("kind").values() for record_id in ids]


def find(facts: FactSet, record_id: str) -> Record:
    found = facts.lookup()(record_id)
    if found is not None:
        return found
    close = difflib.get_close_matches(record_id, _all_ids(facts), n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    raise NotFoundError(f"no record '{record_id}'{hint}")


def timeline(records: Iterable[Record]) -> list[Record]:
    """Dated records by the start of their date; partial dates sort as their first day."""
    dated = [r for r in records if r.get("date")]
    return sorted(dated, key=lambda r: (bounds(r["date"])[0], r["id"]))
