"""`tungsten schema` and `tungsten new`: a record kind's JSON Schema, its field summary, and a YAML
template to fill in."""

from __future__ import annotations

import json
from typing import IO

from tungsten_cli import kinds
from tungsten_cli.listing import Output
from tungsten_cli.query import check_fields, resolve_choice
from tungsten_cli.render import Listing, text_column, write


def schema_text(kind: str | None) -> str:
    resolve_choice(kind, "kind", kinds.record_models())
    return json.dumps(kinds.json_schema(kind), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def template_text(kind: str) -> str:
    """`tungsten new KIND`: a commented YAML template of one record to fill in."""
    from tungsten_cli.template import template

    resolve_choice(kind, "kind", kinds.record_models())
    return template(kind)


def write_schema_summary(kind: str, output: Output, out: IO[str], *, force_color: bool = False) -> None:
    """`tungsten schema KIND --summary`: the template's information as a table, one row per field."""
    from tungsten_cli.template import summary_rows

    resolve_choice(kind, "kind", kinds.record_models())
    columns = [
        text_column("field", fit="token"),
        text_column("required"),
        text_column("type", fit="prose"),
        text_column("unit", fit="prose"),
        text_column("example", fit="prose", priority=2),
        text_column("meaning", fit="prose", priority=3),
    ]
    check_fields(output.fields or [], [c.header for c in columns])
    write(Listing(summary_rows(kind), columns, fields=output.fields), output.fmt, out, force_color=force_color)
