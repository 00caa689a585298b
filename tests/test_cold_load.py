"""The cold path: one pydantic call per file, a lean YAML builder, and the same records and messages as record by record."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_strict_packs import ORGS, accepted, rejected

from tungsten_cli import validate as validate_module
from tungsten_cli.load import builtin_dir, fact_files
from tungsten_cli.records import gc_paused


@pytest.mark.parametrize("path", fact_files([str(builtin_dir())]), ids=lambda p: p.name)
def test_whole_file_validation_gives_what_record_by_record_gives(path: Path) -> None:
    problems: list[object] = []
    with gc_paused():
        parsed = validate_module._parse(str(path), path.read_bytes(), problems)  # type: ignore[arg-type]
        assert parsed is not None and not problems
        items, node, duplicates = parsed
        fast = validate_module._validate_file(str(path), items, node, duplicates, problems)  # type: ignore[arg-type]
        pairs = list(zip(items, node.value))
        slow = list(validate_module._validate_items(str(path), pairs, duplicates, problems))  # type: ignore[arg-type]
    assert fast == slow and not problems
    assert all(isinstance(origin["line"], int) for _, origin in fast)


def test_one_bad_record_among_good_ones_is_located_and_the_rest_still_checked(tmp_path: Path) -> None:
    bad = "- kind: organization\n  id: gamma\n  name: Gamma\n  org_kind: bnak\n  summary: G.\n  citations: [{source: mini, quote: Acme}]\n"
    rejected(
        tmp_path,
        bad + ORGS.replace("acme", "delta").replace("beta", "epsilon"),
        "20:13: gamma: org_kind: Input should be 'company', 'state-company', 'state-body', 'bank', 'sovereign-fund', 'exchange', 'research-body' or 'media'",
    )


def test_merge_keys_and_non_text_keys_keep_yaml_semantics(tmp_path: Path) -> None:
    merged = "- kind: organization\n  id: gamma\n  <<: {name: Gamma, org_kind: bank}\n  summary: Gamma.\n  citations: [{source: mini, quote: Acme}]\n"
    records = accepted(tmp_path, merged)
    assert next(r for r in records if r["id"] == "gamma")["name"] == "Gamma"
    numeric_key = merged.replace("  summary: Gamma.\n", "  summary: Gamma.\n  1: one\n")
    rejected(tmp_path, numeric_key, "17:3: gamma: 1: Keys should be strings")
