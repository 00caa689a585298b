"""`export --metadata FILE`: the metadata.json Datasette 0.65 reads with `-m` for the SQLite export.

Titles, the licence, every source (publisher, URL, SHA-256), a description of each table and each
column (the schema's field descriptions, units included), facets and the full-text search table,
so the database explains itself in the browser.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path
from typing import Any

from tungsten_cli.atomic import replacing
from tungsten_cli.errors import ExportError, NotFoundError, UsageError
from tungsten_cli.export import KEY_DESCRIPTIONS, NESTED, export_tables, kind_columns, model_columns, nested_columns
from tungsten_cli.records import FactSet

# Datasette's "about" line; it also marks the file as ours, so a later export may replace it.
ABOUT = "tungsten export --metadata"
TITLE = "tungsten: the tungsten supply chain, every number with its source"
LICENSE = "MIT (the curated facts); quoted text stays under each source's terms"
FACETS = ("country", "kind", "source")
_RECORDS = {
    "description": "Every record and source by id with its kind: the table to search (names, summaries, quotes and notes)",
    "columns": {
        "id": "Record or source id",
        "kind": "The record kind",
        "name": "Name and aliases, where the record has them",
        "summary": "One English sentence: what the record states",
        "quotes": "Its citations' quotes, one a line",
        "notes": "Its curator notes' texts, one a line",
    },
    "fts_table": "records_fts",
    "fts_pk": "rowid",
    "facets": ["kind"],
}


def metadata(facts: FactSet, database: str) -> dict[str, Any]:
    """The metadata for a database Datasette serves as `database` (the file name without `.db`)."""
    sources = list(facts.sources.values())
    return {
        "title": TITLE,
        "description": "Curated facts on tungsten mining, trade, deals and policy; each number cites the sentence "
        "or table cell that states it, and each source is pinned by the SHA-256 of its text.",
        "license": LICENSE,
        # Publishers once each ("U.S. Geological Survey" for its centres too), then where the detail is.
        "source": ", ".join(dict.fromkeys(s["publisher"].split(",")[0] for s in sources)) + f" ({len(sources)} sources: the sources table)",
        "about": ABOUT,
        "databases": {database: {"description_html": _sources_html(sources), "tables": _tables()}},
    }


def _sources_html(sources: list[dict[str, Any]]) -> str:
    """Each source as a list item: title, publisher, link, SHA-256 (escaped: titles are data)."""
    items = []
    for s in sources:
        title = html.escape(s["title"])
        linked = f'<a href="{html.escape(s["url"])}">{title}</a>' if s.get("url") else title
        items.append(f"<li>{linked}, {html.escape(s['publisher'])}; SHA-256 <code>{s['sha256']}</code></li>")
    return "<p>Sources (the <code>sources</code> table has every field):</p><ul>" + "".join(items) + "</ul>"


def _tables() -> dict[str, Any]:
    from tungsten_cli import kinds, model

    tables: dict[str, Any] = {"records": _RECORDS}
    for kind, name in export_tables().items():
        cls = kinds.record_models()[kind]
        described = {f.column: f.description for f in model_columns(cls)}
        columns = {column: described.get(column) or KEY_DESCRIPTIONS[column] for column, _ in kind_columns(kind)}
        tables[name] = _table(_first_paragraph(cls.__doc__), columns, facets=[f for f in FACETS if f in columns and f != "kind"])
    for name, (_, _, model_name) in NESTED.items():
        columns = {f.column: f.description for f in nested_columns(name)}
        tables[name] = _table(_first_paragraph(getattr(model, model_name).__doc__), columns, [f for f in FACETS if f in columns])
    return tables


def _table(description: str, columns: dict[str, str], facets: list[str]) -> dict[str, Any]:
    return {"description": description, "columns": columns, **({"facets": facets} if facets else {})}


def _first_paragraph(doc: str | None) -> str:
    """A model docstring's first paragraph as one line, without the Markdown backticks Datasette would show."""
    return " ".join((doc or "").split("\n\n")[0].replace("`", "").split())


def write_metadata(facts: FactSet, target: Path, database: str, *, force: bool = False) -> None:
    """Write the metadata atomically; an existing file is replaced only when an earlier one wrote it, or with `force`."""
    if target.is_dir():
        raise UsageError(f"{target}: is a folder, expected a metadata file name")
    if not Path(os.path.realpath(target)).parent.is_dir():
        raise NotFoundError(f"{target.parent}: no such folder")
    if os.path.lexists(target) and not force and not _is_ours(target):
        raise UsageError(f"{target}: exists and is not tungsten metadata; pass --force to replace it")
    try:
        with replacing(target) as tmp:
            tmp.write_text(json.dumps(metadata(facts, database), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as err:
        raise ExportError(f"{target}: cannot write the metadata: {err.strerror or err}") from None


def _is_ours(path: Path) -> bool:
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("about") == ABOUT)
    except (OSError, ValueError, AttributeError):
        return False
