"""The README stays a page a newcomer reads through, and the documents it leads to are all reachable.

The README holds what it is, set-up, a tour, exit codes and where to read more; everything longer
lives under docs/ (see "Where to read more"). Document a feature there, and give it at most a line
or a tour entry in the README.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from tungsten_cli.errors import ExitCode

README = ROOT / "README.md"
README_MAX_LINES = 400
DOCS = sorted((ROOT / "docs").glob("*.md"))
_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _links(path: Path) -> list[str]:
    """Relative link targets of a Markdown file, without their #fragment (code blocks are not read)."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return [target.split("#", 1)[0] for target in _LINK.findall(text) if not re.match(r"[a-z]+:", target) and not target.startswith("#")]


def test_the_readme_is_at_most_400_lines() -> None:
    lines = README.read_text(encoding="utf-8").count("\n")
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines, over {README_MAX_LINES}: move the detail into docs/ and link it"


def test_the_readme_links_every_doc() -> None:
    linked = {(README.parent / target).resolve() for target in _links(README)}
    wanted = [*DOCS, ROOT / "ARCHITECTURE.md", ROOT / "SECURITY.md"]
    missing = [str(doc.relative_to(ROOT)) for doc in wanted if doc.resolve() not in linked]
    assert not missing, f"README.md's 'Where to read more' does not link {missing}"


@pytest.mark.parametrize("path", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(path: Path) -> None:
    broken = [target for target in _links(path) if target and not (path.parent / target).exists()]
    assert not broken, f"{path.relative_to(ROOT)} links to missing files: {broken}"


def test_the_readme_exit_codes_are_the_codes_the_cli_uses() -> None:
    section = README.read_text(encoding="utf-8").split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"(?m)^\| (\d+) \|", section)}
    assert documented == {int(code) for code in ExitCode}, "README.md's exit code table and errors.ExitCode differ"
