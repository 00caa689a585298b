"""ARCHITECTURE.md's code map names every module of the package, and only modules that exist."""

from __future__ import annotations

import re

from conftest import ROOT

MAP = ROOT / "ARCHITECTURE.md"
_ENTRY = re.compile(r"^### `(tungsten_cli/[\w/]+\.py)`$", re.MULTILINE)


def _modules() -> set[str]:
    return {path.relative_to(ROOT).as_posix() for path in (ROOT / "tungsten_cli").rglob("*.py") if "__pycache__" not in path.parts}


def _entries() -> list[str]:
    return _ENTRY.findall(MAP.read_text(encoding="utf-8"))


def test_every_module_has_an_entry_in_the_code_map() -> None:
    missing = sorted(_modules() - set(_entries()))
    assert not missing, "\n".join(
        f"ARCHITECTURE.md's code map lacks {path}: add a section '### `{path}`' under '## Code map' "
        "with one short paragraph saying what the module owns and what it must not do"
        for path in missing
    )


def test_every_entry_names_a_module_that_exists() -> None:
    stale = sorted(set(_entries()) - _modules())
    assert not stale, (
        f"ARCHITECTURE.md's code map names modules that do not exist (renamed or removed?): {stale}; rename or drop their sections"
    )


def test_each_module_has_one_entry() -> None:
    entries = _entries()
    assert len(entries) == len(set(entries)), f"sections named twice: {sorted({e for e in entries if entries.count(e) > 1})}"


def test_adding_a_kind_names_at_most_three_code_files() -> None:
    text = MAP.read_text(encoding="utf-8")
    section = text[text.index("### … a record kind") :].split("\n### ", 1)[0]
    code = set(re.findall(r"tungsten_cli/[\w/]+\.py", section))
    assert 0 < len(code) <= 3, f"'How to add a record kind' names {sorted(code)}: at most three code files"
