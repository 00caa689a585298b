"""The shipped fact set: values from the two sources, asserted through the CLI as users ask for them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import run, run_json

from tungsten_cli.binding import record_values
from tungsten_cli.dates import bounds
from tungsten_cli.load import load_facts
from tungsten_cli.quotes import numbers_in
from tungsten_cli.vocabulary import VOCAB

ARTICLE = "sunsirs-2025-11-21"


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in records}


def test_every_record_dates_carry_year_and_first_quote_states_a_value() -> None:
    facts = load_facts()
    for record in facts.records:
        assert record["year"] == (int(record["date"][:4]) if record.get("date") else None), record["id"]
        values = [abs(v) for _, v in record_values(record, VOCAB["value_fields"][record["kind"]])]
        if values:
            first = numbers_in(record["citations"][0]["quote"])
            assert any(round(v, 6) in first for v in values), f"{record['id']}: first quote states none of its values"


def test_kazakh_deposits() -> None:
    deposits = by_id(run_json("deposits", "--country", "KZ"))
    assert set(deposits) == {"upper-kairakty", "north-katpar", "bakuta", "mirolyubovsky-district", "kuyrektykol"}
    upper = deposits["upper-kairakty"]
    assert (upper["reserves_wo3_t"], upper["grade_wo3_min_pct"], upper["molybdenum_t"], upper["region"]) == (
        1216000,
        0.132,
        39600,
        "Karaganda",
    )
    assert upper["status"] == "not-mined" and upper["approximate"] == []
    north = deposits["north-katpar"]
    assert (north["reserves_wo3_t"], north["grade_wo3_min_pct"], north["grade_wo3_max_pct"]) == (1000000, 0.13, 0.15)
    assert "reserves_wo3_t" in north["approximate"]
    bakuta = deposits["bakuta"]
    assert (bakuta["reserves_wo3_t"], bakuta["grade_wo3_min_pct"], bakuta["region"], bakuta["status"]) == (
        231500,
        0.211,
        "Almaty",
        "producing",
    )
    assert deposits["mirolyubovsky-district"]["resources_t"] == 6195 and deposits["mirolyubovsky-district"].get("resources_w_t") is None


def test_deposit_table_shows_reserves_grades_and_quotes() -> None:
    out = run("deposits", "--country", "KZ").stdout
    assert "1,216,000 t WO3" in out and "0.13 % – 0.15 %" in out and "~231,500 t WO3" in out
    assert "mit WO. Reserven von 1.216 Millionen Tonnen" in run("deposits", "--country", "KZ", "--cite").stdout


@pytest.mark.parametrize(
    ("spelling", "deposit"),
    [
        ("Nordkatpal", "north-katpar"),
        ("North Katapar", "north-katpar"),
        ("north karteminers", "north-katpar"),
        ("Oberen Kairadjinskoye", "upper-kairakty"),
        ("Ust-Khakaljinzhenskoye", "upper-kairakty"),
        ("Shchekaljin", "upper-kairakty"),
        ("Baku-Tau", "bakuta"),
        ("Boguty", "bakuta"),
    ],
)
def test_every_spelling_finds_its_deposit(spelling: str, deposit: str) -> None:
    assert [r["id"] for r in run_json("deposits", "--name", spelling)] == [deposit]


def test_projects_abroad() -> None:
    deposits = by_id(run_json("deposits"))
    assert deposits["sangdong"]["country"] == "KR"
    assert (deposits["ima-mine"]["country"], deposits["gentung-browns-lake"]["country"]) == ("US", "US")


def test_us_import_shares_from_the_article() -> None:
    shares = {r["partner"]: r["share_pct"] for r in run_json("imports", "--importer", "US", "--source", ARTICLE)}
    assert shares == {"CN": 27, "DE": 14, "BO": 8, "VN": 8, "other": 43}
    assert run_json("imports", "--partner", "Germany", "--source", ARTICLE)[0]["forms"] == "ores and concentrates"


def test_china_quota_cut_is_signed() -> None:
    (quota,) = run_json("quotas", "--country", "CN", "--year", "2025", "--kind", "mining-quota")
    assert (quota["change_pct"], quota["date"]) == (-6.45, "2025-04")


def test_tariffs() -> None:
    measures = by_id(run_json("quotas", "--country", "US", "--source", ARTICLE))
    assert (
        measures["us-section-301-tariff-tungsten-china"]["additional_duty_pct"],
        measures["us-section-301-tariff-tungsten-china"]["date"],
    ) == (
        25,
        "2025-09",
    )
    assert measures["us-tariff-threat-kazakhstan"]["measure_kind"] == "tariff-threat"


def test_deals_of_2025() -> None:
    deals = by_id(run_json("deals", "--year", "2025"))
    jv = deals["cove-kaz-tau-ken-jv-2025-11"]
    assert {p["org"]: p.get("stake_pct") for p in jv["parties"]} == {"cove-kaz-capital-group": 70, "tau-ken-samruk": 30}
    assert (jv["date"], jv["offtake_pct"], jv["deal_kind"]) == ("2025-11", 70, "joint-venture")
    assert deals["wabtec-kazakhstan-railway-locomotives-2025"]["amount_usd"] == 4200000000
    assert deals["us-exim-letter-of-interest-900m"]["amount_usd"] == 900000000
    assert deals["us-bid-private-capital-200m"]["amount_usd"] == 200000000
    assert (deals["american-tungsten-exim-loan-2025-11-07"]["amount_usd"], deals["american-tungsten-exim-loan-2025-11-07"]["date"]) == (
        255000000,
        "2025-11-07",
    )
    assert deals["sangdong-kfw-ipex-project-loan"]["amount_usd"] == 75100000
    assert deals["jiaxin-dual-listing-2025-08"]["deal_kind"] == "listing"
    assert deals["american-tungsten-gentung-browns-lake-acquisition"]["date"] == "2025-10-27"


def test_party_filter_by_alias_any_case() -> None:
    ids = {r["id"] for r in run_json("deals", "--party", "tau-ken")}
    assert "cove-kaz-tau-ken-jv-2025-11" in ids
    assert "jiangxi-copper-ccecc-kazakh-mine-investment-2021" in {
        r["id"] for r in run_json("deals", "--kind", "investment", "--year", "2021")
    }


def test_figures_from_the_article() -> None:
    figures = by_id(run_json("facts", "--kind", "figure", "--source", ARTICLE))
    assert (figures["world-tungsten-production-2024"]["value"], figures["world-tungsten-production-2024"]["approximate"]) == (
        81000,
        ["value"],
    )
    assert [figures[f"us-net-import-reliance-{v}"]["value"] for v in (50, 80, 83)] == [50, 80, 83]
    assert (figures["kz-exploration-permits-since-2018"]["value"], figures["kz-production-permits-since-2018"]["value"]) == (2906, 111)
    kz = figures["kz-tungsten-reserves"]
    assert (kz["value"], kz["comparator"], kz["basis"]) == (2000000, ">", "WO3")
    assert figures["kz-share-of-world-tungsten-reserves"]["value"] == 20.7
    assert figures["kz-share-of-reserves-in-w-mo-deposits"]["approximate"] == ["value"]
    assert (figures["world-tungsten-market-size"]["value"], figures["world-tungsten-market-size"]["value_max"]) == (4e9, 5e9)
    assert figures["bakuta-recovery-rate"]["value"] == 87.74
    assert figures["lithium-tungstate-demand-2025"]["value"] == 12000


def test_a_record_about_a_deposit_has_the_deposits_country() -> None:
    # `--country` reads a record's own country: a figure, deal or event about a deposit carries the deposit's.
    facts = load_facts()
    countries = {r["id"]: r["country"] for r in facts.records if r["kind"] == "deposit"}
    wrong = {
        r["id"]: (r.get("country"), countries[r["deposit"]])
        for r in facts.records
        if r.get("deposit") and r.get("country") != countries[r["deposit"]]
    }
    assert wrong == {}


def test_deposit_figures_are_listed_under_their_country() -> None:
    kz = {r["id"] for r in run_json("facts", "--kind", "figure", "--country", "KZ")}
    assert {"upper-kairakty-mining-cycle", "kuyrektykol-rare-earth-reserves-282mt", "bakuta-recovery-rate", "kz-tungsten-reserves"} <= kz
    assert len(kz) == 14
    kr = {r["id"] for r in run_json("facts", "--kind", "figure", "--country", "KR")}
    assert kr == {"sangdong-grade-vs-world-average", "sangdong-recovery-rate"}


def test_organisations_have_kinds_countries_and_aliases() -> None:
    orgs = by_id(run_json("orgs"))
    assert (orgs["tau-ken-samruk"]["country"], orgs["tau-ken-samruk"]["org_kind"]) == ("KZ", "state-company")
    assert orgs["kfw-ipex-bank"]["org_kind"] == "bank"
    assert "cove-kaz-tau-ken-jv-2025-11" in orgs["tau-ken-samruk"]["appears_in"]


@pytest.mark.parametrize(
    ("record_id", "kind", "needle"),
    [
        ("cove-kaz-samruk-kazyna-jv-proposal-2025-09", "contradicted", "Lutnick"),
        ("cove-kaz-tau-ken-jv-2025-11", "context", "portfolio company of Samruk-Kazyna"),
        ("cove-kaz-qazgeology-rare-earth-jv-2025", "contradicted", "24 July 2024"),
        ("american-tungsten-corp", "contradicted", "Vancouver"),
        ("china-fivemetals", "context", "does not name China Minmetals"),
        ("us-section-301-tariff-tungsten-china", "contradicted", "2024"),
        ("tungsten-melting-point", "contradicted", "3422"),
        ("tungsten-melting-point", "contradicted", "outdated"),
        ("us-section-301-tariff-tungsten-china", "contradicted", "powders"),
        ("american-tungsten-exim-loan-2025-11-07", "contradicted", "already 7 November in China"),
        ("kuyrektykol-rare-earth-reserves-282mt", "context", "No official figure of 282 million t"),
        ("kz-tungsten-reserves", "context", "not like for like"),
        ("wabtec-kazakhstan-railway-locomotives-2025", "context", "Lutnick"),
        ("cove-kaz-samruk-kazyna-jv-proposal-2025-09", "context", "Lutnick"),
        ("cove-kaz-qazgeology-rare-earth-jv-2025", "context", "Akbulak"),
        ("american-tungsten-corp", "context", "ist ein kanadisches Unternehmen"),
        ("upper-kairakty", "unit-ambiguous", "1.216 Millionen"),
        ("kuyrektykol", "inconsistent-in-source", "282"),
        ("kz-share-of-reserves-in-w-mo-deposits", None, "87"),
        ("north-katpar", "translation", "WOâ"),
    ],
)
def test_curator_notes(record_id: str, kind: str | None, needle: str) -> None:
    (record,) = run_json("show", record_id)
    assert any(needle in note["text"] and kind in (None, note["kind"]) for note in record["notes"]), record["notes"]


def test_show_joint_venture_with_quote_in_context_and_note() -> None:
    out = run("show", "cove-kaz-tau-ken-jv-2025-11").stdout
    assert "Cove Kaz Capital Group (operator, 70 % of marketing rights, 70 %); Tau-Ken Samruk (partner, 30 %)" in out
    assert "»Im November 2025 während des Besuchs des Präsidenten Tokayev in den USA, Die beiden Seiten" in out
    assert "portfolio company of Samruk-Kazyna" in out


def test_search_finds_the_locomotive_deal_with_its_quote() -> None:
    results = run_json("search", "Wabtec")
    deal = by_id(results)["wabtec-kazakhstan-railway-locomotives-2025"]
    assert "4,2 Milliarden US-Dollar" in deal["matched_quote"]
    assert run("search", "Wabtec").stdout.count("wabtec-kazakhstan-railway-locomotives-2025") == 1


def test_search_is_case_and_accent_blind_and_follows_aliases() -> None:
    assert run_json("search", "tau-ken")[0]["id"] == "tau-ken-samruk"
    ids = {r["id"] for r in run_json("search", "kairakty")}
    assert {"upper-kairakty", "upper-kairakty-idle-since-1991", "upper-kairakty-privatisation-tender-2025-04"} <= ids
    assert {r["id"] for r in run_json("search", "ÜST-KHAKALJINZHENSKOYE")} >= {"upper-kairakty"}


def test_conflicts_show_import_reliance_side_by_side() -> None:
    rows = [r for r in run_json("conflicts") if r["quantity"] == "US/net-import-reliance/2024"]
    assert sorted(r["value"] for r in rows) == [50, 80, 83]
    # The 282 Mt clause states no basis, so it is not one quantity with the 8 Mt of rare-earth metals.
    assert not [r for r in run_json("conflicts") if r["quantity"] == "kuyrektykol/rare-earth-reserves"]


def test_timeline_sorts_partial_dates_by_start() -> None:
    dates = [r["date"] for r in run_json("timeline", "--from", "2025-04", "--to", "2025-11", "--country", "KZ")]
    assert dates and [bounds(d)[0] for d in dates] == sorted(bounds(d)[0] for d in dates)
    assert all(bounds(d)[1] >= "2025-04" and bounds(d)[0] <= "2025-11-30" for d in dates)  # overlaps the range
    assert "2018/2025-11" in dates  # the permits since 2018, an interval reaching into it


def test_sources_count_citing_records() -> None:
    sources = by_id(run_json("sources"))
    assert sources[ARTICLE]["records"] > 100 and sources["usgs-mcs-2025"]["records"] > 100
    assert sources["usgs-mcs-2025"]["sha256"].startswith("350badc6")


# USGS and the cross-check.


def test_usgs_production_china_2024() -> None:
    (china,) = run_json("production", "--year", "2024", "--country", "CN")
    assert (china["value"], china["estimated"], china["share_of_world_pct"], china["share_approximate"]) == (67000, True, 82.72, True)
    out = run("production", "--year", "2024", "--country", "CN", "--cite").stdout
    assert "67,000 t" in out and "China                                                     66,000    67,000" in out


def test_notes_that_sum_a_usgs_table_state_its_sum_and_its_world_total() -> None:
    """A note's "add up to N t" is the sum of its edition's rows for that year (NA left out), and the world total it quotes is that row's."""
    tables: dict[tuple[str, int | None, str], list[dict[str, Any]]] = {}
    for row in (*run_json("production"), *run_json("reserves")):
        if row["edition"]:
            tables.setdefault((row["edition"], row["year"], row["measure"]), []).append(row)
    sums = totals = 0
    for table in tables.values():
        listed = sum(row["value"] for row in table if row["subject"] != "world" and row["value"] is not None)
        world = [row["value"] for row in table if row["subject"] == "world"]
        for row in table:
            for note in row["notes"]:
                for stated in re.findall(r"add up to ([\d,]+) t\b", note["text"]):
                    assert int(stated.replace(",", "")) == listed, (row["id"], listed, note["text"])
                    sums += 1
                for stated in re.findall(r"world total rounded, ([\d,]+) t\b", note["text"]):
                    assert [int(stated.replace(",", ""))] == world, (row["id"], world, note["text"])
                    totals += 1
    assert (sums, totals) == (9, 8), "the eight MCS 2022-2024 'Other countries' notes and the MCS 2025 world reserves note"


