"""The CLI through Typer's CliRunner: views, output options, usage errors and help text."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import jsonschema
import pytest
import typer
import yaml
from conftest import DATA, ROOT, run, run_json, runner

from tungsten_cli import SCHEMA_VERSION, __version__
from tungsten_cli.cli import app
from tungsten_cli.load import builtin_dir
from tungsten_cli.yamlio import fact_loader

MINI = str(DATA / "mini")


def commands() -> dict[str, click.Command]:
    group = typer.main.get_command(app)
    assert isinstance(group, click.Group)
    return dict(group.commands)


@pytest.mark.parametrize("name", sorted(commands()))
def test_every_command_and_option_has_help_with_an_example(name: str) -> None:
    command = commands()[name]
    assert command.help and "Example:" in command.help, name
    for param in command.params:
        if isinstance(param, click.Option) and param.name != "help":
            assert param.help and "Example:" in param.help, f"{name} {param.opts}"
        if isinstance(param, click.Argument):
            assert getattr(param, "help", None) and "Example:" in param.help, f"{name} {param.name}"


def test_version_reports_schema_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"tungsten {__version__} (schema {SCHEMA_VERSION})\n"


def test_package_version_matches_pyproject() -> None:
    assert f'version = "{__version__}"' in (ROOT / "pyproject.toml").read_text()


def test_no_arguments_prints_help() -> None:
    result = run()
    assert result.exit_code == 0
    assert "deposits" in result.stdout and result.stderr == ""


def test_trimmed_app_keeps_the_help_listing_and_the_asked_command() -> None:
    from tungsten_cli.boundary import trimmed

    full = runner.invoke(app, ["--help"]).stdout
    assert runner.invoke(trimmed(app, []), ["--help"]).stdout == full
    assert runner.invoke(trimmed(app, ["deposits"]), ["deposits", "--help"]).stdout == runner.invoke(app, ["deposits", "--help"]).stdout
    assert [c.name or c.callback.__name__ for c in trimmed(app, ["--json", "deals"]).registered_commands] == ["deals"]
    assert len(trimmed(app, ["dael"]).registered_commands) == len(app.registered_commands)


# Every listing names the shipped sources when --source names none.
_UNKNOWN_SOURCE = (
    "tungsten: error: unknown source 'nyt'; choose from: sunsirs-2025-11-21, usgs-mcs-2022-salient, usgs-mcs-2022-world, "
    "usgs-mcs-2023-fig2, usgs-mcs-2023-meta, usgs-mcs-2023-salient, usgs-mcs-2023-world, usgs-mcs-2024-fig2, usgs-mcs-2024-meta, "
    "usgs-mcs-2024-salient, usgs-mcs-2024-t5, usgs-mcs-2024-world, usgs-mcs-2025\n"
)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deposits", "--country", "XX"], "tungsten: error: unknown country 'XX' (use an ISO 3166-1 code such as KZ or an English name)\n"),
        (["deals", "--year", "20x5"], "'20x5' is not a valid integer"),
        (
            ["deals", "--kind", "gift"],
            "tungsten: error: unknown kind 'gift'; choose from: acquisition, investment, joint-venture, letter-of-interest, listing, loan, memorandum, private-financing, sale-agreement\n",
        ),
        (
            ["facts", "--format", "xml"],
            "Invalid value for '--format' / '-f': 'xml' is not one of 'table', 'json', 'jsonl', 'csv', 'yaml', 'markdown'.",
        ),
        (
            ["deposits", "--status", "sleeping"],
            "tungsten: error: unknown status 'sleeping'; choose from: acquisition-target, construction, discovery, not-mined, producing, prospect\n",
        ),
        (["deposits", "--bogus"], "--bogus"),
        (["deposits", "--limit", "-1"], "Invalid value for '--limit': -1 is not in the range x>=0."),
        (
            ["timeline", "--from", "May 2025"],
            "tungsten: error: Invalid value for --from: 'May 2025' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)\n",
        ),
        (["facts", "--source", "nyt"], _UNKNOWN_SOURCE),
        (["timeline", "--source", "nyt"], _UNKNOWN_SOURCE),
        (["deposits", "--json", "--format", "csv"], "tungsten: error: --json conflicts with --format csv\n"),
        (["schema", "planet"], "unknown kind 'planet'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str) -> None:
    """Our own messages are asserted whole; Click's wording varies by version, so only its key part."""
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tungsten: error: ")
    assert message in result.stderr
    if message.startswith("tungsten: error: "):
        assert result.stderr == message


