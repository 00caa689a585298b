"""`tungsten fields VIEW`: every field a view's `--fields` and `--sort` accept, with its type and meaning.

Record fields are described where they are declared, in the models (pydantic descriptions; types from
the JSON Schema). What a view adds to its rows, or holds in rows that are not records, is described
below, once per name; a test checks every field a view declares has a description.
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
_QUANTITY = ("text", "The quantity compared: subject/measure/period (a comparison key)")
_VERDICT_DETAIL = {"verdict": ("text", "The outcome of the comparison (see the command's --help)"), "detail": ("text", "Why, in words")}
_CROSSCHECK_SIDE = {
    "id": ("text", "record id"),
    "source": ("text", "source id"),
    "edition": ("text", "source edition"),
    "value": ("number", "value as stated"),
    "comparator": ("text", "comparator, when the value is a bound (>50)"),
    "basis": ("text", "basis (WO3, W content, ...)"),
    "date": ("text", "date"),
    "quote": ("text", "quote"),
    "unit": ("text", "unit (t, pct, ...)"),
    "text": ("text", "value as the table shows it, with comparator, unit and marks (>50 % (e))"),
}
# Rows of the comparison views, which are not records: the same name may mean something else there.
_COMPARISONS: dict[str, dict[str, tuple[str, str]]] = {
    "revisions": {
        "kind": ("text", "Always 'revision'"),
        "quantity": _QUANTITY,
        "subject": ("text", "What the number is about: a country code, world or other"),
        "measure": ("text", "What is measured (mine-production, tungsten-reserves, ...)"),
        "date": ("text", "The period the editions state it for"),
        "basis": ("text", "What is counted (WO3, W content, ...)"),
        "editions": ("list of text", "The editions stating it, oldest first"),
        "claims": ("list of objects", "Each edition's claim: id, value, comparator, estimated, unit, citations"),
        "change": ("number", "Last edition's value minus the first's, in the quantity's unit"),
        "change_pct": ("number", "The change relative to the first edition's value, percent (none from 0)"),
        "change_comparator": ("text", "Set when the change is a bound (either end is one)"),
        "change_from_zero": ("true/false", "The first edition states 0 and the last does not: a change, sorted as the largest"),
        **_VERDICT_DETAIL,
        "citations": ("list of objects", "Every edition's citations"),
    },
    "crosscheck": {
        "quantity": _QUANTITY,
        **_VERDICT_DETAIL,
        **{
            f"{side}_{name}": (kind, f"The {side} claim's {meaning}")
            for side in ("left", "right")
            for name, (kind, meaning) in _CROSSCHECK_SIDE.items()
        },
        "rank": ("integer", "Where a claim the reference table leaves out would rank in it"),
    },
    "corrections": {
        "id": ("text", "Id of the record the note corrects"),
        "kind": ("text", "The record's kind (deal, figure, ...)"),
        "name": ("text", "The record's name; for a kind without names (deals, figures, ...) its summary"),
        "date": ("text", "The record's date, as the source states it"),
        "stated": ("text", "The record's value as the source states it, as a table shows it (US$ 255 m, 50 %)"),
        "errors": ("list of text", "What kind of error the note corrects (value, date, name, unit, scope, place)"),
        "corrections": ("list of objects", "Each corrected value as data: field, stated (as the record holds it), corrected"),
        "correction": ("text", "The note: what is wrong and what the reference says instead"),
        "reference_publisher": ("text", "Who published the outside reference"),
        "reference_title": ("text", "The outside reference's title"),
        "reference_date": ("text", "When the outside reference was published"),
        "reference_url": ("text", "Where the outside reference can be read"),
        "citations": ("list of objects", "The record's citations: the quotes that state what the source says"),
    },
    "conflicts": {
        "quantity": _QUANTITY,
        "id": ("text", "Id of the record making this claim"),
        "date": ("text", "The period the claim is for"),
        "value": ("number", "The value as stated, in `unit`"),
        "comparator": ("text", "Set when the value is a bound (>50)"),
        "approximate": ("true/false", "The source hedges the value"),
        "unit": ("text", "Unit of value"),
        "basis": ("text", "What is counted (WO3, W content, ...)"),
        "source": ("text", "Source id of the claim"),
        "quote": ("text", "The claim's quote"),
        "notes": ("list of objects", "Curator notes on the record"),
    },
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
    own = _COMPARISONS.get(view_name, {})
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
