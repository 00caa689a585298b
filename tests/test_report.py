"""`tungsten report --html`: one self-contained page, every section, numbers tied to their evidence, pack text escaped."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DATA, run, run_json

from tungsten_cli.load import load_facts


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


def _section(text: str, anchor: str) -> str:
    start = text.index(f'<section id="{anchor}"')
    return text[start : text.index("</section>", start)]


@pytest.fixture(scope="module")
def kz_text() -> str:
    return report("--country", "KZ")


def test_the_summary_comes_first_with_deposits_deals_and_the_worst_correction(kz_text: str) -> None:
    main = kz_text[kz_text.index("<main>") :]
    assert main.index('id="summary"') < main.index('id="deposits"')
    summary = _section(kz_text, "summary")
    cards = re.findall(r"<h3>([^<]+)</h3>", summary)
    assert cards == ["Largest deposits", "Deals", "Reserves, with context (MCS 2025)", "Corrected claims"]
    largest = summary[summary.index("Largest deposits") : summary.index("</article>")]
    assert re.findall(r"<b>([^<]+)</b>", largest) == ["Upper Kairakty", "North Katpar", "Bakuta"], "the three largest, largest first"
    assert "1,216,000 t WO3" in largest and "0.132 %" in largest
    assert "Cove Kaz Capital Group <a" in summary and ">70 %</a>" in summary and ">30 %</a>" in summary and ">US$ 4.2 bn</a>" in summary
    assert "<b>5</b> claims corrected" in summary
    assert re.search(
        r'<b>Worst</b>: stated <a [^>]*>70 %</a>.* <span class="nw">→ 100 %</span> \(value\)\. The joint-venture press release',
        summary,
    )


def test_every_summary_number_links_to_its_evidence(kz_text: str) -> None:
    page = parsed(kz_text)
    summary = parsed(_section(kz_text, "summary"))
    assert len(summary.refs) >= 15
    assert {f"ev-{ref}" for ref in summary.refs} <= page.ids


def test_the_full_summary_names_imports_the_quota_cut_and_the_exim_loan_as_worst(page_text: str) -> None:
    summary = _section(page_text, "summary")
    assert re.search(r"<b>US imports</b>.*CN <a [^>]*>27 %</a>", summary)
    assert re.search(r"CN mining quota</b>.*>-6.45 %</a>", summary)
    assert re.search(r'<b>Worst</b>: stated <a [^>]*>US\$ 255 m</a>.* <span class="nw">→ US\$ 25.5 m</span> \(value, scope\)', summary), (
        "a number off tenfold"
    )


def test_an_empty_section_is_left_out_and_listed_once_as_not_in_these_sources(kz_text: str) -> None:
    page = parsed(kz_text)
    assert "No records" not in kz_text
    assert not {"production", "imports", "conflicts"} & page.ids
    assert kz_text.count("Not in these sources: Import shares, Mine production, Conflicting claims<") == 1
    assert 'href="#production"' not in kz_text


def test_the_reserves_chart_puts_kazakhstan_beside_the_world_and_the_largest_holders(kz_text: str) -> None:
    reserves = _section(kz_text, "reserves")
    bars = re.findall(r'<a href="#ev-([^"]+)" data-ref="[^"]+" class="svgnum( ctx)?">', reserves)
    own = [ref for ref, ctx in bars if not ctx]
    context = [ref for ref, ctx in bars if ctx]
    assert own == ["kz-tungsten-reserves"]
    assert {"usgs-reserves-world", "usgs-reserves-cn", "usgs-reserves-au", "usgs-reserves-ru", "usgs-reserves-vn"} <= set(context)
    assert "&gt;1,586,000 t (e, derived)<" in reserves, "Kazakhstan's WO3 estimate restated in W to share the scale, marked derived"
    assert "not Kazakhstan&#x27;s own records" in reserves
    assert 'data-label="value"' in reserves and ">&gt;2,000,000 t (e)</a>" in reserves, "its own table keeps the figure as stated"


def test_each_number_carries_the_endnote_number_of_its_evidence_entry(kz_text: str) -> None:
    numbered = dict(re.findall(r'id="ev-([^"]+)"><h3><span class="en-n">(\d+)</span>', kz_text))
    assert sorted(map(int, numbered.values())) == list(range(1, len(numbered) + 1))
    cited = re.findall(
        r'<a class="num" href="#ev-([^"]+)"[^>]*>[^<]*</a>(?:<sup class="mark[^>]*>[^<]*</sup>)?<sup class="en">(\d+)</sup>', kz_text
    )
    assert len(cited) == kz_text.count('<a class="num"') >= 30, "every number has its endnote"
    assert all(numbered[ref] == n for ref, n in cited)


def test_sources_lists_only_what_the_page_quotes(kz_text: str) -> None:
    sources = _section(kz_text, "sources")
    assert re.findall(r"<tr><td data-label=\"id\"><code>([^<]+)</code>", sources) == ["sunsirs-2025-11-21", "usgs-mcs-2025"]


def test_a_country_summary_gives_its_reserves_of_the_newest_edition_and_its_share() -> None:
    summary = _section(report("--country", "CN"), "summary")
    card = summary[summary.index("<h3>Reserves") :]
    card = re.sub(r"<[^>]+>", "", re.sub(r'<sup class="en">\d+</sup>', "", card[: card.index("</article>")]))
    assert "CN 2,400,000 t W† (MCS 2025; &lt;52.17 % of world)" in card, card
    assert "1,800,000" not in card and "2,300,000" not in card, "older editions' figures are not the headline"


def test_the_worst_correction_is_the_gravest_kind_then_the_number_moved_furthest() -> None:
    from tungsten_cli.render.html_summary import _worst

    def row(name: str, errors: list[str], stated: object = None, corrected: object = None) -> dict[str, object]:
        changes = [] if stated is None else [{"field": "value", "stated": stated, "corrected": corrected}]
        return {"id": name, "errors": errors, "corrections": changes}

    melting = row("melting", ["value"], 3410, 3422)
    loan = row("loan", ["value"], 255_000_000, 25_500_000)
    offtake = row("offtake", ["value"], 70, 100)
    bound = row("bound", ["value"], 50, ">50")
    dated = row("dated", ["date", "name", "place"])
    assert _worst([dated, melting, offtake, loan, bound])["id"] == "loan"
    assert _worst([dated, melting, bound, offtake])["id"] == "offtake", "1.43x before 1.004x and before a bound"
    assert _worst([dated, row("scope", ["scope"])])["id"] == "scope", "a wrong scope before a wrong date, however many"
    assert _worst([melting, bound])["id"] == "melting", "a number moved before one corrected to a bound"


def test_a_corrected_bound_reads_as_the_value_it_bounds() -> None:
    """The article's 50 % drops USGS's "more than": the summary's worst correction reads "50 % → >50 %", and the
    corrected-claims table heads the record's own value "record value", not "stated"."""
    page = report("--year", "2024")
    assert re.search(r'<b>Worst</b>: stated <a [^>]*>50 %</a>.* <span class="nw">→ &gt;50 %</span> \(value\)', _section(page, "summary"))
    assert "<th>record value</th>" in _section(page, "corrections")


@pytest.mark.parametrize(
    ("record_id", "shown"),
    [
        ("wabtec-kazakhstan-railway-locomotives-2025", "stated 2025 → 2025-09"),  # not the deal's US$ 4.2 bn
        ("commerce-secretary-tokayev-meeting-2025-09", "stated Raimondo → Lutnick"),
        ("us-net-import-reliance-50", "stated 50 % → >50 %"),
        ("tungsten-melting-point", "stated 3,410 °C → 3,422 °C"),
        ("us-import-share-cn-2020-2023", "stated 27 %"),  # a wrong scope: the record's own value
    ],
)
def test_the_worst_correction_states_both_sides_of_what_it_corrects(record_id: str, shown: str) -> None:
    """The summary's "stated X → Y" is one correction's two sides, so a corrected date never sits beside
    the record's amount as if the amount were wrong."""
    from tungsten_cli.render.html_page import Page
    from tungsten_cli.render.html_summary import _stated_text

    (row,) = [row for row in run_json("corrections") if row["id"] == record_id]
    page = Page(load_facts().by_id(), {})
    assert re.sub(r"<sup[^>]*>[^<]*</sup>|<[^>]+>", "", _stated_text(page, row)).replace("&gt;", ">") == shown
