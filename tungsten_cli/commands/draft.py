"""`tungsten draft`'s output: the proposals as a YAML pack to edit, as JSON, or as a table, and the
messages for what was left without one. The drafting itself is tungsten_cli/draft.py."""

from __future__ import annotations

from typing import IO

from tungsten_cli.draft import Draft, shown_number
from tungsten_cli.records import Record
from tungsten_cli.vocabulary import VOCAB

DRAFT_FORMATS = ("yaml", "json", "table")


def _value_text(record: Record) -> str:
    for name in VOCAB["value_fields"][record["kind"]]:
        if record.get(name) is not None:
            return f"{name}={record.get('comparator') or ''}{shown_number(record[name])}"
    return str(record.get("as_written") or record.get("unavailable") or "")


def table_rows(result: Draft) -> list[Record]:
    """One row per proposal: its id and kind, its value, its date and the text it cites (`cites`, not
    `quote`: a table of quotes offers --cite, which draft does not take)."""
    return [
        {
            "id": r["id"],
            "kind": r["kind"],
            "value": _value_text(r),
            "date": r.get("date", ""),
            "cites": " ".join(r["citations"][0]["quote"].split()),
        }
        for r in result.records
    ]


def yaml_pack(result: Draft) -> str:
    """The proposals as a pack file: a head saying how to finish it, then the entries."""
    import yaml

    head = (
        f"# Drafted by `tungsten draft {result.source_id}`: {len(result.records)} proposed record(s).\n"
        "# Check what each `draft` note lists, fill every <placeholder>, delete the notes; then check\n"
        "# the pack with tungsten validate, verify and coverage (docs/adding-facts.md shows how).\n"
    )
    body = yaml.safe_dump(result.entries(), allow_unicode=True, sort_keys=False, width=4096) if result.entries() else "[]\n"
    return head + body


def write_draft(result: Draft, fmt: str | None, out: IO[str]) -> str:
    """The proposals on `out` (a table on a terminal, YAML in a pipe, unless `fmt` says); returns the
    messages for stderr: each unit left without a proposal and why, and a count."""
    from tungsten_cli.render import Format, Listing, text_column, write
    from tungsten_cli.render.console import is_terminal
    from tungsten_cli.render.formats import write_json

    chosen = fmt or ("table" if is_terminal(out) else "yaml")
    if chosen == "json":
        write_json(result.entries(), out, 2)
    elif chosen == "table":
        columns = [text_column("id", fit="token"), text_column("kind", fit="token"), text_column("value", fit="token")]
        columns += [text_column("date", fit="token", priority=2), text_column("cites", fit="prose", beneath=True)]
        write(Listing(table_rows(result), columns, more="every field in full with --format yaml or json"), Format.table, out)
    else:
        out.write(yaml_pack(result))
    lines = [f"tungsten: line {p.line}: no proposal ({p.reason}): {p.text[:70]}\n" for p in result.passed]
    if not result.records and not result.passed and result.source is not None:
        lines.append(f"nothing to draft: {result.source['file']} has no numbers; the sources entry alone is written\n")
    elif not result.records and not result.passed:
        lines.append(f"nothing to draft: every number of {result.source_id} is held by a record or ignored (coverage is complete)\n")
    else:
        lines.append(
            f"drafted {len(result.records)} record(s) from {result.source_id}; {len(result.passed)} unit(s) left without a proposal\n"
        )
    return "".join(lines)
