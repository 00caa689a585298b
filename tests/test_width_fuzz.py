"""Any terminal width works: every listing view with each field it accepts, its default columns,
--cite and --chart, and `show` of a record of every kind, drawn at 0, 1, 7, 20, 80 and 200
columns, colour forced (rich's fitted layout) and plain (a pipe), without a traceback.

In-process and direct: the shipped facts load once, each view's rows are computed once per field
(three rows each, enough for every cell kind to be drawn) and only the drawing is repeated per width.
Every field of every view is covered, none sampled: the whole fuzz takes about 4 s here."""

from __future__ import annotations

import io
import time

import pytest
from conftest import run

from tungsten_cli.errors import TungstenError
from tungsten_cli.listing import Output, field_names, listing
from tungsten_cli.load import load_facts
from tungsten_cli.query import Query
from tungsten_cli.render import Format, write
from tungsten_cli.render.console import MIN_WIDTH
from tungsten_cli.views import VIEWS

WIDTHS = (0, 1, 7, 20, 80, 200)
LIMIT = 3


def _outputs(view: str, fields: list[str]) -> list[Output]:
    base = Output(limit=LIMIT)
    return [base, base._replace(cite=True), base._replace(chart=True), *(base._replace(fields=[name]) for name in fields)]


def test_every_view_and_field_draws_at_every_width(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = load_facts()
    started, drawn = time.perf_counter(), 0
    for name, view in VIEWS.items():
        for output in _outputs(name, field_names(facts, name)):
            try:
                result = listing(facts, view, Query(), output)
            except TungstenError:
                continue  # a field the view declares but cannot sort or show here is a usage error, not a crash
            for colour in (True, False):  # FORCE_COLOR reaches the writers as an argument, from the Environment
                for width in WIDTHS:
                    monkeypatch.setenv("COLUMNS", str(width))
                    out = io.StringIO()
                    try:
                        write(result, Format.table, out, force_color=colour)
                    except TungstenError:
                        assert output.chart, (name, output, width)  # only --chart refuses rows it cannot draw
                    except Exception as err:  # the fuzz's whole point: name the case that broke
                        raise AssertionError(f"{name} {output} COLUMNS={width} FORCE_COLOR={colour!r}: {err!r}") from err
                    else:  # a width the layout cannot use still shows the rows (--chart at COLUMNS=0 once printed nothing)
                        assert out.getvalue().strip(), f"{name} {output} COLUMNS={width} FORCE_COLOR={colour!r}: nothing drawn"
                    drawn += 1
    assert drawn > 2000
    assert time.perf_counter() - started < 60


def test_a_table_narrower_than_the_minimum_is_the_plain_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", str(MIN_WIDTH - 1))
    narrow = run("deposits", "--country", "KZ").stdout
    monkeypatch.delenv("FORCE_COLOR")
    assert narrow == run("deposits", "--country", "KZ").stdout


def test_the_fields_of_an_all_empty_column_are_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    result = run("deals", "--fields", "offtake_pct", "--limit", "2")
    assert result.exit_code == 0, result.stderr
    assert "offtake" in result.stdout


def _one_of_each_kind() -> list[str]:
    seen: dict[str, str] = {}
    for record in load_facts().records:
        seen.setdefault(record["kind"], record["id"])
    return sorted(seen.values())


@pytest.mark.parametrize("record_id", _one_of_each_kind())
def test_show_draws_at_every_width(monkeypatch: pytest.MonkeyPatch, record_id: str) -> None:
    piped = run("show", record_id).stdout
    for colour in ("1", ""):
        monkeypatch.setenv("FORCE_COLOR", colour)
        for width in WIDTHS:
            monkeypatch.setenv("COLUMNS", str(width))
            result = run("show", record_id)
            assert result.exit_code == 0, (width, colour, result.stderr)
            if width < MIN_WIDTH:  # unwrapped, as piped
                assert result.stdout == piped
