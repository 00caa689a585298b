"""Comparison groups built with the cache: a warm crosscheck, conflicts or revisions lists what a run
without a cache lists, and reads only the records of the groups it shows."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import pytest
from conftest import ROOT, run

from tungsten_cli import cachefile
from tungsten_cli.claims import claim_groups
from tungsten_cli.kinds import comparison_key
from tungsten_cli.load import BUILTIN, load_facts

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_pack  # the benchmark's pack of shipped-record copies


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("copies")
    make_pack.generate_copies(1500, folder, per_file=750)
    return folder / "pack"


@pytest.mark.parametrize("view", ["crosscheck", "conflicts", "revisions"])
@pytest.mark.parametrize("with_copies", [False, True], ids=["built-in", "built-in+copies"])
def test_warm_cold_and_uncached_runs_list_the_same(
    copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, view: str, with_copies: bool
) -> None:
    facts = ["--facts", BUILTIN, *(["--facts", str(copies)] if with_copies else [])]
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    uncached = run("--no-cache", view, "--json", *facts)
    cold = run(view, "--json", *facts)
    with mock.patch("tungsten_cli.validate._build", side_effect=AssertionError("validated")):
        warm = run(view, "--json", *facts)
        table = run(view, *facts)
    assert uncached.exit_code == cold.exit_code == warm.exit_code == table.exit_code == 0, warm.stderr
    assert uncached.stdout == cold.stdout == warm.stdout
    assert uncached.stdout.strip() not in ("", "[]")
    assert table.stdout == run("--no-cache", view, *facts).stdout


def test_a_warm_crosscheck_reads_only_the_records_of_its_groups(copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    paths = [BUILTIN, str(copies)]
    facts = load_facts(paths)  # cold: writes the cache
    claims = [r for r in facts.records if comparison_key(r) is not None]
    decoded: list[int] = []
    original = cachefile.CacheFile.record

    def counted(self: cachefile.CacheFile, start: int, stop: int, crc: int) -> dict[str, object]:
        decoded.append(start)
        return original(self, start, stop, crc)

    with mock.patch.object(cachefile.CacheFile, "record", counted):
        result = run("crosscheck", "--json", "--facts", BUILTIN, "--facts", str(copies))
    assert result.exit_code == 0, result.stderr
    shown = load_facts(paths, kinds=()).lookups
    assert shown is not None
    grouped = {record_id for ids in shown.table("compare:crosscheck").values() for record_id in ids}
    assert len(decoded) == len(grouped) < len(claims) / 10


def test_the_stored_groups_are_the_claim_groups_that_can_give_rows() -> None:
    facts = load_facts([BUILTIN])
    stored = facts.lookups
    assert stored is not None
    every = claim_groups(facts, facts.records)
    kept = stored.table("compare:crosscheck")
    assert set(kept) < set(every)  # the groups of one publication are left out
    assert {key for key, group in every.items() if len(group) > 1} == set(stored.table("compare:conflicts"))
