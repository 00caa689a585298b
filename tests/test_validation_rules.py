"""Validation rules a pack could slip past: invisible characters in names, the same organisation
twice in one deal, and a negative quantity where none can be (signed changes stay signed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, run

SOURCES = (DATA / "mini" / "sources.yaml").read_text(encoding="utf-8")
CITED = "  citations:\n    - source: mini\n      quote: q\n"
ORGS = "- kind: organization\n  id: a\n  name: A\n  org_kind: company\n  summary: A.\n" + CITED


def _validate(tmp_path: Path, text: str) -> tuple[int, str]:
    (tmp_path / "pack.yaml").write_text(SOURCES + text, encoding="utf-8")
    result = run("validate", str(tmp_path / "pack.yaml"))
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("char", "name"),
    [("\u200b", "ZERO WIDTH SPACE"), ("\u00ad", "SOFT HYPHEN"), ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"), ("\u200e", "LEFT-TO-RIGHT MARK")],
)
@pytest.mark.parametrize("field", ["name", "aliases"])
def test_an_invisible_character_in_a_name_is_refused(tmp_path: Path, char: str, name: str, field: str) -> None:
    value = f'"Kai{char}rakty"'
    text = f"- kind: deposit\n  id: d\n  country: KZ\n  summary: D.\n  name: {value if field == 'name' else 'D'}\n"
    text += f"  aliases: [{value}]\n" if field == "aliases" else ""
    code, stderr = _validate(tmp_path, text + CITED)
    assert code == 1
    assert f"holds the invisible character U+{ord(char):04X} ({name}); type the name without it" in stderr


def test_ids_cannot_hold_one_either(tmp_path: Path) -> None:
    code, stderr = _validate(tmp_path, ORGS.replace("id: a", 'id: "a\u200bb"'))
    assert code == 1 and "String should match pattern" in stderr


def test_the_same_organisation_twice_in_one_deal_is_refused(tmp_path: Path) -> None:
    deal = "- kind: deal\n  id: x\n  deal_kind: loan\n  summary: X.\n  parties:\n    - org: a\n      role: lender\n    - org: a\n      role: borrower\n"
    code, stderr = _validate(tmp_path, ORGS + deal + CITED)
    assert code == 1
    assert "x: parties: 'a' is named twice; name each organisation once, with its roles in one 'role'" in stderr


@pytest.mark.parametrize(
    ("measure", "unit", "value", "ok"),
    [
        ("mine-production", "t", -5, False),
        ("price-concentrate-rotterdam", "usd_per_mtu_wo3", -1, False),
        ("exploration-permits-issued", "count", -2, False),
        ("demand-growth-yoy", "pct", -3.5, True),  # a change stays signed
        ("net-import-reliance", "pct", -12, True),  # a net exporter
        ("mine-production", "t", 0, True),
    ],
)
def test_negative_quantities_only_where_a_quantity_can_fall_below_zero(
    tmp_path: Path, measure: str, unit: str, value: float, ok: bool
) -> None:
    figure = (
        f"- kind: figure\n  id: f\n  summary: F.\n  subject: KZ\n  measure: {measure}\n  unit: {unit}\n  value: {value}\n  date: '2024'\n"
    )
    code, stderr = _validate(tmp_path, figure + CITED)
    assert (code == 0) is ok, stderr
    if not ok:
        assert f"is negative, but a quantity in {unit} cannot be" in stderr
