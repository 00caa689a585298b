"""YAML's limits in a fact pack (yamlio.py): no merge keys, nesting at most MAX_DEPTH levels, numbers
within SQLite's integer range (.nan and .inf: the schema refuses them by field), and no YAML 1.1
octal or base-60 numbers; each is one problem line at its file:line:column, never a traceback nor
a value silently changed or dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DATA, run

from tungsten_cli.yamlio import MAX_DEPTH

SOURCES = (DATA / "mini" / "sources.yaml").read_text(encoding="utf-8")
DEPOSIT = "- kind: deposit\n  id: d\n  name: D\n  country: KZ\n  summary: D.\n{extra}  citations:\n    - source: mini\n      quote: q\n"


def _validate(tmp_path: Path, text: str) -> tuple[int, str]:
    (tmp_path / "pack.yaml").write_text(SOURCES + text, encoding="utf-8")
    result = run("validate", str(tmp_path / "pack.yaml"))
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("  reserves_wo3_t: 12500\n  <<: {reserves_wo3_t: 99}\n", "merge keys (<<) are not allowed in fact packs: write each field out"),
        (
            "  reserves_wo3_t: 010\n",
            "010 is an octal number in YAML 1.1 (it reads as 8): quote it ('010') if it is text, or write the plain number",
        ),
        (
            "  reserves_wo3_t: 1:30\n",
            "1:30 is a base-60 number in YAML 1.1 (it reads as 90): quote it ('1:30') if it is text, or write the plain number",
        ),
        (
            "  reserves_wo3_t: 1.0e+300\n",
            "1.0e+300 is out of range: a number in a fact pack is at most 9,223,372,036,854,775,807 in size (SQLite's integer range)",
        ),
        (
            "  reserves_wo3_t: 10000000000000000000\n",
            "10000000000000000000 is out of range: a number in a fact pack is at most 9,223,372,036,854,775,807 in size (SQLite's integer range)",
        ),
        (
            "  reserves_wo3_t: -9223372036854775809\n",
            "-9223372036854775809 is out of range: a number in a fact pack is at most 9,223,372,036,854,775,807 in size (SQLite's integer range)",
        ),
    ],
    ids=["merge", "octal", "base-60", "1e300", "2**63+", "-2**63-1"],
)
def test_a_value_yaml_would_change_or_the_export_cannot_hold_is_refused(tmp_path: Path, extra: str, message: str) -> None:
    text = DEPOSIT.format(extra=extra)
    code, stderr = _validate(tmp_path, text)
    line = (SOURCES + text).splitlines().index(extra.splitlines()[-1]) + 1  # the bad value's own line
    assert code == 1
    assert stderr.startswith(f"{tmp_path / 'pack.yaml'}:{line}:"), stderr
    assert f": {message}\n" in stderr


@pytest.mark.parametrize("value", ["'010'", "10", "9223372036854775807", "0", "0.5", "7.25"])
def test_plain_numbers_and_quoted_text_pass(tmp_path: Path, value: str) -> None:
    code, stderr = _validate(
        tmp_path, DEPOSIT.format(extra=f"  region: r\n  molybdenum_t: {value}\n" if value[0] != "'" else f"  region: {value}\n")
    )
    assert code == 0, stderr


def test_two_merge_keys_in_one_record_are_two_lines_not_a_traceback(tmp_path: Path) -> None:
    code, stderr = _validate(tmp_path, "- <<: {kind: deposit}\n  <<: {id: a}\n")
    assert code == 1
    assert stderr.count("merge keys (<<) are not allowed") == 2


def test_deep_nesting_is_one_line(tmp_path: Path) -> None:
    code, stderr = _validate(tmp_path, DEPOSIT.format(extra="  region: " + "[" * 900 + "]" * 900 + "\n"))
    assert code == 1
    assert f"nested more than {MAX_DEPTH} levels deep; a fact pack needs 5\n" in stderr
    assert stderr.count("\n") == 2  # the problem and the count


def test_the_built_in_packs_stay_well_within_the_depth_limit() -> None:
    assert run("--no-cache", "validate", "builtin").exit_code == 0
