"""A world that refuses output: a full disk, a closed stdout, a vanished reader; one line, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

COMMAND = [sys.executable, "-m", "tungsten_cli"]


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*COMMAND, *args], stderr=subprocess.PIPE, timeout=120, check=False, **kwargs)  # type: ignore[call-overload,no-any-return]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["facts", "--json"], ["deposits"], ["--help"], ["schema"]])
def test_full_disk_is_one_line_and_exit_1(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        done = _run(args, stdout=full)
    assert done.returncode == 1
    assert done.stderr == b"tungsten: error: standard output: No space left on device\n"


@pytest.mark.parametrize("args", [["deposits"], ["facts", "--json"]])
def test_closed_stdout_is_one_line_and_exit_1(args: list[str]) -> None:
    done = subprocess.run([*COMMAND, *args], stderr=subprocess.PIPE, timeout=120, check=False, pass_fds=(), preexec_fn=lambda: os.close(1))
    assert done.returncode == 1
    assert done.stderr == b"tungsten: error: standard output: closed\n"


def test_closed_stdout_does_not_stop_a_command_that_prints_nothing() -> None:
    done = subprocess.run(
        [*COMMAND, "validate", "builtin"], stderr=subprocess.PIPE, timeout=120, check=False, preexec_fn=lambda: os.close(1)
    )
    assert done.returncode == 0, done.stderr


def test_other_os_errors_name_their_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tungsten_cli import load

    pack = tmp_path / "p.yaml"
    pack.write_text("- x\n")

    def unreadable(path: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(load, "_read_capped", unreadable)
    result = run("validate", str(pack))
    assert result.exit_code == 1
    assert result.stderr == f"tungsten: error: {pack}: Permission denied\n"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("args", [["revisions", "--country", "CN"], ["facts", "--json"], ["show", "upper-kairakty"]])
def test_an_output_encoding_that_cannot_show_a_character_is_one_line(args: list[str], encoding: str) -> None:
    """A non-UTF-8 stdout (PYTHONIOENCODING=ascii, a Latin-1 locale) cannot show →, † or █: one line naming
    the character and the remedy, exit 1, never a traceback and never a '?' passed off as data."""
    done = _run(args, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONIOENCODING": encoding})
    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1, done.stderr.decode()
    assert lines[0].startswith("tungsten: error: standard output: cannot write '") and f"in the {encoding} encoding" in lines[0]
    assert "PYTHONIOENCODING=utf-8" in lines[0]


def test_a_utf8_output_encoding_is_unaffected() -> None:
    done = _run(["revisions", "--country", "CN"], stdout=subprocess.PIPE, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert done.returncode == 0 and done.stderr == b""
