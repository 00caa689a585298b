"""The fact-pack schema: one pydantic model per record kind, the single source of truth for fields."""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from tungsten_cli import SCHEMA_VERSION
from tungsten_cli.evidence import Citation, ErrorKind, Note, NoteKind, Source
from tungsten_cli.fieldtypes import Change, Country, Hint, IsoDate, Name, NonNegative, Partner, Share, Slug, Strict, Text, listed

# Parts of one whole may sum to this much over 100 before a pack is rejected: sources round each part.
SUM_TOLERANCE_PCT = 1.0


class RecordModel(Strict):
    """Fields every record kind but `source` shares (a new kind's model subclasses it, kinds.py registers
    it); `approximate` names the value fields the source hedges."""

    id: Slug = Field(description="Stable, readable record id (a slug), unique across packs")
    summary: Text = Field(description="One English sentence: what the record states")
    date: IsoDate | None = Field(None, description="When it holds: YYYY, YYYY-MM, YYYY-MM-DD or an interval START/END")
    country: Country | None = Field(None, description="The country it concerns, ISO 3166-1 alpha-2 code")
    approximate: list[str] = listed(description="Value fields the source hedges ('about', 'around'), marked ~ in tables")
    citations: Annotated[list[Citation], Field(min_length=1)] = Field(
        description="Where the sources state it: quotes or table cells, at least one"
    )
    notes: list[Note] = listed(description="Curator notes: translations, interpretations, contradictions")

    @computed_field(description="The first year of date (2025 for 2025-11 or 2025/2026)")  # type: ignore[prop-decorator]
    @property
    def year(self) -> int | None:
        """The first year of `date`, so that `--year` and jq filters need no date parsing."""
        return int(self.date[:4]) if self.date else None

    @model_validator(mode="after")
    def _approximate_names_value_fields(self) -> RecordModel:
        if not self.approximate:
            return self
        numeric = set(value_fields(type(self)))
        unknown = [name for name in self.approximate if name not in numeric]
        if unknown:
            raise ValueError(f"approximate names {unknown}, not value fields of {self.kind_name()}: {sorted(numeric)}")
        return self

    @model_validator(mode="after")
    def _corrections_state_what_the_record_holds(self) -> RecordModel:
        for note in self.notes:
            for correction in note.corrections or ():
                if correction.stated is None and correction.field not in type(self).model_fields:
                    raise ValueError(
                        f"a correction of {correction.field} has stated: null, which says the source states nothing for a field "
                        f"the record leaves empty; no {self.kind_name()} record has a {correction.field} field"
                    )
                held = getattr(self, correction.field, correction.stated)
                if held != correction.stated:
                    stated = "nothing (stated: null)" if correction.stated is None else repr(correction.stated)
                    raise ValueError(f"a correction of {correction.field} says the source states {stated}; the record holds {held!r}")
        return self

    @classmethod
    def kind_name(cls) -> str:
        return str(cls.model_fields["kind"].default)


OrgKind = Literal[
    "company",
    "state-company",
    "state-body",
    "bank",
    "sovereign-fund",
    "exchange",
    "research-body",
    "media",
]


class Organization(RecordModel):
    """A company, state body or bank that deals, events and deposits refer to by id."""

    kind: Literal["organization"] = Field("organization", description="The record kind")
    name: Name = Field(description="Name in English, as the sources give it")
    aliases: list[Name] = listed(description="Other names and spellings, garbled ones from the source included")
    org_kind: OrgKind = Field(description="What kind of organisation")


DepositStatus = Literal["not-mined", "producing", "construction", "prospect", "discovery", "acquisition-target"]


