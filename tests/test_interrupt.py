"""Ctrl-C ends in one line and exit 130 wherever it lands, also while the command's modules load."""

from __future__ import annotations

import importlib.abc
import signal
import subprocess
import sys
import time
from typing import Any

import pytest
from test_installed import TUNGSTEN

from tungsten_cli import entry
from tungsten_cli.errors import ExitCode


class _InterruptCli(importlib.abc.MetaPathFinder):
    """Raises KeyboardInterrupt where the import of `tungsten_cli.cli` would start, as a Ctrl-C there does."""

    def find_spec(self, name: str, path: Any, target: Any = None) -> None:
        if name == "tungsten_cli.cli":
            raise KeyboardInterrupt
        return None


def test_a_ctrl_c_while_the_cli_imports_is_one_line_and_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delitem(sys.modules, "tungsten_cli.cli", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_InterruptCli(), *sys.meta_path])
    exits: list[int] = []
    monkeypatch.setattr(entry.os, "_exit", lambda code: exits.append(code))
    entry.main()
    assert exits == [ExitCode.INTERRUPTED]
    assert capsys.readouterr().err == "tungsten: error: interrupted\n"


def _before_our_code(err: str) -> bool:
    """An interrupt that lands before any code of ours runs, so no frame names the package: CPython's
    own start ("Fatal Python error" while it sets up streams or imports `site`) or pip's console-script
    wrapper (its `import re`, its own line 0)."""
    return "tungsten_cli" not in err


@pytest.mark.skipif(TUNGSTEN is None or sys.platform == "win32", reason="needs the installed tungsten and POSIX signals")
def test_no_ctrl_c_during_start_up_ends_in_a_traceback() -> None:
    """A sweep over the first 80 ms of a warm run: the one line (or a run that ended first), never a
    traceback."""
    assert TUNGSTEN is not None
    command = [TUNGSTEN, "deposits", "--country", "KZ", "--json"]
    subprocess.run(command, capture_output=True, check=True)  # a warm cache, as users mostly start
    for delay in (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08):
        run = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        run.send_signal(signal.SIGINT)
        _, err = run.communicate()
        if _before_our_code(err):
            continue
        assert err in ("", "tungsten: error: interrupted\n"), f"after {delay} s: {err}"
        assert run.returncode in (0, ExitCode.INTERRUPTED, -signal.SIGINT), (delay, run.returncode, err)
