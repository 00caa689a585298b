"""What the article got wrong: the `errors` of contradicted notes, `tungsten corrections`, `--note` and the marks."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import ACME, mini_pack, run, run_json

from tungsten_cli.commands.corrections import changes_text
from tungsten_cli.errors import FactsError
from tungsten_cli.load import load_facts
from tungsten_cli.views import VIEWS

RECORD = ACME + "  notes:\n"
REFERENCE = """\
      reference:
        publisher: Acme Inc.
        title: Annual report
"""


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
        load_facts([str(mini_pack(tmp_path, RECORD + note))], use_cache=False)
    assert any(message in str(problem) for problem in caught.value.problems), caught.value.problems
    assert _schema_problem(note) is not None


def test_a_described_contradiction_loads(tmp_path: Path) -> None:
    facts = load_facts([str(mini_pack(tmp_path, RECORD + _note("contradicted", "[name, date]")))], use_cache=False)
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
        ("us-net-import-reliance-50", ["value"]),  # 50 for >50: the comparator the article drops
        ("wabtec-kazakhstan-railway-locomotives-2025", ["date"]),
        ("cove-kaz-qazgeology-rare-earth-jv-2025", ["date"]),
        ("cove-kaz-tau-ken-jv-2025-11", ["value"]),  # 70 % for 100 % marketing
        ("us-import-share-cn-2020-2023", ["scope"]),  # ores and concentrates for all forms
        ("american-tungsten-corp", ["place"]),  # a Canadian company called American
    ],
)
def test_builtin_error_kinds(record_id: str, errors: list[str]) -> None:
    assert [n["errors"] for r, n in _contradicted_notes() if r == record_id] == [errors]


def test_a_claim_the_translation_leaves_open_is_not_an_error() -> None:
    """'abgeschlossen' may be 'concluded' (wrong for 2025: the KfW loan closed years before) or 'completed'
    (perhaps right: the last drawdown), so the KfW loan gets a context note, not a correction."""
    notes = load_facts().by_id()["sangdong-kfw-ipex-project-loan"]["notes"]
    assert [n["kind"] for n in notes] == ["context"]
    assert "'concluded'" in notes[0]["text"] and "'completed'" in notes[0]["text"]


def test_a_corrected_date_keeps_the_precision_its_references_share() -> None:
    """The Section 301 tariff: announced 13 September 2024, in the Federal Register on the 18th; the article
    says September 2025, USGS "In September" (2024). The month is right, so the correction is the month."""
    records = load_facts().by_id()
    (note,) = [n for n in records["us-section-301-tariff-tungsten-china"]["notes"] if n["kind"] == "contradicted"]
    dated = {c["corrected"] for c in note["corrections"] if c["field"] == "date"}
    assert dated == {records["usgs-us-section-301-tariff-increase-cn-2024-09"]["date"]} == {"2024-09"}


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
    result = run("facts", "--fields", "id")
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    expected = [[record["id"], *filter(None, [_expected_mark(record)])] for record in load_facts().records]
    assert sorted(rows) == sorted(expected)
    assert {row[-1] for row in rows} >= {"‡", "†"} and any(len(row) == 1 for row in rows)
    legend = ["‡ contradicted by an outside reference: tungsten corrections, tungsten show ID", "† curator notes: tungsten show ID"]
    assert result.stderr.splitlines() == legend  # piped, the legend stays out of the data


def test_a_listing_without_contradictions_explains_only_the_dagger() -> None:
    result = run("deposits", "--country", "KZ")
    out = result.stdout + result.stderr
    assert "upper-kairakty " in out and "†" in out and "‡" not in out


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


def _noted_ids(kind: str) -> set[str]:
    return {r["id"] for r in load_facts().records if any(n["kind"] == kind for n in r["notes"])}


def test_note_contradicted_lists_exactly_the_contradicted_records() -> None:
    expected = _noted_ids("contradicted")
    assert len(expected) >= 18
    assert sorted(r["id"] for r in run_json("facts", "--note", "contradicted")) == sorted(expected)


def test_note_filters_by_any_kind() -> None:
    assert {r["id"] for r in run_json("deals", "--note", "resolved-date")} == {
        r["id"] for r in load_facts().records if r["kind"] == "deal" and r["id"] in _noted_ids("resolved-date")
    }


ARGS = {"search": ["search", "tungsten"]}


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_every_listing_takes_note(view: str) -> None:
    """Each row stands for a record with such a note: its own notes, or the records it names."""
    contradicted = _noted_ids("contradicted")
    rows = run_json(*ARGS.get(view, [view]), "--note", "contradicted")
    for row in rows:
        if "notes" in row:
            assert "contradicted" in {n["kind"] for n in row["notes"]}, row
        else:
            named = {row.get("id"), row.get("left_id"), row.get("right_id"), *(c["id"] for c in row.get("claims") or [])}
            assert named & contradicted, row


def test_note_reaches_comparison_rows_through_their_records() -> None:
    rows = run_json("crosscheck", "--note", "contradicted")
    assert {r["left_id"] for r in rows} >= {"us-net-import-reliance-50", "us-section-301-tariff-tungsten-china"}
    assert len(rows) < len(run_json("crosscheck"))


def test_an_unknown_note_kind_is_a_usage_error_naming_the_kinds() -> None:
    result = run("facts", "--note", "contradiction")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "tungsten: error: unknown note kind 'contradiction'; choose from: context, contradicted, draft, inconsistent-in-source, "
        "interpretation, resolved-date, translation, unit-ambiguous\n"
    )


def test_an_empty_result_names_the_note_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run("deposits", "--note", "contradicted", "--json").stdout == "[]\n"
    monkeypatch.setenv("FORCE_COLOR", "1")  # the table is drawn as on a terminal
    drawn = run("deposits", "--country", "KZ", "--note", "contradicted")
    assert drawn.exit_code == 0 and drawn.stdout == ""
    assert drawn.stderr == "no records match: --country KZ --note contradicted\n"


# The article's errors issue 15 names, as (record id, kind of error, what the source states, words
# of the correction, words of the reference's publisher or title).
KNOWN_ERRORS = [
    ("cove-kaz-samruk-kazyna-jv-proposal-2025-09", "name", None, "Lutnick", "Lutnick"),  # Raimondo for Lutnick
    ("us-section-301-tariff-tungsten-china", "date", "+25 %", "13 September 2024", "Trade Representative"),
    ("tungsten-melting-point", "value", "3,410 °C", "3422 °C", "CRC Handbook"),
    ("american-tungsten-exim-loan-2025-11-07", "value", "US$ 255 m", "USD 25.5 million", "EXIM"),
    ("us-net-import-reliance-50", "value", "50 %", "'>50'", "Mineral Commodity Summaries 2025"),
    ("wabtec-kazakhstan-railway-locomotives-2025", "date", "US$ 4.2 bn", "September 2025", "Wabtec"),
    ("cove-kaz-tau-ken-jv-2025-11", "value", "70 % offtake", "marketing 100 % of the output", "Cove Capital"),
]


@pytest.mark.parametrize(("record_id", "error", "stated", "corrected", "referenced"), KNOWN_ERRORS)
def test_corrections_list_the_articles_known_errors(
    record_id: str, error: str, stated: str | None, corrected: str, referenced: str
) -> None:
    rows = [r for r in run_json("corrections") if r["id"] == record_id]
    assert len(rows) == 1, rows
    (row,) = rows
    assert error in row["errors"] and row["stated"] == stated and corrected in row["correction"]
    assert referenced in f"{row['reference_publisher']} {row['reference_title']}"
    assert row["reference_publisher"] and row["reference_title"]
    assert row["reference_url"] or row["reference_publisher"] == "CRC Press", "a handbook has no URL"
    assert row["citations"] and all(c["source"] == "sunsirs-2025-11-21" for c in row["citations"])


def test_corrections_hold_one_row_per_contradicted_note() -> None:
    rows = run_json("corrections")
    notes = _contradicted_notes()
    assert [(r["id"], r["errors"], r["correction"]) for r in rows] == [(i, n["errors"], n["text"]) for i, n in notes]
    assert {r["name"] for r in rows} >= {"US Department of Commerce", "American Tungsten Corp."}, "a named record shows its name"


def test_corrections_filter_by_country_year_and_source() -> None:
    in_2024 = {r["id"] for r in run_json("corrections", "--year", "2024")}
    assert "us-net-import-reliance-50" in in_2024 and "us-section-301-tariff-tungsten-china" not in in_2024  # dated 2025-09, as written
    assert in_2024 == {r["id"] for r in run_json("facts", "--year", "2024", "--note", "contradicted")}
    kazakh = {r["id"] for r in run_json("corrections", "--country", "KZ")}
    assert "cove-kaz-tau-ken-jv-2025-11" in kazakh and "tungsten-melting-point" not in kazakh
    assert run_json("corrections", "--source", "usgs-mcs-2025") == []
    assert len(run_json("corrections", "--source", "sunsirs-2025-11-21")) == len(_contradicted_notes())


def test_corrections_table_names_the_record_error_and_correction() -> None:
    out = run("corrections", "--cite").stdout
    line = next(line for line in out.splitlines() if "tungsten-melting-point" in line)
    assert "value" in line and "3,410 °C" in line and "3422 °C" in line
    assert "    > sunsirs-2025-11-21: Wolfram, als seltenes Metall mit dem höchsten Schmelzpunkt" in out


def _corrections() -> dict[str, list[dict[str, Any]]]:
    return {row["id"]: row["corrections"] for row in run_json("corrections")}


@pytest.mark.parametrize(
    ("record_id", "field", "stated", "corrected"),
    [
        ("american-tungsten-exim-loan-2025-11-07", "amount_usd", 255_000_000, 25_500_000),  # a dropped decimal point
        ("tungsten-melting-point", "value", 3410, 3422),
        ("commerce-secretary-tokayev-meeting-2025-09", "commerce_secretary", "Raimondo", "Lutnick"),
        ("us-section-301-tariff-tungsten-china", "date", "2025-09", "2024-09"),
        ("wabtec-kazakhstan-railway-locomotives-2025", "date", "2025", "2025-09"),
    ],
)
def test_corrections_json_gives_stated_and_corrected_values(record_id: str, field: str, stated: object, corrected: object) -> None:
    assert {"field": field, "stated": stated, "corrected": corrected} in _corrections()[record_id]


def test_a_dropped_bound_is_a_correction_of_the_comparator_the_source_does_not_state() -> None:
    """The article's 50 % is USGS's ">50" without "more than": the number stands, the comparator is corrected,
    and the row names `stated` as null (the record's own JSON omits the empty key)."""
    assert _corrections()["us-net-import-reliance-50"] == [{"field": "comparator", "stated": None, "corrected": ">"}]
    record = load_facts().by_id()["us-net-import-reliance-50"]
    assert record["value"] == 50 and record["comparator"] is None


def test_the_record_value_is_named_apart_from_what_a_correction_states() -> None:
    """The row's headline value is `record_value` ("US$ 4.2 bn"); `stated` stays as its old name (schema 1
    only adds keys), while `corrections[].stated` is what the source states for the corrected field."""
    rows = {row["id"]: row for row in run_json("corrections")}
    wabtec = rows["wabtec-kazakhstan-railway-locomotives-2025"]
    assert wabtec["record_value"] == wabtec["stated"] == "US$ 4.2 bn"
    assert wabtec["corrections"] == [{"field": "date", "stated": "2025", "corrected": "2025-09"}]
    assert all(row["record_value"] == row["stated"] for row in rows.values())
    assert rows["tungsten-melting-point"]["unit"] == "degc" and wabtec["unit"] is None
    fields = run("fields", "corrections").stdout
    assert re.search(r"(?m)^record_value +text +The record's headline value", fields)
    assert re.search(r"(?m)^stated +text +The same as record_value", fields)
    assert re.search(r"(?m)^record value +text +The table's label for record_value", fields)


@pytest.mark.parametrize(
    ("record_id", "shown"),
    [
        ("american-tungsten-exim-loan-2025-11-07", "US$ 255 m → US$ 25.5 m"),
        ("tungsten-melting-point", "3,410 °C → 3,422 °C"),
        ("cove-kaz-tau-ken-jv-2025-11", "70 % → 100 %"),
        ("us-net-import-reliance-50", "(not stated) → > (more than)"),
        ("us-section-301-tariff-tungsten-china", "2025-09 → 2024-09; Trump → Biden"),
        ("american-tungsten-corp", "US → CA"),
    ],
)
def test_the_change_column_reads_each_value_in_its_fields_unit(record_id: str, shown: str) -> None:
    rows = {row["id"]: row for row in run_json("corrections")}
    assert changes_text(rows[record_id]) == shown


FIGURE = """\
- kind: figure
  id: reliance
  subject: US
  measure: net-import-reliance
  value: 50
  unit: pct
  summary: Reliance is 50 %.
  citations:
    - source: mini
      quote: Acme
  notes:
"""


def _corrected(record: str, correction: str) -> str:
    note = _note("contradicted", "[value]").replace("      text:", f"      corrections:\n        - {correction}\n      text:")
    return record + note


@pytest.mark.parametrize("correction", ["{field: comparator, stated: null, corrected: '>'}", "{field: comparator, corrected: '>'}"])
def test_a_null_stated_loads_for_a_field_the_record_leaves_empty(tmp_path: Path, correction: str) -> None:
    """Null or left out alike: a loaded record's JSON leaves the empty key out, and a copy of it must load again."""
    pack = _corrected(FIGURE, correction)
    facts = load_facts([str(mini_pack(tmp_path, pack))], use_cache=False)
    assert facts.records[0]["notes"][0]["corrections"] == [{"field": "comparator", "corrected": ">"}]
    import yaml

    schema = json.loads(run("schema").stdout)
    jsonschema.validate(yaml.safe_load(pack), schema)  # editors accept it too


@pytest.mark.parametrize(
    ("record", "correction", "message"),
    [
        (FIGURE, "{field: value, stated: null, corrected: 60}", "says the source states nothing (stated: null); the record holds 50"),
        (FIGURE, "{field: value, corrected: 60}", "says the source states nothing (stated: null); the record holds 50"),
        (
            RECORD,
            "{field: name, stated: null, corrected: Acme Inc}",
            "says the source states nothing (stated: null); the record holds 'Acme'",
        ),
        (RECORD, "{field: commerce_secretary, stated: null, corrected: Lutnick}", "no organization record has a commerce_secretary field"),
        (FIGURE, "{field: comparator, stated: '>=', corrected: '>'}", "says the source states '>='; the record holds None"),
    ],
)
def test_a_null_stated_is_refused_where_the_record_holds_the_field_or_has_no_such_field(
    tmp_path: Path, record: str, correction: str, message: str
) -> None:
    with pytest.raises(FactsError) as caught:
        load_facts([str(mini_pack(tmp_path, _corrected(record, correction)))], use_cache=False)
    assert any(message in str(problem) for problem in caught.value.problems), caught.value.problems


def test_a_correction_states_what_the_record_holds_or_what_its_quotes_name() -> None:
    """`stated` is the record's own value (a field), or for a name no field holds, a word of its quotes."""
    records = load_facts().by_id()
    found = _corrections()
    assert sum(len(c) for c in found.values()) >= 12
    for record_id, corrections in found.items():
        record = records[record_id]
        for correction in corrections:
            if correction["field"] in record:
                assert record[correction["field"]] == correction["stated"], (record_id, correction)
            elif correction["stated"] is None:
                raise AssertionError(f"{record_id}: stated null for {correction['field']}, which the record does not have")
            else:
                assert any(str(correction["stated"]) in c["quote"] for c in record["citations"]), (record_id, correction)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (
            _note("contradicted", "[value]").replace(
                "      text:", "      corrections:\n        - {field: name, stated: Acme Corp, corrected: Acme Inc}\n      text:"
            ),
            "the record holds 'Acme'",
        ),
        (
            _note("context", None).replace(
                "      text:", "      corrections:\n        - {field: name, stated: Acme, corrected: Ac}\n      text:"
            ),
            "corrections is for 'contradicted' notes",
        ),
    ],
)
def test_a_correction_must_state_the_record_and_belong_to_a_contradiction(tmp_path: Path, note: str, message: str) -> None:
    with pytest.raises(FactsError) as caught:
        load_facts([str(mini_pack(tmp_path, RECORD + note))], use_cache=False)
    assert any(message in str(problem) for problem in caught.value.problems), caught.value.problems
