"""The record kinds: one descriptor per kind, the one place that says what a kind's model is, which
number is its headline and in what unit, what makes two of its claims about one quantity (comparison
key), which field names its subkind, what it links to, its export table, its chart bar and the fields
views derive for it. Views, export, charts, `fields`, crosscheck, claims and the report read it here.

Adding a kind: its model (subclassing `model.RecordModel`) and a `Kind` passed to `register`, or, for
a shipped kind, an entry in `KINDS` and its model in `model.RECORD_MODELS`. pydantic is imported
only when a model is asked for, so a warm run reads this module without it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from tungsten_cli.records import Record
from tungsten_cli.vocabulary import VOCAB

if TYPE_CHECKING:
    from pydantic import BaseModel, TypeAdapter


class Headline(NamedTuple):
    """A number the kind states and how a person reads it: `unit` names its writer in render.text
    (t, pct, usd, cents/kg; "" the record's own `unit`), `affix` the words around it."""

    field: str
    unit: str
    affix: str = "{}"


class Link(NamedTuple):
    """A field that points at another record (`target` kind): one id, or with `many` a list of ids,
    or of items holding the id under `key` (a deal's parties' `org`)."""

    field: str
    target: str
    many: bool = False
    key: str | None = None


class Chart(NamedTuple):
    """How `--chart` draws a record: a bar of the first of `fields` it holds, labelled `label(r)`,
    under the heading `panel(r)`, measuring `measure(r, field)` (bars compare only within a measure)."""

    fields: tuple[Headline, ...]
    label: Callable[[Record], str]
    panel: Callable[[Record], str]
    measure: Callable[[Record, str], str]


Key = tuple[str, str, str]


class Kind(NamedTuple):
    """One record kind. `model` None: the shipped model of this name (model.RECORD_MODELS); `stored`
    False: rows derived from records (revisions), which have no model and are never exported."""

    name: str
    table: str = ""  # the export's table of this kind
    model: type[BaseModel] | None = None
    headline: tuple[Headline, ...] = ()  # value_text and claimed_value take the first the record holds
    key: Callable[[Record], Key | None] | None = None  # the comparison key: claims about one quantity
    subkind: str | None = None  # the field `--kind` of a listing filters on
    links: tuple[Link, ...] = ()
    chart: Chart | None = None
    derived: tuple[tuple[str, str, str], ...] = ()  # (field, type, meaning) views add to its rows
    stored: bool = True


def _figure_key(r: Record) -> Key:
    return (r["subject"], r["measure"], r.get("date") or "")


def _import_share_key(r: Record) -> Key:
    return (f"{r['importer']}<-{r['partner']}", "import-share", r["date"])


def _measure_key(r: Record) -> Key | None:
    if not r.get("legal_basis"):
        return None
    target = f"->{r['target_country']}" if r.get("target_country") else ""
    return (f"{r['country']}{target}", f"{r['measure_kind']}/{r['legal_basis']}", "")


def _first_party(r: Record) -> str:
    parties = r.get("parties") or [{}]
    return str(parties[0].get("name") or parties[0].get("org") or r["id"])


def _measure_label(r: Record) -> str:
    target = f" → {r['target_country']}" if r.get("target_country") else ""
    return f"{r['country']}{target} {r['measure_kind']}"


_ORGS = Link("orgs", "organization", many=True)
_DEPOSIT = Link("deposit", "deposit")
_MEASURE_NUMBERS = (Headline("change_pct", "pct"), Headline("rate_pct", "pct"), Headline("additional_duty_pct", "pct", "+{}"))

KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("source", "sources", derived=(("records", "integer", "How many loaded records cite the source"),)),
        Kind(
            "organization",
            "organizations",
            subkind="org_kind",
            derived=(("appears_in", "list of text", "Ids of the records that refer to the organisation"),),
        ),
        Kind(
            "deposit",
            "deposits",
            headline=(
                Headline("reserves_wo3_t", "t"),
                Headline("reserves_rare_earth_t", "t"),
                Headline("resources_w_t", "t"),
                Headline("resources_t", "t"),
            ),
            links=(Link("operator", "organization"),),
            chart=Chart((Headline("reserves_wo3_t", "t"),), lambda r: str(r["name"]), lambda r: "WO3", lambda r, f: "reserves"),
        ),
        Kind(
            "figure",
            "figures",
            headline=(Headline("value", ""),),
            key=_figure_key,
            subkind="measure",
            links=(_ORGS, _DEPOSIT),
            chart=Chart(
                (Headline("value", ""),),
                lambda r: str(r["subject"]),
                lambda r: ", ".join(filter(None, (r.get("basis") or "basis not stated", r.get("date")))),
                lambda r, f: str(r["measure"]),
            ),
            derived=(
                ("share_of_world_pct", "number", "Share of the world total of the same source, period and basis, percent (derived)"),
                (
                    "share_comparator",
                    "text",
                    "Set when the share is a bound: a bounded figure keeps its bound (>1,000 of 10,000 is >10 %), "
                    "a share of a lower-bound total is an upper bound (<)",
                ),
                ("share_approximate", "true/false", "The share rests on a rounded or hedged figure"),
                ("share_derived", "true/false", "A share was computed (a world total of the same source exists)"),
                ("subject_name", "text", "The name of the subject's country (North Korea); empty for world, other"),
                ("derived", "true/false", "With --basis W: the value was converted from WO3 tonnes (x factor)"),
                ("stated_value", "number", "With --basis W, for a converted figure: the value as the source states it"),
                ("stated_value_max", "number", "With --basis W, for a converted range: its upper end as stated"),
                ("stated_basis", "text", "With --basis W, for a converted figure: the basis as stated (WO3)"),
                ("factor", "number", "With --basis W, for a converted figure: tonnes of W per tonne of WO3 (0.793)"),
            ),
        ),
        Kind(
            "import_share",
            "import_shares",
            headline=(Headline("share_pct", "pct"),),
            key=_import_share_key,
            chart=Chart(
                (Headline("share_pct", "pct"),),
                lambda r: str(r["partner"]),
                lambda r: f"{r['importer']} imports of {r['forms']}, {r['date']}",
                lambda r, f: "import share",
            ),
            derived=(
                ("importer_name", "text", "The name of the importing country"),
                ("partner_name", "text", "The name of the partner country; empty for other"),
            ),
        ),
        Kind(
            "measure",
            "measures",
            headline=_MEASURE_NUMBERS,
            key=_measure_key,
            subkind="measure_kind",
            links=(_ORGS,),
            chart=Chart((*_MEASURE_NUMBERS, Headline("rate_cents_per_kg", "cents/kg")), _measure_label, lambda r: "", lambda r, f: f),
        ),
        Kind(
            "deal",
            "deals",
            # A deal without an amount: its share of the output.
            headline=(Headline("amount_usd", "usd"), Headline("offtake_pct", "pct", "{} offtake")),
            subkind="deal_kind",
            links=(Link("parties", "organization", many=True, key="org"), _DEPOSIT),
            chart=Chart(
                (Headline("amount_usd", "usd"),), lambda r: f"{_first_party(r)} {r['deal_kind']}", lambda r: "", lambda r, f: "deal amount"
            ),
        ),
        Kind("event", "events", subkind="event_kind", links=(_ORGS, _DEPOSIT)),
        # `revisions` rows: how much each quantity moved from its first edition to its last, in percent.
        Kind(
            "revision",
            stored=False,
            chart=Chart(
                (Headline("change_pct", "pct"),),
                lambda r: f"{r['subject']}/{r['measure']}",
                lambda r: "",
                lambda r, f: "change between editions",
            ),
        ),
    )
}
_SHIPPED = frozenset(KINDS)


