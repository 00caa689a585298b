"""`--fields` for people: chosen fields keep their units and marks in tables and Markdown, stay raw in
data formats, and an unknown name gets the closest ones suggested."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest
from conftest import run
from test_pty import SGR, TUNGSTEN, screen

from tungsten_cli.fields import describe
from tungsten_cli.listing import labels, view_fields
from tungsten_cli.load import load_facts
from tungsten_cli.model import Deposit
from tungsten_cli.render.text import field_text
from tungsten_cli.views import VIEWS


def _plain(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout)


def test_fields_keep_thousands_separators_and_units_in_a_table() -> None:
    text = _plain("deposits", "--country", "KZ", "--fields", "name,reserves_wo3_t,grade_wo3_min_pct")
    assert "1,216,000 t" in text and "0.132 %" in text
    assert "~1,000,000 t" in text, "a hedged field keeps its ~"
    assert "1216000" not in text


def test_fields_keep_formatting_in_markdown_from_fields_not_shown() -> None:
    text = _plain("deposits", "--country", "KZ", "--fields", "name,reserves_wo3_t", "--format", "markdown")
    assert "| Upper Kairakty† | 1,216,000 t |" in text
    assert "| North Katpar† | ~1,000,000 t |" in text


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_a_bound_stays_a_bound_under_fields(fmt: str) -> None:
    """The comparator lives in another field; choosing only the value must not drop it."""
    text = _plain("crosscheck", "--fields", "quantity,left_value,right_value", "--format", fmt)
    assert ">50" in text and ">2,000,000" in text
    figures = _plain("facts", "--kind", "figure", "--fields", "id,value", "--format", fmt)
    assert ">50 %" in figures


def test_estimates_and_withheld_values_keep_their_marks() -> None:
    text = _plain("production", "--country", "US", "--fields", "subject,date,value,share_of_world_pct")
    assert " (e)" in text and "~0 %" in text
    withheld = _plain("facts", "--kind", "figure", "--fields", "id,value", "--limit", "1", "--sort", "-unavailable")
    assert withheld.splitlines()[2].split()[-1] == "W"


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_data_formats_keep_raw_values_under_fields(fmt: str) -> None:
    text = _plain("deposits", "--country", "KZ", "--fields", "name,reserves_wo3_t", "--format", fmt)
    rows = json.loads(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text)))
    assert str(rows[0]["reserves_wo3_t"]).replace(".0", "") == "1216000"


def test_field_text_reads_each_kind_of_number() -> None:
    record = {"kind": "figure", "value": 50, "comparator": ">", "unit": "pct", "approximate": [], "year": 2024, "records": 1234}
    assert field_text(record, "value") == ">50 %"
    assert field_text(record, "year") == "2024", "a year is not a quantity: no thousands separator"
    assert field_text(record, "records") == "1234"
    assert field_text({"amount_usd": 2.5e8}, "amount_usd") == "US$ 250 m"
    assert field_text({"share_of_world_pct": 3.0, "share_approximate": True, "approximate": []}, "share_of_world_pct") == "~3 %"
    assert field_text({"value": 7, "approximate": True, "unit": "t"}, "value") == "~7 t", "a comparison row's one flag"
    assert field_text({"rate_cents_per_kg": 37.5}, "rate_cents_per_kg") == "37.5¢/kg"
    assert field_text({"estimated": True, "value": 900, "unit": "t", "approximate": []}, "value") == "900 t (e)"


@pytest.mark.parametrize(
    ("field", "suggested"),
    [
        ("grade_wo3_pct", "did you mean grade_wo3_min_pct, grade_wo3_max_pct?"),
        ("grade", "did you mean grade_wo3_min_pct, grade_wo3_max_pct, grade WO3?"),  # the table's label too
        ("nmae", "did you mean name?"),
    ],
)
def test_unknown_field_suggests_close_names(field: str, suggested: str) -> None:
    result = run("deposits", "--fields", f"name,{field}")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"tungsten: error: unknown field '{field}'; {suggested} (tungsten fields deposits explains each)\n"


def test_unknown_sort_field_suggests_too() -> None:
    result = run("deals", "--sort", "-amounts")
    assert result.exit_code == 2 and "did you mean amount, amount_usd?" in result.stderr


needs_pty = pytest.mark.skipif(TUNGSTEN is None or sys.platform == "win32", reason="needs the installed tungsten and a POSIX pty")


@needs_pty
def test_an_empty_result_on_a_terminal_says_so_in_one_line() -> None:
    assert SGR.sub("", screen(["deposits", "--country", "FR", "--status", "producing"], 80)) == (
        "no records match: --country FR --status producing\n"
    )


def test_the_empty_result_line_goes_to_stderr_and_pipes_keep_their_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = run("deposits", "--country", "FR")
    assert piped.exit_code == 0 and piped.stdout.startswith("id  name") and piped.stderr == ""
    assert run("deposits", "--country", "FR", "--json").stdout == "[]\n"
    monkeypatch.setenv("FORCE_COLOR", "1")  # the table is drawn as on a terminal
    drawn = run("search", "no such words", "--source", "usgs-mcs-2025")
    assert drawn.exit_code == 0 and drawn.stdout == ""
    assert drawn.stderr == "no records match: 'no such words' --source usgs-mcs-2025\n"


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_field_a_view_accepts_is_explained(view: str) -> None:
    """A field added to a model or a view without a description fails here (a KeyError names a derived
    one: describe it in tungsten_cli/fields.py), not in front of a user."""
    facts = load_facts(None, kinds=())
    rows = describe(facts, view)
    valid = view_fields(facts, VIEWS[view])
    assert [r["field"] for r in rows] == valid + list(labels(VIEWS[view], valid)), "the fields, then the table's labels"
    assert json.loads(_plain("fields", view, "--json")) == rows
    assert all(r["type"] and r["meaning"] for r in rows), [r for r in rows if not (r["type"] and r["meaning"])]


def test_record_fields_are_described_by_the_model() -> None:
    rows = {r["field"]: r for r in json.loads(_plain("fields", "deposits", "--json"))}
    assert rows["reserves_wo3_t"] == {
        "field": "reserves_wo3_t",
        "type": "number",
        "meaning": Deposit.model_fields["reserves_wo3_t"].description,
    }
    assert rows["status"]["type"] == "choice" and "not-mined" in rows["status"]["meaning"]
    assert rows["citations"]["type"] == "list of citations"
    facts = {r["field"]: r for r in json.loads(_plain("fields", "facts", "--json"))}
    assert facts["country"]["meaning"].startswith("The country it concerns"), "the meaning most kinds share comes first"
    assert "measure: Country imposing it" in facts["country"]["meaning"]


def test_fields_piped_is_one_line_per_field() -> None:
    lines = _plain("fields", "production").splitlines()
    assert lines[0].split() == ["field", "type", "meaning"]
    assert any(line.startswith("share_of_world_pct  ") and "percent" in line for line in lines)
    assert len(lines) == 1 + len(json.loads(_plain("fields", "production", "--json")))


@needs_pty
def test_fields_on_a_terminal_wraps_under_the_meaning_instead_of_cutting() -> None:
    text = SGR.sub("", screen(["fields", "deposits"], 80))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80 and "…" not in text
    indent = lines[0].index("meaning")
    assert any(line.startswith(" " * indent) and line[indent] != " " for line in lines), "continuations hang under the meaning"


def test_an_unknown_view_is_a_usage_error() -> None:
    result = run("fields", "deposit")
    assert result.exit_code == 2 and result.stderr.startswith("tungsten: error: unknown view 'deposit'; choose from: conflicts, ")


_ARGS = {"search": ["search", "kairakty"]}


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_label_a_default_table_shows_is_a_field_name(view: str) -> None:
    """A column's label (`share`, `source`, `values`) is taken by --fields and --sort as its field, and
    `tungsten fields VIEW` lists it."""
    args = _ARGS.get(view, [view])
    shown = [column.header for column in VIEWS[view].columns]
    assert run(*args, "--fields", ",".join(shown), "--format", "csv").exit_code == 0
    for label in shown:
        result = run(*args, "--sort", label, "--limit", "1", "--format", "csv")
        assert result.exit_code == 0, (label, result.stderr)
    listed = {row["field"] for row in json.loads(_plain("fields", view, "--format", "json"))}
    assert set(shown) <= listed


def test_imports_and_revisions_take_their_labels() -> None:
    table = _plain("imports", "--fields", "importer,partner,share,source")
    assert table.splitlines()[0].split()[:4] == ["importer", "partner", "share", "source"]  # then the note marks (†, ‡)
    assert "27 %" in table and "sunsirs-2025-11-21" in table
    rows = json.loads(_plain("imports", "--fields", "importer,partner,share,source", "--sort", "-share", "--json"))
    assert list(rows[0]) == ["importer", "partner", "share_pct", "citations"], "data formats name the field"
    assert [r["share_pct"] for r in rows] == sorted((r["share_pct"] for r in rows), reverse=True)
    values = _plain("revisions", "--fields", "quantity,values")
    assert "MCS 2024: 550e → MCS 2025: 1,510" in values
    assert _plain("revisions", "--fields", "change", "--format", "csv").splitlines()[0] == "change", "a label that is a field keeps it"
