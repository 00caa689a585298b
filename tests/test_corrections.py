"""What the article got wrong: the `errors` of contradicted notes, `tungsten corrections`, `--note` and the marks."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import DATA, run

from tungsten_cli.errors import FactsError
from tungsten_cli.load import load_facts

RECORD = """\
- kind: organization
  id: acme
  name: Acme
  org_kind: company
  summary: Acme is a company.
  citations:
    - source: mini
      quote: Acme
  notes:
"""
REFERENCE = """\
      reference:
        publisher: Acme Inc.
        title: Annual report
"""


def _pack(tmp_path: Path, note: str) -> Path:
    folder = tmp_path / "pack"
    folder.mkdir()
    shutil.copy(DATA / "mini" / "sources.yaml", folder / "sources.yaml")
    (folder / "pack.yaml").write_text(RECORD + note, encoding="utf-8")
    return folder


def _note(kind: str, errors: str | None, reference: bool = True) -> str:
    text = f"    - kind: {kind}\n" + (f"      errors: {errors}\n" if errors else "") + "      text: The name is wrong.\n"
    return text + (REFERENCE if reference else "")


def _schema_problem(note: str) -> str | None:
    """What the shipped JSON Schema (the one editors use) says about a pack holding `note`."""
    import yaml

    schema = json.loads(run("schema").stdout)
    try:
        jsonschema.validate(yaml.safe_load(RECORD + note), schema)
    except jsonschema.ValidationError as err:
        return err.message
    return None


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (_note("contradicted", None), "a 'contradicted' note needs errors"),
        (_note("translation", "[name]", reference=False), "errors is for 'contradicted' notes"),
        (_note("contradicted", "[name, name]"), "errors names a kind twice"),
        (_note("contradicted", "[]"), "at least 1 item"),
        (_note("contradicted", "[spelling]"), "'value', 'date', 'name', 'unit', 'scope' or 'place'"),
    ],
)
def test_errors_are_required_on_contradicted_notes_only(tmp_path: Path, note: str, message: str) -> None:
    with pytest.raises(FactsError) as caught:
        load_facts([str(_pack(tmp_path, note))], use_cache=False)
    assert any(message in str(problem) for problem in caught.value.problems), caught.value.problems
    assert _schema_problem(note) is not None


def test_a_described_contradiction_loads(tmp_path: Path) -> None:
    facts = load_facts([str(_pack(tmp_path, _note("contradicted", "[name, date]")))], use_cache=False)
    assert facts.records[0]["notes"][0]["errors"] == ["name", "date"]
    assert _schema_problem(_note("contradicted", "[name, date]")) is None


def _contradicted_notes() -> list[tuple[str, dict[str, Any]]]:
    return [(r["id"], n) for r in load_facts().records for n in r["notes"] if n["kind"] == "contradicted"]


def test_every_builtin_contradiction_says_what_kind_of_error() -> None:
    notes = _contradicted_notes()
    assert len(notes) >= 18  # the 282 Mt note became context: metal tonnages cannot refute a figure of unknown basis
    assert all(note["errors"] for _, note in notes)


@pytest.mark.parametrize(
    ("record_id", "errors"),
    [
        ("cove-kaz-samruk-kazyna-jv-proposal-2025-09", ["name"]),  # Raimondo for Lutnick
        ("commerce-secretary-tokayev-meeting-2025-09", ["name"]),
        ("us-department-of-commerce", ["name"]),
        ("us-section-301-tariff-tungsten-china", ["date", "name"]),  # September 2025 and Trump for 2024 under Biden
        ("tungsten-melting-point", ["value"]),  # 3410 for 3422 °C
        ("american-tungsten-exim-loan-2025-11-07", ["value", "scope"]),  # 255 M for 25.5 M, a loan for a letter of interest
        ("us-net-import-reliance-50", ["value"]),  # 50 for >50
        ("wabtec-kazakhstan-railway-locomotives-2025", ["date"]),
        ("sangdong-kfw-ipex-project-loan", ["date"]),
        ("cove-kaz-qazgeology-rare-earth-jv-2025", ["date"]),
        ("cove-kaz-tau-ken-jv-2025-11", ["value"]),  # 70 % for 100 % marketing
        ("us-import-share-cn-2020-2023", ["scope"]),  # ores and concentrates for all forms
        ("american-tungsten-corp", ["place"]),  # a Canadian company called American
    ],
)
def test_builtin_error_kinds(record_id: str, errors: list[str]) -> None:
    assert [n["errors"] for r, n in _contradicted_notes() if r == record_id] == [errors]


def test_show_names_the_kinds_of_error() -> None:
    assert (
        "  - contradicted (date, name): The article dates the 25 % Section 301"
        in run("show", "us-section-301-tariff-tungsten-china").stdout
    )


def test_a_figure_of_unknown_basis_is_not_corrected_with_metal_tonnages() -> None:
    # The 282 Mt clause names no basis (it may be ore): the official metal tonnages are context, not a correction.
    assert [n["kind"] for n in load_facts().by_id()["kuyrektykol-rare-earth-reserves-282mt"]["notes"]] == [
        "inconsistent-in-source",
        "context",
    ]


def _expected_mark(record: dict[str, Any]) -> str:
    kinds = {note["kind"] for note in record["notes"]}
    return "‡" if "contradicted" in kinds else "†" if kinds else ""


def test_tables_mark_contradicted_records_apart_from_noted_ones() -> None:
    """‡ for a record a contradicted note corrects, † for other notes, nothing without notes: read from the notes."""
    out = run("facts", "--fields", "id").stdout.splitlines()
    rows, legend = out[2 : len(out) - 2], out[-2:]
    expected = [record["id"] + _expected_mark(record) for record in load_facts().records]
    assert sorted(rows) == sorted(expected)
    assert {row[-1] for row in rows} >= {"‡", "†"} and any(row[-1] not in "‡†" for row in rows)
    assert legend == ["‡ contradicted by an outside reference: tungsten corrections, tungsten show ID", "† curator notes: tungsten show ID"]


def test_a_listing_without_contradictions_explains_only_the_dagger() -> None:
    out = run("deposits", "--country", "KZ").stdout
    assert "upper-kairakty†" in out and "‡" not in out


def test_show_heads_the_notes_with_the_mark() -> None:
    assert "\nnotes ‡:\n" in run("show", "tungsten-melting-point").stdout
    assert "\nnotes †:\n" in run("show", "upper-kairakty").stdout


def test_report_marks_contradicted_numbers_apart() -> None:
    page = run("report", "--html", "-").stdout
    assert "‡ marks a record an outside reference contradicts, † one with other curator notes" in page
    share = re.search(r'data-ref="us-import-share-cn-2020-2023">[^<]*</a>(<sup[^>]*>[^<]*</sup>)', page)
    assert share is not None and share.group(1) == '<sup class="mark contra" title="contradicted by an outside reference">‡</sup>'
    kairakty = re.search(r'data-ref="upper-kairakty">[^<]*</a>(<sup[^>]*>[^<]*</sup>)', page)
    assert kairakty is not None and kairakty.group(1) == '<sup class="mark" title="curator notes">†</sup>'
    assert '<span class="mark contra" title="contradicted by an outside reference">‡ contradicted by an outside reference</span>' in page