def test_reserves_world_total_is_a_lower_bound() -> None:
    rows = by_id(run_json("reserves", "--source", "usgs-mcs-2025"))
    assert (rows["usgs-reserves-world"]["value"], rows["usgs-reserves-world"]["comparator"]) == (4600000, ">")
    assert (rows["usgs-reserves-cn"]["share_of_world_pct"], rows["usgs-reserves-cn"]["share_comparator"]) == (52.17, "<")
    assert rows["usgs-reserves-us"]["unavailable"] == "not-available"
    assert ">4,600,000 t" in run("reserves").stdout


def _verdicts() -> dict[tuple[str, str | None], str]:
    return {(r["left_id"], r["right_id"]): r["verdict"] for r in run_json("crosscheck")}


def test_crosscheck_verdicts() -> None:
    verdicts = _verdicts()
    assert verdicts[("world-tungsten-production-2024", "usgs-mine-production-world-2024")] == "agrees"
    for partner in ("cn", "de", "bo", "vn", "other"):
        assert verdicts[(f"us-import-share-{partner}-2020-2023", f"usgs-us-import-share-{partner}-2020-2023")] == "differs-in-basis"
    for value in (50, 80, 83):
        assert verdicts[(f"us-net-import-reliance-{value}", "usgs-us-net-import-reliance-2024")] == "bound-vs-value"
    assert verdicts[("us-section-301-tariff-tungsten-china", "usgs-us-section-301-tariff-increase-cn-2024-09")] == "differs"
    assert verdicts[("kz-tungsten-reserves", None)] == "not-in-reference"


def test_crosscheck_kazakh_reserves_in_one_basis() -> None:
    (row,) = [r for r in run_json("crosscheck") if r["left_id"] == "kz-tungsten-reserves"]
    assert row["rank"] == 2
    assert "usgs-mcs-2025 lists no tungsten-reserves for KZ" in row["detail"]
    assert ">1,586,000 t W (x0.793, derived)" in row["detail"]


def test_crosscheck_appears_in_show() -> None:
    (record,) = run_json("show", "us-section-301-tariff-tungsten-china")
    assert record["crosscheck"][0]["detail"] == "dated 2025-09 vs 2024-09"
    assert (
        "differs vs usgs-us-section-301-tariff-increase-cn-2024-09 (usgs-mcs-2025): dated 2025-09 vs 2024-09"
        in run("show", "us-section-301-tariff-tungsten-china").stdout
    )


def test_conversion_factor_is_the_usgs_footnote() -> None:
    from tungsten_cli.quantity import WO3_TO_W

    (footnote,) = run_json("show", "usgs-tungsten-content-of-mtu-wo3")
    assert footnote["value"] / 10 == pytest.approx(WO3_TO_W)
