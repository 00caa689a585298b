"""What an author needs to write one record kind: each field's type, unit and example, read off the pydantic models.

`tungsten new KIND` prints it as a commented YAML template, `tungsten schema KIND --summary` as a
table. Both come from `field_docs`, which walks the model's fields and their annotations, so a field
added to or removed from a model shows up here without anyone editing this module.
"""

from __future__ import annotations

import json
import re
import types
from dataclasses import dataclass
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from tungsten_cli import kinds
from tungsten_cli.fieldtypes import Hint
from tungsten_cli.model import ordered_fields, value_fields

# Units follow the field-name suffixes; a test checks every value field of every kind has one.
_UNITS = (
    ("_wo3_t", "t of WO3"),
    ("_w_t", "t of contained W"),
    ("_rare_earth_t", "t of rare-earth oxides"),
    ("molybdenum_t", "t of molybdenum"),
    ("resources_t", "t (metal or WO3 unstated)"),
    ("_pct", "%"),
    ("_usd", "US$"),
    ("_cents_per_kg", "US cents per kg"),
    ("value", "as `unit` says"),
    ("value_max", "as `unit` says"),
)
# Examples that say more than the type's own (a name, a quote), and ids that point at the records
# another template makes, so the filled-in templates of several kinds validate together.
_EXAMPLES: dict[str, Any] = {
    "name": "Upper Kairakty",
    "summary": "What the source states, in one sentence.",
    "quote": "Die Mine Verkhnee Kairakty hat WO3 Reserven von 1.216 Millionen Tonnen.",
    "title": "Kazakhstan tungsten article",
    "publisher": "SunSirs",
    "file": "my-article.txt",
    "source": "my-source",
    "operator": "my-organization",
    "org": "my-organization",
    "orgs": ["my-organization"],
    "deposit": "my-deposit",
    "subject": "KZ",
    "measure": "mine-production",
    "event_kind": "agreement-signed",
    "series": "usgs-mcs",
    "forms": "ores and concentrates",
    "importer": "US",
    "partner": "CN",
    "region": "Karaganda",
    "aliases": ["Verkhnee Kairakty"],
    "associated_metals": ["molybdenum"],
    "basis": "W content",
    "as_written": ">50",
    "role": "lender",
    "column": "Prod_t_2023",
    "year_header": "2024e",
    "prefix": "words just before the quote",
    "suffix": "words just after it",
    "credited_to": "China Geological Survey",
    "url": "https://example.org/article",
    "license": "public domain",
    "edition": "MCS 2025",
    "table": "world mine production and reserves",
    "key_columns": ["Country", "Type"],
    "reason": "a page number",
    "products": "tungsten ores and concentrates",
    "legal_basis": "Section 301",
    "text": "The source writes 25.5 million; the loan was US$ 255 million.",
}


@dataclass(frozen=True)
class FieldDoc:
    """One field as an author sees it; `fields` are the fields of a nested record (a citation, a party)."""

    name: str
    required: bool
    type: str
    unit: str | None
    example: Any
    about: str = ""  # the model's field description
    nested: tuple[FieldDoc, ...] = ()
    many: bool = False  # a list of nested records


def field_docs(kind: str, model: type[BaseModel] | None = None) -> list[FieldDoc]:
    """The fields of a kind (or of a nested model), `kind` first, then required ones, then optional, each in output order."""
    top = model is None
    model = model or kinds.record_models()[kind]
    names = [n for n in ordered_fields(model) if n in model.model_fields and not (top and n == "kind")]
    docs = [_doc(kind, model, name) for name in names]
    lead = [FieldDoc("kind", True, "the record kind, as written", None, kind)] if top else []
    return lead + [d for d in docs if d.required] + [d for d in docs if not d.required]


def _doc(kind: str, model: type[BaseModel], name: str) -> FieldDoc:
    info = model.model_fields[name]
    annotation = info.annotation
    unit = next((text for suffix, text in _UNITS if name.endswith(suffix)), None) if name in value_fields(model) else None
    inner, many = _unwrap(annotation)
    if isinstance(inner, type) and issubclass(inner, BaseModel):
        nested = tuple(field_docs(kind, inner))
        text = ("list, at least one" if info.is_required() else "list") if many else "record"
        return FieldDoc(name, info.is_required(), text, None, None, info.description or "", nested, many)
    # pydantic keeps a required field's Annotated metadata on the field, an optional one's in the union
    hint = _last_hint(info.metadata)
    text, example = (hint.text, hint.example) if hint else _describe(annotation)
    if name == "id":
        example = f"my-{kind.replace('_', '-')}"
    elif name == "approximate":
        example = value_fields(model)[:1]
    example = _EXAMPLES.get(name, example)
    return FieldDoc(name, info.is_required(), text, unit, example, info.description or "")


