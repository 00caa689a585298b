"""`tungsten verify`: every citation checked against its source text, each problem a line on stdout
and the count on stderr; `--explain ID` shows how one record's numbers are bound to their quote."""

from __future__ import annotations

from collections.abc import Sequence

from tungsten_cli.environment import Environment
from tungsten_cli.errors import ExitCode
from tungsten_cli.load import load_for
from tungsten_cli.render.text import message_lines


def run_verify(env: Environment, source_dir: Sequence[str] | None, paths: Sequence[str] | None, explain: str | None = None) -> int:
    """1 when any citation fails; with `explain`, one record's fields, the tokens behind them and its problems."""
    from tungsten_cli import verify

    loaded = load_for(env, paths)
    folders = verify.source_dirs(source_dir or (), env.source_dirs)
    if explain is not None:
        lines, problems = verify.explain(loaded, explain, folders)
        env.stdout.write(message_lines(lines) + message_lines(problems))
        return ExitCode.DATA if problems else ExitCode.OK
    report = verify.verify(loaded, folders)
    env.stdout.write(message_lines(report.problems))
    env.stderr.write(
        f"checked {report.citations} citations in {report.records} records against {report.sources} sources: {len(report.problems)} problem(s)\n"
    )
    return ExitCode.DATA if report.problems else ExitCode.OK
