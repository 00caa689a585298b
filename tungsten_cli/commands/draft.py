"""`tungsten draft`'s output: the proposals as a YAML pack to edit, as JSON, or as a table, and the
messages for what was left without one. The drafting itself is tungsten_cli/draft.py."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tungsten_cli.draft import Draft
from tungsten_cli.draft_guess import shown_number
from tungsten_cli.environment import Environment
from tungsten_cli.errors import NotFoundError, UsageError
from tungsten_cli.load import load_for
from tungsten_cli.records import Record
from tungsten_cli.render import Format, Listing, text_column, write
from tungsten_cli.render.formats import write_json
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


def run_draft(
    env: Environment, source: str, only: str | None, fmt: str | None, source_dir: Sequence[str] | None, paths: Sequence[str] | None
) -> None:
    """`tungsten draft`: the proposals on stdout (a table on a terminal, YAML in a pipe, unless `fmt`
    says), then on stderr each unit left without one and why, and a count.

    A loaded source needs a source folder; a new file is read where it is, so it needs none."""
    from tungsten_cli.draft import draft
    from tungsten_cli.verify import source_dirs

    if fmt is not None and fmt not in DRAFT_FORMATS:
        raise UsageError(f"--format {fmt!r}: draft writes {', '.join(DRAFT_FORMATS)}")
    try:
        folders = source_dirs(source_dir or (), env.source_dirs)
    except NotFoundError:
        if source_dir or not Path(source).is_file():
            raise
        folders = []
    result = draft(load_for(env, paths), source, folders, only)
    chosen = fmt or ("table" if env.rich(env.stdout) else "yaml")
    if chosen == "json":
        write_json(result.entries(), env.stdout, 2)
    elif chosen == "table":
        columns = [text_column("id", fit="token"), text_column("kind", fit="token"), text_column("value", fit="token")]
        columns += [text_column("date", fit="token", priority=2), text_column("cites", fit="prose", beneath=True)]
        listing = Listing(table_rows(result), columns, more="every field in full with --format yaml or json")
        write(listing, Format.table, env.stdout, force_color=env.force_color)
    else:
        env.stdout.write(yaml_pack(result))
    env.stdout.flush()  # the proposals, then what was left out: in that order in a shared pipe too
    env.stderr.write("".join(f"tungsten: line {p.line}: no proposal ({p.reason}): {p.text[:70]}\n" for p in result.passed))
    env.stderr.write(_count(result))


def _count(result: Draft) -> str:
    if result.records or result.passed:
        return f"drafted {len(result.records)} record(s) from {result.source_id}; {len(result.passed)} unit(s) left without a proposal\n"
    if result.source is not None:
        return f"nothing to draft: {result.source['file']} has no numbers; the sources entry alone is written\n"
    return f"nothing to draft: every number of {result.source_id} is held by a record or ignored (coverage is complete)\n"
