"""`tungsten fields VIEW`: every field a view's `--fields` and `--sort` accept, with its type and meaning.

Record fields are described where they are declared, in the models (pydantic descriptions; types from
the JSON Schema); fields derived for one kind in its descriptor (kinds.Kind.derived), for any record
below, once per name; the fields of rows that are not records on their view (views.View.row_fields).
A test checks every field a view declares has a description.
"""

from __future__ import annotations

from typing import IO, Any, NamedTuple

from tungsten_cli import kinds
from tungsten_cli.listing import labels, view_fields
from tungsten_cli.query import resolve_choice
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import Format, Listing, write
from tungsten_cli.views import VIEWS

# Fields views add to any record (a kind's own derived fields are in its descriptor, kinds.Kind.derived).
_DERIVED: dict[str, tuple[str, str]] = {
    "edition": ("text", "Edition of the record's source within its series (MCS 2025)"),
    "score": ("integer", "Search rank: where the words occur, name first; higher matches better"),
    "matched_quote": ("text", "The first quote holding a search word (else the first quote)"),
}


def write_fields(facts: FactSet, view_name: str, fmt: Format, out: IO[str], *, force_color: bool = False) -> None:
    """`tungsten fields VIEW`: like --help on a terminal or a pipe, rows of field, type, meaning in the data formats."""
    resolve_choice(view_name, "view", VIEWS)
    rows = describe(facts, view_name)
    if fmt is Format.table:
        from tungsten_cli.render.definitions import write_definitions

        write_definitions(rows, ("field", "type", "meaning"), out, force_color=force_color)
    else:
        write(Listing(rows, []), fmt, out)


def describe(facts: FactSet, view_name: str) -> list[Record]:
    """One row per field the view accepts: field, type, meaning; raises KeyError for a field nobody describes."""
    view = VIEWS[view_name]
    own = {name: (kind, meaning) for name, kind, meaning in view.row_fields}
    model = _model_fields(view.kinds or tuple(kinds.names())) if view.records else {}
    rows = []
    valid = view_fields(facts, view)
    for name in valid:
        kind, meaning = own.get(name) or model.get(name) or kinds.derived_field(name) or _DERIVED[name]
        rows.append({"field": name, "type": kind, "meaning": meaning})
    types = {row["field"]: row["type"] for row in rows}
    for label, name in labels(view, valid).items():
        rows.append({"field": label, "type": types[name], "meaning": f"The table's label for {name}: --fields and --sort take either"})
    return rows


class _Described(NamedTuple):
    """The kinds that describe one field alike, with its types and choices there."""

    kinds: list[str]
    types: list[str]
    choices: list[str]


def _model_fields(names: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Type and meaning of each field of these kinds: the meaning most kinds share first, then where
    a kind means something else by the name (`country` of a measure is the country imposing it)."""
    found: dict[str, dict[str, _Described]] = {}
    for kind in names:
        for name, prop in kinds.record_models()[kind].model_json_schema(mode="serialization")["properties"].items():
            group = found.setdefault(name, {}).setdefault(str(prop.get("description", "")), _Described([], [], []))
            group.kinds.append(kind)
            group.types.append(_type_text(prop))
            group.choices.extend(_choices(prop))
    described = {}
    for name, groups in found.items():
        ordered = sorted(groups.items(), key=lambda item: -len(item[1].kinds))
        parts = [_meaning(text, group.choices) for text, group in ordered]
        others = [f"{'/'.join(group.kinds)}: {part}" for (_, group), part in zip(ordered[1:], parts[1:])]
        kinds_types = dict.fromkeys(t for _, group in ordered for t in group.types)
        described[name] = (" or ".join(kinds_types), "; ".join([parts[0], *others]))
    return described


def _meaning(text: str, choices: list[str]) -> str:
    unique = list(dict.fromkeys(choices))
    return f"{text} (one of: {', '.join(unique)})" if len(unique) > 1 else text


def _choices(prop: dict[str, Any]) -> list[str]:
    """Enumerated values, and a record kind's constant `kind`, so `facts` lists every kind."""
    return [
        str(v) for option in prop.get("anyOf", [prop]) for v in [*option.get("enum", []), *([option["const"]] if "const" in option else [])]
    ]


_JSON_TYPES = {"string": "text", "number": "number", "integer": "integer", "boolean": "true/false", "object": "object"}


def _type_text(prop: dict[str, Any]) -> str:
    """`number`, `text`, `choice`, `list of text`, `list of citations`: what a value holds, null aside."""
    options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
    return " or ".join(dict.fromkeys(_one_type(o) for o in options))


def _one_type(option: dict[str, Any]) -> str:
    if "enum" in option:
        return "choice"
    if "$ref" in option:
        return str(option["$ref"]).rsplit("/", 1)[-1].lower()
    if option.get("type") == "array":
        item = _one_type(option.get("items", {}))
        return (
            f"list of {item}" if item in ("text", "object") else f"list of {item.removesuffix('y')}{'ies' if item.endswith('y') else 's'}"
        )
    return _JSON_TYPES.get(str(option.get("type")), "value")
