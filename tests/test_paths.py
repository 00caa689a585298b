"""Fact pack paths: empty ones are usage errors; walks skip hidden folders and say what a bad path is."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, run

from tungsten_cli.load import fact_files


def _pack(tmp_path: Path) -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    for name in ("records.yaml", "sources.yaml"):
        shutil.copy(DATA / "mini" / name, folder / name)
    return folder


@pytest.mark.parametrize(
    "args", [["deposits", "--facts", ""], ["show", "acme", "--facts", ""], ["validate", ""], ["export", "--sqlite", "x.db", "--facts", ""]]
)
def test_empty_fact_path_is_a_usage_error(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "empty" in result.stderr, result.stderr


def test_walks_skip_hidden_folders_and_files(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    for hidden in (".git/objects/x.yaml", ".venv/lib/site.yaml", "sub/.#records.yaml"):
        (folder / hidden).parent.mkdir(parents=True, exist_ok=True)
        (folder / hidden).write_text("- not: a record\n")
    assert sorted(p.name for p in fact_files([str(folder)])) == ["records.yaml", "sources.yaml"]
    assert run("validate", str(folder)).exit_code == 0


def test_a_hidden_folder_named_explicitly_is_read(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    hidden = tmp_path / ".facts"
    folder.rename(hidden)
    assert len(fact_files([str(hidden)])) == 2


def test_one_file_named_twice_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _pack(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run("validate", "p", str(folder / "records.yaml"), "p/records.yaml", str(folder))
    assert result.exit_code == 0, result.stderr
    assert "in 2 file(s)" in result.stderr


def _fails(path: str, message: str) -> None:
    result = run("validate", path)
    assert result.exit_code == 1, result.output
    assert result.stderr == f"tungsten: error: {message}\n"


def test_broken_symlink_is_named(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    (folder / "gone.yaml").symlink_to("nowhere.yaml")
    _fails(str(folder), f"{folder / 'gone.yaml'}: broken symlink to nowhere.yaml")
    _fails(str(folder / "gone.yaml"), f"{folder / 'gone.yaml'}: broken symlink to nowhere.yaml")


def test_symlink_loop_is_named(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    (folder / "loop.yaml").symlink_to("loop.yaml")
    _fails(str(folder), f"{folder / 'loop.yaml'}: symlink loop")


def test_fifo_is_named_and_never_read(tmp_path: Path) -> None:
    folder = _pack(tmp_path)
    os.mkfifo(folder / "pipe.yaml")
    _fails(str(folder), f"{folder / 'pipe.yaml'}: not a regular file but a pipe (FIFO)")


def test_dev_stdin_says_what_it_is() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tungsten_cli", "validate", "/dev/stdin"], input=b"- x\n", capture_output=True, timeout=60, check=False
    )
    assert done.returncode == 1
    assert done.stderr.decode() == "tungsten: error: /dev/stdin: not a regular file but a pipe (FIFO)\n"


@pytest.mark.parametrize("command", [["verify"], ["show", "acme"], ["coverage"]])
def test_empty_source_dir_is_a_usage_error(command: list[str]) -> None:
    result = run(*command, "--source-dir", "", "--facts", str(DATA / "mini"))
    assert result.exit_code == 2, result.output
    assert result.stderr == "tungsten: error: Invalid value for --source-dir: is empty\n"
