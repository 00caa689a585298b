"""Every listing view as a person sees it: the installed command in a pseudo-terminal of 80, 120 and 200 columns."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from functools import cache
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("tungsten")
TUNGSTEN = str(SCRIPT) if SCRIPT.exists() else shutil.which("tungsten")
pytestmark = pytest.mark.skipif(TUNGSTEN is None or sys.platform == "win32", reason="needs the installed tungsten and a POSIX pty")

VIEWS = {
    "deposits": ["deposits"],
    "imports": ["imports"],
    "quotas": ["quotas"],
    "deals": ["deals"],
    "facts": ["facts"],
    "orgs": ["orgs"],
    "production": ["production"],
    "reserves": ["reserves"],
    "revisions": ["revisions"],
    "timeline": ["timeline"],
    "search": ["search", "kairakty"],
    "conflicts": ["conflicts"],
    "crosscheck": ["crosscheck"],
    "corrections": ["corrections"],
    "sources": ["sources"],
}
WIDTHS = (80, 120, 200)
FOOTERS = ("hidden to fit:", "… text cut to fit", "quotes: --cite", "‡ contradicted", "† curator notes")
SGR = re.compile(r"\x1b\[[0-9;]*m")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "FORCE_COLOR", "NO_COLOR")}
    return {**env, "TERM": "xterm-256color"}


def screen(args: list[str], width: int) -> str:
    """What a terminal `width` columns wide receives, escape codes included, with CR LF as LF."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, width, 0, 0))
    proc = subprocess.Popen([str(TUNGSTEN), *args], stdin=slave, stdout=slave, stderr=slave, env=_env(), close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError as err:  # EIO: the child closed its side
            if err.errno != errno.EIO:
                raise
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


def _rule(lines: list[str]) -> int:
    """Where the header ends: the rule beneath its one or two lines."""
    return next(i for i, line in enumerate(lines) if line.startswith("─"))


@cache
def records(view: str) -> int:
    result = subprocess.run([str(TUNGSTEN), *VIEWS[view], "--json"], capture_output=True, text=True, env=_env(), check=True, timeout=60)
    return len(json.loads(result.stdout))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_fits_the_terminal(view: str, width: int) -> None:
    raw = screen(VIEWS[view], width)
    assert "\x1b[1m" in raw, "a terminal gets the rich table"
    lines = SGR.sub("", raw).splitlines()
    assert max(len(line) for line in lines) <= width
    body = lines[_rule(lines) + 1 :]
    footer = next((i for i, line in enumerate(body) if line.startswith(FOOTERS)), len(body))
    assert footer >= records(view), "every record has a row"
    if width == 80:
        assert footer <= 2 * records(view), "at 80 columns a record takes at most two lines"


@pytest.mark.parametrize("view", list(VIEWS))
def test_no_first_rank_column_is_hidden_at_80(view: str) -> None:
    """Dropping columns must leave the ones a view ranks first: a row of bare ids or keys says nothing."""
    from tungsten_cli.views import VIEWS as DECLARED

    lines = SGR.sub("", screen(VIEWS[view], 80)).splitlines()
    found = re.search(r"hidden to fit: (.*?); show them", " ".join(lines))
    hidden = set(found.group(1).split(", ")) if found else set()
    first = {column.header for column in DECLARED[view].columns if column.priority == 1}
    assert not hidden & first, f"{view} at 80 columns hides {sorted(hidden & first)}"
    shown = {header for line in lines[: _rule(lines)] for header in re.split(r" {2,}", line.strip())}
    assert first <= shown, f"{view} at 80 columns shows {sorted(shown)}"


@pytest.mark.parametrize("width", WIDTHS)
def test_key_values_appear_whole(width: int) -> None:
    deposits = SGR.sub("", screen(["deposits", "--country", "KZ"], width))
    for whole in ("Upper Kairakty", "North Katpar", "Bakuta", "Mirolyubovsky district", "Kuyrektykol", "1,216,000 t WO3"):
        assert whole in deposits
    deals = SGR.sub("", screen(["deals", "--year", "2025"], width))
    assert "Tau-Ken" in deals and "Cove Kaz Capital Group 70 % (operator)" in deals


def _url(line: str) -> bool:
    return line.strip().startswith("https://") and " " not in line.strip()


def test_show_wraps_with_a_hanging_indent() -> None:
    lines = SGR.sub("", screen(["show", "cove-kaz-tau-ken-jv-2025-11"], 80)).splitlines()
    assert max(len(line) for line in lines if not _url(line)) <= 80
    start = next(i for i, line in enumerate(lines) if line.startswith("  parties "))
    value_at = lines[start].index("Cove Kaz")
    assert lines[start + 1].startswith(" " * value_at) and lines[start + 1][value_at] != " "


@pytest.mark.parametrize("record", ["cove-kaz-tau-ken-jv-2025-11", "upper-kairakty"])
def test_show_keeps_numbers_with_units_and_hangs_at_most_30_columns_in(record: str) -> None:
    lines = SGR.sub("", screen(["show", record], 80)).splitlines()
    assert not [line for line in lines if line.lstrip().startswith(("%", "t ", "(e)"))], "a unit never starts a line"
    assert max(len(line) - len(line.lstrip()) for line in lines) <= 30, "a continuation keeps room to read"
    assert "70 % of marketing rights" in " ".join(lines) or record != "cove-kaz-tau-ken-jv-2025-11"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", [["production", "--year", "2024"], ["reserves"], ["imports"]])
def test_charts_draw_coloured_labelled_bars_on_a_terminal(args: list[str], width: int) -> None:
    raw = screen([*args, "--chart"], width)
    assert "\x1b[36m█" in raw, "bars are coloured on a terminal"
    lines = SGR.sub("", raw).splitlines()
    assert max(len(line) for line in lines) <= width
    assert any(line.startswith("CN") and "█" in line for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", [["deals"], ["facts", "--measure", "price-concentrate-rotterdam"], ["quotas", "--kind", "mining-quota"]])
def test_long_labels_and_headings_wrap_within_the_width(args: list[str], width: int) -> None:
    lines = SGR.sub("", screen([*args, "--chart"], width)).splitlines()
    assert max(len(line) for line in lines) <= width
    text = " ".join(line.strip() for line in lines)
    assert "Export-Import Bank of the United States" in text or args[0] != "deals"
    assert "(US$/mtu WO3)" in text or args[0] != "facts"
    assert lines[0] == "change (%)" or args[0] != "quotas"


@pytest.mark.parametrize("width", (80, 120))
def test_show_keeps_a_reference_url_whole_on_a_line_of_its_own(width: int) -> None:
    """A URL longer than the line is neither cut nor split: it stays one clickable, copyable word."""
    lines = SGR.sub("", screen(["show", "cove-kaz-tau-ken-jv-2025-11"], width)).splitlines()
    url = "https://aijourn.com/u-s-based-cove-capital-llc-and-kazakhstans-national-mining-company-announce-joint-venture-to-develop-largest-known-undeveloped-global-tungsten-resource"
    assert url in [line.strip() for line in lines]
    assert "https://pubs.usgs.gov/periodicals/mcs2025/mcs2025-tungsten.pdf" in SGR.sub(
        "", screen(["show", "us-net-import-reliance-50"], width)
    )
    assert max(len(line) for line in lines if not _url(line)) <= width


@pytest.mark.parametrize("width", WIDTHS)
def test_each_deal_row_names_the_deal_and_reads_its_parties(width: int) -> None:
    """A deal row can be passed to `show` (its id whole) and tells a loan from a joint venture (its
    kind), and the 70/30 parties read whole on one line, in at most two lines a deal."""
    deals = json.loads(subprocess.run([str(TUNGSTEN), "deals", "--json"], capture_output=True, text=True, check=True, env=_env()).stdout)
    lines = SGR.sub("", screen(["deals"], width)).splitlines()
    body = lines[_rule(lines) + 1 :][: 2 * len(deals)]
    for deal in deals:
        at = next((i for i, line in enumerate(body) if re.match(re.escape(deal["id"]) + r"[†‡]?(\s|$)", line)), None)
        assert at is not None, f"{deal['id']} is not whole at the start of a row at {width} columns"
        assert deal["deal_kind"] in body[at].split(), f"{deal['id']}: kind {deal['deal_kind']} is not on its line"
    assert any("Cove Kaz Capital Group 70 % (operator) · Tau-Ken Samruk 30 %" in line for line in body)
    assert any("US$ 255 m" in line for line in body), "the amount stays"


def test_corrections_show_stated_and_corrected_first_and_the_prose_beneath_at_80() -> None:
    lines = SGR.sub("", screen(["corrections"], 80)).splitlines()
    assert lines[0].split() == ["record", "error", "stated", "→", "corrected"]
    exim = next(i for i, line in enumerate(lines) if line.rstrip().endswith("value; scope  US$ 255 m → US$ 25.5 m"))
    assert lines[exim + 1].startswith("    American Tungsten's own announcement (6 November 2025, Vancouver) was a")
    assert any(line.rstrip().endswith("2025-09 → 2024-09; Trump → Biden") for line in lines)
    assert any(line.rstrip().endswith("value         (not stated) → > (more than)") for line in lines), "a dropped bound, whole"


@pytest.mark.parametrize("width", [80, 120])
def test_corrections_name_the_hidden_record_value_apart_from_what_the_source_stated(width: int) -> None:
    """The arrow column is what the source stated; the record's headline value, hidden to fit, is "record value"."""
    footer = " ".join(
        line for line in SGR.sub("", screen(["corrections"], width)).splitlines() if "hidden to fit" in line or "--fields" in line
    )
    assert "hidden to fit: record value, " in footer and "--fields name,record_value," in footer, footer
    assert "stated" not in footer, footer
