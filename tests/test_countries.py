"""--country takes codes, ISO names and the common names people write; ambiguity and typos get help."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import ROOT, run

from tungsten_cli.countries import resolve
from tungsten_cli.errors import UsageError
from tungsten_cli.vocabulary import COUNTRIES

sys.path.insert(0, str(ROOT / "scripts"))
from generate_vocabulary import COMMON_NAMES


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("KZ", "KZ"),
        ("kz", "KZ"),
        ("KAZ", "KZ"),
        ("kazakhstan", "KZ"),
        ("Russia", "RU"),
        ("UK", "GB"),
        ("Britain", "GB"),
        ("Turkey", "TR"),
        ("türkiye", "TR"),
        ("South Korea", "KR"),
        ("North Korea", "KP"),
        ("Vietnam", "VN"),
        ("Bolivia", "BO"),
        ("United States", "US"),
        ("  China ", "CN"),
    ],
)
def test_names_people_type(typed: str, code: str) -> None:
    assert resolve(typed) == code


@pytest.mark.parametrize(("code", "names"), sorted(COMMON_NAMES.items()))
def test_every_common_name_resolves_to_its_own_country(code: str, names: tuple[str, ...]) -> None:
    assert code in COUNTRIES
    for name in names:
        assert resolve(name) == code, name


def test_ambiguous_name_lists_candidates() -> None:
    with pytest.raises(
        UsageError, match=r"^ambiguous country 'Korea': KP \(Korea, Democratic People's Republic of\), KR \(Korea, Republic of\)$"
    ):
        resolve("Korea")


def test_near_miss_suggests() -> None:
    with pytest.raises(UsageError, match=r"^unknown country 'Kasachstan'; did you mean KZ \(Kazakhstan\)\?"):
        resolve("Kasachstan")


def test_nonsense_gets_no_suggestion() -> None:
    with pytest.raises(UsageError) as err:
        resolve("Atlantis")
    assert "did you mean" not in str(err.value)


def test_cli_resolves_russia_and_reports_typos() -> None:
    assert run("production", "--country", "Russia", "--json").exit_code == 0
    result = run("deposits", "--country", "Kasachstan")
    assert result.exit_code == 2
    assert result.stderr.startswith("tungsten: error: unknown country 'Kasachstan'; did you mean KZ (Kazakhstan)?")


# Every listing with --country, and what `--country world` lists there: figures are listed under
# their aggregate subject; a view of deposits or deals has no row under one, so its list is empty.
COUNTRY_VIEWS = ["deposits", "quotas", "deals", "facts", "orgs", "production", "reserves", "revisions", "corrections", "timeline"]


@pytest.mark.parametrize("view", COUNTRY_VIEWS)
@pytest.mark.parametrize("aggregate", ["world", "other", "World"])
def test_every_view_takes_an_aggregate_as_its_country(view: str, aggregate: str) -> None:
    result = run(view, "--country", aggregate, "--json")
    assert result.exit_code == 0, result.stderr
    assert "unknown country" not in result.stderr


@pytest.mark.parametrize(("view", "measure"), [("production", "mine-production"), ("reserves", "tungsten-reserves"), ("revisions", None)])
@pytest.mark.parametrize("aggregate", ["world", "other"])
def test_production_reserves_and_revisions_agree_on_an_aggregate(view: str, measure: str | None, aggregate: str) -> None:
    rows = json.loads(run(view, "--country", aggregate, "--json").stdout)
    assert rows, (view, aggregate)
    subjects = {r["subject"] for r in rows} if measure else {c["subject"] for r in rows for c in r["claims"]}
    assert subjects == {aggregate}
    if measure:
        revised = json.loads(run("revisions", "--country", aggregate, "--measure", measure, "--json").stdout)
        assert {c["id"] for r in revised for c in r["claims"]} <= {r["id"] for r in rows}


def test_facts_under_an_aggregate_are_its_figures_and_shares() -> None:
    rows = json.loads(run("facts", "--country", "other", "--json").stdout)
    assert {r["kind"] for r in rows} == {"figure", "import_share"}
    assert all(r.get("subject") == "other" or r.get("partner") == "other" for r in rows)
    assert json.loads(run("deposits", "--country", "world", "--json").stdout) == []
