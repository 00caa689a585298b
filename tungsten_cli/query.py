"""Pure filtering, sorting and lookup over plain records: no I/O, no rendering, no Typer."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from tungsten_cli.errors import NotFoundError, UsageError
from tungsten_cli.load import FactSet, Record

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
    source: str | None = None
    date_from: str | None = None
    date_to: str | None = None


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so `kairakty`, `Kairakty` and `Kaïrakty` compare equal."""
    import unicodedata  # only filters and search need it

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def resolve_country(value: str, facts: FactSet) -> str:
    """An ISO alpha-2/alpha-3 code or English name, any case, to its alpha-2 code."""
    if value.strip().upper() in facts.countries:
        return value.strip().upper()
    wanted = fold(value.strip())
    for code, names in facts.countries.items():
        if any(fold(name) == wanted for name in names):
            return code
    raise UsageError(f"unknown country '{value}' (use an ISO 3166-1 code such as KZ or an English name)")


def date_bounds(date: str) -> tuple[str, str]:
    """First and last day a partial date or interval covers, as comparable YYYY-MM-DD strings."""
    start, _, end = date.partition("/")
    end = end or start
    return (start + "-01-01"[len(start) - 4 :], end + "-12-31"[len(end) - 4 :])


def covers_year(record: Record, year: int) -> bool:
    date = record.get("date")
    if not date:
        return False
    start, end = date_bounds(date)
    return int(start[:4]) <= year <= int(end[:4])


def record_countries(record: Record) -> set[str]:
    """Every country a record is about: its own, importer/partner/target, and its parties' home countries."""
    found = {record.get(key) for key in ("country", "importer", "partner", "target_country")}
    found.update(party.get("country") for party in record.get("parties") or [])
    return {c for c in found if c}


def party_names(record: Record, facts_by_id: dict[str, Record]) -> list[str]:
    """Names and aliases of every organisation a record involves, for `--party` matching."""
    ids = [target for _, kind, target in reference_fields(record) if kind == "organization"]
    names: list[str] = list(ids)
    for org_id in ids:
        org = facts_by_id.get(org_id, {})
        names += [org.get("name", ""), *list(org.get("aliases") or [])]
    return names


_SUBKIND_FIELDS = ("deal_kind", "measure_kind", "org_kind", "event_kind", "measure")


def _subkind(record: Record) -> str | None:
    return next((record[f] for f in _SUBKIND_FIELDS if record.get(f)), None)


def _field_equals(key: str, value: str) -> Predicate:
    return lambda record: record.get(key) == value


def predicates(query: Query, facts: FactSet) -> list[Predicate]:
    """Turn the set filters into predicates, resolving country names first so typos fail loudly."""
    checks: list[Predicate] = []
    if query.kinds:
        checks.append(lambda r: r["kind"] in query.kinds)
    if query.country:
        code = resolve_country(query.country, facts)
        checks.append(lambda r: code in record_countries(r))
    for key, value in (("importer", query.importer), ("partner", query.partner)):
        if value:
            code = "other" if key == "partner" and fold(value) in ("other", "others") else resolve_country(value, facts)
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
        checks.append(lambda r: _subkind(r) == query.subkind)
    if query.party:
        needle, by_id = fold(query.party), facts.by_id()
        checks.append(lambda r: any(needle in fold(n) for n in party_names(r, by_id)))
    if query.source:
        resolve_choice(query.source, "source", facts.sources)
        checks.append(lambda r: any(c["source"] == query.source for c in r["citations"]))
    checks += _date_range(query)
    return checks


def _date_range(query: Query) -> list[Predicate]:
    checks: list[Predicate] = []
    if query.date_from:
        low = date_bounds(query.date_from)[0]
        checks.append(lambda r: bool(r.get("date")) and date_bounds(r["date"])[1] >= low)
    if query.date_to:
        high = date_bounds(query.date_to)[1]
        checks.append(lambda r: bool(r.get("date")) and date_bounds(r["date"])[0] <= high)
    return checks


def select(facts: FactSet, query: Query) -> list[Record]:
    checks = predicates(query, facts)
    return [r for r in facts.records if all(check(r) for check in checks)]


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None or value == "" or value == []:
        return (2, 0)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, value)
    return (1, fold(str(value)))


def sort_records(records: Sequence[Record], spec: str | None, valid: Iterable[str]) -> list[Record]:
    """`spec` is a field name, prefixed with `-` for descending; missing values sort last either way."""
    if not spec:
        return list(records)
    descending = spec.startswith("-")
    name = spec.lstrip("-")
    check_fields([name], valid)
    present = [r for r in records if _sort_key(r.get(name))[0] < 2]
    missing = [r for r in records if _sort_key(r.get(name))[0] == 2]
    present.sort(key=lambda r: _sort_key(r.get(name)), reverse=descending)
    return present + missing


