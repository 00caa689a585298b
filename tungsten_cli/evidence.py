"""The evidence models: sources, the citations that point into them, and curator notes with their corrections."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from tungsten_cli.fieldtypes import Hint, IsoDate, Slug, SourceFile, Strict, Text, listed
from tungsten_cli.tables import is_table_file


class Reference(Strict):
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


class Correction(Strict):
    """One thing a `contradicted` note corrects, as data: which field, what the source states, what holds instead.

    `field` is the record's field where one holds the value (`amount_usd`, `date`), else what the
    corrected name names (`commerce_secretary`); `stated` is as the record holds it, so a reader can
    join the two without reading the note. `stated` is null (or left out, as a loaded record's JSON
    leaves out every empty key, so records copied from it load again) where the source states nothing
    for a field the record has and leaves empty: a bound the source drops (`comparator`, corrected to
    `>`). Left out by mistake, it is refused all the same: the record holds the field, or has no such field.
    """

    field: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"), Hint("field name", "amount_usd")] = Field(
        description="The record field corrected (amount_usd, date), or for a name no field holds, what it names (commerce_secretary)"
    )
    stated: Annotated[str | float | None, Hint("text or number", 255000000)] = Field(
        None,
        description="What the source states, as the record holds it (255000000, '2025', 'Raimondo'); "
        "null where the source states nothing for a field the record leaves empty (a comparator it drops)",
    )
    corrected: Annotated[str | float, Hint("text or number", 25500000)] = Field(
        description="What the reference gives instead (25500000, '2025-09', 'Lutnick')"
    )


class Note(Strict):
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


class Citation(Strict):
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


class CoverageIgnore(Strict):
    """A unit of a source that `tungsten coverage` need not find in the facts, and why.

    `text` is the unit as coverage shows it (a sentence, a table row or a CSV cell, whitespace
    runs as one space) and must match a unit exactly, so an entry that no longer matches its source
    is reported. `numbers` (as written) narrows the entry to those numbers; empty means all of them.
    """

    text: Text
    numbers: list[Text] = listed()
    reason: Text


class Source(Strict):
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
    key_columns: list[Text] = listed(description="A CSV source: the headers that identify a row")
    rows: Annotated[dict[Text, str], Field(min_length=1)] | None = Field(
        None, description="A CSV source: the rows it is cited for (header: value)"
    )
    notes: list[Note] = listed(description="Curator notes on the source")
    coverage_ignore: list[CoverageIgnore] = listed(description="Parts of the text coverage need not find in the facts, with reasons")

    @model_validator(mode="after")
    def _table_fields_for_csv(self) -> Source:
        if is_table_file(self.file) and not self.key_columns:
            raise ValueError("a CSV source needs key_columns: the headers that identify a row")
        if not is_table_file(self.file) and (self.key_columns or self.rows):
            raise ValueError("key_columns and rows describe CSV sources; this file is not .csv")
        return self