def get(name: Any) -> Kind | None:
    return KINDS.get(str(name))


def names() -> list[str]:
    """The kinds of records packs hold, but sources: what `--kind` accepts."""
    return [name for name, kind in KINDS.items() if kind.stored and name != "source"]


def register(kind: Kind) -> None:
    """Add a kind (with its `model`) for every command to know; a shipped kind cannot be replaced."""
    if kind.name in _SHIPPED:
        raise ValueError(f"{kind.name} is a shipped kind")
    if kind.model is None or kind.model.model_fields["kind"].default != kind.name:
        raise ValueError(f"kind {kind.name} needs a model whose `kind` field defaults to {kind.name!r}")
    KINDS[kind.name] = kind
    _forget()


def unregister(name: str) -> None:
    if name in _SHIPPED:
        raise ValueError(f"{name} is a shipped kind")
    KINDS.pop(name, None)
    _forget()


def _forget() -> None:
    for cached in (record_models, entry_adapter, list_adapter):
        cached.cache_clear()


def signature() -> str:
    """The registered kinds beyond the shipped ones, for the cache key: another set validates otherwise."""
    return ",".join(f"{name}={kind.model.__qualname__ if kind.model else ''}" for name, kind in KINDS.items() if name not in _SHIPPED)


@cache
def record_models() -> dict[str, type[BaseModel]]:
    """Every stored kind's model, `source` first."""
    from tungsten_cli.model import RECORD_MODELS

    return {name: kind.model or RECORD_MODELS[name] for name, kind in KINDS.items() if kind.stored}


