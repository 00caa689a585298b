"""`--chart`: labelled bars sorted and scaled to the width, plain in a pipe, usage errors where numbers do not compare."""

from __future__ import annotations

import re

import pytest
from conftest import run

BAR = re.compile(r"[█▏▎▍▌▋▊▉]+$")
MARKS = "‡†"  # a label carries its record's note mark, as a table row does


def words(line: str) -> list[str]:
    """A chart line's words, the label's note mark dropped."""
    found = line.split()
    return [found[0].rstrip(MARKS), *found[1:]] if found else found


def chart(*args: str) -> list[str]:
    result = run(*args, "--chart")
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def bar_of(lines: list[str], label: str) -> str:
    line = next(line for line in lines if words(line)[:1] == [label])
    found = BAR.search(line)
    return found.group(0) if found else ""


def test_production_bars_are_labelled_sorted_and_plain_in_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = chart("production", "--year", "2024")
    assert not any("\x1b" in line for line in lines)
    assert max(len(line) for line in lines) <= 80
    usgs = lines[lines.index("mine-production (t), W, 2024") + 1 :]
    assert usgs[0].startswith("world") and words(usgs[1])[:4] == ["CN", "67,000", "t", "(e)"]
    assert len(bar_of(usgs, "CN")) > len(bar_of(usgs, "VN")) > len(bar_of(usgs, "PT")) > 0
    assert "marks: e estimated; ~ approximate" in lines


def test_reserves_keep_bounds_and_list_na_without_a_bar() -> None:
    lines = chart("reserves")
    world = next(line for line in lines if line.startswith("world"))
    assert ">4,600,000 t" in world
    na = [line for line in lines if line.rstrip().endswith(" NA")]
    assert {line.split()[0] for line in na} >= {"US", "BO", "RW"}
    assert lines.index(na[0]) > lines.index(next(line for line in lines if line.startswith("PT")))


def test_imports_chart_has_a_panel_per_basis() -> None:
    lines = chart("imports")
    headings = [line for line in lines if line.startswith("import share (%)")]
    assert len(headings) == 2
    assert [words(line)[:2] for line in lines[1:6]] == [["other", "43"], ["CN", "27"], ["DE", "14"], ["BO", "8"], ["VN", "8"]]


def test_labels_carry_note_marks_explained_beneath() -> None:
    """The article's import shares for ores and concentrates are contradicted (‡); other rows carry notes (†)."""
    lines = chart("imports", "--source", "sunsirs-2025-11-21")
    assert [line.split()[0] for line in lines[1:6]] == ["other‡", "CN‡", "DE‡", "BO‡", "VN‡"]
    assert "‡ contradicted by an outside reference: tungsten corrections, tungsten show ID" in lines
    assert not any(line.startswith("† ") for line in lines), "only the marks used are explained"


def test_sort_overrides_the_descending_order() -> None:
    lines = chart("production", "--year", "2024", "--source", "usgs-mcs-2025", "--sort", "value")
    values = [words(line)[0] for line in lines[1:4]]
    assert values == ["US", "PT", "ES"]


def test_bars_scale_to_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = len(bar_of(chart("reserves"), "CN"))
    monkeypatch.setenv("COLUMNS", "80")
    assert wide > 2 * len(bar_of(chart("reserves"), "CN"))


def test_rich_chart_colours_bars_within_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    out = run("imports", "--chart").stdout
    assert "\x1b[36m" in out
    assert max(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) for line in out.splitlines()) <= 80


@pytest.mark.parametrize("args", [["quotas"], ["facts", "--kind", "figure"]])
def test_mixed_measures_are_a_usage_error_saying_why(args: list[str]) -> None:
    result = run(*args, "--chart")
    assert result.exit_code == 2
    assert "cannot put different measures or units on one scale" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "yaml", "markdown"])
def test_chart_with_a_data_format_is_a_usage_error(fmt: str) -> None:
    result = run("production", "--chart", "--format", fmt)
    assert result.exit_code == 2 and "--chart" in result.stderr and result.stdout == ""


def test_chart_of_rows_without_numbers_is_a_usage_error() -> None:
    result = run("deals", "--kind", "joint-venture", "--chart")
    assert result.exit_code == 2 and "no row carries a number" in result.stderr


