"""docs/adding-facts.md's own-pack walk-through, run verbatim: its commands, its files and the output it shows.

The example is read from docs/adding-facts.md between `<!-- pack-example -->` markers, so the doc and this
test cannot drift apart. In a `console` block each `$ ` line is run with bash (the installed
`tungsten` first on PATH) and must print the lines below it, where `…` stands for any text (counts of
the built-in set, which grow). A `yaml` block is written to the file named just above it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SOURCE_DIR

SCRIPT = Path(sys.executable).with_name("tungsten")
TUNGSTEN = str(SCRIPT) if SCRIPT.exists() else shutil.which("tungsten")
_BLOCK = re.compile(r"^```(console|yaml)\n(.*?)^```", re.DOTALL | re.MULTILINE)
_FILE = re.compile(r"`([\w./-]+\.ya?ml)`:$")


def _example(marker: str = "pack-example") -> str:
    found = re.search(
        rf"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", (ROOT / "docs" / "adding-facts.md").read_text(encoding="utf-8"), re.DOTALL
    )
    assert found, f"docs/adding-facts.md has no <!-- {marker} --> section"
    return found.group(1)


def _steps(example: str) -> list[tuple[str, str, str]]:
    """("run", command, expected output) and ("write", path, text), in the doc's order."""
    steps: list[tuple[str, str, str]] = []
    for block in _BLOCK.finditer(example):
        lang, body = block.groups()
        if lang == "yaml":
            before = example[: block.start()].rstrip().rpartition("\n")[2]
            named = _FILE.search(before)
            assert named, f"no `file.yaml`: line above the yaml block, found {before!r}"
            steps.append(("write", named.group(1), body))
            continue
        for chunk in re.split(r"^\$ ", body, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append(("run", command, output))
    return steps


def _matches(expected: str, actual: str) -> bool:
    pattern = ".+?".join(re.escape(part) for part in expected.split("…"))
    return re.fullmatch(pattern, actual, re.DOTALL) is not None


def test_the_example_has_what_the_issue_asks_for() -> None:
    commands = [text for step, text, _ in _steps(_example()) if step == "run"]
    verify = next(c for c in commands if c.startswith("tungsten verify"))
    assert verify.count("--source-dir") == 2
    assert any(c.startswith("tungsten validate") for c in commands)
    assert any("--facts builtin --facts my-pack" in c and c.startswith("tungsten deposits") for c in commands)
    assert [path for step, path, _ in _steps(_example()) if step == "write"] == ["my-pack/pack.yaml"]


@pytest.mark.skipif(TUNGSTEN is None, reason="the tungsten command is not installed")
def test_the_readme_pack_example_runs_verbatim(tmp_path: Path) -> None:
    run_verbatim("pack-example", tmp_path)


def run_verbatim(marker: str, tmp_path: Path) -> None:
    """Run the walk-through between the doc's `marker` comments, writing its files, comparing its output."""
    if TUNGSTEN is None:
        pytest.skip("the tungsten command is not installed")
    if not SOURCE_DIR.is_dir():
        pytest.skip(f"source texts not found at {SOURCE_DIR}; set TUNGSTEN_SOURCE_DIR")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "sources").symlink_to(SOURCE_DIR.resolve(), target_is_directory=True)
    work = tmp_path / "work"  # the doc's commands run from a checkout beside ../shared/sources
    work.mkdir()
    env = {**os.environ, "PATH": f"{Path(str(TUNGSTEN)).parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    for step, text, detail in _steps(_example(marker)):
        if step == "write":
            (work / text).write_text(detail, encoding="utf-8")
            continue
        done = subprocess.run(
            ["bash", "-c", text], cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, f"$ {text}\n{done.stdout}"
        assert _matches(detail, done.stdout), f"$ {text}\ndocs/adding-facts.md shows:\n{detail}\nthe command printed:\n{done.stdout}"
