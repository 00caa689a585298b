"""docs/editions.md's worked example holds: each command runs, prints the output shown under it,
and prints every figure and verdict its comment claims (84,000e → 79,800, 1,800,000 → 2,400,000, ...)."""

from __future__ import annotations

import re
import shlex

import pytest
from conftest import ROOT, run

_INTRO = "A worked example, from the findings that prompted this:"
_VERDICTS = ("estimate-revised", "series-changed", "unchanged", "revised")


def _commands() -> list[tuple[list[str], str, list[str]]]:
    """(argv after `tungsten`, the comment, the output lines shown) for each `$ tungsten` line of the example."""
    text = (ROOT / "docs" / "editions.md").read_text(encoding="utf-8")
    assert _INTRO in text, "docs/editions.md lost its worked example"
    block = text.split(_INTRO, 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    found: list[tuple[list[str], str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ tungsten "):
            command, _, comment = line[2:].partition("#")
            found.append((shlex.split(command)[1:], comment.strip(), []))
        elif found:
            found[-1][2].append(line)
    return found


def _claims(comment: str) -> tuple[list[str], list[str]]:
    """What a comment says the output shows: its figures (66,000e, 2,400,000, 172) and editions, and its verdicts."""
    figures = [word.strip(",;:()") for word in comment.split() if re.search(r"\d", word) and not re.fullmatch(r"\d{4}[,;:]?", word)]
    editions = re.findall(r"MCS \d{4}", comment)
    return figures + editions, [v for v in _VERDICTS if re.search(rf"(?<![\w-]){v}(?![\w-])", comment)]


def test_the_example_has_its_commands() -> None:
    assert len(_commands()) >= 8


@pytest.mark.parametrize(("argv", "comment", "shown"), [pytest.param(*c, id=" ".join(c[0])) for c in _commands()])
def test_each_command_prints_what_the_readme_says(argv: list[str], comment: str, shown: list[str]) -> None:
    result = run(*argv)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert [line.rstrip() for line in shown] == [line.rstrip() for line in out.splitlines()][: len(shown)], (
        "docs/editions.md shows other output"
    )
    figures, verdicts = _claims(comment)
    for figure in figures:
        estimate = figure.endswith("e") and figure[:-1].replace(",", "").isdigit()
        # an estimate reads 84,000e in revisions and 71,000 t (e) in a listing
        assert figure in out or (estimate and f"{figure[:-1]} t (e)" in out), (figure, out)
    for verdict in verdicts:
        assert re.search(rf"(?<![\w-]){verdict}(?![\w-])", out), (verdict, out)
