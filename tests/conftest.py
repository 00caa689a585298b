"""Shared fixtures: an isolated cache, a fixed terminal width, and the source folder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
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


# One organization citing the mini pack's source: the smallest record a pack under test starts from.
ACME = """\
- kind: organization
  id: acme
  name: Acme
  org_kind: company
  summary: Acme is a company.
  citations:
    - source: mini
      quote: Acme
"""


def mini_pack(tmp_path: Path, text: str | bytes, name: str = "pack.yaml") -> Path:
    """The folder `tmp_path/pack`: the mini pack's sources plus one file under test, `name`, holding
    `text` (written again on each call)."""
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    shutil.copy(DATA / "mini" / "sources.yaml", folder / "sources.yaml")
    (folder / name).write_bytes(text.encode() if isinstance(text, str) else text)
    return folder


def replace_once(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a pack file by `new`: the break a test makes on purpose. `old` must be
    there, or the test would pass having broken nothing."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(*args: str) -> Any:
    """Invoke the CLI in-process; stdout and stderr stay apart."""
    return runner.invoke(app, list(args))


def run_json(*args: str) -> list[dict[str, Any]]:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    return data


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@contextmanager
def headless_chromium(width: int = 1100, height: int = 900) -> Iterator[Any]:
    """Debian's chromium driven by selenium, headless, on a throwaway profile removed afterwards;
    console messages kept (`get_log("browser")`). Callers skip first when selenium or chromium is missing."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="tungsten-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile}",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@contextmanager
def deadline(seconds: int, message: str) -> Iterator[None]:
    """A hang (a FIFO opened, a worker lost) fails the test with TimeoutError(message) after
    `seconds` instead of stopping the suite; the alarm and its handler are put back after."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(message)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def exported(folder: Path, *args: str) -> Path:
    """`tungsten export ARGS` run into `folder` (each arg a file name there after its option), which it returns."""
    options = [arg if arg.startswith("--") else str(folder / arg) for arg in args]
    result = run("export", *options)
    assert result.exit_code == 0, result.stderr
    return folder
