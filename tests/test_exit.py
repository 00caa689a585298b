"""The CLI leaves through os._exit to skip interpreter teardown: nothing may depend on that teardown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_installed import TUNGSTEN, tungsten

pytestmark = pytest.mark.skipif(TUNGSTEN is None, reason="the tungsten console script is not installed")

# Importing every module the package can reach registers no exit hook but logging's own, which
# only flushes logging handlers, and the package installs none.
_HOOKS = """
import atexit, importlib, pkgutil
hooks = []
register = atexit.register
atexit.register = lambda f, *a, **k: hooks.append(f"{f.__module__}.{f.__qualname__}") or register(f, *a, **k)
import tungsten_cli
for module in pkgutil.walk_packages(tungsten_cli.__path__, "tungsten_cli."):
    if module.name != "tungsten_cli.__main__":
        importlib.import_module(module.name)
import csv, json, sqlite3, yaml, pydantic, pycountry, rich.console, rich.table, typer.completion
print(sorted(set(hooks)))
"""


def test_no_module_registers_an_exit_hook_that_os_exit_would_skip() -> None:
    result = subprocess.run([sys.executable, "-c", _HOOKS], capture_output=True, text=True, check=True)
    assert result.stdout.strip() in ("[]", "['logging.shutdown']")


def test_a_large_output_to_a_file_is_complete(tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as users run it
    with out.open("w") as handle:
        done = subprocess.run([str(TUNGSTEN), "facts", "--format", "jsonl"], stdout=handle, env=buffered, check=False)
    assert done.returncode == 0
    lines = out.read_text().splitlines()
    expected = json.loads(tungsten("facts", "--json").stdout)
    assert len(lines) == len(expected) > 500
    assert json.loads(lines[-1]) == expected[-1]


@pytest.mark.parametrize(("code", "status", "message"), [(None, 0, ""), (3, 3, ""), ("gone", 1, "gone\n")])
def test_exit_keeps_the_meaning_sys_exit_gives_a_code(code: object, status: int, message: str) -> None:
    program = f"from tungsten_cli.entry import _exit; _exit({code!r})"
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=False)
    assert (result.returncode, result.stderr) == (status, message)
