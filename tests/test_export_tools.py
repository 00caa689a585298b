"""The SQLite export as the tools analysts open it with see it: sqlite-utils and Datasette 0.65 find its
full-text index (they detect it by `content="records"` in its CREATE statement) and search it."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

BIN = Path(sys.executable).parent
TIMEOUT = 60


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("tools") / "tungsten.db"
    result = run("export", "--sqlite", str(target))
    assert result.exit_code == 0, result.stderr
    return target


def _tool(name: str, *args: str) -> str:
    pytest.importorskip(name.replace("-", "_"), reason=f"{name} is in the test extra: pip install '.[test]'")
    done = subprocess.run([str(BIN / name), *args], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sqlite_utils_finds_and_searches_the_index(database: Path) -> None:
    hits = json.loads(_tool("sqlite-utils", "search", str(database), "records", "kairakty"))
    ids = {hit["id"] for hit in hits}
    assert "upper-kairakty" in ids
    assert all("kairakty" in json.dumps(hit, ensure_ascii=False).lower() for hit in hits)
    every = sqlite3.connect(database).execute("SELECT count(*) FROM records").fetchone()[0]
    assert len(ids) < every


def test_sqlite_utils_searches_a_hyphenated_name_quoted(database: Path) -> None:
    hits = json.loads(_tool("sqlite-utils", "search", str(database), "records", '"Tau-Ken"'))
    assert any("Tau-Ken" in (hit["name"] or "") for hit in hits)


def test_datasette_searches_the_records_table(database: Path) -> None:
    found = json.loads(_tool("datasette", str(database), "--get", "/tungsten/records.json?_search=kairakty&_shape=array&_size=max"))
    assert "upper-kairakty" in {row["id"] for row in found}
    assert all("kairakty" in json.dumps(row, ensure_ascii=False).lower() for row in found), "every hit holds the word"


def test_datasette_shows_a_search_box(database: Path) -> None:
    page = _tool("datasette", str(database), "--get", "/tungsten/records")
    assert 'name="_search"' in page