def check_fields(names: Iterable[str], valid: Iterable[str]) -> None:
    allowed = list(dict.fromkeys(valid))
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise UsageError(f"unknown field '{unknown[0]}'; valid fields: {', '.join(allowed)}")


def project(records: Iterable[Record], names: Sequence[str]) -> list[Record]:
    """Keep only `names`, in that order, in every record (absent fields become null)."""
    return [{n: r.get(n) for n in names} for r in records]


def fields_of(records: Iterable[Record], kinds: Iterable[str], facts: FactSet) -> list[str]:
    """Field names valid for a listing: the schema's fields of its kinds, in schema order."""
    names: list[str] = []
    for kind in kinds:
        names += facts.vocab["fields"].get(kind, [])
    for record in records:
        names += list(record)
    return list(dict.fromkeys(names))


def resolve_choice(value: str | None, label: str, choices: Iterable[str]) -> str | None:
    """Check a value against the schema's vocabulary, so a typo is a usage error, not an empty result."""
    if value is None:
        return None
    allowed = sorted(set(choices))
    if value not in allowed:
        raise UsageError(f"unknown {label} '{value}'; choose from: {', '.join(allowed)}")
    return value


def reference_fields(record: Record) -> Iterator[tuple[str, str, str]]:
    """(field, target kind, target id) for every id a record points at: the one list of link fields."""
    for i, party in enumerate(record.get("parties") or []):
        yield f"parties.{i}.org", "organization", party["org"]
    for i, org in enumerate(record.get("orgs") or []):
        yield f"orgs.{i}", "organization", org
    if record.get("operator"):
        yield "operator", "organization", record["operator"]
    if record.get("deposit"):
        yield "deposit", "deposit", record["deposit"]


def references(record: Record) -> set[str]:
    """Ids of the organisations and deposits a record points at."""
    return {target for _, _, target in reference_fields(record)}


def referrers(records: Iterable[Record]) -> dict[str, list[str]]:
    """For each organisation or deposit id, the ids of the records pointing at it (one pass, for listings)."""
    index: dict[str, list[str]] = {}
    for record in records:
        for target in sorted(references(record)):
            index.setdefault(target, []).append(record["id"])
    return index


def related(facts: FactSet, record: Record) -> list[Record]:
    """Records sharing a deposit or an organisation with `record` (or pointing at it)."""
    anchor = references(record) | {record["id"]}
    return [r for r in facts.records if r["id"] != record["id"] and (references(r) | {r["id"]}) & anchor]


def find(facts: FactSet, record_id: str) -> Record:
    by_id = facts.by_id()
    if record_id in by_id:
        return by_id[record_id]
    import difflib

    close = difflib.get_close_matches(record_id, list(by_id), n=3, cutoff=0.5)
    hint = f"; did you mean: {', '.join(close)}" if close else ""
    raise NotFoundError(f"no record '{record_id}'{hint}")


_SEARCH_WEIGHTS = {"id": 3, "name": 5, "aliases": 4, "parties": 3, "summary": 2, "quotes": 1}


def _search_fields(record: Record, by_id: dict[str, Record]) -> dict[str, list[str]]:
    return {
        "id": [record["id"]],
        "name": [record.get("name") or ""],
        "aliases": list(record.get("aliases") or []),
        "parties": [*party_names(record, by_id), by_id.get(record.get("deposit") or "", {}).get("name", "")],
        "summary": [record["summary"]],
        "quotes": [c["quote"] for c in record["citations"]],
    }


def _entity_spellings(facts: FactSet, needle: str) -> list[str]:
    """All spellings of deposits and organisations the search text names, so one spelling finds the rest."""
    spellings: list[str] = []
    for record in facts.records:
        names = [record.get("name") or "", *(record.get("aliases") or [])]
        if record["kind"] in ("deposit", "organization") and any(needle in fold(n) for n in names):
            spellings += [fold(n) for n in names if n]
    return spellings


def search(facts: FactSet, text: str) -> list[Record]:
    """Records ranked by where the text matches; each result carries `score` and the best `matched_quote`."""
    needle = fold(text.strip())
    if not needle:
        raise UsageError("search text is empty")
    terms = [needle, *_entity_spellings(facts, needle)]
    by_id = facts.by_id()
    results = []
    for record in facts.records:
        fields = {k: [fold(v) for v in vs] for k, vs in _search_fields(record, by_id).items()}
        score = sum(w for k, w in _SEARCH_WEIGHTS.items() if any(t in v for t in terms for v in fields[k]))
        if score:
            quotes = record["citations"]
            best = next((c["quote"] for c in quotes if any(t in fold(c["quote"]) for t in terms)), quotes[0]["quote"])
            results.append({**record, "score": score, "matched_quote": best})
    results.sort(key=lambda r: (-r["score"], r["id"]))
    return results