def _last_hint(metadata: Any) -> Hint | None:
    """The outermost alias's hint: `SourceFile` wraps `Text`, and says more."""
    return next((m for m in reversed(metadata) if isinstance(m, Hint)), None)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside `X | None` and `list[X]` (constrained or not), and whether it was a list."""
    annotation = _without_none(annotation)
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is list:
        return _without_none(get_args(annotation)[0]), True
    return annotation, False


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _describe(annotation: Any) -> tuple[str, Any]:
    """A type as words, and an example value of it."""
    annotation = _without_none(annotation)
    origin = get_origin(annotation)
    if origin is Annotated:
        hint = _last_hint(annotation.__metadata__)
        return (hint.text, hint.example) if hint else _describe(get_args(annotation)[0])
    if origin is Literal:
        choices = get_args(annotation)
        return "one of " + ", ".join(map(str, choices)), choices[0]
    if origin is list:
        text, example = _describe(get_args(annotation)[0])
        return f"list of {text}", [example]
    if origin is dict:
        return "header: value pairs", {"Country": "China"}
    return {bool: ("true or false", True), int: ("whole number", 1), float: ("number", 1000), str: ("text", "text")}[annotation]


def _scalar(value: Any) -> str:
    """A value as YAML that reads back as the same value: plain where that is safe, JSON (a YAML subset) elsewhere."""
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][\w .,()%-]*", value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)


_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "y", "n", "null"}
_COMMENT_AT = 36


@dataclass(frozen=True)
class _TemplateLine:
    spaces: str
    dash: bool  # the first field of a list item
    text: str
    comment: str
    off_at: str | None  # commented out (an optional field, or inside one) with `#` at this indent


def _explain(doc: FieldDoc) -> str:
    kind = "; ".join([doc.type] + ([f"unit: {doc.unit}"] if doc.unit else []))
    return f"{doc.about} ({kind})" if doc.about else kind


def _lines(doc: FieldDoc, spaces: str, dash: bool, off_at: str | None) -> list[_TemplateLine]:
    """A field as lines: a `<name>` placeholder when required, else its example, commented out."""
    if off_at is None and not doc.required:
        off_at = spaces
    if doc.nested:
        lines = [_TemplateLine(spaces, dash, f"{doc.name}:", _explain(doc), off_at)]
        inner = spaces + ("  " if dash else "") + "  "
        for i, child in enumerate(doc.nested):
            lines += _lines(child, inner + ("  " if doc.many and i else ""), doc.many and i == 0, off_at)
        return lines
    if doc.name == "kind" and off_at is None and spaces == "":
        return [_TemplateLine(spaces, dash, f"kind: {doc.example}", doc.type, off_at)]
    if off_at is not None:
        return [_TemplateLine(spaces, dash, f"{doc.name}: {_scalar(doc.example)}", _explain(doc), off_at)]
    return [_TemplateLine(spaces, dash, f"{doc.name}: <{doc.name}>", f"{_explain(doc)}; e.g. {_scalar(doc.example)}", off_at)]


def _text(line: _TemplateLine) -> str:
    spaces = line.spaces if line.off_at is None else f"{line.off_at}# {line.spaces[len(line.off_at) :]}"
    body = spaces + ("- " if line.dash else "") + line.text
    return body.ljust(_COMMENT_AT) + f"  # {line.comment}\n" if line.comment else body + "\n"


def template(kind: str) -> str:
    """A commented YAML template of one record: required fields as `<placeholders>`, optional ones commented out."""
    model = kinds.record_models()[kind]
    head = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
    lines = [
        f"# {kind}: {head}\n",
        "# Replace every <placeholder> (the comment gives its type and an example); uncomment the\n",
        "# optional fields you need. Check with: tungsten validate builtin THIS-FILE.yaml\n",
    ]
    for i, doc in enumerate(field_docs(kind)):
        lines += [_text(line) for line in _lines(doc, "" if i == 0 else "  ", i == 0, None)]
    return "".join(lines)


def summary_rows(kind: str) -> list[dict[str, str]]:
    """One row per field, nested fields as `citations[].quote`: the table of `schema KIND --summary`."""
    return list(_rows(field_docs(kind), ""))


def _rows(docs: list[FieldDoc], prefix: str) -> Any:
    for doc in docs:
        example = "" if doc.nested else _scalar(doc.example)
        yield {
            "field": prefix + doc.name,
            "required": "yes" if doc.required else "",
            "type": doc.type,
            "unit": doc.unit or "",
            "example": example,
            "meaning": doc.about,
        }
        yield from _rows(list(doc.nested), f"{prefix}{doc.name}{'[]' if doc.many else ''}.")
