"""Tests for the mutants an outside mutation check left alive: each pins one condition that a flipped
comparison or a dropped escape would break unseen (crosscheck's bound detail, --min-change's >=,
the smaller-value rule for duplicate partner shares, --basis W on a range's max, the digit guard of
a wrapped key, HTML attribute escaping, and the http(s)-only link rule)."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, run
from test_strict_packs import accepted, rejected, share

from tungsten_cli.render.table import _key_lines, _key_parts


def _pack(tmp_path: Path, records: str) -> str:
    folder = tmp_path / "pack"
    folder.mkdir(exist_ok=True)
    shutil.copy(DATA / "pair" / "sources.yaml", folder / "sources.yaml")
    (folder / "records.yaml").write_text(records, encoding="utf-8")
    return str(folder)


def _figure(record_id: str, source: str, value: str, **extra: str) -> str:
    fields = {"subject": "KZ", "measure": "mine-production", "unit": "t", "date": '"2024"', "value": value, **extra}
    body = "".join(f"  {k}: {v}\n" for k, v in fields.items())
    return f"- kind: figure\n  id: {record_id}\n  summary: S.\n{body}  citations: [{{source: {source}, quote: q}}]\n"


@pytest.mark.parametrize(
    ("comparator", "bound", "value", "detail"),
    [
        (">", "50", "80", "80 is within the bound >50"),
        (">", "50", "50", "50 falls outside the bound >50"),
        (">=", "50", "50", "50 is within the bound >=50"),
        (">=", "50", "49", "49 falls outside the bound >=50"),
        ("<", "50", "40", "40 is within the bound <50"),
        ("<", "50", "50", "50 falls outside the bound <50"),
        ("<=", "50", "50", "50 is within the bound <=50"),
    ],
)
def test_crosscheck_says_whether_a_value_meets_a_bound(tmp_path: Path, comparator: str, bound: str, value: str, detail: str) -> None:
    pack = _pack(tmp_path, _figure("stated", "alpha", value) + _figure("bounded", "beta", bound, comparator=f'"{comparator}"'))
    rows = json.loads(run("crosscheck", "--facts", pack, "--json").stdout)
    assert [(r["verdict"], r["detail"]) for r in rows] == [("bound-vs-value", detail)]


def test_min_change_keeps_a_change_of_exactly_that_size() -> None:
    rows = [r for r in json.loads(run("revisions", "--json").stdout) if r.get("change_pct")]
    row = rows[0]
    size = abs(row["change_pct"])
    at = json.loads(run("revisions", "--min-change", repr(size), "--json").stdout)
    above = json.loads(run("revisions", "--min-change", repr(size + 1e-9), "--json").stdout)
    assert row in at and row not in above


def test_two_claims_about_one_partner_count_once_with_the_smaller_value(tmp_path: Path) -> None:
    # CN counted at 50 (not 60, not 110): 50 + 45 fits in 100 %, 50 + 52 does not.
    assert len(accepted(tmp_path, share("a", "CN", "60") + share("b", "CN", "50") + share("c", "DE", "45"))) == 5
    rejected(
        tmp_path,
        share("a", "CN", "60") + share("b", "CN", "50") + share("c", "DE", "52"),
        "40:14: c: share_pct: import shares of US for 2020/2023 (ores) in mini sum to 102 %, over 100 % (rounding tolerance 1)",
    )


def test_basis_w_converts_a_ranges_maximum_too(tmp_path: Path) -> None:
    pack = _pack(tmp_path, _figure("r", "alpha", "1000", measure="tungsten-reserves", basis="WO3", value_max="2000"))
    (row,) = json.loads(run("reserves", "--facts", pack, "--basis", "W", "--json").stdout)
    assert (row["value"], row["value_max"], row["derived"]) == (793.0, 1586.0, True)


def test_a_wrapped_key_keeps_a_period_whole() -> None:
    key = "US<-CN/import-share/2020/2023"
    assert _key_parts(key) == ["US<-CN/", "import-share/", "2020/2023"]
    assert _key_lines(key, 20) == ["US<-CN/import-share/", "2020/2023"]
    # Split after "2020/", the first line would fit 27 columns too: the guard keeps the period whole.
    assert _key_lines("world/mine-production/2020/2023", 27) == ["world/mine-production/", "2020/2023"]


class _Attributes(HTMLParser):
    """Every tag and its attributes, as a browser's parser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, Any]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


HOSTILE_BASIS = '"><img src=x onerror=alert(1)> W'
HOSTILE_URL = 'https://example.org/"onmouseover="alert(1)'


def test_pack_text_in_attributes_is_escaped_and_only_http_links_are_made(tmp_path: Path) -> None:
    notes = (
        "  notes:\n"
        f"    - {{kind: context, text: See it., reference: {{publisher: P, title: T, url: '{HOSTILE_URL}'}}}}\n"
        "    - {kind: context, text: Or here., reference: {publisher: Q, title: U, url: 'javascript:alert(1)'}}\n"
    )
    pack = _pack(tmp_path, _figure("h", "alpha", "100", basis=f"'{HOSTILE_BASIS}'") + notes)
    result = run("report", "--html", "-", "--facts", pack)
    assert result.exit_code == 0, result.stderr
    parser = _Attributes()
    parser.feed(result.stdout)
    attributes = [(tag, name, value) for tag, attrs in parser.tags for name, value in attrs.items()]
    assert not any(tag == "img" for tag, _ in parser.tags)
    assert not any(name.startswith("on") for _, name, _ in attributes)
    # The basis reads as text, whole; in an attribute (a chart's aria-label, where a report had one) it stays whole too.
    assert any(HOSTILE_BASIS in text for text in parser.text)
    assert all(HOSTILE_BASIS in (value or "") for _, _, value in attributes if "onerror" in (value or ""))
    links = [value for tag, name, value in attributes if tag == "a" and name == "href" and not (value or "").startswith("#")]
    assert links == [HOSTILE_URL]  # the quote stays inside the href; the javascript: URL is no link
