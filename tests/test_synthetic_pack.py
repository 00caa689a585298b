"""The benchmark's synthetic pack stays valid and verifiable as the schema's rules tighten."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT

from tungsten_cli.load import fact_files, validate
from tungsten_cli.verify import verify

sys.path.insert(0, str(ROOT / "benchmarks"))
import make_pack


def test_a_synthetic_pack_validates_and_verifies(tmp_path: Path) -> None:
    summary = make_pack.generate(600, tmp_path, per_file=250)
    facts = validate(fact_files([summary["pack"]]))
    assert len(facts.records) == 600
    report = verify(facts, tmp_path / "sources")
    assert report.problems == []
