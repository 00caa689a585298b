"""The fact-pack schema: one pydantic model per record kind, the single source of truth for fields."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, partial
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from tungsten_cli import SCHEMA_VERSION, dates
from tungsten_cli.source_files import CONTROLS, OUTSIDE, inside_folder
from tungsten_cli.tables import is_table_file
from tungsten_cli.vocabulary import COUNTRIES


@dataclass(frozen=True)
class Hint:
    """A type in words and an example of it, for `tungsten new` and `schema --summary`; pydantic ignores it."""

    text: str
    example: Any


Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$"), Hint("slug: a-z, 0-9 and single hyphens", "my-id")]


def _not_blank(value: str) -> str:
    """Refuses blank text and an unfilled `<field>` placeholder, as `new` and `draft` write them, so
    a template or a draft loads only once a person has filled it in."""
    if not value.strip():
        raise ValueError("is blank: give some text or leave the field out")
    if value[:1] == "<" and value[-1:] == ">" and _PLACEHOLDER.fullmatch(value):
        raise ValueError(f"{value} is a placeholder: fill it in")
    return value


_PLACEHOLDER = re.compile(r"<[a-z_]+>")


# Some text that is not only whitespace; editors get the same rule as a (searched, unanchored) pattern.
Text = Annotated[
    str, StringConstraints(min_length=1), AfterValidator(_not_blank), Field(json_schema_extra={"pattern": r"\S"}), Hint("text", "text")
]


def _visible(value: str) -> str:
    """A name is searched and compared as typed: a zero-width space or joiner, a soft hyphen, a BOM
    or a bidi mark (Unicode's format characters, Cf) hides it from `--name` and makes two names look alike."""
    import unicodedata

    hidden = next((char for char in value if unicodedata.category(char) == "Cf"), None)
    if hidden is not None:
        raise ValueError(
            f"holds the invisible character U+{ord(hidden):04X} ({unicodedata.name(hidden, 'format character')}); type the name without it"
        )
    return value


# A name or alias: text with no invisible characters.
Name = Annotated[Text, AfterValidator(_visible), Hint("text", "Name")]
NonNegative = Annotated[float, Field(ge=0), Hint("number >= 0", 1000)]
# A part of a whole (import shares, stakes, offtake, ore grades): 0-100.
Share = Annotated[float, Field(ge=0, le=100), Hint("number 0-100", 30)]
# A signed change: nothing can fall by more than all of it.
Change = Annotated[float, Field(ge=-100), Hint("number >= -100, negative for a fall", -6.45)]
# Parts of one whole may sum to this much over 100 before a pack is rejected: sources round each part.
SUM_TOLERANCE_PCT = 1.0


def _check_country(code: str) -> str:
    if code not in COUNTRIES:
        raise ValueError(f"'{code}' is not an ISO 3166-1 alpha-2 country code")
    return code


def _check_source_file(file: str) -> str:
    if not inside_folder(file):
        raise ValueError(OUTSIDE)
    return file


Country = Annotated[str, AfterValidator(_check_country), Hint("ISO 3166-1 alpha-2 country code", "KZ")]
IsoDate = Annotated[str, AfterValidator(dates.check), Hint("date YYYY, YYYY-MM or YYYY-MM-DD, or an interval START/END", "2025-05")]
Partner = Annotated[
    str, AfterValidator(lambda v: v if v == "other" else _check_country(v)), Hint("ISO 3166-1 alpha-2 country code or 'other'", "CN")
]
# Editors get the same rule as a pattern; tests check it agrees with `inside_folder`.
_INSIDE_FOLDER_PATTERN = rf"^(?![/\\])(?!.:)(?!.*\\)(?!(.*/)?\.\.(/|$))(?!(\./?)+$)(?=.*\S)[^{CONTROLS}]+$"
SourceFile = Annotated[
    Text,
    AfterValidator(_check_source_file),
    Field(json_schema_extra={"pattern": _INSIDE_FOLDER_PATTERN}),
    Hint("path inside a source folder", "article.txt"),
]


def _listed(default: list[JsonValue] | None = None, description: str | None = None) -> Any:
    """A list field's default, made fresh by a factory: pydantic deep-copies a list given as the
    default for every record (0.3 s of a 100,000-record cold load). The JSON Schema still shows it."""
    value = default or []
    return Field(default_factory=partial(list, value), description=description, json_schema_extra={"default": value})


class _Strict(BaseModel):
    """Pack input has the type it declares: no "yes" for true, no "1e3" for a number, no NaN.

    Strict mode still takes an int where a float is declared (the schema's "number").
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, strict=True, allow_inf_nan=False)


class Reference(_Strict):
    """Outside knowledge a curator note relies on, cited like a bibliography entry."""

    publisher: Text = Field(description="Who published the outside reference")
    title: Text = Field(description="The reference's title")
    date: IsoDate | None = Field(None, description="When the reference was published")
    url: Text | None = Field(None, description="Where the reference can be read")


NoteKind = Literal[
    "translation",
    "inconsistent-in-source",
    "contradicted",
    "unit-ambiguous",
    "resolved-date",
    "interpretation",
    "context",
    "draft",
]


# What a `contradicted` note corrects: value (a number, amount or bound), date, name (a person, body or
# office), unit (the unit or basis a number is in), scope (what a statement counts or what kind of thing
# it reports: imports of ores and concentrates for all forms, a loan received for a letter of interest),
# place (a location, or the country a company belongs to).
ErrorKind = Literal["value", "date", "name", "unit", "scope", "place"]


class Correction(_Strict):
    """One thing a `contradicted` note corrects, as data: which field, what the source states, what holds instead.

    `field` is the record's field where one holds the value (`amount_usd`, `date`), else what the
    corrected name names (`commerce_secretary`); `stated` is as the record holds it, so a reader can
    join the two without reading the note.
    """

    field: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"), Hint("field name", "amount_usd")] = Field(
        description="The record field corrected (amount_usd, date), or for a name no field holds, what it names (commerce_secretary)"
    )
    stated: Annotated[str | float, Hint("text or number", 255000000)] = Field(
        description="What the source states, as the record holds it (255000000, '2025', 'Raimondo')"
    )
    corrected: Annotated[str | float, Hint("text or number", 25500000)] = Field(
        description="What the reference gives instead (25500000, '2025-09', 'Lutnick')"
    )


class Note(_Strict):
    """A curator's remark; `reference` is required when the note relies on outside knowledge.

    A `contradicted` note must say in `errors` what kind of error it corrects, so `tungsten
    corrections` reads the kind from data instead of guessing it from the text; on any other note
    `errors` is refused, since those notes state no error.
    """

    # The same rules for editors, which see only the JSON Schema.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "contradicted"}}},
            "then": {"required": ["errors", "reference"]},
            "else": {"not": {"anyOf": [{"required": ["errors"]}, {"required": ["corrections"]}]}},
        }
    )

    kind: NoteKind = Field(description="What kind of remark")
    errors: (
        Annotated[
            list[ErrorKind],
            Field(
                min_length=1,
                json_schema_extra={"uniqueItems": True},
                description="contradicted notes only: what the source got wrong (value, date, name, unit, scope, place)",
            ),
        ]
        | None
    ) = None
    corrections: (
        Annotated[
            list[Correction],
            Field(min_length=1, description="contradicted notes only: each corrected value as data (field, stated, corrected)"),
        ]
        | None
    ) = None
    text: Text = Field(description="The curator's remark")
    reference: Reference | None = Field(None, description="The outside source the note relies on")

    @model_validator(mode="after")
    def _contradiction_is_described(self) -> Note:
        if self.kind == "contradicted" and self.reference is None:
            raise ValueError("a 'contradicted' note needs a reference")
        if self.kind == "contradicted" and self.errors is None:
            raise ValueError(f"a 'contradicted' note needs errors: the kinds of error it corrects ({', '.join(get_args(ErrorKind))})")
        if self.kind != "contradicted" and self.errors is not None:
            raise ValueError(f"errors is for 'contradicted' notes; a '{self.kind}' note states no error")
        if self.kind != "contradicted" and self.corrections is not None:
            raise ValueError(f"corrections is for 'contradicted' notes; a '{self.kind}' note corrects nothing")
        if self.errors is not None and len(set(self.errors)) != len(self.errors):
            raise ValueError(f"errors names a kind twice: {self.errors}")
        return self


class Citation(_Strict):
    """Where a value is written: a quote in a text (TextQuoteSelector-style offsets and context), or a
    table cell of a CSV source, named by its row's key columns and its column header, both as written.

    A cell's quote is the cell text as written (`W`, `NA`, `>50` kept); `line` is an optional anchor,
    the physical line the row starts on. A quote of a text table's header row names in `year_header`
    the column header (as written: `2024e`, `FY 2025`) that dates the record, so `verify` can check
    the year, the estimate mark and the cell under it.
    """

    source: Slug = Field(description="Id of the source quoted")
    quote: Text = Field(description="The source's words (or a CSV cell) as written, verbatim")
    start: Annotated[int, Field(ge=0)] | None = Field(None, description="Where the quote starts in the text, in characters")
    end: Annotated[int, Field(ge=0)] | None = Field(None, description="Where the quote ends in the text, in characters")
    prefix: Text | None = Field(None, description="Text just before the quote, to find it again")
    suffix: Text | None = Field(None, description="Text just after the quote, to find it again")
    row: Annotated[dict[Text, str], Field(min_length=1)] | None = Field(
        None, description="A CSV cell's row: its key columns and their values, as written"
    )
    column: Text | None = Field(None, description="A CSV cell's column header, as written")
    line: Annotated[int, Field(ge=1)] | None = Field(None, description="The line a CSV cell's row starts on")
    year_header: Text | None = Field(None, description="The column header (2024e) that dates a quoted text table row")

    @model_validator(mode="after")
    def _offsets_match_quote(self) -> Citation:
        if self.row is not None and self.year_header is not None:
            raise ValueError("year_header is for a quoted table header; a CSV cell's year comes from its column")
        if (self.row is None) != (self.column is None):
            raise ValueError("a table cell needs both row and column")
        if self.row is None and self.line is not None:
            raise ValueError("line anchors a table cell: give row and column with it")
        if self.row is not None and any(v is not None for v in (self.start, self.end, self.prefix, self.suffix)):
            raise ValueError("a table cell is named by row and column; start, end, prefix and suffix are for texts")
        if (self.start is None) != (self.end is None):
            raise ValueError("give both start and end, or neither")
        if self.start is not None and self.end is not None and self.end - self.start != len(self.quote):
            raise ValueError(f"end - start is {self.end - self.start}, the quote has {len(self.quote)} characters")
        return self


class RecordModel(_Strict):
    """Fields every record kind but `source` shares (a new kind's model subclasses it, kinds.py registers
    it); `approximate` names the value fields the source hedges."""

    id: Slug = Field(description="Stable, readable record id (a slug), unique across packs")
    summary: Text = Field(description="One English sentence: what the record states")
    date: IsoDate | None = Field(None, description="When it holds: YYYY, YYYY-MM, YYYY-MM-DD or an interval START/END")
    country: Country | None = Field(None, description="The country it concerns, ISO 3166-1 alpha-2 code")
    approximate: list[str] = _listed(description="Value fields the source hedges ('about', 'around'), marked ~ in tables")
    citations: Annotated[list[Citation], Field(min_length=1)] = Field(
        description="Where the sources state it: quotes or table cells, at least one"
    )
    notes: list[Note] = _listed(description="Curator notes: translations, interpretations, contradictions")

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
                held = getattr(self, correction.field, correction.stated)
                if held != correction.stated:
                    raise ValueError(
                        f"a correction of {correction.field} says the source states {correction.stated!r}; the record holds {held!r}"
                    )
        return self

    @classmethod
    def kind_name(cls) -> str:
        return str(cls.model_fields["kind"].default)


class CoverageIgnore(_Strict):
    """A unit of a source that `tungsten coverage` need not find in the facts, and why.

    `text` is the unit as coverage shows it (a sentence, a table row or a CSV cell, whitespace
    runs as one space) and must match a unit exactly, so an entry that no longer matches its source
    is reported. `numbers` (as written) narrows the entry to those numbers; empty means all of them.
    """

    text: Text
    numbers: list[Text] = _listed()
    reason: Text


class Source(_Strict):
    """A source document that citations point into, pinned by the SHA-256 of its bytes.

    Sources sharing a `series` are editions of one publication (`edition` says which); a CSV source
    says which headers identify a row (`key_columns`) and may select the rows it is cited for (`rows`).
    """

    kind: Literal["source"] = Field("source", description="The record kind")
    id: Slug = Field(description="Source id, as citations name it")
    title: Text = Field(description="Title as published")
    publisher: Text = Field(description="Who published it")
    credited_to: Text | None = Field(None, description="Author or agency the source credits, where named")
    published: IsoDate = Field(description="Publication date: YYYY, YYYY-MM or YYYY-MM-DD")
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$"), Hint("ISO 639-1 language code", "de")] = Field(
        description="Language of the text, ISO 639-1 code"
    )
    file: SourceFile = Field(description="The text's file name in the source folder")
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$"), Hint("64 hex digits (sha256sum FILE)", "0" * 64)] = Field(
        description="SHA-256 of the file's bytes; verify checks it"
    )
    url: Text | None = Field(None, description="Where the source is online")
    license: Text | None = Field(None, description="The source's licence or terms of use")
    edition: Text | None = Field(None, description="Which edition of its series (MCS 2025)")
    series: Slug | None = Field(None, description="Id shared by the editions of one publication")
    doi: Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$"), Hint("DOI", "10.3133/mcs2025")] | None = Field(
        None, description="Digital Object Identifier"
    )
    table: Text | None = Field(None, description="A CSV source: which table of the publication it holds")
    key_columns: list[Text] = _listed(description="A CSV source: the headers that identify a row")
    rows: Annotated[dict[Text, str], Field(min_length=1)] | None = Field(
        None, description="A CSV source: the rows it is cited for (header: value)"
    )
    notes: list[Note] = _listed(description="Curator notes on the source")
    coverage_ignore: list[CoverageIgnore] = _listed(description="Parts of the text coverage need not find in the facts, with reasons")

    @model_validator(mode="after")
    def _table_fields_for_csv(self) -> Source:
        if is_table_file(self.file) and not self.key_columns:
            raise ValueError("a CSV source needs key_columns: the headers that identify a row")
        if not is_table_file(self.file) and (self.key_columns or self.rows):
            raise ValueError("key_columns and rows describe CSV sources; this file is not .csv")
        return self


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
    aliases: list[Name] = _listed(description="Other names and spellings, garbled ones from the source included")
    org_kind: OrgKind = Field(description="What kind of organisation")


DepositStatus = Literal["not-mined", "producing", "construction", "prospect", "discovery", "acquisition-target"]


class Deposit(RecordModel):
    """A deposit or mine project; garbled spellings from the source go into `aliases`."""

    kind: Literal["deposit"] = Field("deposit", description="The record kind")
    name: Name = Field(description="Deposit or mine name")
    aliases: list[Name] = _listed(description="Other names and spellings, garbled ones from the source included")
    country: Country = Field(description="Country it lies in, ISO 3166-1 alpha-2 code")
    region: Text | None = Field(None, description="Region or province, as the source names it")
    status: DepositStatus | None = Field(None, description="Mining status")
    commodities: list[Text] = _listed(default=["tungsten"], description="What it is mined or explored for")
    associated_metals: list[Text] = _listed(description="Other metals the source names with it")
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
    orgs: list[Slug] = _listed(description="Ids of the organisations it is about")

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
    orgs: list[Slug] = _listed(description="Ids of the organisations involved")


class Party(_Strict):
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
    orgs: list[Slug] = _listed(description="Ids of the organisations involved")
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
