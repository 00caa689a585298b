"""Random and mutated input: the only outcomes allowed are success or a clean, typed error."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from conftest import DATA, mini_pack, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tungsten_cli.errors import TungstenError
from tungsten_cli.listing import view_fields
from tungsten_cli.load import load_facts, validate
from tungsten_cli.render import Format
from tungsten_cli.views import VIEWS
from tungsten_cli.vocabulary import VOCAB

SEED = (DATA / "mini" / "records.yaml").read_text(encoding="utf-8")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(tmp_path: Path, text: str | bytes) -> None:
    folder = mini_pack(tmp_path, text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text, "x.yaml")
    files = sorted(folder.glob("*.yaml"))
    try:
        validate(files)
    except TungstenError as err:
        assert str(err).strip()


@FAST
@given(st.text(max_size=400))
def test_random_text(tmp_path: Path, text: str) -> None:
    _check(tmp_path, text.encode("utf-8", "replace"))


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(tmp_path: Path, blob: bytes) -> None:
    _check(tmp_path, blob)


@FAST
@given(st.integers(0, len(SEED) - 1), st.integers(0, 40), st.text(alphabet="-:[]{}&*!|>'\"#\n abc0123", max_size=12))
def test_mutated_pack(tmp_path: Path, at: int, cut: int, insert: str) -> None:
    _check(tmp_path, SEED[:at] + insert + SEED[at + cut :])


# Each listing command's own options; the shared ones (--fields, --sort, --limit, --format) come from its view.
OWN_OPTIONS: dict[str, tuple[str, ...]] = {
    "deposits": ("--country", "--name"),
    "deals": ("--country", "--year", "--kind", "--party"),
    "quotas": ("--country", "--year", "--kind"),
    "imports": ("--importer", "--partner"),
    "facts": ("--country", "--year", "--kind"),
    "timeline": ("--country", "--from", "--to"),
    "orgs": ("--country", "--kind"),
    "search": (),
}
KIND_VOCAB = {"deals": "deal_kind", "quotas": "measure_kind", "facts": "kind", "orgs": "org_kind"}
COUNTRIES = st.sampled_from(["KZ", "kz", "KAZ", "Kazakhstan", "kazakhstan", "US", "Russia", "UK", "no", "Türkiye"])
FREE_TEXT = st.text(min_size=1, max_size=12).filter(lambda t: not t.startswith("-") and "\x00" not in t)
DATES = st.builds(
    lambda d, n: d.isoformat()[:n], st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.sampled_from([4, 7, 10])
)
MINI_FACTS = load_facts([str(DATA / "mini")])


def _valid_value(draw: st.DrawFn, command: str, option: str, kind: str | None) -> str:
    """A valid value; `facts --kind K` narrows the fields to K's."""
    fields = view_fields(MINI_FACTS, VIEWS[command], (kind,) if command == "facts" and kind else ())
    strategies: dict[str, st.SearchStrategy[str]] = {
        "--country": COUNTRIES,
        "--importer": COUNTRIES,
        "--partner": st.one_of(COUNTRIES, st.just("other")),
        "--year": st.integers(1000, 9999).map(str),
        "--name": FREE_TEXT,
        "--party": FREE_TEXT,
        "--from": DATES,
        "--to": st.just("9999-12-31"),
        "--fields": st.lists(st.sampled_from(fields), min_size=1, max_size=4).map(",".join),
        "--sort": st.tuples(st.sampled_from(["", "-"]), st.sampled_from(fields)).map("".join),
        "--limit": st.integers(0, 20).map(str),
        "--format": st.sampled_from([f.value for f in Format]),
    }
    return draw(strategies[option])


@st.composite
def valid_command(draw: st.DrawFn) -> list[str]:
    command = draw(st.sampled_from(sorted(OWN_OPTIONS)))
    options = draw(st.lists(st.sampled_from([*OWN_OPTIONS[command], "--fields", "--sort", "--limit", "--format"]), max_size=4, unique=True))
    args = [command, "acme"] if command == "search" else [command]
    kind = draw(st.sampled_from(VOCAB[KIND_VOCAB[command]])) if "--kind" in options else None
    for option in options:
        args += [option, kind if option == "--kind" and kind else _valid_value(draw, command, option, kind)]
    return args


@FAST
@given(valid_command())
def test_valid_options_always_succeed(args: list[str]) -> None:
    """Any combination of valid values is a query: exit 0 and, for JSON, an array (maybe empty)."""
    result = run(*args, "--facts", str(DATA / "mini"))
    assert result.exit_code == 0, (args, result.output)
    if "--format" in args and args[args.index("--format") + 1] == "json":
        assert isinstance(json.loads(result.stdout), list)


INVALID = [
    ("deposits", "--country", "Atlantis"),
    ("deals", "--year", "twenty"),
    ("deals", "--kind", "gift"),
    ("facts", "--kind", "planet"),
    ("deposits", "--fields", "id,colour"),
    ("search", "--sort", "-colour"),
    ("orgs", "--limit", "-1"),
    ("imports", "--format", "pdf"),
    ("timeline", "--from", "2025-13"),
    ("timeline", "--to", "2025-02-30"),
    ("deposits", "--status", "asleep"),
]


@FAST
@given(valid_command(), st.sampled_from(INVALID))
def test_one_invalid_value_is_a_usage_error(args: list[str], invalid: tuple[str, str, str]) -> None:
    """A valid command line with one bad value ends in exit 2 and one line, whatever else it holds."""
    command, option, value = invalid
    if args[0] != command:
        args = [command, "acme"] if command == "search" else [command]
    while option in args:
        at = args.index(option)
        del args[at : at + 2]
    result = run(*args, option, value, "--facts", str(DATA / "mini"))
    assert result.exit_code == 2, (args, option, value, result.output)
    assert result.stderr.startswith("tungsten: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
