"""The terminal table fitted to a width, the plain table, and pack text that tries to reach the terminal."""

from __future__ import annotations

import io
import re

import pytest
from conftest import DATA, run

from tungsten_cli.render import Format, Listing, id_column, text_column, write
from tungsten_cli.render.table import BENEATH_INDENT, bands, fit
from tungsten_cli.render.text import clean
from tungsten_cli.source_files import CONTROLS

MINI = str(DATA / "mini")
ESC = "\x1b"


def _rich(monkeypatch: pytest.MonkeyPatch, width: int, *args: str) -> str:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", str(width))
    result = run(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _visible(text: str) -> list[str]:
    return re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()


def test_fit_drops_the_highest_priority_number_first_and_keeps_tokens_whole() -> None:
    columns = [
        id_column(),
        text_column("name", fit="words"),
        text_column("region", priority=3),
        text_column("status", fit="token", priority=2),
    ]
    rows = [["upper-kairakty", "Upper Kairakty", "Karaganda", "not-mined"]]
    wide = fit(columns, rows, 80)
    assert wide.hidden == [] and wide.widths == [14, 14, 9, 9]
    narrow = fit(columns, rows, 45)
    assert [columns[i].header for i in narrow.hidden] == ["region"]
    assert narrow.widths == [14, 14, 9]
    tight = fit(columns, rows, 24)
    assert [columns[i].header for i in tight.shown] == ["id", "name"]
    assert tight.widths == [14, 8]  # "Upper" / "Kairakty": wrapped between words, never cut


def test_prose_gets_the_spare_width_and_at_most_two_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _visible(_rich(monkeypatch, 80, "facts", "--facts", MINI))
    assert max(len(line) for line in lines) <= 80
    body = lines[2 : lines.index(next(line for line in lines if line.startswith("quotes:")))]
    assert len(body) <= 2 * 4


@pytest.mark.parametrize("width", [80, 120, 200])
def test_deposits_fit_with_whole_names_and_numbers(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    lines = _visible(_rich(monkeypatch, width, "deposits", "--country", "KZ"))
    assert max(len(line) for line in lines) <= width
    text = "\n".join(lines)
    for whole in ("Upper Kairakty", "North Katpar", "Bakuta", "Mirolyubovsky district", "Kuyrektykol", "1,216,000 t WO3", "~231,500 t WO3"):
        assert whole in text
    assert ("hidden to fit" in text) == (width < 200)


def test_footer_names_hidden_columns_and_how_to_see_them(monkeypatch: pytest.MonkeyPatch) -> None:
    text = " ".join(_visible(_rich(monkeypatch, 80, "deposits", "--country", "KZ")))
    assert "hidden to fit: id, status, region, metals" in text
    assert "--fields" in text and "--format csv" in text and "quotes: --cite" in text


def test_deal_parties_read_at_a_glance(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\n".join(_visible(_rich(monkeypatch, 200, "deals", "--year", "2025")))
    assert "Cove Kaz Capital Group 70 % (operator) · Tau-Ken Samruk 30 %\n" in text + "\n" or "Tau-Ken Samruk 30 %  " in text
    assert "(partner)" not in text and "(owner of Sangdong" not in text, "asides and a bare 'partner' are left to --fields parties"
    narrow = _visible(_rich(monkeypatch, 80, "deals", "--year", "2025"))
    row = next(i for i, line in enumerate(narrow) if "Cove Kaz Capital Group 70 % (operator)" in line)
    assert "Tau-Ken Samruk" in narrow[row] + narrow[row + 1] and "30 %" in narrow[row] + narrow[row + 1]


def test_cite_prints_each_quote_with_its_source_beneath_the_row(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _visible(_rich(monkeypatch, 80, "deposits", "--facts", MINI, "--cite"))
    row = next(i for i, line in enumerate(lines) if line.startswith("testberg"))
    assert lines[row + 1].startswith("    [mini] Die Mine Testberg")
    assert lines[row + 2].startswith("      ") and max(len(line) for line in lines) <= 80


def test_source_column_where_sources_mix() -> None:
    out = run("imports").stdout
    assert "source" in out.splitlines()[0] and "usgs-mcs-2025" in out and "sunsirs-2025-11-21" in out


def test_plain_table_keeps_full_text_one_line_a_record() -> None:
    out = run("facts", "--kind", "deal").stdout
    longest = max(out.splitlines()[2:], key=len)
    assert "…" not in out and len(longest) > 200


HOSTILE = {
    "id": "testberg",
    "kind": "deposit",
    "name": "Test\x1b[2Jberg",
    "summary": "\x1b[31mRED\x1b[0m line\r\ncarriage \u202eevil",
    "citations": [{"source": "mini", "quote": "quote\x1b[5m blink"}],
    "notes": [{"kind": "context", "text": "note\x07bell"}],
}


def _hostile(fmt: Format, monkeypatch: pytest.MonkeyPatch, *, rich: bool = False) -> str:
    if rich:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    write(Listing([HOSTILE], [id_column(), text_column("name"), text_column("summary")], cite=True), fmt, out)
    return out.getvalue()


def _safe(out: str) -> None:
    assert not re.search(r"\x1b\[(2J|31m|5m)", out), "a pack's escape sequence reached the output"
    assert "\r" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b[31mRED" in out and "\\u202eevil" in out


@pytest.mark.parametrize("rich", [False, True])
def test_control_characters_are_escaped_in_tables(monkeypatch: pytest.MonkeyPatch, rich: bool) -> None:
    out = _hostile(Format.table, monkeypatch, rich=rich)
    _safe(out)
    assert "Test\\x1b[2Jberg" in out and "quote\\x1b[5m blink" in out


def test_control_characters_are_escaped_in_markdown_and_cr_cannot_end_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _hostile(Format.markdown, monkeypatch)
    _safe(out)
    rows, legend = out.split("\n\n")
    assert len(rows.splitlines()) == 3 and "line  carriage" in out
    assert legend == "† curator notes: tungsten show ID\n"


@pytest.mark.parametrize("rich", [False, True])
def test_control_characters_are_escaped_in_show(monkeypatch: pytest.MonkeyPatch, rich: bool) -> None:
    from tungsten_cli.render.detail import write_detail
    from tungsten_cli.verify import Evidence

    if rich:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    write_detail(HOSTILE, [Evidence("mini", "quote", before="before\x1b[31m ", after=" after", start=0)], [], [], out)
    _safe(out.getvalue())


def test_show_wraps_quote_context_without_padding_and_keeps_the_quote_bold(monkeypatch: pytest.MonkeyPatch) -> None:
    out = _rich(monkeypatch, 80, "show", "upper-kairakty")
    assert "\x1b[1;4mDie Ust-Khakaljinzhenskoye" in out
    assert all(line == line.rstrip() for line in _visible(out))


def test_a_key_wraps_after_a_slash_between_its_parts_never_inside_one() -> None:
    from tungsten_cli.render.table import _key_lines

    assert _key_lines("US<-other/import-share/2020/2023", 40) == ["US<-other/import-share/2020/2023"]
    assert _key_lines("US<-other/import-share/2020/2023", 25) == ["US<-other/import-share/", "2020/2023"]
    assert _key_lines("rotterdam-market/price-concentrate-rotterdam/2022", 32) == [
        "rotterdam-market/",
        "price-concentrate-rotterdam/2022",
    ]
    columns = [text_column("quantity", fit="key"), text_column("values", fit="words")]
    rows = [["US/stockpile-shipments-concentrate/2021", "MCS 2022: 800e → MCS 2023: 1,030 → MCS 2024: 1,030"]]
    assert fit(columns, rows, 63).widths == [len("US/stockpile-shipments-concentrate/"), 26]  # the key wraps, nothing is hidden
    assert fit(columns, rows, 70).widths == [39, 29]  # spare width makes the key whole before anything grows


def test_wrapping_keeps_a_number_with_its_unit() -> None:
    from tungsten_cli.render.wrap import wrap

    assert wrap("Cove Kaz Capital Group 70 % (operator)", 25) == ["Cove Kaz Capital Group", "70 % (operator)"]
    assert wrap("a loan of US$ 900 m to", 15) == ["a loan of", "US$ 900 m to"]
    assert wrap("reserves of 1,216,000 t WO3", 21) == ["reserves of", "1,216,000 t WO3"]
    assert wrap("the 2 million t WO3 that", 13) == ["the", "2 million t", "WO3 that"]  # a scale word stays between them
    assert wrap("from 2 to 3 million", 7) == ["from 2", "to 3", "million"]  # "to" and "million" are not units


@pytest.mark.parametrize("width", range(70, 80))
def test_a_words_column_is_never_narrower_than_a_number_with_its_unit(width: int) -> None:
    """`wrap` keeps `282,000,000 t` whole, so a words column is at least that wide, or given up."""
    columns = [text_column("stated", fit="words"), text_column("other", fit="token")]
    layout = fit(columns, [["282,000,000 t", "y" * 60]], width)
    assert all(w >= len("282,000,000 t") for i, w in zip(layout.shown, layout.widths) if i == 0)


def test_beneath_columns_take_a_second_line_only_when_one_line_hides_more() -> None:
    columns = [
        id_column(),
        text_column("kind", fit="token"),
        text_column("parties", fit="prose", beneath=True),
        text_column("status", fit="token", priority=2),
    ]
    rows = [
        [
            "a-long-deal-id-of-forty-characters-2025",
            "joint-venture",
            "Cove Kaz Capital Group 70 % (operator) · Tau-Ken Samruk 30 %",
            "signed",
        ]
    ]
    one = bands(columns, rows, 140)
    assert len(one) == 1 and one[0].hidden == []
    top, under = bands(columns, rows, 80)
    assert (top.shown, under.shown, top.hidden, under.hidden) == ([0, 1, 3], [2], [], [])
    assert (top.lines, under.lines, under.indent) == (1, 1, BENEATH_INDENT)
    assert under.layout.widths == [len(rows[0][2])], "the text whole on its line"
    plain = [c._replace(beneath=False) for c in columns]
    assert len(bands(plain, rows, 80)) == 1, "without beneath columns a view keeps one line of columns"


def test_clean_escapes_every_control_the_source_reader_refuses() -> None:
    """One set of controls: what a source may not hold is never shown raw either."""
    control = re.compile(f"[{CONTROLS}]")
    controls = [chr(c) for c in range(0x3000) if control.fullmatch(chr(c))]
    assert len(controls) > 60
    for char in controls:
        shown = clean(f"a{char}b")
        assert char not in shown and (shown == "a b" or shown.startswith("a\\")), (hex(ord(char)), shown)
