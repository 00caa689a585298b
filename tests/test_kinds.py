"""A record kind is one registry entry: a test-only kind, registered here and nowhere else, is listed by
`facts`, described by `fields` and `schema`, exported, and drawn by `--chart`."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from conftest import DATA, run, run_json
from pydantic import Field

from tungsten_cli import kinds
from tungsten_cli.kinds import Chart, Headline, Kind, Link
from tungsten_cli.model import RecordModel

WIDGETS = """
- kind: widget
  id: big-widget
  summary: Acme makes a widget of 30 t.
  name: Big widget
  mass_t: 30
  maker: acme
  citations:
    - source: mini
      quote: Beta hält 30%
- kind: widget
  id: small-widget
  summary: A small widget of 2 t.
  name: Small widget
  mass_t: 2
  citations:
    - source: mini
      quote: Beta hält 30%
"""


class Widget(RecordModel):
    """A made-up kind that exists only in this test."""

    kind: Literal["widget"] = Field("widget", description="The record kind")
    name: str = Field(description="What the widget is called")
    mass_t: float = Field(description="How heavy it is, tonnes")
    maker: str | None = Field(None, description="Organisation id of its maker")


WIDGET = Kind(
    "widget",
    "widgets",
    model=Widget,
    headline=(Headline("mass_t", "t"),),
    links=(Link("maker", "organization"),),
    chart=Chart((Headline("mass_t", "t"),), lambda r: str(r["name"]), lambda r: "", lambda r, f: "widget mass"),
    derived=(),
)


@pytest.fixture
def pack(tmp_path: Path) -> Iterator[str]:
    folder = tmp_path / "pack"
    shutil.copytree(DATA / "mini", folder)
    (folder / "widgets.yaml").write_text(WIDGETS, encoding="utf-8")
    kinds.register(WIDGET)
    try:
        yield str(folder)
    finally:
        kinds.unregister("widget")


def test_facts_lists_the_kind(pack: str) -> None:
    rows = run_json("facts", "--facts", pack, "--kind", "widget")
    assert [(r["id"], r["mass_t"], r["maker"]) for r in rows] == [("big-widget", 30, "acme"), ("small-widget", 2, None)]
    table = run("facts", "--facts", pack, "--kind", "widget")
    assert "30 t" in table.stdout and "Big widget" not in table.stdout  # the headline number in `value`; the summary names it


def test_fields_describes_it(pack: str) -> None:
    result = run("fields", "facts", "--facts", pack)
    assert result.exit_code == 0, result.stderr
    assert "How heavy it is, tonnes" in result.stdout


def test_schema_and_new_know_it(pack: str) -> None:
    assert '"mass_t"' in run("schema", "widget").stdout
    assert '"widget"' in run("schema").stdout
    assert "mass_t:" in run("new", "widget").stdout


def test_the_export_has_its_table(pack: str, tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    assert run("export", "--facts", pack, "--sqlite", str(target)).exit_code == 0
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT id, mass_t FROM widgets ORDER BY id").fetchall() == [("big-widget", 30), ("small-widget", 2)]
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'widgets'").fetchone()[0]
    assert '"maker" TEXT REFERENCES organizations(id)' in sql


def test_chart_draws_it(pack: str) -> None:
    result = run("facts", "--facts", pack, "--kind", "widget", "--chart")
    assert result.exit_code == 0, result.stderr
    assert "widget mass (t)" in result.stdout and "Big widget" in result.stdout and "30 t" in result.stdout


def test_a_link_to_a_missing_maker_is_a_problem(pack: str) -> None:
    (Path(pack) / "widgets.yaml").write_text(WIDGETS.replace("maker: acme", "maker: nobody"), encoding="utf-8")
    result = run("validate", pack)
    assert result.exit_code == 1 and "maker: no organization with id 'nobody'" in result.stderr


def test_without_registration_it_is_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(DATA / "mini", folder)
    (folder / "widgets.yaml").write_text(WIDGETS, encoding="utf-8")
    assert run("validate", str(folder)).exit_code == 1
    assert kinds.get("widget") is None


def test_claimed_value_is_the_number_value_text_shows() -> None:
    from tungsten_cli.claims import claimed_value
    from tungsten_cli.render import value_text

    measure = {"kind": "measure", "id": "m", "rate_pct": 5.5, "change_pct": -6.45, "approximate": []}
    assert claimed_value(measure) == -6.45 and value_text(measure) == "-6.45 %"
    duty = {"kind": "measure", "id": "d", "additional_duty_pct": 25, "approximate": []}
    assert claimed_value(duty) == 25 and value_text(duty) == "+25 %"
