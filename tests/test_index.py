"""Views served through the cache's index give exactly what a scan over every record gives."""

from __future__ import annotations

import sys
from pathlib import Path
from unittest import mock

import pytest
from conftest import DATA, ROOT, run

from tungsten_cli import cachefile

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_pack

COMMANDS = [
    ["facts", "--country", "KZ"],
    ["facts", "--country", "AU", "--kind", "deal"],
    ["deposits", "--country", "KZ"],
    ["deals", "--country", "KZ", "--party", "tau"],
    ["orgs", "--country", "KZ"],
    ["production"],
    ["search", "kairakty"],
    ["search", "mirka group"],
    ["search", "%"],
    ["show", "upper-kairakty"],
    ["show", "usgs-mine-production-cn-2024"],
    ["show", "kz-tungsten-reserves"],  # a country missing from the other source's table
    ["show", "synth-figure-0000008"],
    ["show", "synth-organization-0000001"],
    ["crosscheck"],
    ["conflicts"],
]


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return Path(make_pack.generate(400, tmp_path_factory.mktemp("synthetic"))["pack"])


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_index_and_scan_agree(command: list[str], pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = [*command, "--json", "--facts", "builtin", "--facts", str(DATA / "mini"), "--facts", str(pack)]
    monkeypatch.setenv("TUNGSTEN_NO_CACHE", "1")
    scanned = run(*args)
    monkeypatch.setenv("TUNGSTEN_NO_CACHE", "0")
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    cold, warm = run(*args), run(*args)
    assert scanned.exit_code == 0, scanned.stderr
    assert scanned.stdout.strip() not in ("", "[]"), "a command that finds nothing proves nothing"
    assert cold.stdout == scanned.stdout
    assert warm.stdout == scanned.stdout


@pytest.mark.parametrize("command", [["facts"], ["deposits"], ["deals"], ["orgs"], ["quotas"]], ids=" ".join)
def test_a_warm_country_listing_decodes_only_that_countrys_records(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path / "cache"))
    args = [*command, "--country", "KZ", "--json"]
    cold = run(*args)
    assert cold.exit_code == 0 and cold.stdout.strip() != "[]", cold.stderr
    with mock.patch.object(cachefile.CacheFile, "records", side_effect=AssertionError("decoded a whole kind")):
        warm = run(*args)
    assert (warm.exit_code, warm.stdout) == (0, cold.stdout), warm.stderr


def test_referrers_list_who_points_at_each_record_in_the_records_order() -> None:
    """The index table `ref` and `orgs` without an index come from this one function, so no run compares them."""
    from tungsten_cli.kinds import referrers

    deals = [{"id": f"deal-{n}", "kind": "deal", "parties": [{"org": "b"}, {"org": "a"}], "deposit": "d"} for n in (2, 1, 3)]
    deposit = {"id": "d", "kind": "deposit", "operator": "a"}
    assert referrers([*deals, deposit]) == {
        "a": ["deal-2", "deal-1", "deal-3", "d"],
        "b": ["deal-2", "deal-1", "deal-3"],
        "d": ["deal-2", "deal-1", "deal-3"],
    }
