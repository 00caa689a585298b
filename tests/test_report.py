"""`tungsten report --html`: one self-contained page, every section, numbers tied to their evidence, pack text escaped."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DATA, run


class _Page(HTMLParser):
    """Collects what the checks need: ids, data-ref targets, external loads, script bodies."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[str] = []
        self.loads: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if a.get("data-ref"):
            self.refs.append(str(a["data-ref"]))
        if tag in ("script", "img", "iframe", "link", "source", "video", "audio") and (
            a.get("src") or (tag == "link" and a.get("rel") != "icon")
        ):
            self.loads.append(f"{tag} {a}")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def report(*args: str) -> str:
    result = run("report", "--html", "-", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def page_text() -> str:
    return report()


def parsed(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def test_one_self_contained_file(page_text: str) -> None:
    page = parsed(page_text)
    assert page_text.startswith("<!DOCTYPE html>") and page_text.count("<html") == 1
    assert page.loads == [], "nothing is fetched: CSS, JS and SVG are inline"
    assert "default-src 'none'" in page_text
    assert not re.search(r"url\(|@import|fetch\(|XMLHttpRequest", page_text)


def test_sections_and_table_of_contents(page_text: str) -> None:
    page = parsed(page_text)
    for anchor in ("deposits", "imports", "measures", "deals", "production", "reserves", "conflicts", "crosscheck", "sources", "evidence"):
        assert anchor in page.ids and f'href="#{anchor}"' in page_text


def test_every_number_leads_to_an_evidence_entry(page_text: str) -> None:
    page = parsed(page_text)
    assert len(page.refs) > 100
    assert {f"ev-{ref}" for ref in page.refs} <= page.ids


def test_content_deposits_deal_charts_sources(page_text: str) -> None:
    assert "Upper Kairakty" in page_text and "1,216,000 t WO3" in page_text
    featured = page_text[page_text.index('<article class="featured">') :]
    featured = featured[: featured.index("</article>")]
    assert "Cove Kaz Capital Group 70 %" in featured and "Tau-Ken Samruk 30 %" in featured
    assert page_text.count("<svg") >= 4
    assert "5561b93e0efecfe051cd62dec6a2a2d90855fd970daad142ce4ee2d136478d66" in page_text
    assert "Die Ust-Khakaljinzhenskoye - Lagerstätte" in page_text, "quotes are in the page"
    assert 'class="ev noted"' in page_text, "records with notes are marked"
    assert "@media print" in page_text


def test_filters_like_facts() -> None:
    kz = report("--country", "KZ")
    assert "Upper Kairakty" in kz and "IMA mine" not in kz
    usgs = report("--source", "usgs-mcs-2025")
    assert "Upper Kairakty" not in usgs and "mine-production" in usgs
    assert run("report", "--html", "-", "--country", "Atlantis").exit_code == 2


def test_writes_the_file_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    result = run("report", "--html", str(target))
    assert result.exit_code == 0 and result.stdout == "" and str(target) in result.stderr
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_pack_text_is_escaped(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path / "pack")
    records = tmp_path / "pack" / "records.yaml"
    text = records.read_text(encoding="utf-8")
    text = text.replace("summary: Testberg has 1,216,000 t WO3 at 0.132 %.", 'summary: "<script>alert(1)</script> Testberg \\e[31m"')
    text = text.replace("name: Testberg\n", 'name: "<img src=x onerror=alert(2)>"\n')
    records.write_text(text, encoding="utf-8")
    out = report("--facts", str(tmp_path / "pack"))
    assert "<script>alert(1)" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<img src=x" not in out and "&lt;img src=x onerror=alert(2)&gt;" in out
    assert "\x1b" not in out and "\\x1b[31m" in out
    assert parsed(out).loads == []
