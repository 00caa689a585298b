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


# The console script's run, its os._exit standing in for one that says what the run kept.
_KEPT = """
import os, sys
from tungsten_cli import entry, load, records
real = os._exit
def leave(status):
    kept = load._until_exit or []
    sys.stderr.write(f"kept {len(kept)} {sum(len(facts.records) for facts in kept)} {records._freezing}\\n")
    sys.stderr.flush()
    real(status)
os._exit = leave
sys.argv = ["tungsten", "deposits", "--country", "KZ", "--json"]
entry.main()
"""


def test_the_cli_keeps_what_it_loaded_until_it_leaves(tmp_path: Path) -> None:
    """Freeing 100,000 records when the command returned took 0.47 s of a cold load that then leaves
    by os._exit anyway (load.keep_until_exit), and what it builds is frozen (records.freeze_after_pauses)."""
    env = {**os.environ, "TUNGSTEN_CACHE_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", _KEPT], capture_output=True, text=True, check=False, env=env)
    assert result.returncode == 0, result.stderr
    kept, records, freezing = result.stderr.split()[-3:]
    assert int(kept) == 1 and int(records) > 0 and freezing == "True"  # records.freeze_after_pauses


def test_a_library_caller_s_fact_sets_are_not_kept(tmp_path: Path) -> None:
    """Only a process that leaves by os._exit keeps its fact sets: a library caller (a server, these
    tests) loading again and again would otherwise hold every one."""
    from tungsten_cli import environment, load, records

    facts = load.load_for(environment.read(environ={"TUNGSTEN_CACHE_DIR": str(tmp_path)}))
    assert facts.records and load._until_exit is None and not records._freezing
