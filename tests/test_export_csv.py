"""`export --csv DIR`: one clean CSV per table, the same columns as the SQLite export, never over someone else's file."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

import pytest
from conftest import DATA, ROOT, run

from tungsten_cli.export import export_tables

MINI = str(DATA / "mini")
NAMES = [*export_tables().values(), "citations", "parties", "notes"]


def _export(*args: str) -> None:
    result = run("export", *args)
    assert result.exit_code == 0, result.stderr


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _typed(text: str, like: object) -> object:
    """A CSV cell read back as the type SQLite stored (a REAL column keeps 1216000 as 1216000.0)."""
    if like is None:
        assert text == ""
        return None
    return type(like)(text)


def test_one_csv_per_table_with_the_sqlite_columns_and_values(tmp_path: Path) -> None:
    _export("--csv", str(tmp_path / "out"), "--sqlite", str(tmp_path / "out.db"))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{n}.csv" for n in NAMES)
    db = sqlite3.connect(tmp_path / "out.db")
    for name in NAMES:
        header, *rows = _read(tmp_path / "out" / f"{name}.csv")
        assert header == [c[1] for c in db.execute(f"pragma table_info({name})")], name
        stored = db.execute(f"select * from {name}").fetchall()
        assert len(rows) == len(stored), name
        assert [tuple(_typed(text, v) for text, v in zip(row, db_row)) for row, db_row in zip(rows, stored)] == stored, name


def test_quotes_with_line_breaks_stay_in_one_cell(tmp_path: Path) -> None:
    """The built-in set has multi-line quotes: each stays one cell, so every row has the header's width."""
    _export("--csv", str(tmp_path))
    raw = (tmp_path / "citations.csv").read_bytes()
    raw.decode("utf-8")
    header, *rows = _read(tmp_path / "citations.csv")
    assert any("\n" in row[header.index("quote")] for row in rows)
    assert {len(row) for row in rows} == {len(header)}
    assert raw.count(b"\r\n") == len(rows) + 1, "rows end in CRLF (RFC 4180); line breaks inside quotes stay LF"


def test_an_earlier_export_is_replaced_and_another_file_is_kept(tmp_path: Path) -> None:
    _export("--csv", str(tmp_path), "--facts", MINI)
    _export("--csv", str(tmp_path), "--facts", MINI)
    mine = tmp_path / "notes.csv"
    mine.write_text("my,notes\n", encoding="utf-8")
    before = (tmp_path / "deals.csv").stat().st_mtime_ns
    result = run("export", "--csv", str(tmp_path), "--facts", MINI)
    assert result.exit_code == 2
    assert result.stderr == f"tungsten: error: {mine}: exists and is not a tungsten export of the notes table; pass --force to replace it\n"
    assert mine.read_text(encoding="utf-8") == "my,notes\n"
    assert (tmp_path / "deals.csv").stat().st_mtime_ns == before, "nothing is written when one target is refused"
    _export("--csv", str(tmp_path), "--facts", MINI, "--force")
    assert _read(mine)[0][:4] == ["record_id", "position", "kind", "errors"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary file left behind"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        ([], 2, "say where to write: --sqlite FILE, --csv DIR, or both"),
        (["--csv", "{tmp}/file.txt"], 2, "{tmp}/file.txt: is a file, expected a folder"),
        (["--csv", "{tmp}/no/such"], 1, "{tmp}/no: no such folder"),
    ],
)
def test_bad_targets_are_one_line(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    (tmp_path / "file.txt").write_text("keep", encoding="utf-8")
    result = run("export", *(a.format(tmp=tmp_path) for a in args), "--facts", MINI)
    assert result.exit_code == code
    assert result.stderr == f"tungsten: error: {message.format(tmp=tmp_path)}\n"
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "keep"


def test_the_docs_sample_query_runs_against_a_fresh_export(tmp_path: Path) -> None:
    doc = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")
    query = re.search(r"<!-- sample-query -->\n```sql\n(.*?)```", doc, re.S)
    assert query, "docs/export.md's sample query is marked with <!-- sample-query -->"
    _export("--sqlite", str(tmp_path / "t.db"))
    rows = sqlite3.connect(tmp_path / "t.db").execute(query.group(1)).fetchall()
    assert rows and all(amount > 100e6 for _, _, amount, _, _ in rows)
    assert ("wabtec-kazakhstan-railway-locomotives-2025", "contradicted") in {(r[0], r[3]) for r in rows}
    amounts = [r[2] for r in rows]
    assert amounts == sorted(amounts, reverse=True)


FORMULA = '=HYPERLINK("https://example.org/x", "Acme")'


def test_a_formula_in_a_pack_reaches_csv_as_written_and_the_docs_say_so(tmp_path: Path) -> None:
    """CSV stays faithful to the data (no leading quote added), so the spreadsheet risk is documented."""
    pack = tmp_path / "pack"
    pack.mkdir()
    for name in ("records.yaml", "sources.yaml"):
        text = (DATA / "mini" / name).read_text(encoding="utf-8")
        (pack / name).write_text(text.replace("  summary: Acme is a company.", f"  summary: '{FORMULA}'"), encoding="utf-8")
    result = run("orgs", "--facts", str(pack), "--format", "csv", "--fields", "id,summary")
    assert result.exit_code == 0, result.stderr
    assert ["acme", FORMULA] in list(csv.reader(result.stdout.splitlines()))
    _export("--csv", str(tmp_path / "out"), "--facts", str(pack))
    assert any(FORMULA in row for row in _read(tmp_path / "out" / "organizations.csv"))
    for doc in ("docs/export.md", "SECURITY.md"):
        text = " ".join((ROOT / doc).read_text(encoding="utf-8").split())
        assert "is a formula to a spreadsheet" in text or "is a formula to Excel" in text, doc
        assert "import dialog" in text, doc


def test_bom_starts_every_file_with_a_byte_order_mark_and_replaces_a_plain_export(tmp_path: Path) -> None:
    """Excel reads a CSV as UTF-8 only after a byte-order mark; the German quotes must survive."""
    _export("--csv", str(tmp_path), "--facts", MINI)
    _export("--csv", str(tmp_path), "--facts", MINI, "--bom")
    for name in NAMES:
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf" * 2), name
    _export("--csv", str(tmp_path), "--facts", MINI)
    assert not (tmp_path / "citations.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_bom_without_csv_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "--sqlite", str(tmp_path / "t.db"), "--bom")
    assert result.exit_code == 2
    assert "--bom is for the CSV files" in result.stderr
