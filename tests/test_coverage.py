"""`tungsten coverage`: passages of a source, their numbers, and the records or ignore entries that hold them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA, run

from tungsten_cli.coverage import GAPS, coverage, sentences, text_passages
from tungsten_cli.load import builtin_dir, load_facts
from tungsten_cli.quotes import number_tokens
from tungsten_cli.records import FactSet


def _sentences(paragraph: str) -> list[str]:
    return [paragraph[a:b] for a, b in sentences(paragraph)]


# The article's own hard cases: decimals, "ca.", an ordinal date, a mangled "WO.", "Corp." before a capital.
@pytest.mark.parametrize(
    "paragraph",
    [
        "mit WO. Reserven von 1.216 Millionen Tonnen, ein durchschnittlicher Gehalt von 0,132%, nicht abgebaut",
        "Das North Katapar Deposit(in Karaganda), mit WOâ Reserven von ca. 1 Million Tonnen, durchschnittlich 0,13% - 0,15%",
        "und gab am 7. November den Eingang eines Sonderdarlehens bekannt",
        "Die American Tungsten Corp. hat am 27. Oktober bekannt gegeben, dass sie das Projekt erwerben wird",
        "Im Mai 2025, American Tungsten Corp. Das US-amerikanische Unternehmen gab die Wiederaufnahme bekannt",
        "Metalle wie z. B. Wolfram und Molybdän",
        "were seven U.S. companies that have the capability",
        "Prepared by Anne M. Hartingh [Contact Souleymane H. Saloum]",
    ],
)
def test_splitter_keeps_hard_cases_whole(paragraph: str) -> None:
    assert _sentences(paragraph) == [paragraph]


def test_splitter_splits_real_sentence_ends() -> None:
    paragraph = "Im Jahr 2024 betrug die Produktion etwa 81.000 Tonnen. China ist der Hauptlieferant. Stand 2015. There were"
    assert _sentences(paragraph) == [
        "Im Jahr 2024 betrug die Produktion etwa 81.000 Tonnen.",
        "China ist der Hauptlieferant.",
        "Stand 2015.",
        "There were",
    ]


def test_table_rows_are_one_passage_per_line_and_prose_is_joined_across_wrapped_lines() -> None:
    text = (
        "Prose that wraps across\nlines ends here. Next one.\n\n"
        "  Ores and concentrates        2,020     1,600\n  Other forms1      8,660    10,500\n"
    )
    passages = text_passages("s", text)
    assert [(p.line, p.text) for p in passages] == [
        (1, "Prose that wraps across lines ends here."),
        (2, "Next one."),
        (4, "Ores and concentrates 2,020 1,600"),
        (5, "Other forms1 8,660 10,500"),
    ]
    assert [t.text for t in passages[2].tokens] == ["2,020", "1,600"]


def test_a_dash_is_zero_only_where_it_stands_alone() -> None:
    assert [t.text for t in number_tokens("Mine     —     —")] == ["—", "—"]
    assert number_tokens("Salient Statistics—United States:") == []


@pytest.fixture(scope="module")
def shipped() -> FactSet:
    return load_facts()


def test_shipped_sources_are_fully_covered(source_dir: Path) -> None:
    result = run("coverage", "--json")
    assert result.exit_code == 0, result.stdout
    units = json.loads(result.stdout)
    assert {u["source"] for u in units} == set(load_facts().sources)
    assert not [u for u in units if u["status"] in GAPS]
    ignored = [u for u in units if u["status"] == "ignored"]
    assert ignored and all(u["reason"] for u in ignored)


def test_table_output_summarises_each_source(source_dir: Path) -> None:
    result = run("coverage", "usgs-mcs-2025")
    assert result.exit_code == 0
    assert "usgs-mcs-2025" in result.stdout and "100 %" in result.stdout and "sunsirs" not in result.stdout


def _without(facts: FactSet, record_id: str) -> FactSet:
    return facts._replace(records=[r for r in facts.records if r["id"] != record_id])


def _sole_holders(facts: FactSet, source_dir: Path) -> dict[str, str]:
    """Record id -> the text of a unit in which it alone states some number."""
    found: dict[str, str] = {}
    for covered in coverage(facts, source_dir).passages:
        for holders in covered.held_by:
            if len(holders) == 1:
                found.setdefault(holders[0], covered.passage.text)
    return found


def test_removing_a_record_fails_and_names_its_sentence(shipped: FactSet, source_dir: Path) -> None:
    """Every fourth record (in file order) of those that alone state a number of some unit; all of them
    take about 7 s. Records that state no number, or only numbers another record also states (Russia's
    2,000 t in both years of one row), cannot be missed by a number check."""
    holders = _sole_holders(shipped, source_dir)
    assert len(holders) > 100
    for record_id in list(holders)[::4]:
        report = coverage(_without(shipped, record_id), source_dir)
        gaps = [c.passage.text for c in report.passages if c.status in GAPS]
        assert holders[record_id] in gaps, record_id


def test_removing_a_record_from_a_pack_copy_fails_on_the_command_line(tmp_path: Path, source_dir: Path) -> None:
    packs = tmp_path / "facts"
    shutil.copytree(builtin_dir(), packs)
    path = packs / "sunsirs-2025-11-21" / "figures.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("- kind: figure\n  id: world-tungsten-production-2024\n")
    end = text.index("\n- kind:", start + 1)
    path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    result = run("coverage", "--facts", str(packs))
    assert result.exit_code == 1
    assert (
        "sunsirs-2025-11-21:9: uncited (missing 2024, 81.000): Im Jahr 2024 betrug die weltweite Wolframproduktion etwa 81.000 Tonnen."
        in (result.stdout)
    )


def _with_ignore(shipped: FactSet, source_id: str, entry: dict[str, object]) -> FactSet:
    sources = {**shipped.sources}
    sources[source_id] = {**sources[source_id], "coverage_ignore": [*sources[source_id]["coverage_ignore"], entry]}
    return shipped._replace(sources=sources)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"text": "A sentence the source no longer has.", "reason": "r"}, "matches no unit of the source"),
        ({"text": "190", "numbers": ["191"], "reason": "r"}, "the unit has no number written '191'"),
        ({"text": "Depletion Allowance: 22% (domestic), 14% (foreign).", "reason": "r"}, "ignores nothing"),
    ],
)
def test_a_stale_ignore_entry_is_a_problem(shipped: FactSet, source_dir: Path, entry: dict[str, object], message: str) -> None:
    report = coverage(_with_ignore(shipped, "usgs-mcs-2025", entry), source_dir)
    assert [p for p in report.problems if message in p.message and p.field and p.field.startswith("coverage_ignore.")]


def test_a_stale_ignore_entry_fails_the_command(tmp_path: Path, source_dir: Path) -> None:
    packs = tmp_path / "facts"
    shutil.copytree(builtin_dir(), packs)
    path = packs / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('- text: "190"', '- text: "189"'), encoding="utf-8")
    result = run("coverage", "--facts", str(packs))
    assert result.exit_code == 1
    assert "sources.yaml" in result.stdout and "coverage_ignore" in result.stdout and "'189'" in result.stdout


def test_an_ignore_entry_needs_a_reason(tmp_path: Path) -> None:
    packs = tmp_path / "facts"
    shutil.copytree(builtin_dir(), packs)
    path = packs / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('      reason: "Page number of the printed edition (pp. 190-191)."\n', "", 1), encoding="utf-8")
    result = run("validate", str(packs))
    assert result.exit_code == 1 and "coverage_ignore.0.reason" in result.stderr


def test_unknown_source_is_a_usage_error(source_dir: Path) -> None:
    result = run("coverage", "no-such-source")
    assert result.exit_code == 2 and "unknown source" in result.stderr


def test_csv_sources_have_one_unit_per_cell_held_only_by_records_citing_that_cell() -> None:
    result = run("coverage", "--facts", str(DATA / "cells"), "--source-dir", str(DATA / "sources"), "--json")
    assert result.exit_code == 1
    units = {(u["source"], u["text"]): u for u in json.loads(result.stdout)}
    china = "Country=China, Type=Mine production, contained tungsten"
    portugal = "Country=Portugal, Type=Mine production, contained tungsten"
    assert units[("cells-world", f"{china} | Prod_t_2021 = 71000")]["status"] == "cited"
    assert units[("cells-world", f"{china} | Prod_t_2021 = 71000")]["records"] == ["cn-2021"]
    assert units[("cells-world", f"{china} | Prod_t_est_2022 = 66000")]["status"] == "uncited"
    # pt-2022 states 500 for the 2022 cell; the equal 2021 cell of the same row is still a gap.
    assert units[("cells-world", f"{portugal} | Prod_t_est_2022 = 500")]["status"] == "cited"
    assert units[("cells-world", f"{portugal} | Prod_t_2021 = 500")]["status"] == "uncited"
    assert units[("cells-world", f"{portugal} | Prod_t_2021 = 500")]["line"] == 3
    withheld = units[("cells-world", "Country=Other countries, Type=Mine production, contained tungsten | Prod_t_est_2022 = W")]
    assert withheld["status"] == "no-numbers"  # W and NA are not gaps
    assert not [text for source, text in units if source == "cells-salient" and "Molybdenum" in text]  # rows: {Commodity: Tungsten}
    assert not [text for _, text in units if "| Country =" in text or "| Year =" in text]  # key columns are labels, not units


def test_a_number_is_held_only_by_a_quote_that_contains_it(tmp_path: Path) -> None:
    """A record quoting part of a sentence holds the numbers of its quote, not the sentence's others,
    not even one equal to a value it states (the second 2024)."""
    text = "Alpha mined 10 t in 2024, and Beta mined 20 t in 2024.\n"
    sources, pack = tmp_path / "sources", tmp_path / "pack"
    sources.mkdir()
    pack.mkdir()
    (sources / "s.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode()).hexdigest()
    (pack / "pack.yaml").write_text(
        f'- kind: source\n  id: s\n  title: T\n  publisher: P\n  published: "2025"\n  language: en\n  file: s.txt\n  sha256: {sha}\n'
        '- kind: figure\n  id: alpha\n  summary: Alpha.\n  subject: world\n  measure: m\n  unit: t\n  value: 10\n  date: "2024"\n'
        "  citations: [{source: s, quote: Alpha mined 10 t in 2024}]\n",
        encoding="utf-8",
    )
    result = run("coverage", "--facts", str(pack), "--source-dir", str(sources), "--json")
    [passage] = json.loads(result.stdout)
    assert (passage["status"], passage["records"], passage["missing"]) == ("partly-cited", ["alpha"], ["20", "2024"])
