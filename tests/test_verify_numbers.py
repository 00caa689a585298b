"""verify reads numbers strictly: scale words scale, dashes are zero only in table cells, signs need backing.

Most cases run `tungsten verify` on tests/data/pair (two sources, anchored citations, a record
citing both) with one deliberate mistake each, so they do not depend on the shipped facts.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from conftest import DATA, replace_once, run

from tungsten_cli.quotes import numbers_in, read_quote
from tungsten_cli.verify import anchor_problem

PAIR = DATA / "pair"
SOURCES = DATA / "sources"


def verify(tmp_path: Path, old: str = "", new: str = "") -> str:
    """Problems `tungsten verify` prints for the pair pack with `old` replaced by `new` (once)."""
    folder = tmp_path / "pair"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(PAIR, folder)
    replace_once(folder / "records.yaml", old, new)
    result = run("verify", "--facts", str(folder), "--source-dir", str(SOURCES))
    assert result.exit_code in (0, 1), result.output
    assert (result.exit_code == 0) == (result.stdout == "")
    return str(result.stdout)


def test_the_pair_pack_verifies(tmp_path: Path) -> None:
    assert verify(tmp_path) == ""


@pytest.mark.parametrize(
    ("quote", "holds", "lacks"),
    [
        ("1.216 Millionen Tonnen", {1_216_000}, {1.216, 1216, 1_216_000_000}),
        ("1,216 Millionen Tonnen", {1_216_000}, {1.216, 1216, 1_216_000_000}),
        ("255 Millionen US-Dollar", {255_000_000}, {255}),
        ("4 - 5 Milliarden", {4e9, 5e9}, {4, 5}),
        ("Im Jahr 2025 wurden 5 Millionen", {2025, 5e6}, {2025e6, 5}),
        ("231.500 Tonnen", {231_500, 231.5}, set()),
    ],
)
def test_scale_words(quote: str, holds: set[float], lacks: set[float]) -> None:
    found = numbers_in(quote)
    assert holds <= found, found
    assert not lacks & found, found


@pytest.mark.parametrize(
    ("quote", "zero"),
    [
        ("Mine                  —          —", True),
        ("Nordberg                      —         40", True),
        ("—", True),
        ("Prices rose — as expected — in 2025.", False),
        ("Salient Statistics—United States:", False),
        ("W Withheld to avoid disclosing company proprietary data. — Zero.", False),
    ],
)
def test_a_dash_is_zero_only_in_a_table_cell(quote: str, zero: bool) -> None:
    assert (0.0 in numbers_in(quote)) is zero


@pytest.mark.parametrize(
    ("quote", "backed"),
    [
        ("Die Quote sank um 6,45%.", {6.45}),
        ("Die Quote wurde um 6,45% gesenkt.", {6.45}),
        ("a decrease of 5%", {5}),
        ("Veränderung: -6,45%", {6.45}),
        ("Veränderung: −6,45%", {6.45}),
        ("Die Quote stieg um 6,45%.", set()),
        ("von 2020 - 2023", set()),
    ],
)
def test_what_backs_a_negative_value(quote: str, backed: set[float]) -> None:
    language = "en" if quote.startswith("a ") else "de"
    found = {t.value for t in read_quote(quote, language) if (t.negative or t.decrease_word) and not t.year}
    assert {round(v, 6) for v in backed} == found


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        pytest.param(
            "reserves_wo3_t: 2500000",
            "reserves_wo3_t: 2500000000",
            "nordberg: reserves_wo3_t = 2500000000 does not appear in any of its quotes",
            id="a-value-typed-1000-times-too-large",
        ),
        pytest.param(
            "reserves_wo3_t: 2500000",
            "reserves_wo3_t: 2.5",
            "nordberg: reserves_wo3_t = 2.5 does not appear",
            id="the-unscaled-number-alone",
        ),
        # In percent: a negative tonnage is refused by validation already (test_validation_rules.py).
        pytest.param(
            "  unit: t\n  value: 40.0",
            "  unit: pct\n  value: -40",
            "nordberg-production-2025: value = -40 is negative, but '40' has no minus sign and its clause no decrease word [rule: direction]",
            id="a-negative-value-needs-a-sign-or-a-decrease-word",
        ),
        pytest.param(
            '      quote: "Nordberg                      —         40"',
            "      quote: Prices rose — as expected — in 2025.",
            "nordberg-production-2024: value = 0 does not appear in any of its quotes",
            id="a-dash-in-prose-is-not-a-zero",
        ),
        pytest.param(
            '    - source: beta\n      quote: "Nordberg                      —         40"\n- kind: measure',
            "- kind: measure",
            "nordberg-production-2025: value = 40 does not appear in any of its quotes",
            id="a-value-in-the-second-source-of-two-counts",
        ),
        pytest.param(
            'suffix: ". Die Mine Suedberg"',
            'suffix: ". Die Mine Westberg"',
            "alpha-nordberg-reserves: the quote is found 2 times, but suffix '. Die Mine Westberg' is not the text just after any of them",
            id="an-unmatched-suffix-selects-nothing",
        ),
        pytest.param(
            "start: 116\n      end: 153",
            "start: 117\n      end: 154",
            "suedberg: quote is not at offsets 117..154 (found at 52, 116)",
            id="wrong-offsets-are-reported",
        ),
        pytest.param(
            '      prefix: "Nordberg hat "\n',
            "",
            "nordberg: quote occurs 2 times; add prefix, suffix or offsets to pick one",
            id="an-unanchored-repeated-quote-is-ambiguous",
        ),
    ],
)
def test_verify_names_the_value_or_quote_that_fails(tmp_path: Path, old: str, new: str, problem: str) -> None:
    assert problem in verify(tmp_path, old, new)


def test_a_decrease_word_backs_a_signed_change(tmp_path: Path) -> None:
    assert verify(tmp_path, "change_pct: -5", "change_pct: -5") == ""


def test_an_unmatched_prefix_selects_nothing(tmp_path: Path) -> None:
    out = verify(tmp_path, 'prefix: "Nordberg hat "', 'prefix: "Westberg hat "')
    assert "nordberg: the quote is found 2 times, but prefix 'Westberg hat ' is not the text just before any of them" in out
    assert "occurs 0 times" not in out


def test_anchors_pick_one_occurrence() -> None:
    text = "A x B. C x D."
    assert anchor_problem(text, {"source": "s", "quote": "x"}) == "quote occurs 2 times; add prefix, suffix or offsets to pick one"
    assert anchor_problem(text, {"source": "s", "quote": "x", "prefix": "C "}) is None
    assert anchor_problem(text, {"source": "s", "quote": "x", "suffix": " B"}) is None
    assert anchor_problem(text, {"source": "s", "quote": "x", "prefix": "C ", "suffix": " B"}) == (
        "the quote is found 2 times, but none has both prefix 'C ' before it and suffix ' B' after it"
    )


@pytest.mark.parametrize(
    ("text", "anchors", "problem"),
    [
        ("A x B.", {"prefix": "C "}, "the quote is found once, but prefix 'C ' is not the text just before it"),
        ("A x B.", {"suffix": " D"}, "the quote is found once, but suffix ' D' is not the text just after it"),
        (
            "A x B. C x D.",
            {"prefix": "C ", "suffix": " B"},
            "the quote is found 2 times, but none has both prefix 'C ' before it and suffix ' B' after it",
        ),
        ("A x B. A x D. C x B.", {"prefix": "A "}, "prefix 'A ' fits 2 of the quote's 3 places; lengthen it or give offsets"),
        (
            "A x B. A x B. C x B.",
            {"prefix": "A ", "suffix": " B"},
            "prefix 'A ' and suffix ' B' fit 2 of the quote's 3 places; lengthen them or give offsets",
        ),
    ],
)
def test_an_anchor_problem_names_the_anchor_that_fails(text: str, anchors: dict[str, str], problem: str) -> None:
    assert anchor_problem(text, {"source": "s", "quote": "x", **anchors}) == problem


def test_a_value_off_by_one_is_named_in_full_not_rounded(tmp_path: Path) -> None:
    """`{value:g}` kept six digits: 2500001 read "2.5e+06", which looks like the quote's "2.5 Millionen"."""
    problems = verify(tmp_path, "reserves_wo3_t: 2500000", "reserves_wo3_t: 2500001")
    assert "reserves_wo3_t = 2500001 does not appear in any of its quotes" in problems, problems
    assert "e+06" not in problems


