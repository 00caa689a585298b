"""Writers as plain functions: every format parses with its standard tool; numbers read well in tables."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml

from tungsten_cli.render import Column, Format, Listing, figure_value, flat, id_column, pct, tonnes, usd, write

RECORDS = [
    {
        "id": "a",
        "kind": "deal",
        "parties": [{"org": "x", "name": "X Corp", "stake_pct": 70}, {"org": "y", "name": "Y"}],
        "amount_usd": 4.2e9,
        "notes": [],
    },
    {"id": "b", "kind": "deal", "parties": [], "amount_usd": None, "notes": [{"kind": "translation", "text": "garbled | name"}]},
]


def render(fmt: Format, records: list = RECORDS, force_color: bool = False, **kw: object) -> str:
    out = io.StringIO()
    columns = [id_column(), Column("amount", lambda r: usd(r.get("amount_usd")), numeric=True)]
    write(Listing(list(records), columns, **kw), fmt, out, force_color=force_color)  # type: ignore[arg-type]
    return out.getvalue()


def _markdown_rows(text: str) -> list[dict[str, str]]:
    table = text.split("\n\n")[0]  # the marks' legend follows the table
    lines = table.splitlines()
    header = [cell.strip() for cell in lines[0].strip("|").split(" | ")]
    assert set(lines[1].replace("|", "").split()) == {"---"}
    rows = [dict(zip(header, (cell.strip() for cell in line[2:-2].split(" | ")))) for line in lines[2:]]
    return [{**row, header[0]: row[header[0]].rstrip("‡†")} for row in rows]


def _table_rows(text: str) -> list[dict[str, str]]:
    return [{"id": line.split()[0].rstrip("‡†")} for line in text.splitlines()[2:] if line and not line.startswith(("‡", "†"))]


# How to read each format back; a new Format without a reader here fails the test below.
READERS = {
    Format.json: json.loads,
    Format.jsonl: lambda text: [json.loads(line) for line in text.splitlines()],
    Format.csv: lambda text: list(csv.DictReader(io.StringIO(text))),
    Format.yaml: yaml.safe_load,
    Format.markdown: _markdown_rows,
    Format.table: _table_rows,
}


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_is_handled(fmt: Format) -> None:
    """Each format gives back every record, in order, with its id (and, where typed, its amount)."""
    rows = READERS[fmt](render(fmt))
    assert [row["id"] for row in rows] == ["a", "b"]
    if fmt in (Format.json, Format.jsonl, Format.yaml):
        assert [row["amount_usd"] for row in rows] == [4.2e9, None]
    assert READERS[fmt](render(fmt, [RECORDS[1]]))[0]["id"] == "b"


def test_json_is_an_array() -> None:
    assert [r["id"] for r in json.loads(render(Format.json))] == ["a", "b"]
    assert json.loads(render(Format.json, [])) == []


def test_jsonl_is_one_record_per_line() -> None:
    lines = render(Format.jsonl).splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]


def test_csv_flattens_parties_and_notes() -> None:
    rows = list(csv.DictReader(io.StringIO(render(Format.csv))))
    assert rows[0]["parties"] == "X Corp (70 %); Y"
    assert rows[0]["amount_usd"] == "4200000000.0"
    assert rows[1]["notes"] == "translation: garbled | name"
    assert rows[1]["amount_usd"] == ""


def test_yaml_round_trips() -> None:
    assert yaml.safe_load(render(Format.yaml))[0]["parties"][0]["stake_pct"] == 70


def test_markdown_is_a_pipe_table_with_escaped_pipes() -> None:
    text = render(Format.markdown)
    assert text.startswith("| id | kind | parties |")
    assert "garbled \\| name" in text
    assert text.endswith("| b† | deal |  |  | translation: garbled \\| name |\n\n† curator notes: tungsten show ID\n")


def test_fields_select_and_order_in_data_formats() -> None:
    assert json.loads(render(Format.json, fields=["amount_usd", "id"]))[0] == {"amount_usd": 4.2e9, "id": "a"}
    assert render(Format.csv, fields=["id"]).splitlines() == ["id", "a", "b"]


def test_plain_table_when_not_a_terminal() -> None:
    out = io.StringIO()
    legend = write(
        Listing(list(RECORDS), [id_column(), Column("amount", lambda r: usd(r.get("amount_usd")), numeric=True)]), Format.table, out
    )
    text = out.getvalue()
    assert "\x1b[" not in text
    # The mark is a column of its own, so the first word of a row is the id; its legend is for stderr.
    assert text.splitlines() == ["id  amount      note", "--  ----------  ----", "a   US$ 4.2 bn", "b               †"]
    assert legend == ["† curator notes: tungsten show ID"]


def test_force_color_draws_rich_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # the Environment's force_color; rich itself reads FORCE_COLOR for the colours
    assert "\x1b[1mid" in render(Format.table, force_color=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (tonnes(1216000), "1,216,000 t"),
        (usd(4.2e9), "US$ 4.2 bn"),
        (usd(75.1e6), "US$ 75.1 m"),
        (pct(0.132), "0.132 %"),
        (pct(-6.45), "-6.45 %"),
    ],
)
def test_numbers_for_people(text: str, expected: str) -> None:
    assert text == expected


def test_figure_value_shows_bounds_ranges_and_availability() -> None:
    assert figure_value({"value": 50, "unit": "pct", "comparator": ">", "approximate": []}) == ">50 %"
    assert figure_value({"value": 4e9, "value_max": 5e9, "unit": "usd", "approximate": ["value", "value_max"]}) == "~US$ 4 bn – ~US$ 5 bn"
    assert figure_value({"value": None, "unavailable": "withheld", "as_written": "W", "unit": "t"}) == "W"


def test_flat_values() -> None:
    assert flat("aliases", ["A", "B"]) == "A; B"
    assert flat("estimated", True) == "true"
    assert flat("x", None) == ""
