"""Table-cell citations: CSV parsing as written, and `verify` failing by name for every wrong cell."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, replace_once, run

from tungsten_cli.tables import Reading, parse, reading

CELLS = DATA / "cells"
SOURCES = DATA / "sources"


def test_parse_keeps_cells_as_written_and_counts_physical_lines() -> None:
    table = parse((SOURCES / "tables" / "world.csv").read_bytes().decode("utf-8"))
    assert table.header[:3] == ["Source", "Country", "Type"]  # the byte-order mark is gone
    assert [row.line for row in table.rows] == [2, 3, 4]  # the blank line 5 is skipped
    assert table.value(table.rows[2], "Reserves_notes") == " Includes Kazakhstan."
    assert table.value(table.rows[0], "Type") == "Mine production, contained tungsten"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("66000", Reading(66000, None, None)),
        (">50", Reading(50, ">", None)),
        ("<100,000", Reading(100000, "<", None)),
        ("7.93", Reading(7.93, None, None)),
        ("W", Reading(None, None, "withheld")),
        ("NA", Reading(None, None, "not-available")),
        ("China, Bolivia", None),
        ("Production in 2021 is also estimated.", None),
    ],
)
def test_reading_a_cell(text: str, expected: Reading | None) -> None:
    assert reading(text) == expected


def test_cell_pack_verifies_clean() -> None:
    result = run("verify", "--facts", str(CELLS), "--source-dir", str(SOURCES))
    assert result.exit_code == 0, result.output
    assert "checked 8 citations in 7 records against 2 sources: 0 problem(s)" in result.stderr


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "cells"
    shutil.copytree(CELLS, target)
    return target


def _fails(pack: Path, old: str, new: str, file: str = "records.yaml") -> str:
    replace_once(pack / file, old, new)
    result = run("verify", "--facts", str(pack), "--source-dir", str(SOURCES))
    assert result.exit_code == 1, result.output
    return str(result.stdout)


def test_changed_value_fails(broken: Path) -> None:
    out = _fails(broken, "value: 71000", "value: 72000")
    assert re.match(r".*records\.yaml:\d+: cn-2021: cell 'Prod_t_2021' of row .*China.*: cell reads '71000', the record states 72000", out)


def test_changed_value_and_quote_fails(broken: Path) -> None:
    (broken / "records.yaml").write_text((broken / "records.yaml").read_text(encoding="utf-8").replace("value: 71000", "value: 72000"))
    out = _fails(broken, 'quote: "71000"', 'quote: "72000"')
    assert "cn-2021: cell 'Prod_t_2021' of row" in out and "reads '71000', not the quote '72000'" in out


def test_wrong_column_fails(broken: Path) -> None:
    out = _fails(broken, "column: Prod_t_2021", "column: Prod_t_est_2022")
    assert "cn-2021: cell 'Prod_t_est_2022'" in out and "reads '66000', not the quote '71000'" in out


def test_neighbour_year_with_the_same_text_fails(broken: Path) -> None:
    out = _fails(broken, 'column: Prod_t_est_2022\n    quote: "500"', 'column: Prod_t_2021\n    quote: "500"')
    assert "pt-2022: cell 'Prod_t_2021'" in out and "column 'Prod_t_2021' is for 2021, the record is dated 2022" in out


def test_year_from_the_row_key_is_checked(broken: Path) -> None:
    out = _fails(broken, 'date: "2021"\n  value: 0', 'date: "2020"\n  value: 0')
    assert "us-mine-2021: cell 'USprod_Mine_t' of row {Year: '2021'}: column 'USprod_Mine_t' is for 2021, the record is dated 2020" in out


def test_wrong_key_row_fails(broken: Path) -> None:
    out = _fails(broken, "row: {Country: China,", "row: {Country: Chile,")
    assert "cn-2021: no row {Country: 'Chile', Type: 'Mine production, contained tungsten'} in tables/world.csv" in out


def test_rows_selector_picks_the_commodity(broken: Path) -> None:
    out = _fails(broken, "  rows: {Commodity: Tungsten}\n", "", file="sources.yaml")
    assert "us-nir-2022: 2 rows match {Year: '2022'} in tables/salient.csv" in out


def test_key_columns_must_be_the_sources(broken: Path) -> None:
    out = _fails(broken, 'row: {Country: Portugal, Type: "Mine production, contained tungsten"}', "row: {Country: Portugal}")
    assert "pt-2022: row names Country; rows of cells-world are identified by Country, Type" in out


def test_wrong_line_anchor_fails(broken: Path) -> None:
    out = _fails(broken, "line: 2", "line: 3")
    assert (
        "cn-2021: row {Country: 'China', Type: 'Mine production, contained tungsten'} is on line 2 of tables/world.csv, not line 3" in out
    )


def test_bound_needs_its_comparator(broken: Path) -> None:
    out = _fails(broken, '  comparator: ">"\n', "")
    assert "us-nir-2022: cell 'NIR_pct' of row {Year: '2022'}: cell reads '>50', the record states 50" in out


def test_withheld_cell_needs_withheld(broken: Path) -> None:
    out = _fails(broken, "unavailable: withheld", "unavailable: not-available")
    assert "other-2022: cell 'Prod_t_est_2022'" in out and "cell reads 'W', the record states not-available" in out


def test_prose_quote_into_a_csv_fails(broken: Path) -> None:
    cited = '    row: {Country: China, Type: "Mine production, contained tungsten"}\n    column: Reserves_t\n'
    out = _fails(broken, cited, "")
    assert "cn-reserves: cells-world is a CSV source: cite a cell by row and column" in out


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    column: Prod_t_2021\n", "", "citations.0: a table cell needs both row and column"),
        (
            "    line: 2\n",
            "    line: 2\n    start: 3\n    end: 8\n",
            "citations.0: a table cell is named by row and column; start, end, prefix and suffix are for texts",
        ),
    ],
)
def test_schema_rejects_half_a_cell(broken: Path, old: str, new: str, message: str) -> None:
    replace_once(broken / "records.yaml", old, new)
    result = run("validate", str(broken))
    assert result.exit_code == 1
    assert re.search(rf"records\.yaml:\d+:\d+: cn-2021: {re.escape(message)}", result.stderr), result.stderr


def test_csv_source_needs_key_columns(broken: Path) -> None:
    path = broken / "sources.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  key_columns: [Country, Type]\n", ""), encoding="utf-8")
    result = run("validate", str(broken))
    assert result.exit_code == 1
    assert "cells-world: a CSV source needs key_columns" in result.stderr


def test_cell_citation_into_a_text_source_fails(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(
        (DATA / "mini" / "sources.yaml").read_text(encoding="utf-8")
        + """- kind: event
  id: cell-in-text
  summary: A cell citation into a text.
  event_kind: test
  citations:
  - source: mini
    row: {Year: "2021"}
    column: Value
    quote: Testberg