def timeline(records: Iterable[Record]) -> list[Record]:
    """Dated records by the start of their date; partial dates sort as their first day."""
    dated = [r for r in records if r.get("date")]
    return sorted(dated, key=lambda r: (date_bounds(r["date"])[0], r["id"]))


def comparison_key(record: Record) -> tuple[str, str, str] | None:
    """What a claim measures (subject, measure, period); equal keys are claims about one quantity."""
    if record["kind"] == "figure":
        return (record["subject"], record["measure"], record.get("date") or "")
    if record["kind"] == "import_share":
        return (f"{record['importer']}<-{record['partner']}", "import-share", record["date"])
    if record["kind"] == "measure" and record.get("legal_basis"):
        target = f"->{record['target_country']}" if record.get("target_country") else ""
        return (f"{record['country']}{target}", f"{record['measure_kind']}/{record['legal_basis']}", "")
    return None


def basis_of(record: Record) -> str:
    """How a quantity is defined (WO3 or W content, which import forms): same key, other basis, other number."""
    return str(record.get("basis") or record.get("forms") or "")


def stated_value(record: Record) -> tuple[Any, ...]:
    return (record.get("comparator"), record.get("value"), record.get("value_max"), record.get("share_pct"), record.get("unavailable"))


def group_by_key(records: Iterable[Record]) -> dict[tuple[str, str, str], list[Record]]:
    groups: dict[tuple[str, str, str], list[Record]] = {}
    for record in records:
        key = comparison_key(record)
        if key is not None:
            groups.setdefault(key, []).append(record)
    return groups


def conflicts(facts: FactSet) -> list[Record]:
    """One flat row per claim, for every quantity (same key and basis) stated with different values."""
    rows: list[Record] = []
    for (subject, measure, period), group in group_by_key(facts.records).items():
        by_basis: dict[str, list[Record]] = {}
        for member in group:
            by_basis.setdefault(basis_of(member), []).append(member)
        for members in by_basis.values():
            if len({stated_value(m) for m in members}) > 1:
                rows += _conflict_rows(subject, measure, period, members)
    return rows


def claimed_value(record: Record) -> Any:
    """The number a comparable claim states: a figure's value, a share, or a measure's rate or change."""
    if record["kind"] == "figure":
        return record.get("value")
    return next((record[k] for k in ("share_pct", "rate_pct", "change_pct") if record.get(k) is not None), None)


def claim_row(member: Record, quantity: str) -> Record:
    """A claim reduced to what comparisons need: value, unit, basis and its first quote."""
    citation = member["citations"][0]
    return {
        "quantity": quantity,
        "id": member["id"],
        "value": claimed_value(member),
        "comparator": member.get("comparator"),
        "approximate": bool(member.get("approximate")),
        "unit": member.get("unit", "pct"),
        "basis": basis_of(member) or None,
        "source": citation["source"],
        "quote": citation["quote"],
        "notes": member.get("notes") or [],
    }


def _conflict_rows(subject: str, measure: str, period: str, members: list[Record]) -> list[Record]:
    quantity = "/".join(p for p in (subject, measure, period) if p)
    return [claim_row(m, quantity) for m in members]


def world_shares(facts: FactSet, records: list[Record]) -> list[Record]:
    """Each figure with its share of the world total of the same source, measure, period and basis.

    The share is derived, never typed in: approximate when the total is rounded or hedged, and an
    upper bound ("<") when the total is a lower bound (">4,600,000").
    """
    totals = {
        (r["citations"][0]["source"], r["measure"], r.get("date"), r.get("basis")): r
        for r in facts.records
        if r["kind"] == "figure" and r["subject"] == "world" and r.get("value")
    }
    shares = []
    for record in records:
        total = totals.get((record["citations"][0]["source"], record["measure"], record.get("date"), record.get("basis")))
        share: Record = {"share_of_world_pct": None, "share_comparator": None, "share_approximate": None}
        if total is not None and record.get("value") is not None and record is not total:
            share["share_of_world_pct"] = round(100 * record["value"] / total["value"], 2)
            share["share_comparator"] = {">": "<", ">=": "<="}.get(total.get("comparator") or "")
            share["share_approximate"] = bool(total.get("approximate")) or bool(record.get("approximate"))
        shares.append({**record, **share, "share_derived": share["share_of_world_pct"] is not None})
    return shares
