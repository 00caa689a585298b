"""The MCS 2022-2024 data-release packs: every value is its cell, read here with the csv module.

These tests parse the CSVs themselves (not through tungsten's table reader) and compare each
record with the cell it cites, so a wrong number, flag or year fails here even if `verify` were wrong.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import run

from tungsten_cli.load import builtin_dir, load_facts
from tungsten_cli.records import FactSet, Record

EDITIONS = ("MCS 2022", "MCS 2023", "MCS 2024")
CODES = {"W": "withheld", "NA": "not-available"}


def _table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and rows with their physical line numbers, read as the USGS files are written."""
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # the quirks the reader must handle
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    header = next(reader)
    rows, line = [], 2
    for cells in reader:
        rows.append((line, dict(zip(header, cells))))
        line = reader.line_num + 1
    return header, rows


@pytest.fixture(scope="module")
def facts() -> FactSet:
    return load_facts()


def _release_records(facts: FactSet) -> list[Record]:
    return [r for r in facts.records if facts.sources[r["citations"][0]["source"]].get("edition") in EDITIONS]


def _cells(facts: FactSet, record: Record) -> list[tuple[Record, Record]]:
    return [(c, facts.sources[c["source"]]) for c in record["citations"] if c.get("column") is not None]


def test_every_release_record_cites_a_cell_first(facts: FactSet) -> None:
    records = _release_records(facts)
    assert len(records) > 250
    for record in records:
        first = record["citations"][0]
        assert first.get("column") is not None or first["source"].endswith("-meta"), record["id"]


def _expected(cell: str) -> dict[str, Any]:
    text = cell.strip()
    if text in CODES:
        return {"unavailable": CODES[text], "value": None, "comparator": None}
    match = re.fullmatch(r"([<>]?)(\d+)", text)
    if match is None:
        return {}
    return {"unavailable": None, "value": int(match.group(2)), "comparator": match.group(1) or None}


def test_every_release_value_matches_its_cell(facts: FactSet, source_dir: Path) -> None:
    tables: dict[str, Any] = {}
    checked = 0
    for record in _release_records(facts):
        for citation, source in _cells(facts, record):
            _header, rows = tables.setdefault(source["id"], _table(source_dir / source["file"]))
            selector = {**(source.get("rows") or {}), **citation["row"]}
            (line, row), *others = [(n, r) for n, r in rows if all(r.get(k) == v for k, v in selector.items())]
            assert not others, record["id"]
            assert citation.get("line") in (None, line), record["id"]
            assert row[citation["column"]] == citation["quote"], record["id"]
            expected = _expected(row[citation["column"]])
            for key, value in expected.items():
                assert record.get(key) == value, (record["id"], citation["column"], key)
            years = re.findall(r"(?<!\d)20\d\d(?!\d)", citation["column"]) or re.findall(r"20\d\d", row.get("Year", ""))
            if years:
                assert record["date"] == "/".join(dict.fromkeys([years[0], years[-1]])), record["id"]
            checked += 1
    assert checked > 300


def test_every_number_in_the_tungsten_tables_has_a_record(facts: FactSet, source_dir: Path) -> None:
    """Each W, NA or number outside the key columns of the world and salient tables is cited by a record."""
    cited = {(c["source"], tuple(sorted(c["row"].items())), c["column"]) for r in facts.records for c in r["citations"] if c.get("row")}
    for source_id, source in facts.sources.items():
        if not re.search(r"tungs_(world|salient)\.csv$", source["file"]):
            continue
        _, rows = _table(source_dir / source["file"])
        for _, row in rows:
            if any(row.get(k) != v for k, v in (source.get("rows") or {}).items()) or not any(row.values()):
                continue
            keys = tuple(sorted((k, row[k]) for k in source["key_columns"]))
            for column, cell in row.items():
                if column in source["key_columns"] or column in (source.get("rows") or {}) or not _expected(cell):
                    continue
                assert (source_id, keys, column) in cited, (source_id, keys, column, cell)


def _latest_year(facts: FactSet, source_id: str, source_dir: Path) -> int:
    header, rows = _table(source_dir / facts.sources[source_id]["file"])
    years = [int(y) for h in header for y in re.findall(r"20\d\d", h)] + [int(r["Year"]) for _, r in rows if r.get("Year")]
    return max(years)


