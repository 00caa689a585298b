"""Header citations of the USGS text tables: `verify` checks a cell's year, its estimate mark and the cell under it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import run

from tungsten_cli.load import builtin_dir, load_facts


def _break(tmp_path: Path, file: str, record_id: str, old: str, new: str) -> Path:
    target = tmp_path / "facts"
    shutil.copytree(builtin_dir(), target)
    path = target / "usgs-mcs-2025" / file
    text = path.read_text(encoding="utf-8")
    start = text.index(f"id: {record_id}\n")
    at = text.index(old, start)
    path.write_text(text[:at] + new + text[at + len(old) :], encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("file", "record_id", "old", "new", "message"),
    [
        # A neighbour column's value: the number is in the row quote, so only the header check sees it.
        ("salient.yaml", "usgs-us-imports-ores-concentrates-2021", "value: 1600", "value: 2130", "the cell under '2021' reads '1,600'"),
        ("salient.yaml", "usgs-us-exports-other-forms-2024", "estimated: true", "estimated: false", "column '2024e' holds estimates"),
        (
            "salient.yaml",
            "usgs-us-price-concentrate-rotterdam-2022",
            'year_header: "2022"',
            'year_header: "2023"',
            "column '2023' is for 2023",
        ),
        ("production.yaml", "usgs-mine-production-cn-2024", 'date: "2024"', 'date: "2023"', "the record is dated 2023"),
        (
            "stockpile.yaml",
            "usgs-us-stockpile-potential-disposals-tungsten-fy2025",
            'year_header: "FY 2025"',
            'year_header: "FY 2024"',
            "is for 2024",
        ),
        ("salient.yaml", "usgs-us-mine-production-2020", 'year_header: "2020"', 'year_header: "2019"', "'2019' is not a column header"),
        # A record citing two tables: the salient header is checked against the salient row before it, not the first row.
        (
            "production.yaml",
            "usgs-mine-production-us-2023",
            '"Mine                                                                   —          —           —         —         —"',
            '"Other forms                                                            34        93           —        NA        NA"',
            "the cell under '2023' reads 'NA'",
        ),
    ],
)
def test_verify_checks_the_header_of_a_table_cell(
    tmp_path: Path, source_dir: Path, file: str, record_id: str, old: str, new: str, message: str
) -> None:
    result = run("verify", "--facts", str(_break(tmp_path, file, record_id, old, new)), "--source-dir", str(source_dir))
    assert result.exit_code == 1
    assert f"{record_id}: " in result.stdout and message in result.stdout, result.stdout


def test_every_usgs_table_cell_names_its_header() -> None:
    facts = load_facts(use_cache=False)
    tables = tuple(f"usgs-mcs-2025/{name}" for name in ("salient.yaml", "production.yaml", "stockpile.yaml"))
    cells = [r for r in facts.records if facts.origins[r["id"]]["file"].replace("\\", "/").endswith(tables)]
    assert len(cells) == 98  # the US 2023/2024 mine production: one record each for the world and salient rows
    assert all(any(c.get("year_header") for c in r["citations"]) for r in cells)


def test_year_header_is_not_for_csv_cells(tmp_path: Path) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        '- {kind: event, id: e, event_kind: x, summary: s, citations: [{source: s, quote: "1", row: {A: "1"}, column: B, year_header: "2020"}]}\n',
        encoding="utf-8",
    )
    result = run("validate", str(pack))
    assert result.exit_code == 1 and "year_header is for a quoted table header" in result.stderr
