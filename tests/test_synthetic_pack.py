"""The benchmark's packs (synthetic, and copies of the shipped records) stay valid and verifiable as the schema's rules tighten."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT

from tungsten_cli.kinds import comparison_key
from tungsten_cli.load import BUILTIN, fact_files, validate
from tungsten_cli.verify import verify

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_pack


def test_a_synthetic_pack_validates_and_verifies(tmp_path: Path) -> None:
    summary = make_pack.generate(600, tmp_path, per_file=250)
    facts = validate(fact_files([summary["pack"]]))
    assert len(facts.records) == 600
    report = verify(facts, tmp_path / "sources")
    assert report.problems == []


def test_copies_of_the_shipped_records_validate_and_verify_beside_them(tmp_path: Path, source_dir: Path) -> None:
    """Two copies and a part of a third (cut where every link still finds its record), each with its
    own ids, subjects and comparison keys, and the citations as shipped."""
    shipped = len(make_pack.shipped_records())
    summary = make_pack.generate_copies(2 * shipped + 60, tmp_path, per_file=400)
    facts = validate(fact_files([BUILTIN, summary["pack"]]))
    assert len(facts.records) == 3 * shipped + 60
    copies = [r for r in facts.records if r["id"].startswith("copy")]
    keys = [comparison_key(r) for r in facts.records]
    assert len({k for k in keys if k is not None}) > 2.5 * len({comparison_key(r) for r in facts.records[:shipped]} - {None})
    assert {r["citations"][0]["source"] for r in copies} <= set(facts.sources)
    assert verify(facts, source_dir).problems == []