def test_estimates_follow_the_metadata(facts: FactSet, source_dir: Path) -> None:
    """The latest year of each edition is estimated (W and NA carry no flag); MCS 2024's Prod_t_est_2022 is not, per its metadata."""
    for record in _release_records(facts):
        citation = record["citations"][0]
        if record["kind"] != "figure" or not record.get("date") or "_T5_" in facts.sources[citation["source"]]["file"]:
            continue
        latest = _latest_year(facts, citation["source"], source_dir)
        also = any(c.get("column") == "Prod_notes" for c in record["citations"])
        expected = (int(record["date"]) == latest or also) and record.get("unavailable") is None
        assert record["estimated"] is expected, record["id"]
    by_id = facts.by_id()
    assert by_id["usgs-mcs2024-mine-production-world-2022"]["estimated"] is False
    assert by_id["usgs-mcs2024-mine-production-world-2022"]["citations"][0]["column"] == "Prod_t_est_2022"
    assert by_id["usgs-mcs2023-mine-production-cn-2021"]["estimated"] is True  # "Production in 2021 is also estimated."


def test_editions_use_the_mcs_2025_keys(facts: FactSet) -> None:
    """Same subject/measure/basis keys as MCS 2025, so editions compare; the MCS 2022 price is its own series."""
    newest = {(r["measure"], r["basis"]) for r in facts.records if r["kind"] == "figure" and r["citations"][0]["source"] == "usgs-mcs-2025"}
    older = {(r["measure"], r["basis"]) for r in _release_records(facts) if r["kind"] == "figure"}
    assert older - newest == {
        ("price-concentrate-us-spot", "tungsten concentrate, U.S. spot market, per metric ton unit of WO3 (MCS 2022 series)"),
        ("mine-production-share", "share of world mine production"),
    }


def test_kazakhstan_is_noted_where_other_countries_are(facts: FactSet) -> None:
    others = [r for r in _release_records(facts) if r.get("subject") == "other"]
    assert len(others) == 3 * 2 + 2  # production for two years in each edition, reserves in two
    for record in others:
        assert any("Kazakhstan" in note["text"] for note in record["notes"]), record["id"]


def test_sources_carry_edition_series_and_table(facts: FactSet) -> None:
    for source in facts.sources.values():
        if source.get("series") == "usgs-mcs":
            assert (source["edition"] in (*EDITIONS, "MCS 2025") and source.get("table")) or source["id"] == "usgs-mcs-2025", source["id"]
    assert facts.sources["usgs-mcs-2023-world"]["doi"] == "10.5066/P9WCYUI6"
    assert facts.sources["usgs-mcs-2024-world"]["doi"] == "10.5066/P144BA54"


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    target = tmp_path / "facts"
    shutil.copytree(builtin_dir(), target)
    return target


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("  value: 71000\n  unit: t", "  value: 71500\n  unit: t", "cell reads '71000', the record states 71500"),
        (
            "    column: Prod_t_2021\n    quote: '71000'",
            "    column: Prod_t_est_2022\n    quote: '71000'",
            "column 'Prod_t_est_2022' is for 2022, the record is dated 2021",
        ),
        (
            "      Country: China\n      Type: Mine production, contained tungsten\n    column: Prod_t_2021",
            "      Country: Chile\n      Type: Mine production, contained tungsten\n    column: Prod_t_2021",
            "no row {Country: 'Chile'",
        ),
    ],
    ids=["changed-value", "wrong-column", "wrong-key-row"],
)
def test_a_broken_cell_citation_fails_verify_by_name(shipped_copy: Path, source_dir: Path, old: str, new: str, message: str) -> None:
    path = shipped_copy / "usgs-mcs-2023" / "production.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("id: usgs-mcs2023-mine-production-cn-2021")
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    result = run("verify", "--facts", str(shipped_copy), "--source-dir", str(source_dir))
    assert result.exit_code == 1
    assert re.search(rf"production\.yaml:\d+: usgs-mcs2023-mine-production-cn-2021: .*{re.escape(message)}", result.stdout), result.stdout
