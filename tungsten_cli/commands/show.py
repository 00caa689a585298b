"""`tungsten show`: one record in full, its quotes anchored in their sources, with related records
and its cross-checks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING

from tungsten_cli.environment import Environment
from tungsten_cli.errors import NotFoundError
from tungsten_cli.load import load_for
from tungsten_cli.query import find, related
from tungsten_cli.records import FactSet, Record
from tungsten_cli.render import Format, Listing, write
from tungsten_cli.render.text import message_lines

if TYPE_CHECKING:
    from tungsten_cli.verify import Evidence


def run_show(env: Environment, record_id: str, source_dir: Sequence[str] | None, paths: Sequence[str] | None, fmt: Format) -> None:
    folders, warnings = _source_folders(env, source_dir)
    warnings += show_record(load_for(env, paths, kinds=()), record_id, folders, fmt, env.stdout, force_color=env.force_color)
    env.stderr.write(message_lines(warnings, "tungsten: warning: "))


def _source_folders(env: Environment, explicit: Sequence[str] | None) -> tuple[list[Path], list[str]]:
    """`show` works without sources (quotes unverified), unless the user named a folder that is not
    there: with --source-dir that is an error, through TUNGSTEN_SOURCE_DIR a warning."""
    from tungsten_cli.verify import source_dirs

    try:
        return source_dirs(explicit or (), env.source_dirs), []
    except NotFoundError as err:
        if explicit:
            raise
        return [], [f"{err}; quotes are shown unverified, without context"] if env.source_dir_named else []


def _anchored(citation: Record, found: Evidence) -> Record:
    if found.unverified is not None:  # in band, for a program that never reads stderr's warning
        return {**citation, "unverified": found.unverified}
    if found.start is not None:
        return {**citation, "start": found.start, "end": found.start + len(found.quote)}
    if found.line is not None:
        return {**citation, "line": found.line}
    return citation


def _with_offsets(record: Record, found: list[Evidence]) -> Record:
    """Fill in each citation's anchor from the source: a quote's offsets, a cell's line."""
    return {**record, "citations": [_anchored(c, e) for c, e in zip(record["citations"], found)]}


def show_record(
    facts: FactSet, record_id: str, folders: Sequence[Path], fmt: Format, out: IO[str], *, force_color: bool = False
) -> list[str]:
    """`tungsten show`: a detail block for people, or a one-element array in the data formats.

    Returns one warning per source whose text could not be used, for the caller to print.
    """
    from tungsten_cli.crosscheck import crosscheck
    from tungsten_cli.verify import evidence

    record = find(facts, record_id)
    found = evidence(facts, record, folders)
    others = related(facts, record)
    checks = crosscheck(facts, only=record)
    if fmt is Format.table:
        from tungsten_cli.render.detail import write_detail

        write_detail(record, found, others, _crosscheck_lines(record_id, checks), out, force_color=force_color)
    else:
        full = {**_with_offsets(record, found), "related": [r["id"] for r in others], "crosscheck": checks}
        write(Listing([full], []), fmt, out)
    reasons = {e.source: e.unverified for e in found if e.unverified}
    return [f"{source}: {reason}; its quotes are shown unverified, without context" for source, reason in reasons.items()]


def _crosscheck_lines(record_id: str, checks: list[Record]) -> list[str]:
    lines = ["", "crosscheck:"] if checks else []
    for check in checks:
        other = check["right_id"] if check["left_id"] == record_id else check["left_id"]
        against = f" vs {other} ({check['right_source'] if other == check['right_id'] else check['left_source']})" if other else ""
        lines.append(f"  {check['verdict']}{against}: {check['detail']}")
    return lines
