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


def test_a_ctrl_c_inside_a_command_is_one_line_and_130(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer turns a KeyboardInterrupt in a command into a silent `Exit(130)`; the boundary must still speak."""
    from conftest import run

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("tungsten_cli.commands.listing.listing", interrupted)
    result = run("deals")
    assert (result.exit_code, result.stderr, result.stdout) == (ExitCode.INTERRUPTED, "tungsten: error: interrupted\n", "")