def test_rows_sharing_a_label_across_editions_name_their_edition() -> None:
    lines = chart("reserves", "--country", "CN")
    labels = [" ".join(word.rstrip(MARKS) for word in line.split()[:4]) for line in lines[1:4]]
    assert labels == ["CN (MCS 2025) 2,400,000", "CN (MCS 2024) 2,300,000", "CN (MCS 2023) 1,800,000"]


def test_no_color_keeps_bars_but_drops_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    out = run("imports", "--chart").stdout
    assert "█" in out and "\x1b[36m" not in out


def test_an_empty_no_color_keeps_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "")
    assert "\x1b[36m" in run("imports", "--chart").stdout


def test_pack_text_in_a_chart_is_escaped() -> None:
    from tungsten_cli.render.chart import points

    figure = {"id": "x", "kind": "figure", "subject": "C\x1b[2JN", "measure": "m", "unit": "t", "value": None, "unavailable": "withheld"}
    figure["as_written"] = "W\x1b[31m"
    found, _ = points([figure, {**figure, "id": "y", "value": 5, "unavailable": None}])
    point = next(p for p in found if p.id == "x")
    assert point.label == "C\\x1b[2JN" and point.text == "W\\x1b[31m"


def test_facts_of_one_measure_chart_and_withheld_rows_have_no_bar() -> None:
    lines = chart("facts", "--kind", "figure", "--measure", "tungsten-reserves", "--latest")
    assert lines[0] == "tungsten-reserves (t), WO3" and bar_of(lines, "KZ")
    withheld = chart("facts", "--kind", "figure", "--measure", "secondary-production", "--year", "2024")
    assert withheld[:2] == ["secondary-production (t), W, 2024", "US  W"]
    assert "marks: W withheld, NA not available" in withheld


def test_an_unknown_measure_is_a_usage_error() -> None:
    result = run("facts", "--measure", "mine-prod")
    assert result.exit_code == 2 and "unknown measure 'mine-prod'" in result.stderr and "mine-production" in result.stderr


def test_a_small_value_keeps_a_sliver_of_bar_and_zero_has_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    lines = chart("reserves", "--latest", "--exclude", "KZ")
    assert bar_of(lines, "PT") == "▏", "3,400 t against 4,600,000 t rounds to nothing, yet is not withheld"
    assert bar_of(chart("production", "--year", "2024", "--source", "usgs-mcs-2025"), "US") == ""


def test_a_time_series_of_one_country_is_one_panel_with_a_bar_a_year() -> None:
    """`production --country CN --latest --sort year --chart`: the years are bars on one scale, in year order."""
    lines = chart("production", "--country", "CN", "--latest", "--sort", "year")
    assert lines[0] == "mine-production (t), W"
    bars = [line for line in lines if BAR.search(line)]
    assert [[w.rstrip(MARKS) for w in words(line)[:2]] for line in bars] == [["CN", str(year)] for year in range(2020, 2025)]
    assert len(bar_of(bars, "CN")) > 0 and len({len(BAR.search(line).group(0)) for line in bars}) > 1  # type: ignore[union-attr]
    several = chart("production", "--year", "2024")  # several countries, one year: unchanged
    assert "mine-production (t), W, 2024" in several


def test_a_ranking_names_the_source_of_a_row_standing_beside_edition_rows() -> None:
    """The README's ranking: the article's Kazakhstan estimate among MCS 2025's countries says it is the article's."""
    lines = chart("reserves", "--latest", "--exclude", "world,other", "--basis", "W")
    kz = next(line for line in lines if line.startswith("KZ"))
    assert kz.startswith("KZ (sunsirs-2025-11-21)") and "(e, derived)" in kz
    cn = next(line for line in lines if line.startswith("CN"))
    assert "(" not in cn.split()[0], "an edition's rows keep their plain labels"
    only_usgs = chart("reserves", "--latest", "--exclude", "world,other,KZ")
    assert not any("usgs" in line or "MCS" in line for line in only_usgs), "rows of one edition need no source named"
    table = run("reserves", "--latest", "--exclude", "world,other", "--basis", "W", "--fields", "subject,source").stdout
    assert "sunsirs-2025-11-21" in table and "usgs-mcs-2025" in table
