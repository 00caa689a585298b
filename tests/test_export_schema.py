"""The SQLite export's schema: real column types, indexed foreign keys and a full-text table."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import run


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    target = tmp_path_factory.mktemp("export") / "tungsten.db"
    result = run("export", "--sqlite", str(target))
    assert result.exit_code == 0, result.stderr
    return sqlite3.connect(target)


def _types(db: sqlite3.Connection, table: str) -> dict[str, str]:
    return {row[1]: row[2] for row in db.execute(f"PRAGMA table_info({table})")}


def test_columns_have_the_types_of_the_schema(db: sqlite3.Connection) -> None:
    deposits, figures = _types(db, "deposits"), _types(db, "figures")
    assert deposits["reserves_wo3_t"] == "REAL" and deposits["year"] == "INTEGER" and deposits["name"] == "TEXT"
    assert figures["value"] == "REAL" and figures["estimated"] == "INTEGER" and figures["orgs"] == "TEXT"
    assert db.execute("SELECT typeof(value) FROM figures WHERE value IS NOT NULL GROUP BY 1").fetchall() == [("real",)]
    assert db.execute("SELECT sum(reserves_wo3_t > 1000) FROM deposits").fetchone()[0] > 0, "numbers compare as numbers"


def test_every_foreign_key_is_indexed(db: sqlite3.Connection) -> None:
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'records_fts%'")]
    for table in tables:
        indexed = {db.execute(f"PRAGMA index_info({index[1]})").fetchone()[2] for index in db.execute(f"PRAGMA index_list({table})")}
        for key in db.execute(f"PRAGMA foreign_key_list({table})"):
            assert key[3] in indexed, f"{table}.{key[3]} -> {key[2]} has no index"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert _types(db, "deposits")["operator"] == "TEXT"
    assert ("organizations", "operator") in {(k[2], k[3]) for k in db.execute("PRAGMA foreign_key_list(deposits)")}


def test_full_text_search_over_names_summaries_quotes_and_notes(db: sqlite3.Connection) -> None:
    def match(query: str) -> set[str]:
        sql = "SELECT records.id FROM records_fts JOIN records ON records.rowid = records_fts.rowid WHERE records_fts MATCH ?"
        return {row[0] for row in db.execute(sql, [query])}

    assert "upper-kairakty" in match("kairakty")  # a name
    assert "upper-kairakty" in match("name: Kairakty")
    assert match("quotes: Wolfram")
    assert "sunsirs-2025-11-21" in match("notes: machine")  # a source's curator note
    assert match("kaïrakty") == match("kairakty"), "accents are folded"
    assert match("summary: kairakty") <= match("kairakty")
