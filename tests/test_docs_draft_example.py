"""docs/adding-facts.md's `tungsten draft` walk-through, run verbatim (draft -> edit -> validate -> verify -> coverage)."""

from __future__ import annotations

from pathlib import Path

from test_docs_pack_example import _example, _steps, run_verbatim


def test_the_walk_through_goes_from_draft_to_coverage() -> None:
    commands = [text.split()[1] for step, text, _ in _steps(_example("draft-example")) if step == "run" and text.startswith("tungsten")]
    assert commands == ["draft", "validate", "validate", "verify", "coverage", "draft"]
    assert [path for step, path, _ in _steps(_example("draft-example")) if step == "write"] == ["my-pack/pack.yaml"]


def test_the_draft_walk_through_runs_verbatim(tmp_path: Path) -> None:
    run_verbatim("draft-example", tmp_path)