SIGNED_LINE = "Die Exportquote aenderte sich um -7 Punkte.\n"


def verify_signed(tmp_path: Path, change: str, notes: str = "") -> str:
    """`tungsten verify` on the pair pack plus a source line writing "-7" and a record stating `change`."""
    folder, sources = tmp_path / "pair", tmp_path / "sources"
    shutil.copytree(PAIR, folder)
    shutil.copytree(SOURCES, sources)
    alpha = sources / "alpha.txt"
    old_sha = hashlib.sha256(alpha.read_bytes()).hexdigest()
    alpha.write_bytes(alpha.read_bytes() + SIGNED_LINE.encode())
    catalogue = folder / "sources.yaml"
    catalogue.write_text(catalogue.read_text().replace(old_sha, hashlib.sha256(alpha.read_bytes()).hexdigest()))
    record = (
        '- kind: measure\n  id: export-quota-change\n  measure_kind: export-control\n  country: KZ\n  date: "2025"\n'
        f"  summary: The export quota changed by 7 points.\n  change_pct: {change}\n{notes}"
        "  citations:\n    - source: alpha\n      quote: Die Exportquote aenderte sich um -7 Punkte.\n"
    )
    (folder / "signed.yaml").write_text(record, encoding="utf-8")
    result = run("verify", "--facts", str(folder), "--source-dir", str(sources))
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return str(result.stdout)


@pytest.mark.parametrize(
    ("quote", "backed"),
    [("Veränderung: -7 Punkte", set()), ("Veränderung: −7 Punkte", set()), ("von -7 auf 7", {7.0}), ("2020-2023", {2020.0, 2023.0})],
)
def test_what_backs_a_positive_value(quote: str, backed: set[float]) -> None:
    assert {t.value for t in read_quote(quote, "de") if not t.negative} == backed


def test_a_positive_value_against_a_minus_sign_fails(tmp_path: Path) -> None:
    out = verify_signed(tmp_path, "7")
    assert out.count("\n") == 1, out
    assert "export-quota-change: change_pct = 7 is positive, but the quote writes '7' with a minus sign" in out


def test_the_negative_value_against_a_minus_sign_verifies(tmp_path: Path) -> None:
    assert verify_signed(tmp_path, "-7") == ""


def test_an_interpretation_note_documents_a_positive_reading(tmp_path: Path) -> None:
    note = "  notes:\n    - kind: interpretation\n      text: The source's minus on 7 marks the fall of an import tariff; the quota rose.\n"
    assert verify_signed(tmp_path, "7", note) == ""
    unnamed = "  notes:\n    - kind: interpretation\n      text: The source's minus marks the fall of an import tariff; the quota rose.\n"
    assert "with a minus sign" in verify_signed(tmp_path / "u", "7", unnamed), "a note must name the token it explains"
    context = "  notes:\n    - kind: context\n      text: Quotas are set yearly.\n"
    assert "is positive, but the quote writes '7' with a minus sign" in verify_signed(tmp_path / "c", "7", context)
