"""Packs that parse but are wrong never load: duplicate keys, NaN, lax types, impossible ranges and sums."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from conftest import ACME, mini_pack, run

from tungsten_cli import yamlio
from tungsten_cli.render import Format, Listing, write

BETA = """\
- kind: organization
  id: beta
  name: Beta
  org_kind: bank
  summary: Beta is a bank.
  citations:
    - source: mini
      quote: Beta
"""
ORGS = ACME + BETA  # 16 lines: a record appended below starts on line 17


def deal(**fields: str) -> str:
    lines = {"deal_kind": "loan", "summary": "A loan.", "amount_usd": "100", **fields}
    body = "".join(f"  {k}: {v}\n" for k, v in lines.items())
    return f"- kind: deal\n  id: d\n{body}  parties: [{{org: acme, stake_pct: 70}}, {{org: beta, stake_pct: 30}}]\n  citations: [{{source: mini, quote: Acme}}]\n"


def share(record_id: str, partner: str, pct: str, importer: str = "US", date: str = "2020/2023") -> str:
    return (
        f"- kind: import_share\n  id: {record_id}\n  summary: A share.\n  importer: {importer}\n  partner: {partner}\n"
        f'  share_pct: {pct}\n  forms: ores\n  date: "{date}"\n  citations: [{{source: mini, quote: Acme}}]\n'
    )


def figure(value: str, **fields: str) -> str:
    extra = "".join(f"  {k}: {v}\n" for k, v in fields.items())
    return f"- kind: figure\n  id: f\n  summary: A figure.\n  subject: world\n  measure: m\n  unit: t\n  value: {value}\n{extra}  citations: [{{source: mini, quote: Acme}}]\n"


def write_pack(tmp_path: Path, text: str) -> Path:
    return mini_pack(tmp_path, ORGS + text)


def rejected(tmp_path: Path, text: str, line: str) -> None:
    """validate and a listing both exit 1 with exactly this `file:line:col: id: field: message` line."""
    folder = write_pack(tmp_path, text)
    expected = f"{folder / 'pack.yaml'}:{line}"
    for args in (["validate", str(folder)], ["facts", "--json", "--facts", str(folder)]):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert expected in lines, result.stderr
        assert lines[-1].startswith("tungsten: error: ")


def accepted(tmp_path: Path, text: str) -> list[dict[str, object]]:
    result = run("facts", "--json", "--facts", str(write_pack(tmp_path, text)))
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, object]] = json.loads(result.stdout)
    return records


@pytest.mark.parametrize("libyaml", [True, False], ids=["C loader", "pure Python loader"])
def test_duplicate_key_points_at_the_duplicate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, libyaml: bool) -> None:
    if libyaml and not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    if not libyaml:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    yamlio.fact_loader.cache_clear()
    try:
        text = deal().replace("  amount_usd: 100\n", "  amount_usd: 100\n  amount_usd: 999\n")
        rejected(tmp_path, text, "22:3: d: amount_usd: duplicate key (first at line 21); YAML would keep only the last")
    finally:
        yamlio.fact_loader.cache_clear()


def test_second_id_does_not_rename_the_record(tmp_path: Path) -> None:
    rejected(
        tmp_path,
        deal().replace("  id: d\n", "  id: d\n  id: e\n"),
        "19:3: d: id: duplicate key (first at line 18); YAML would keep only the last",
    )


def test_duplicate_key_inside_a_citation_names_its_path(tmp_path: Path) -> None:
    text = figure("1").replace("[{source: mini, quote: Acme}]", "[{source: mini, quote: Acme, quote: Beta}]")
    rejected(tmp_path, text, "24:43: f: citations.0.quote: duplicate key (first at line 24); YAML would keep only the last")


@pytest.mark.parametrize("token", [".nan", ".NaN", ".inf", "-.inf"])
def test_nan_and_infinity_are_rejected(tmp_path: Path, token: str) -> None:
    rejected(tmp_path, figure(token), "23:10: f: value: Input should be a finite number")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (deal(amount_usd="true"), "21:15: d: amount_usd: Input should be a valid number"),
        (figure('"1e3"'), "23:10: f: value: Input should be a valid number"),
        (figure("1", estimated='"yes"'), "24:14: f: estimated: Input should be a valid boolean"),
        (figure("1", estimated="1"), "24:14: f: estimated: Input should be a valid boolean"),
        (figure("1", as_written="12"), "24:15: f: as_written: Input should be a valid string"),
        (figure("1", as_written="!!binary aGVsbG8="), "24:15: f: as_written: Input should be a valid string"),
    ],
    ids=["bool-for-number", "text-for-number", "yes-for-bool", "int-for-bool", "int-for-text", "binary-for-text"],
)
def test_fields_have_the_type_they_declare(tmp_path: Path, text: str, line: str) -> None:
    rejected(tmp_path, text, line)


def test_an_int_is_still_a_number(tmp_path: Path) -> None:
    assert [r["value"] for r in accepted(tmp_path, figure("81000")) if r["id"] == "f"] == [81000]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (share("s", "CN", "-5"), "22:14: s: share_pct: Input should be greater than or equal to 0"),
        (share("s", "CN", "150"), "22:14: s: share_pct: Input should be less than or equal to 100"),
        (
            deal().replace("stake_pct: 70", "stake_pct: 170"),
            "22:36: d: parties.0.stake_pct: Input should be less than or equal to 100",
        ),
        (
            "- kind: deposit\n  id: dep\n  name: D\n  country: KZ\n  summary: s\n  grade_wo3_min_pct: -1\n  citations: [{source: mini, quote: Acme}]\n",
            "22:22: dep: grade_wo3_min_pct: Input should be greater than or equal to 0",
        ),
        (
            "- kind: measure\n  id: q\n  measure_kind: mining-quota\n  country: CN\n  summary: s\n  change_pct: -150\n  citations: [{source: mini, quote: Acme}]\n",
            "22:15: q: change_pct: Input should be greater than or equal to -100",
        ),
    ],
    ids=["negative-share", "share-over-100", "stake-over-100", "negative-grade", "fall-beyond-all"],
)
def test_each_percent_has_its_real_range(tmp_path: Path, text: str, line: str) -> None:
    rejected(tmp_path, text, line)


def test_signed_changes_stay_signed(tmp_path: Path) -> None:
    text = "- kind: measure\n  id: q\n  measure_kind: mining-quota\n  country: CN\n  summary: s\n  change_pct: -6.45\n  citations: [{source: mini, quote: Acme}]\n"
    assert [r["change_pct"] for r in accepted(tmp_path, text) if r["id"] == "q"] == [-6.45]


def test_import_share_from_the_importer_itself(tmp_path: Path) -> None:
    rejected(tmp_path, share("s", "US", "10"), "21:12: s: partner: partner US is the importer itself")


def test_import_shares_of_one_whole_sum_to_at_most_100(tmp_path: Path) -> None:
    text = share("a", "CN", "60") + share("b", "DE", "50")
    rejected(
        tmp_path,
        text,
        "31:14: b: share_pct: import shares of US for 2020/2023 (ores) in mini sum to 110 %, over 100 % (rounding tolerance 1)",
    )


def test_share_sums_allow_rounding_and_separate_wholes(tmp_path: Path) -> None:
    text = share("a", "CN", "60") + share("b", "DE", "40.9") + share("c", "DE", "60", date="2024") + share("d", "CN", "60", importer="DE")
    assert len(accepted(tmp_path, text)) == 6


def test_conflicting_claims_about_one_partner_count_once(tmp_path: Path) -> None:
    assert len(accepted(tmp_path, share("a", "CN", "60") + share("b", "CN", "70"))) == 4


def test_deal_stakes_sum_to_at_most_100(tmp_path: Path) -> None:
    rejected(
        tmp_path,
        deal().replace("stake_pct: 30", "stake_pct: 40"),
        "22:12: d: parties: stakes sum to 110 %, over 100 % (rounding tolerance 1)",
    )
    assert len(accepted(tmp_path, deal().replace("stake_pct: 30", "stake_pct: 30.5"))) == 3


@pytest.mark.parametrize("summary", ['"   "', '"\\t\\n"'])
def test_blank_summary(tmp_path: Path, summary: str) -> None:
    rejected(
        tmp_path,
        figure("1", summary=summary).replace("  summary: A figure.\n", ""),
        "23:12: f: summary: is blank: give some text or leave the field out",
    )


@pytest.mark.parametrize("date", ["2025-06-15/2025-06", "2025-03/2025", "2025/2025", "2024-12-31/2025"])
def test_intervals_compare_their_bounds_not_their_text(tmp_path: Path, date: str) -> None:
    assert [r["date"] for r in accepted(tmp_path, figure("1", date=date)) if r["id"] == "f"] == [date]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2026/2025", "'2026/2025' ends before it starts"),
        ("2025-06/2025-05-31", "'2025-06/2025-05-31' ends before it starts"),
        ("2025-13", "'2025-13' is not a real date: month must be in 1..12"),
        ("2025-02-30", "'2025-02-30' is not a real date: day is out of range for month"),
        ("2025-1", "'2025-1' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD or START/END)"),
    ],
)
def test_impossible_dates(tmp_path: Path, date: str, message: str) -> None:
    rejected(tmp_path, figure("1", date=f'"{date}"'), f"24:9: f: date: {message}")


def test_json_writers_refuse_nan() -> None:
    for fmt in (Format.json, Format.jsonl):
        with pytest.raises(ValueError, match="JSON compliant"):
            write(Listing([{"id": "x", "value": float("nan")}], []), fmt, StringIO())


def _only_problem(tmp_path: Path, text: str, line: str, orgs: str = ORGS) -> None:
    """Exactly one problem line: records that link to a rejected record are not reported again."""
    folder = write_pack(tmp_path, text)
    (folder / "pack.yaml").write_text(orgs + text, encoding="utf-8")
    for args in (["validate", str(folder)], ["facts", "--json", "--facts", str(folder)]):
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.splitlines() == [f"{folder / 'pack.yaml'}:{line}", "tungsten: error: 1 problem(s) in the fact packs"]


def test_a_link_to_a_rejected_record_is_not_a_second_problem(tmp_path: Path) -> None:
    broken = ORGS.replace("  org_kind: company\n", "  org_kind: nonsense\n")
    _only_problem(
        tmp_path,
        deal(),
        "4:13: acme: org_kind: Input should be 'company', 'state-company', 'state-body', 'bank', 'sovereign-fund', 'exchange', 'research-body' or 'media'",
        orgs=broken,
    )


def test_a_citation_of_a_rejected_source_is_not_a_second_problem(tmp_path: Path) -> None:
    source = (
        "- kind: source\n  id: other-text\n  title: T\n  publisher: P\n  published: '2025'\n  language: en\n  file: ../outside.txt\n  sha256: '"
        + "0" * 64
        + "'\n"
    )
    text = source + figure("1").replace("source: mini", "source: other-text")
    _only_problem(tmp_path, text, "23:9: other-text: file: must be a path inside the source folder")


def test_a_link_to_a_missing_record_is_still_a_problem(tmp_path: Path) -> None:
    _only_problem(tmp_path, deal(deposit="nowhere"), "22:12: d: deposit: no deposit with id 'nowhere'")


@pytest.mark.parametrize(
    ("text", "field", "written"),
    [
        (deal(deposit="nowhere"), "deposit", "nowhere"),
        (deal(deposit="acme"), "deposit", "acme"),
        (deal().replace("org: beta", "org: ghost"), "parties.1.org", "ghost"),
        (figure("1").replace("source: mini", "source: nowhere"), "citations.0.source", "nowhere"),
        (share("a", "CN", "60") + share("b", "DE", "50"), "share_pct", "50"),
        (figure("1") + figure("2").replace("summary: A figure.", "summary: Another."), "id", "f\n  summary: Another."),
    ],
    ids=["missing-deposit", "wrong-kind", "missing-party", "unknown-source", "share-sum", "duplicate-id"],
)
def test_a_problem_between_records_points_at_its_field(tmp_path: Path, text: str, field: str, written: str) -> None:
    """Links, ids and sums are checked after the node trees are gone; the line and column still name the field's value."""
    folder = write_pack(tmp_path, text)
    result = run("validate", str(folder))
    assert result.exit_code == 1, result.output
    problem = result.stderr.splitlines()[0]
    place, _, rest = problem.removeprefix(f"{folder / 'pack.yaml'}:").partition(": ")
    line, column = map(int, place.split(":"))
    assert rest.split(": ")[1] == field, problem
    lines = (folder / "pack.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    assert "".join(lines[line - 1 :])[column - 1 :].startswith(written), problem
