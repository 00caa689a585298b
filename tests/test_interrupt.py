"""Ctrl-C ends in one line and exit 130 wherever it lands, also while the command's modules load."""

from __future__ import annotations

import importlib.abc
import sys
from typing import Any

import pytest

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