def test_unknown_field_lists_valid_ones() -> None:
    result = run("deposits", "--fields", "id,xyzzy")
    assert result.exit_code == 2
    assert result.stderr.startswith("tungsten: error: unknown field 'xyzzy'; valid fields: id, kind, name, aliases,")


def test_field_completion_offers_names() -> None:
    from tungsten_cli.options import complete_fields as _complete_fields

    class Ctx:
        info_name = "deposits"

    assert "reserves_wo3_t" in _complete_fields(Ctx(), "res")  # type: ignore[arg-type]
    assert _complete_fields(Ctx(), "id,gra") == ["id,grade_wo3_min_pct", "id,grade_wo3_max_pct"]  # type: ignore[arg-type]


def test_empty_result_is_empty_array_and_exit_0() -> None:
    assert run_json("deposits", "--facts", MINI, "--country", "Peru") == []
    result = run("deposits", "--facts", MINI, "--country", "PE")
    assert result.exit_code == 0 and result.stdout.startswith("id")


def test_country_by_name_any_case() -> None:
    assert [r["id"] for r in run_json("deposits", "--facts", MINI, "--country", "kazakhstan")] == ["testberg"]
    assert [r["id"] for r in run_json("orgs", "--facts", MINI, "--country", "norway")] == ["beta"]


def test_party_matches_alias_and_stakes_survive() -> None:
    (deal,) = run_json("deals", "--facts", MINI, "--party", "acme", "--year", "2025")
    assert [(p["name"], p["stake_pct"]) for p in deal["parties"]] == [("Acme Corp.", 70), ("Beta", 30)]
    assert deal["year"] == 2025 and deal["amount_usd"] == 255000000


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "yaml", "markdown", "table"])
def test_fields_sort_limit_in_every_format(fmt: str) -> None:
    result = run("facts", "--facts", MINI, "--format", fmt, "--fields", "id,kind", "--sort", "-id", "--limit", "2")
    assert result.exit_code == 0, result.output
    out = result.stdout
    if fmt == "json":
        assert json.loads(out) == [{"id": "testberg", "kind": "deposit"}, {"id": "beta", "kind": "organization"}]
    elif fmt == "jsonl":
        assert [json.loads(line)["id"] for line in out.splitlines()] == ["testberg", "beta"]
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(out))) == [["id", "kind"], ["testberg", "deposit"], ["beta", "organization"]]
    elif fmt == "yaml":
        assert yaml.safe_load(out) == [{"id": "testberg", "kind": "deposit"}, {"id": "beta", "kind": "organization"}]
    elif fmt == "markdown":
        assert out.splitlines()[0] == "| id | kind |" and len(out.splitlines()) == 4
    else:
        assert [line.split()[0] for line in out.splitlines()[2:]] == ["testberg", "beta"]


def test_cite_prints_quotes_beneath_rows() -> None:
    out = run("deposits", "--facts", MINI, "--cite").stdout
    assert "    > mini: Die Mine Testberg hat WO3 Reserven von 1.216 Millionen Tonnen mit einem Gehalt von 0,132%." in out
    assert "1,216,000 t WO3" in out and "0.132 %" in out


