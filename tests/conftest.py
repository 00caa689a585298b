"""Shared fixtures: an isolated cache, a fixed terminal width, and the source folder."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tungsten_cli.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SOURCE_DIR = Path(os.environ.get("TUNGSTEN_SOURCE_DIR") or ROOT.parent / "shared" / "sources")

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("TUNGSTEN_FACTS", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TUNGSTEN_SOURCE_DIR", str(SOURCE_DIR))


@pytest.fixture
def source_dir() -> Path:
    if not SOURCE_DIR.is_dir():
        pytest.skip(f"source texts not found at {SOURCE_DIR}; set TUNGSTEN_SOURCE_DIR")
    return SOURCE_DIR


def run(*args: str) -> Any:
    """Invoke the CLI in-process; stdout and stderr stay apart."""
    return runner.invoke(app, list(args))


def run_json(*args: str) -> list[dict[str, Any]]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data
