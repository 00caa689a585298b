"""`tungsten verify` passes on the shipped facts and names the record for each kind of corruption."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT, replace_once, run

from tungsten_cli.load import builtin_dir, load_facts
from tungsten_cli.quotes import numbers_in
from tungsten_cli.verify import anchor_problem, verify


def test_shipped_facts_verify_clean(source_dir: Path) -> None:
    report = verify(load_facts(), source_dir)
    assert [str(p) for p in report.problems] == []
    assert report.sources == len(load_facts().sources) > 2 and report.citations >= report.records > 100


def test_every_quote_is_verbatim_and_hashes_match(source_dir: Path) -> None:
    facts = load_facts()
    texts = {}
    for source_id, source in facts.sources.items():
        blob = (source_dir / source["file"]).read_bytes()
        assert hashlib.sha256(blob).hexdigest() == source["sha256"], source_id
        texts[source_id] = blob.decode("utf-8")
    for record in facts.records:
        for citation in record["citations"]:
            assert citation["quote"] in texts[citation["source"]], record["id"]


def test_verify_command_passes(source_dir: Path) -> None:
    result = run("verify", "--source-dir", str(source_dir))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert re.search(r"checked \d+ citations in \d+ records against \d+ sources: 0 problem\(s\)", result.stderr)


def test_missing_source_folder_is_an_error(tmp_path: Path) -> None:
    result = run("verify", "--source-dir", str(tmp_path / "nowhere"))
    assert result.exit_code == 1
    assert "source folder not found" in result.stderr


def test_no_source_folder_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TUNGSTEN_SOURCE_DIR")
    result = run("verify")
    assert result.exit_code == 1
    assert result.stderr == "tungsten: error: no source folder: pass --source-dir DIR or set TUNGSTEN_SOURCE_DIR\n"


def test_missing_source_file_fails(tmp_path: Path) -> None:
    result = run("verify", "--facts", str(DATA / "mini"), "--source-dir", str(tmp_path))
    assert result.exit_code == 1
    assert "sources.yaml:1: mini: source file missing" in result.stdout


@pytest.fixture
def corrupt_copy(tmp_path: Path, source_dir: Path) -> Path:
    """A copy of the shipped packs to break one way per test."""
    target = tmp_path / "facts"
    shutil.copytree(builtin_dir(), target)
    return target


def _verify_copy(folder: Path, source_dir: Path) -> str:
    result = run("verify", "--facts", str(folder), "--source-dir", str(source_dir))
    assert result.exit_code == 1, result.output
    return result.stdout


def test_changed_letter_in_quote(corrupt_copy: Path, source_dir: Path) -> None:
    replace_once(
        corrupt_copy / "usgs-mcs-2025" / "domestic.yaml", 'used in cemented carbide parts for"', 'used in cemented carbide partz for"'
    )
    out = _verify_copy(corrupt_copy, source_dir)
    assert re.search(r"domestic\.yaml:\d+: usgs-us-end-use-cemented-carbide-2024: quote not found verbatim", out)


def test_wrong_sha256(corrupt_copy: Path, source_dir: Path) -> None:
    replace_once(corrupt_copy / "sources.yaml", "350badc65c", "450badc65c")
    out = _verify_copy(corrupt_copy, source_dir)
    assert re.search(r"sources\.yaml:\d+: usgs-mcs-2025: SHA-256 of .* expected 450badc65c", out)


def test_number_missing_from_quote(corrupt_copy: Path, source_dir: Path) -> None:
    replace_once(corrupt_copy / "usgs-mcs-2025" / "domestic.yaml", "value: 60", "value: 61")
    out = _verify_copy(corrupt_copy, source_dir)
    assert "usgs-us-end-use-cemented-carbide-2024: value = 61 does not appear in any of its quotes" in out


def test_shifted_offsets(corrupt_copy: Path, source_dir: Path) -> None:
    text = (source_dir / "usgs-mcs-2025-tungsten.en.txt").read_text(encoding="utf-8")
    quote = "Depletion Allowance: 22% (domestic), 14% (foreign)."
    start = text.index(quote) + 1
    path = corrupt_copy / "usgs-mcs-2025" / "domestic.yaml"
    line = f'    quote: "{quote}"'
    replace_once(path, line, f"{line}\n    start: {start}\n    end: {start + len(quote)}")
    out = _verify_copy(corrupt_copy, source_dir)
    assert re.search(rf"usgs-us-depletion-allowance-domestic: quote is not at offsets {start}\.\.", out)


def test_ambiguous_quote_needs_an_anchor() -> None:
    text = "A 5% B. C 5% D."
    assert anchor_problem(text, {"source": "s", "quote": "5%"}) == "quote occurs 2 times; add prefix, suffix or offsets to pick one"
    assert anchor_problem(text, {"source": "s", "quote": "5%", "prefix": "C "}) is None
    assert anchor_problem(text, {"source": "s", "quote": "5%", "start": 2, "end": 4}) is None


@pytest.mark.parametrize(
    ("quote", "value"),
    [
        ("231.500 Tonnen", 231500),
        ("231,500 t", 231500),
        ("231500", 231500),
        ("0,132%", 0.132),
        ("0.132 %", 0.132),
        ("1.216 Millionen Tonnen", 1216000),
        ("4,2 Milliarden US-Dollar", 4.2e9),
        ("sank um 6,45%", 6.45),
        ("drei bis vier Jahrzehnten", 4),
        ("etwa ein Dutzend Standorte", 12),
        ("Mine   —   —", 0),
        ("rund 4 - 5 Milliarden US-Dollar", 4e9),
    ],
)
def test_numbers_in_german_and_english_notation(quote: str, value: float) -> None:
    assert value in numbers_in(quote)


def test_numbers_in_does_not_invent() -> None:
    assert 1216 not in numbers_in("1,217")
    assert 27 not in numbers_in("72%")


def test_verify_script_path_is_documented() -> None:
    assert "TUNGSTEN_SOURCE_DIR" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_explain_shows_the_token_behind_each_number(source_dir: Path) -> None:
    result = run("verify", "--explain", "upper-kairakty", "--source-dir", str(source_dir))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for field, token in (
        ("reserves_wo3_t = 1216000", "'1.216 Millionen'"),
        ("molybdenum_t = 39600", "'39.600'"),
        ("grade_wo3_min_pct = 0.132", "'0,132'"),
    ):
        block = out.split(field, 1)[1]
        assert block.split("\n")[1].strip().startswith(f"token: {token} in quote 1"), out
    for rule in (
        "notation: note 4 (unit-ambiguous) reads '1.216 Millionen' as 1216000",
        "scale word: 'Millionen'",
        "unit: 'Tonnen'",
        "comparator:",
        "approximation:",
        "direction:",
    ):
        assert rule in out, out


def test_explain_names_the_cell_and_the_estimate_rule(source_dir: Path) -> None:
    result = run("verify", "--explain", "usgs-mcs2024-mine-production-kp-2022", "--source-dir", str(source_dir))
    assert result.exit_code == 0, result.output
    assert (
        "cell 'Prod_t_est_2022'" in result.stdout
        and "note 1 (interpretation), deciding where the column marker and the metadata" in result.stdout
    )


def test_explain_an_unknown_record_is_one_line(source_dir: Path) -> None:
    result = run("verify", "--explain", "no-such-record", "--source-dir", str(source_dir))
    assert result.exit_code != 0 and "no record 'no-such-record'" in result.stderr and "Traceback" not in result.output
