"""Option values that cannot mean anything are usage errors (exit 2, one line), never an empty success."""

from __future__ import annotations

import json

import pytest
from conftest import DATA, run
from typer.testing import CliRunner


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13"], "Invalid value for --from: '2025-13' is not a real date: month must be in 1..12"),
        (["--from", "2025-02-30"], "Invalid value for --from: '2025-02-30' is not a real date: day is out of range for month"),
        (["--to", "2025/2026"], "Invalid value for --to: '2025/2026' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        (["--from", "2026", "--to", "2025"], "--to 2025 is before --from 2026"),
    ],
)
def test_impossible_timeline_dates(args: list[str], message: str) -> None:
    result = run("timeline", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"tungsten: error: {message}\n"


def test_a_one_day_timeline_window_is_fine() -> None:
    result = run("timeline", "--from", "2025-11-21", "--to", "2025-11-21", "--json")
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deposits", "--fields", ",,,"], "Invalid value for --fields: ',,,' names no field (example: --fields id,name)"),
        (["deposits", "--sort", "-"], "Invalid value for --sort: '-' names no field (example: --sort -reserves_wo3_t)"),
        (["deposits", "--sort", ""], "Invalid value for --sort: is empty"),
        (["deposits", "--country", ""], "Invalid value for --country: is empty"),
        (["imports", "--partner", ""], "Invalid value for --partner: is empty"),
        (["deals", "--party", ""], "Invalid value for --party: is empty"),
        (["search", "x", "--source", ""], "Invalid value for --source: is empty"),
    ],
)
def test_empty_option_values_are_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"tungsten: error: {message}\n"


@pytest.mark.parametrize(
    "args",
    [
        ["search", "zzzz", "--fields", "id", "--sort", "-score"],
        ["production", "--year", "1990", "--fields", "id,share_of_world_pct", "--sort", "share_of_world_pct"],
        ["orgs", "--country", "AQ", "--fields", "appears_in"],
        ["timeline", "--from", "1900", "--to", "1901", "--fields", "deal_kind,share_pct"],
        ["crosscheck", "--source", "mini", "--fields", "verdict,left_id", "--sort", "rank"],
        ["conflicts", "--source", "mini", "--fields", "quantity,value"],
        ["facts", "--kind", "deal", "--country", "AQ", "--fields", "amount_usd"],
    ],
)
def test_fields_are_checked_against_the_view_not_the_rows(args: list[str]) -> None:
    facts = ["--facts", "builtin", "--facts", str(DATA / "mini")] if "mini" in args else []
    result = run(*args, *facts, "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "[]\n"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["facts", "--kind", "deal", "--fields", "reserves_wo3_t"], "reserves_wo3_t"),
        (["crosscheck", "--fields", "summary"], "summary"),
        (["deposits", "--sort", "score"], "score"),
        (["search", "x", "--sort", "-appears_in"], "appears_in"),
    ],
)
def test_fields_a_view_does_not_have_are_refused(args: list[str], field: str) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"tungsten: error: unknown field '{field}'; valid fields: ")


def test_every_row_field_is_declared_by_its_view() -> None:
    """The declared fields drift from the rows the code builds: every key of every row is declared."""
    from tungsten_cli.listing import view_fields
    from tungsten_cli.load import load_facts
    from tungsten_cli.views import VIEWS

    facts = load_facts(["builtin", str(DATA / "mini")])
    for name in VIEWS:
        args = [name, "kairakty"] if name == "search" else [name]
        rows = json.loads(run(*args, "--facts", "builtin", "--facts", str(DATA / "mini"), "--json").stdout)
        assert rows, name
        undeclared = {key for row in rows for key in row} - set(view_fields(facts, VIEWS[name]))
        assert not undeclared, (name, undeclared)


@pytest.mark.parametrize("argv", [["--help", "deposits"], ["-h", "verify"]])
def test_help_before_a_command_is_the_top_level_help(argv: list[str]) -> None:
    from tungsten_cli.boundary import trimmed
    from tungsten_cli.cli import app

    result = CliRunner().invoke(trimmed(app, argv), argv)
    assert result.exit_code == 0, result.output
    assert "Browse commands:" in result.stdout
    for command in ("deposits", "verify", "export", "timeline"):
        assert f"  {command} " in result.stdout, command


def test_help_after_a_command_is_that_commands_help() -> None:
    from tungsten_cli.boundary import trimmed
    from tungsten_cli.cli import app

    result = CliRunner().invoke(trimmed(app, ["deposits", "--help"]), ["deposits", "--help"])
    assert result.exit_code == 0
    assert "deposits [OPTIONS]" in result.stdout and "--country" in result.stdout