class Deposit(RecordModel):
    """A deposit or mine project; garbled spellings from the source go into `aliases`."""

    kind: Literal["deposit"] = Field("deposit", description="The record kind")
    name: Name = Field(description="Deposit or mine name")
    aliases: list[Name] = listed(description="Other names and spellings, garbled ones from the source included")
    country: Country = Field(description="Country it lies in, ISO 3166-1 alpha-2 code")
    region: Text | None = Field(None, description="Region or province, as the source names it")
    status: DepositStatus | None = Field(None, description="Mining status")
    commodities: list[Text] = listed(default=["tungsten"], description="What it is mined or explored for")
    associated_metals: list[Text] = listed(description="Other metals the source names with it")
    operator: Slug | None = Field(None, description="Organisation id of its operator or owner")
    reserves_wo3_t: NonNegative | None = Field(None, description="WO3 reserves, tonnes")
    reserves_rare_earth_t: NonNegative | None = Field(None, description="Rare-earth reserves, tonnes")
    resources_w_t: NonNegative | None = Field(None, description="Tungsten resources (W content), tonnes")
    # Tungsten resources in tonnes where the source does not say whether it counts metal or WO3.
    resources_t: NonNegative | None = Field(None, description="Tungsten resources, tonnes, W or WO3 not stated")
    grade_wo3_min_pct: Share | None = Field(None, description="Ore grade, percent WO3 (the low end of a range)")
    grade_wo3_max_pct: Share | None = Field(None, description="Ore grade, percent WO3, the high end of a range")
    molybdenum_t: NonNegative | None = Field(None, description="Associated molybdenum, tonnes")
    reserves_as_of: IsoDate | None = Field(None, description="Date the reserves are stated for")

    @model_validator(mode="after")
    def _grade_range_ordered(self) -> Deposit:
        low, high = self.grade_wo3_min_pct, self.grade_wo3_max_pct
        if low is not None and high is not None and high < low:
            raise ValueError("grade_wo3_max_pct is below grade_wo3_min_pct")
        return self


Unit = Literal["t", "kg", "usd", "pct", "count", "rank", "times", "decades", "degc", "usd_per_mtu_wo3", "year"]
# Units whose figures may be negative: a percent is also a change (demand-growth-yoy) or a reliance
# (a net exporter's is below 0), a temperature may fall below 0 °C; a tonnage, price, count or
# duration cannot (negative mine production passed validation).
SIGNED_UNITS = ("pct", "degc")
Comparator = Literal[">", ">=", "<", "<="]
Availability = Literal["withheld", "not-available"]


class Figure(RecordModel):
    """One quantity: what is measured (`subject` + `measure` + `date` + `basis`) is the comparison key."""

    kind: Literal["figure"] = Field("figure", description="The record kind")
    subject: Name = Field(description="What the number is about: a country code, world, other, or a name")
    measure: Slug = Field(description="What is measured (mine-production, tungsten-reserves, ...)")
    value: float | None = Field(None, description="The number as the source states it, in `unit`")
    value_max: float | None = Field(None, description="The upper end, when the source gives a range")
    unit: Unit = Field(description="Unit of value and value_max")
    basis: Text | None = Field(None, description="What is counted (WO3, W content, ore, ...), where the source says")
    comparator: Comparator | None = Field(None, description="Set when the value is a bound (>50)")
    unavailable: Availability | None = Field(None, description="Why there is no value: withheld (W) or not-available (NA)")
    estimated: bool = Field(False, description="The source marks the value as an estimate (e)")
    as_written: Text | None = Field(None, description="The value as the source writes it, where that differs")
    deposit: Slug | None = Field(None, description="Id of the deposit it is about")
    orgs: list[Slug] = listed(description="Ids of the organisations it is about")

    @model_validator(mode="after")
    def _value_or_reason(self) -> Figure:
        if (self.value is None) == (self.unavailable is None):
            raise ValueError("give either value or unavailable (withheld, not-available), not both")
        if self.value_max is not None and (self.value is None or self.value_max < self.value):
            raise ValueError("value_max needs a value below it")
        if self.unit not in SIGNED_UNITS and self.value is not None and self.value < 0:
            raise ValueError(f"value {self.value:g} is negative, but a quantity in {self.unit} cannot be; a fall goes in a pct change")
        return self


