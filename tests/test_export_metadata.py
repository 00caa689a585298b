"""`export --sqlite DB --metadata FILE`: a metadata.json Datasette 0.65 reads, describing every table and column."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import exported as export_into
from conftest import run

from tungsten_cli.load import load_facts

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_into(tmp_path_factory.mktemp("metadata"), "--sqlite", "tungsten.db", "--metadata", "metadata.json")


def _metadata(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    return data


def test_every_table_and_column_is_described(exported: Path) -> None:
    tables = _metadata(exported)["databases"]["tungsten"]["tables"]
    db = sqlite3.connect(exported / "tungsten.db")
    names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'records_fts%'")]
    assert len(names) == 12
    for name in names:
        assert tables[name]["description"], name
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({name})")]
        assert set(tables[name]["columns"]) == set(columns), name
        assert all(tables[name]["columns"].values()), [c for c, text in tables[name]["columns"].items() if not text]
    assert tables["deposits"]["columns"]["reserves_wo3_t"] == "WO3 reserves, tonnes", "the schema's description, unit and all"
    assert tables["deals"]["columns"]["amount_usd"] == "Amount, US dollars"
    assert tables["deposits"]["description"] == "A deposit or mine project; garbled spellings from the source go into aliases."


def test_title_licence_sources_facets_and_search(exported: Path) -> None:
    data = _metadata(exported)
    assert data["title"] and data["description"] and data["license"]
    database = data["databases"]["tungsten"]
    for source in load_facts().sources.values():
        assert source["sha256"] in database["description_html"] and source["publisher"] in database["description_html"]
        if source.get("url"):
            assert source["url"] in database["description_html"]
    tables = database["tables"]
    assert (tables["records"]["fts_table"], tables["records"]["fts_pk"]) == ("records_fts", "rowid")
    assert tables["records"]["facets"] == ["kind"] and tables["citations"]["facets"] == ["source"]
    assert tables["figures"]["facets"] == ["country"] and tables["notes"]["facets"] == ["kind"]


def _datasette(folder: Path, path: str) -> str:
    pytest.importorskip("datasette", reason="Datasette is in the test extra: pip install '.[test]'")
    done = subprocess.run(
        [str(BIN / "datasette"), str(folder / "tungsten.db"), "-m", str(folder / "metadata.json"), "--get", path],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_datasette_reads_it(exported: Path) -> None:
    assert json.loads(_datasette(exported, "/-/metadata.json"))["title"] == _metadata(exported)["title"]
    page = _datasette(exported, "/tungsten/deposits")
    assert "WO3 reserves, tonnes" in page and "facet-country" in page
    assert "SHA-256" in _datasette(exported, "/tungsten")
    found = json.loads(_datasette(exported, "/tungsten/records.json?_search=kairakty&_shape=array"))
    assert "upper-kairakty" in {row["id"] for row in found}


def test_metadata_needs_sqlite_and_keeps_another_file(tmp_path: Path) -> None:
    result = run("export", "--csv", str(tmp_path / "csv"), "--metadata", str(tmp_path / "m.json"))
    assert result.exit_code == 2 and "--metadata describes the database: add --sqlite FILE" in result.stderr
    mine = tmp_path / "m.json"
    mine.write_text('{"mine": true}\n', encoding="utf-8")
    result = run("export", "--sqlite", str(tmp_path / "t.db"), "--metadata", str(mine))
    assert result.exit_code == 2 and "exists and is not tungsten metadata; pass --force" in result.stderr
    assert mine.read_text(encoding="utf-8") == '{"mine": true}\n'
    assert run("export", "--sqlite", str(tmp_path / "t.db"), "--metadata", str(mine), "--force").exit_code == 0
    assert run("export", "--sqlite", str(tmp_path / "t.db"), "--metadata", str(mine)).exit_code == 0, "an earlier one is replaced"