@pytest.mark.parametrize("command", [["facts"], ["conflicts"], ["crosscheck"], ["search", "wolfram"]])
def test_json_is_stable_between_runs(tmp_path: Path, command: list[str]) -> None:
    """Two processes with other hash seeds (set and dict order of strings) and their own cold caches."""
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "TUNGSTEN_CACHE_DIR": str(tmp_path / seed)}
        done = subprocess.run(
            [sys.executable, "-m", "tungsten_cli", *command, "--json"], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1 and json.loads(outputs.pop())


def test_facts_combine_builtin_and_own_pack() -> None:
    ids = {r["id"] for r in run_json("facts", "--facts", "builtin", "--facts", MINI)}
    assert "testberg" in ids and "usgs-mine-production-cn-2024" in ids


def test_tungsten_facts_variable_replaces_builtin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNGSTEN_FACTS", MINI)
    assert {r["id"] for r in run_json("facts")} == {"acme", "beta", "testberg", "acme-loan"}


def test_show_unknown_id_suggests() -> None:
    result = run("show", "testber", "--facts", MINI)
    assert result.exit_code == 1
    assert result.stderr == "tungsten: error: no record 'testber'; did you mean: testberg\n"


def test_show_json_is_one_element_array_with_offsets(source_dir: Path) -> None:
    (record,) = run_json("show", "usgs-mine-production-cn-2024", "--source-dir", str(source_dir))
    text = (source_dir / "usgs-mcs-2025-tungsten.en.txt").read_text(encoding="utf-8")
    citation = record["citations"][0]
    assert text[citation["start"] : citation["end"]] == citation["quote"]
    assert record["value"] == 67000 and "usgs-mine-production-cn-2023" not in record["related"]


def test_show_puts_quote_in_its_sentence(source_dir: Path) -> None:
    out = run("show", "usgs-us-depletion-allowance-foreign", "--source-dir", str(source_dir)).stdout
    assert "»Depletion Allowance: 22% (domestic), 14% (foreign).«" in out


def test_validate_reports_all_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- kind: organization\n  id: Bad Id\n  name: x\n  org_kind: company\n  summary: s\n  citations: []\n")
    result = run("validate", "builtin", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:2:7: Bad Id: id: String should match pattern" in result.stderr
    assert f"{bad}:6:14: Bad Id: citations: List should have at least 1 item after validation, not 0" in result.stderr


def test_validate_passes_on_shipped_facts() -> None:
    result = run("validate", str(builtin_dir()))
    assert result.exit_code == 0, result.stderr
    assert "no problems" in result.stderr


def test_schema_validates_shipped_facts() -> None:
    schema = json.loads(run("schema").stdout)
    assert schema["schema_version"] == SCHEMA_VERSION
    for path in sorted(builtin_dir().rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema="), path
        jsonschema.validate(yaml.load(text, Loader=fact_loader()), schema)


def test_shipped_schema_file_is_current() -> None:
    shipped = json.loads((builtin_dir() / "tungsten-facts.schema.json").read_text(encoding="utf-8"))
    assert shipped == json.loads(run("schema").stdout)


def test_schema_of_one_kind() -> None:
    schema = json.loads(run("schema", "deposit").stdout)
    assert "reserves_wo3_t" in schema["properties"] and schema["additionalProperties"] is False


def test_export_sqlite(tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    target.write_text("old")
    result = run("export", "--sqlite", str(target), "--facts", MINI, "--force")
    assert result.exit_code == 0, result.output
    db = sqlite3.connect(target)
    assert db.execute("select reserves_wo3_t from deposits where id='testberg'").fetchone() == (1216000,)
    assert db.execute("select org, stake_pct from parties order by org").fetchall() == [("acme", 70), ("beta", 30)]
    assert db.execute("select count(*) from citations").fetchone() == (5,)
    assert db.execute("pragma foreign_key_check").fetchall() == []
    assert [p.name for p in tmp_path.iterdir()] == ["out.db"]


def test_export_into_a_folder_is_an_error(tmp_path: Path) -> None:
    result = run("export", "--sqlite", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == f"tungsten: error: {tmp_path}: is a folder; tungsten writes only regular files\n"


@pytest.mark.parametrize("name", sorted(n for n, c in commands().items() if any(p.name == "fmt" for p in c.params)))
def test_listing_commands_share_the_output_and_source_options(name: str) -> None:
    options = {opt for p in commands()[name].params for opt in getattr(p, "opts", [])}
    assert {"--format", "--json"} <= options
    if name == "schema":  # `--summary` describes a model: no pack to read, no records to filter
        return
    assert "--facts" in options
    if name not in ("show", "sources", "fields", "draft"):  # not listings: one record, every source, a view's fields, a pack to edit
        assert {"--fields", "--sort", "--limit", "--source"} <= options, name


def test_source_filter_on_comparison_rows() -> None:
    rows = run_json("crosscheck", "--source", "usgs-mcs-2025")
    assert rows and all("usgs-mcs-2025" in (r["left_source"], r["right_source"]) for r in rows)
    assert run_json("conflicts", "--source", "usgs-mcs-2025") == []


def test_help_groups_the_commands_by_purpose() -> None:
    text = run("--help").stdout
    sections = [line for line in text.splitlines() if line.endswith(" commands:")]
    assert sections == ["Browse commands:", "Compare commands:", "Check commands:", "Author commands:", "Share commands:"]
    listed = {line.split()[0] for line in text.split("Browse commands:")[1].splitlines() if line.startswith("  ")}
    assert listed == {c.name or c.callback.__name__.rstrip("_") for c in app.registered_commands if c.callback}  # every command, once
    compare = text.split("Compare commands:")[1].split("\n\n")[0]
    assert [line.split()[0] for line in compare.strip().splitlines()] == ["revisions", "crosscheck", "corrections", "conflicts"]
