"""The README's terminal examples are what an 80-column terminal shows today (a pty, as test_pty runs it).

An example is a console block whose output has a rich rule (─); a last line `...` means the output
goes on. When one fails, run its command in an 80-column terminal and paste the screen.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_pty import SGR, TUNGSTEN, screen

README = Path(__file__).resolve().parent.parent / "README.md"
pytestmark = pytest.mark.skipif(TUNGSTEN is None, reason="needs the installed tungsten and a POSIX pty")


def _examples() -> list[tuple[str, list[str]]]:
    found = []
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        for part in re.split(r"(?m)^\$ ", block)[1:]:
            command, _, output = part.partition("\n")
            if "─" in output:
                found.append((command, output.splitlines()))
    return found


EXAMPLES = _examples()


def test_the_readme_has_terminal_examples() -> None:
    assert {command.split()[1] for command, _ in EXAMPLES} >= {"deposits", "deals", "crosscheck"}


@pytest.mark.parametrize(("command", "expected"), EXAMPLES, ids=[command for command, _ in EXAMPLES])
def test_a_readme_terminal_example_is_what_80_columns_show(command: str, expected: list[str]) -> None:
    shown = [line.rstrip() for line in SGR.sub("", screen(command.split()[1:], 80)).splitlines()]
    if expected[-1] == "...":
        expected, shown = expected[:-1], shown[: len(expected) - 1]
    assert shown == expected, f"README example `$ {command}` is stale: run it in an 80-column terminal and paste the screen"
