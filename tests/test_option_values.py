"""One check for option values in every command (`tungsten_cli/options.py`): an empty value, a number
that is not finite and a single-value option given twice are usage errors (exit 2, one line), in
`report` and `export` as in the listings; the options are read off the app, so a new one is covered."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import typer
from conftest import run

from tungsten_cli.cli import app

COMMAND = typer.main.get_command(app)
assert isinstance(COMMAND, click.Group)
VALUED = [
    (name, option.opts[0], option.multiple)
    for name, command in sorted(COMMAND.commands.items())
    for option in command.params
    if isinstance(option, click.Option) and not (option.is_flag or option.count)
]


@pytest.mark.parametrize(("command", "option", "multiple"), VALUED)
def test_an_empty_value_is_a_usage_error_everywhere(command: str, option: str, multiple: bool) -> None:
    result = run(command, option, "")
    assert (result.exit_code, result.stderr) == (2, f"tungsten: error: Invalid value for {option}: is empty\n")


@pytest.mark.parametrize(("command", "option"), [(c, o) for c, o, multiple in VALUED if not multiple])
def test_a_single_value_option_given_twice_is_a_usage_error(
    command: str, option: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # were the check gone, `report --html 1 --html 2` would write ./2
    result = run(command, option, "1", option, "2")
    assert (result.exit_code, result.stderr) == (
        2,
        f"tungsten: error: Invalid value for {option}: given more than once; it takes one value\n",
    )


def test_short_and_long_spellings_of_one_option_count_together() -> None:
    for args in (["-c", "KZ", "-c", "CN"], ["-c", "KZ", "--country", "CN"]):
        result = run("deposits", *args)
        assert (result.exit_code, result.stderr) == (
            2,
            "tungsten: error: Invalid value for --country: given more than once; it takes one value\n",
        )


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_a_number_that_is_not_finite_is_a_usage_error(value: str) -> None:
    result = run("revisions", "--min-change", value)
    assert (result.exit_code, result.stderr) == (2, f"tungsten: error: Invalid value for --min-change: '{value}' is not a finite number\n")


@pytest.mark.parametrize(("args", "name"), [(["show", ""], "ID"), (["search", ""], "TEXT")])
def test_an_empty_argument_is_a_usage_error(args: list[str], name: str) -> None:
    result = run(*args)
    assert (result.exit_code, result.stderr) == (2, f"tungsten: error: Invalid value for {name}: is empty\n")


def test_an_empty_filter_never_prints_the_whole_report() -> None:
    result = run("report", "--html", "-", "--country", "")
    assert (result.exit_code, result.stdout) == (2, "")


def test_tungsten_facts_without_a_path_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNGSTEN_FACTS", "::")
    result = run("deals")
    assert (result.exit_code, result.stderr) == (2, "tungsten: error: TUNGSTEN_FACTS='::' names no path; unset it for the built-in set\n")


def test_an_empty_chart_reads_like_an_empty_table() -> None:
    table = run("production", "--country", "FR")
    chart = run("production", "--country", "FR", "--chart")
    assert (chart.exit_code, table.exit_code) == (0, 0)
    assert chart.stdout == ""


def test_rows_without_a_number_still_cannot_be_charted() -> None:
    result = run("facts", "--kind", "organization", "--chart")
    assert result.exit_code == 2 and "no row carries a number to draw" in result.stderr