class ImportShare(RecordModel):
    """A partner's share of one country's imports over a period (`date` is an interval like 2020/2023)."""

    kind: Literal["import_share"] = Field("import_share", description="The record kind")
    importer: Country = Field(description="Importing country, ISO 3166-1 alpha-2 code")
    partner: Partner = Field(description="Country imported from (ISO code), or 'other'")
    share_pct: Share = Field(description="Partner's share of the importer's imports, percent")
    forms: Text = Field(description="Which forms of tungsten the share counts")
    date: IsoDate = Field(description="The period the share covers (an interval like 2020/2023)")

    @field_validator("partner")
    @classmethod
    def _partner_is_another_country(cls, partner: str, info: ValidationInfo) -> str:
        if partner == info.data.get("importer"):
            raise ValueError(f"partner {partner} is the importer itself")
        return partner


MeasureKind = Literal["mining-quota", "export-control", "tariff", "tariff-threat"]


class Measure(RecordModel):
    """A quota, export control or tariff; `country` is who imposes it, changes are signed.

    `rate_pct` is a duty rate (5.5 % ad valorem); `additional_duty_pct` a duty added on top of the
    existing rate, in percentage points (Section 301's 25 %); `change_pct` only a relative change of a
    quantity (a quota 6.45 % below the year before is -6.45), never a duty.
    """

    kind: Literal["measure"] = Field("measure", description="The record kind")
    measure_kind: MeasureKind = Field(description="What kind of measure")
    country: Country = Field(description="Country imposing it, ISO 3166-1 alpha-2 code")
    target_country: Country | None = Field(None, description="Country it is aimed at, ISO code")
    products: Text | None = Field(None, description="Products it covers")
    rate_pct: NonNegative | None = Field(None, description="Duty rate, percent ad valorem")
    change_pct: Change | None = Field(None, description="Relative change of a quantity (a quota 6.45 % lower: -6.45), percent")
    additional_duty_pct: NonNegative | None = Field(None, description="Duty added on top of the existing rate, percentage points")
    rate_cents_per_kg: NonNegative | None = Field(None, description="Specific duty, US cents per kilogram")
    hts_code: Annotated[str, StringConstraints(pattern=r"^\d{4}\.\d{2}\.\d{4}$"), Hint("HTS code NNNN.NN.NNNN", "8101.94.0000")] | None = (
        Field(None, description="US Harmonized Tariff Schedule code")
    )
    legal_basis: Text | None = Field(None, description="The law or order it rests on")
    as_written: Text | None = Field(None, description="The rate or change as the source writes it")
    status: Literal["announced", "issued", "in-force", "threatened"] | None = Field(None, description="Stage of the measure")
    orgs: list[Slug] = listed(description="Ids of the organisations involved")


class Party(Strict):
    """A deal participant by organisation id; `stake_pct` only where the source states it."""

    org: Slug = Field(description="Organisation id of the party")
    role: Text | None = Field(None, description="Its part in the deal, as the source says")
    stake_pct: Share | None = Field(None, description="Its stake, percent, where the source states it")


DealKind = Literal[
    "loan",
    "letter-of-interest",
    "memorandum",
    "joint-venture",
    "acquisition",
    "listing",
    "investment",
    "sale-agreement",
    "private-financing",
]


class Deal(RecordModel):
    """A loan, agreement, joint venture, acquisition, listing or investment between organisations."""

    kind: Literal["deal"] = Field("deal", description="The record kind")
    deal_kind: DealKind = Field(description="What kind of deal")
    parties: Annotated[list[Party], Field(min_length=1)] = Field(description="Organisations taking part, with role and stake")
    amount_usd: NonNegative | None = Field(None, description="Amount, US dollars")
    offtake_pct: Share | None = Field(None, description="Share of output promised to a buyer, percent")
    deposit: Slug | None = Field(None, description="Id of the deposit it concerns")
    status: Literal["announced", "signed", "completed", "planned", "lost"] | None = Field(None, description="Stage of the deal")

    @field_validator("parties")
    @classmethod
    def _parties_once_within_whole(cls, parties: list[Party]) -> list[Party]:
        orgs = [p.org for p in parties]
        twice = next((org for org in orgs if orgs.count(org) > 1), None)
        if twice is not None:
            raise ValueError(f"'{twice}' is named twice; name each organisation once, with its roles in one 'role'")
        total = sum(p.stake_pct or 0 for p in parties)
        if total > 100 + SUM_TOLERANCE_PCT:
            raise ValueError(f"stakes sum to {total:g} %, over 100 % (rounding tolerance {SUM_TOLERANCE_PCT:g})")
        return parties