def _union() -> Any:
    from tungsten_cli import model

    if set(record_models()) == set(model.RECORD_MODELS):
        return model.Entry
    from typing import Annotated, Union

    from pydantic import Field

    return Annotated[Union[tuple(record_models().values())], Field(discriminator="kind")]  # noqa: UP007


@cache
def entry_adapter() -> TypeAdapter[Any]:
    """Validates one record of any kind, chosen by its `kind`."""
    from pydantic import TypeAdapter

    from tungsten_cli import model

    return model.entry_adapter() if _union() is model.Entry else TypeAdapter(_union())


@cache
def list_adapter() -> TypeAdapter[list[Any]]:
    """Validates a whole pack file (a list of records) in one call."""
    from pydantic import TypeAdapter

    adapter: TypeAdapter[list[Any]] = TypeAdapter(list[_union()])  # type: ignore[arg-type,misc]
    return adapter


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of one kind, or of a whole pack file."""
    from tungsten_cli.model import schema_of

    return schema_of(list_adapter() if kind is None else record_models()[kind], pack=kind is None)


def fields(kind: str) -> list[str]:
    """A kind's fields in output order: the generated vocabulary for shipped kinds (no pydantic)."""
    if kind in VOCAB["fields"]:
        return list(VOCAB["fields"][kind])
    from tungsten_cli.model import ordered_fields

    return ordered_fields(record_models()[kind])


def value_fields(kind: str) -> list[str]:
    """The numeric fields a citation must state."""
    if kind in VOCAB["value_fields"]:
        return list(VOCAB["value_fields"][kind])
    from tungsten_cli.model import value_fields as of_model

    return of_model(record_models()[kind])


def headline(record: Record) -> Headline | None:
    """The record's headline number: the first of its kind's it holds."""
    kind = KINDS.get(str(record.get("kind")))
    return first_held(record, kind.headline) if kind else None


def first_held(record: Record, numbers: tuple[Headline, ...]) -> Headline | None:
    """The first of `numbers` the record holds; a value in the record's own unit also when the source
    withholds it (W) or has none (NA), which a table and a chart show as such."""
    return next((h for h in numbers if record.get(h.field) is not None or (not h.unit and record.get("unavailable"))), None)


def comparison_key(record: Record) -> Key | None:
    """What a claim measures (subject, measure, period); equal keys are claims about one quantity."""
    kind = KINDS.get(record["kind"])
    return kind.key(record) if kind is not None and kind.key is not None else None


def subkind(record: Record) -> Any:
    kind = KINDS.get(str(record.get("kind")))
    return record.get(kind.subkind) if kind is not None and kind.subkind else None


def reference_fields(record: Record) -> Iterator[tuple[str, str, str]]:
    """(field, target kind, target id) for every id a record points at, from its kind's links."""
    kind = KINDS.get(str(record.get("kind")))
    for link in kind.links if kind else ():
        value = record.get(link.field)
        if not value:
            continue
        if not link.many:
            yield link.field, link.target, value
        elif link.key is None:
            yield from ((f"{link.field}.{i}", link.target, item) for i, item in enumerate(value))
        else:
            yield from ((f"{link.field}.{i}.{link.key}", link.target, item[link.key]) for i, item in enumerate(value))


def references(record: Record) -> set[str]:
    """Ids of the organisations and deposits a record points at."""
    return {target for _, _, target in reference_fields(record)}


def referrers(records: Iterable[Record]) -> dict[str, list[str]]:
    """For each organisation or deposit id, the ids of the records pointing at it, in the records'
    order: the index table `ref`, and what `orgs` reads without an index."""
    found: dict[str, list[str]] = {}
    for record in records:
        for target in sorted(references(record)):
            found.setdefault(target, []).append(record["id"])
    return found


def party_names(record: Record, lookup: Callable[[str], Record | None]) -> list[str]:
    """Names and aliases of every organisation a record involves, for `--party` and search matching."""
    ids = [target for _, kind, target in reference_fields(record) if kind == "organization"]
    names: list[str] = list(ids)
    for org_id in ids:
        org = lookup(org_id) or {}
        names += [org.get("name", ""), *list(org.get("aliases") or [])]
    return names


def derived_field(name: str) -> tuple[str, str] | None:
    """(type, meaning) of a field some kind's views derive, for `tungsten fields`."""
    return next(((kind_type, meaning) for kind in KINDS.values() for field, kind_type, meaning in kind.derived if field == name), None)
