"""Docs name no machine-specific paths: the shared folder is ../shared from a checkout."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

DOCS = sorted(p for p in [*ROOT.glob("*.md"), *ROOT.glob("benchmarks/*.md"), *ROOT.glob("docs/*.md")] if p.is_file())


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_machine_specific_paths(path: object) -> None:
    text = path.read_text(encoding="utf-8")  # type: ignore[attr-defined]
    found = re.findall(r"(?<![\w.])/(?:work|root|home/\w+|Users/\w+)/\S*", text)
    assert not found, f"{path}: {found}"
