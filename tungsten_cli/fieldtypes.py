"""The shared field types of the pack models: constrained text, numbers, codes, dates and source paths, and the strict base."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, JsonValue, StringConstraints

from tungsten_cli import dates
from tungsten_cli.source_files import CONTROLS, OUTSIDE, inside_folder
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


def listed(default: list[JsonValue] | None = None, description: str | None = None) -> Any:
    """A list field's default, made fresh by a factory: pydantic deep-copies a list given as the
    default for every record (0.3 s of a 100,000-record cold load). The JSON Schema still shows it."""
    value = default or []
    return Field(default_factory=partial(list, value), description=description, json_schema_extra={"default": value})


class Strict(BaseModel):
    """Pack input has the type it declares: no "yes" for true, no "1e3" for a number, no NaN.

    Strict mode still takes an int where a float is declared (the schema's "number").
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, strict=True, allow_inf_nan=False)
