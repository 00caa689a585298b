"""The installed `tungsten` command as a real process: pipes, exit codes, no TTY, no tracebacks."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA

SCRIPT = Path(sys.executable).with_name("tungsten")
TUNGSTEN = str(SCRIPT) if SCRIPT.exists() else shutil.which("tungsten")
pytestmark = pytest.mark.skipif(TUNGSTEN is None, reason="the tungsten console script is not installed")


def tungsten(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(TUNGSTEN), *args], capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}, timeout=60, check=False
    )


def test_runs_from_any_folder_with_builtin_facts(tmp_path: Path) -> None:
    result = tungsten("imports", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {r["partner"] for r in json.loads(result.stdout)} >= {"CN", "DE", "BO", "VN", "other"}


def test_piped_table_is_plain_text(tmp_path: Path) -> None:
    result = tungsten("deposits", "--facts", str(DATA / "mini"), env={"FORCE_COLOR": "", "TERM": "xterm-256color"})
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert result.stdout.splitlines()[0].split() == ["id", "name", "country", "reserves", "grade", "WO3", "status", "region", "metals"]


def test_usage_error_exit_code_and_single_line() -> None:
    result = tungsten("deposits", "--country", "XX")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "tungsten: error: unknown country 'XX' (use an ISO 3166-1 code such as KZ or an English name)\n"


def test_bad_pack_exit_1_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("- kind: deposit\n  id: x\n  reserves_wo3_t: lots\n")
    result = tungsten("facts", "--facts", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"{bad}:3:19: x: reserves_wo3_t: Input should be a valid number" in result.stderr


def test_closed_pipe_ends_quietly() -> None:
    proc = subprocess.Popen([str(TUNGSTEN), "facts", "--format", "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    assert json.loads(first)["id"]
    assert stderr == b""
    assert proc.returncode in (0, -signal.SIGPIPE)


def test_shell_pipe_into_head() -> None:
    result = subprocess.run(
        f"'{TUNGSTEN}' facts --format jsonl | head -1", shell=True, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) == 1


def test_ctrl_c_exits_130_without_traceback() -> None:
    code = (
        "import sys; from tungsten_cli import entry, load\n"
        "def interrupted(*args, **kwargs): raise KeyboardInterrupt\n"
        "load.load_facts = interrupted; sys.argv = ['tungsten', 'facts']; entry.main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 130
    assert "Traceback" not in result.stderr


def test_python_dash_m_works() -> None:
    result = subprocess.run([sys.executable, "-m", "tungsten_cli", "--version"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout.startswith("tungsten ")


def test_shell_completion_offers_field_names_and_commands() -> None:
    env = {"_TUNGSTEN_COMPLETE": "complete_bash", "COMP_WORDS": "tungsten deposits --fields id,gra", "COMP_CWORD": "3"}
    assert tungsten(env=env).stdout.split() == ["id,grade_wo3_min_pct", "id,grade_wo3_max_pct"]
    env = {"_TUNGSTEN_COMPLETE": "complete_bash", "COMP_WORDS": "tungsten dep", "COMP_CWORD": "1"}
    assert tungsten(env=env).stdout.split() == ["deposits"]
