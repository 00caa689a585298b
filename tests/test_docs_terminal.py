"""The examples of the README and docs/ print what they show today.

- Terminal examples are what an 80-column terminal shows (a pty, as test_pty runs it): in the
  README's tour every `$ tungsten` example with output, elsewhere an example whose output has a
  rich rule (─).
- Piped examples (a plain table, its header ruled with `---`) are what a pipe receives.

A last line `...` means the output goes on. When one fails, run its command in an 80-column
terminal (or piped) and paste what it prints. docs/commands.md is generated and has its own test;
the walk-throughs (`<!-- pack-example -->`, `<!-- draft-example -->`) run step by step in
tests/test_docs_pack_example.py and tests/test_docs_draft_example.py.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from conftest import ROOT, run
from test_pty import SGR, TUNGSTEN, screen

README = ROOT / "README.md"
DOCS = [README, *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "commands.md")]
_WALK_THROUGHS = re.compile(r"<!-- ([\w-]+-example) -->.*?<!-- /\1 -->", re.S)
_PIPED_RULE = re.compile(r"(?m)^-+(  -+)*$")


def _examples(path: Path) -> list[tuple[str, list[str]]]:
    """(command after `$ `, output lines) for each `$ tungsten` line of a console block that shows output."""
    text = _WALK_THROUGHS.sub("", path.read_text(encoding="utf-8"))
    found = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for part in re.split(r"(?m)^\$ ", block)[1:]:
            command, _, output = part.partition("\n")
            if command.startswith("tungsten ") and output.strip():
                found.append((command, output.splitlines()))
    return found


def _terminal(path: Path, output: list[str]) -> bool:
    return (path == README and not _PIPED_RULE.search("\n".join(output))) or any("─" in line for line in output)


TERMINAL = [(p, c, o) for p in DOCS for c, o in _examples(p) if _terminal(p, o)]
PIPED = [(p, c, o) for p in DOCS for c, o in _examples(p) if not _terminal(p, o)]


def _ids(examples: list[tuple[Path, str, list[str]]]) -> list[str]:
    return [f"{path.relative_to(ROOT)}: {command}" for path, command, _ in examples]


def _compare(shown: list[str], expected: list[str]) -> tuple[list[str], list[str]]:
    if expected[-1] == "...":
        return shown[: len(expected) - 1], expected[:-1]
    return shown, expected


def test_the_docs_have_terminal_examples() -> None:
    assert {command.split()[1] for _, command, _ in TERMINAL} >= {"deposits", "deals", "crosscheck"}


def test_the_readme_tour_shows_about_ten_commands() -> None:
    tour = [command for path, command, _ in TERMINAL if path == README]
    assert len({command.split()[1] for command in tour}) >= 8, tour


def test_the_docs_have_piped_examples() -> None:
    assert {command.split()[1] for _, command, _ in PIPED} >= {"corrections", "reserves", "revisions"}


@pytest.mark.skipif(TUNGSTEN is None, reason="needs the installed tungsten and a POSIX pty")
@pytest.mark.parametrize(("path", "command", "expected"), TERMINAL, ids=_ids(TERMINAL))
def test_a_terminal_example_is_what_80_columns_show(path: Path, command: str, expected: list[str]) -> None:
    shown = [line.rstrip() for line in SGR.sub("", screen(shlex.split(command)[1:], 80)).splitlines()]
    shown, expected = _compare(shown, expected)
    assert shown == expected, f"{path.name}: `$ {command}` is stale: run it in an 80-column terminal and paste the screen"


@pytest.mark.parametrize(("path", "command", "expected"), PIPED, ids=_ids(PIPED))
def test_a_piped_example_is_what_a_pipe_receives(path: Path, command: str, expected: list[str]) -> None:
    result = run(*shlex.split(command, comments=True)[1:])
    assert result.exit_code == 0, result.stderr
    shown, expected = _compare([line.rstrip() for line in result.stdout.splitlines()], expected)
    assert shown == expected, f"{path.name}: `$ {command}` is stale: run it piped and paste what it prints"
