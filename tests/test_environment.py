"""One Environment per run, read in one module; one boundary that turns any error into one line."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from conftest import run

import tungsten_cli
from tungsten_cli import environment

PACKAGE = Path(tungsten_cli.__file__).parent
_READERS = {"environ", "environb", "getenv", "getenvb", "putenv", "unsetenv"}


def _reads_environment(path: Path) -> list[int]:
    """Lines where a module touches the process environment: `os.environ`, `os.getenv`, `from os import environ`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in _READERS and isinstance(node.value, ast.Name) and node.value.id == "os":
            found.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os" and _READERS & {a.name for a in node.names}:
            found.append(node.lineno)
    return found


def test_only_environment_py_reads_the_process_environment() -> None:
    readers = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "environment.py" and (lines := _reads_environment(path))
    }
    assert not readers, f"read os.environ only in tungsten_cli/environment.py and pass the Environment down: {readers}"


def test_the_check_sees_a_read() -> None:
    assert _reads_environment(PACKAGE / "environment.py")


def test_a_run_reads_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    read = environment.read
    monkeypatch.setattr(environment, "read", lambda **kw: calls.append(kw) or read(**kw))
    assert run("deposits", "--country", "KZ", "--json").exit_code == 0
    assert run("show", "bakuta").exit_code == 0
    assert len(calls) == 2


def test_an_unexpected_error_is_one_line_asking_for_a_report(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise IndexError("list index out of range")

    monkeypatch.setattr("tungsten_cli.commands.listing.listing", broken)
    result = run("deposits")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("tungsten: error: internal error: IndexError: list index out of range; this is a bug")
    assert "report it" in result.stderr


@pytest.mark.parametrize(
    ("env", "folder"),
    [
        ({"TUNGSTEN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}, "/c"),
        ({"XDG_CACHE_HOME": "/x"}, "/x/tungsten"),
        ({"TUNGSTEN_NO_CACHE": "1", "TUNGSTEN_CACHE_DIR": "/c"}, None),
        ({"TUNGSTEN_NO_CACHE": "0", "TUNGSTEN_CACHE_DIR": "/c"}, "/c"),
        ({"TUNGSTEN_NO_CACHE": "", "TUNGSTEN_CACHE_DIR": "/c"}, "/c"),
    ],
)
def test_cache_rules(env: dict[str, str], folder: str | None) -> None:
    cache = environment.cache_rules(env)
    assert (str(cache.folder) if cache.folder else None) == folder


def test_no_home_means_no_cache_and_says_why(tmp_path: Path) -> None:
    cache = environment.cache_rules({"HOME": str(tmp_path / "missing")})  # HOME from the mapping read, as every rule
    assert cache.folder is None and cache.absent == f"no cache: home folder {tmp_path / 'missing'} does not exist"


def test_paths_split_on_the_path_separator() -> None:
    import os

    env = environment.read(environ={"TUNGSTEN_FACTS": f"a{os.pathsep}{os.pathsep}b", "TUNGSTEN_SOURCE_DIR": os.pathsep})
    assert env.fact_paths == ("a", "b")
    assert env.source_dirs == () and not env.source_dir_named
