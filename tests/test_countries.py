"""--country takes codes, ISO names and the common names people write; ambiguity and typos get help."""

from __future__ import annotations

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