""",
        encoding="utf-8",
    )
    result = run("verify", "--facts", str(pack), "--source-dir", str(SOURCES))
    assert result.exit_code == 1
    assert "cell-in-text: row and column name a table cell, but mini is not a CSV source" in result.stdout


def test_show_prints_the_row_beside_its_header() -> None:
    result = run("show", "cn-2021", "--facts", str(CELLS), "--source-dir", str(SOURCES))
    assert result.exit_code == 0, result.output
    assert "[1] cells-world, line 2, column Prod_t_2021" in result.stdout
    lines = result.stdout.splitlines()
    assert "    → Prod_t_2021      71000" in lines
    assert "      Prod_t_est_2022  66000" in lines


def test_show_json_fills_in_the_line() -> None:
    result = run("show", "pt-2022", "--facts", str(CELLS), "--source-dir", str(SOURCES), "--json")
    assert '"line": 3' in result.stdout


def test_cite_names_the_cell() -> None:
    result = run("facts", "--facts", str(CELLS), "--cite", "--kind", "figure", "--country", "CN")
    assert "cells-world: Country=China, Type=Mine production, contained tungsten | Prod_t_2021 = 71000" in result.stdout
    rows = run("facts", "--facts", str(CELLS), "--format", "csv", "--fields", "id,citations").stdout
    assert "cells-salient: Year=2022 | NIR_pct = >50" in rows