class Event(RecordModel):
    """Something that happened or was stated without a quantity to compare."""

    kind: Literal["event"] = Field("event", description="The record kind")
    event_kind: Slug = Field(description="What happened (a slug such as production-start)")
    orgs: list[Slug] = listed(description="Ids of the organisations involved")
    deposit: Slug | None = Field(None, description="Id of the deposit concerned")


Fact = Annotated[
    Organization | Deposit | Figure | ImportShare | Measure | Deal | Event,
    Field(discriminator="kind"),
]
Entry = Annotated[
    Source | Organization | Deposit | Figure | ImportShare | Measure | Deal | Event,
    Field(discriminator="kind"),
]
RECORD_MODELS: dict[str, type[BaseModel]] = {
    m.model_fields["kind"].default: m for m in (Source, Organization, Deposit, Figure, ImportShare, Measure, Deal, Event)
}


@cache
def entry_adapter() -> TypeAdapter[Entry]:
    return TypeAdapter(Entry)


@cache
def value_fields(model: type[BaseModel]) -> list[str]:
    """Numeric fields whose values must appear in a citation (offsets and `year` are not values)."""
    names = []
    for name, info in model.model_fields.items():
        annotation = str(info.annotation)
        if "float" in annotation:
            names.append(name)
    return names


_LEAD = ("id", "kind", "name", "aliases", "summary", "date", "year", "country")
_TAIL = ("approximate", "citations", "notes")


def ordered_fields(model: type[BaseModel]) -> list[str]:
    """Output order: identity first, evidence last, so tables and CSV read left to right."""
    present = [*model.model_fields, *model.model_computed_fields]
    middle = [n for n in present if n not in _LEAD and n not in _TAIL]
    return [n for n in _LEAD if n in present] + middle + [n for n in _TAIL if n in present]


def vocabulary() -> dict[str, Any]:
    """Field names and enumerations, stored with the cached facts so option checks need no pydantic."""
    return {
        "fields": {kind: ordered_fields(model) for kind, model in RECORD_MODELS.items()},
        "value_fields": {kind: value_fields(model) for kind, model in RECORD_MODELS.items()},
        "kind": [k for k in RECORD_MODELS if k != "source"],
        "deposit_status": list(get_args(DepositStatus)),
        "deal_kind": list(get_args(DealKind)),
        "measure_kind": list(get_args(MeasureKind)),
        "org_kind": list(get_args(OrgKind)),
        "unit": list(get_args(Unit)),
        "note_kind": list(get_args(NoteKind)),
        "error_kind": list(get_args(ErrorKind)),
    }


def json_schema(kind: str | None = None) -> dict[str, Any]:
    """The JSON Schema of a shipped record kind, or of a pack file of shipped kinds (kinds.json_schema
    adds registered kinds)."""
    return schema_of(TypeAdapter(list[Entry]) if kind is None else RECORD_MODELS[kind], pack=kind is None)


def schema_of(target: type[BaseModel] | TypeAdapter[Any], *, pack: bool) -> dict[str, Any]:
    """The JSON Schema authors' editors check packs with: one record kind, or (`pack`) a whole pack file."""
    schema = target.json_schema() if isinstance(target, TypeAdapter) else target.model_json_schema()
    if pack:
        schema["title"] = "tungsten fact pack"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["schema_version"] = SCHEMA_VERSION
    return schema
