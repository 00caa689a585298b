"""The review's defects that were wrong results, not crashes: coverage's ignore lists judged only for
the sources chosen and read, show's crosscheck rows the same as crosscheck's, an in-band
`unverified` in `show --json`, and note marks kept out of piped ids."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA, run

from tungsten_cli.crosscheck import crosscheck
from tungsten_cli.load import load_facts

MINI = str(DATA / "mini")


def test_coverage_of_one_source_judges_only_its_ignore_list(source_dir: Path, tmp_path: Path) -> None:
    """A folder holding only the chosen source: other sources' ignore entries are not 'stale'."""
    only = tmp_path / "only"
    only.mkdir()
    shutil.copy(source_dir / "usgs-mcs-2025-tungsten.en.txt", only)
    result = run("coverage", "usgs-mcs-2025", "--source-dir", str(only))
    assert result.stdout == "" or "matches no unit" not in result.stdout
    assert result.stderr.endswith(": 0 gap(s), 0 problem(s)\n"), result.stderr
    assert result.exit_code == 0


@pytest.mark.parametrize("cached", [True, False])
def test_show_lists_every_crosscheck_row_naming_the_record(cached: bool) -> None:
    facts = load_facts(use_cache=cached)
    rows = crosscheck(facts)
    for record in facts.records:
        expected = [r for r in rows if record["id"] in (r["left_id"], r["right_id"])]
        assert crosscheck(facts, only=record) == expected, record["id"]


def test_the_undated_claim_meets_the_dated_one_in_show() -> None:
    shown = json.loads(run("show", "us-net-import-reliance-80", "--json").stdout)[0]["crosscheck"]
    assert [(r["verdict"], r["detail"]) for r in shown] == [("bound-vs-value", "80 is within the bound >50")]


def test_show_json_marks_quotes_of_a_source_off_its_pin(tmp_path: Path) -> None:
    folder = tmp_path / "sources"
    shutil.copytree(DATA / "sources", folder)
    good = json.loads(run("show", "acme-loan", "--facts", MINI, "--source-dir", str(folder), "--json").stdout)[0]
    assert all("unverified" not in c for c in good["citations"])
    with open(folder / "mini.txt", "a", encoding="utf-8") as text:
        text.write("edited\n")
    result = run("show", "acme-loan", "--facts", MINI, "--source-dir", str(folder), "--json")
    citations = json.loads(result.stdout)[0]["citations"]
    assert citations and all("ac7167a4" in c["unverified"] for c in citations), citations  # names the pin it missed
    assert "unverified" in result.stderr


def test_piped_ids_carry_no_mark() -> None:
    result = run("facts", "--source", "sunsirs-2025-11-21")
    ids = [line.split()[0] for line in result.stdout.splitlines()[2:]]
    facts = {r["id"] for r in load_facts().records}
    assert ids and set(ids) <= facts
    assert "†" in result.stdout and "† curator notes: tungsten show ID" in result.stderr
