"""Random and mutated input: the only outcomes allowed are success or a clean, typed error."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import DATA, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tungsten_cli.errors import TungstenError
from tungsten_cli.load import validate

SEED = (DATA / "mini" / "records.yaml").read_text(encoding="utf-8")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(tmp_path: Path, text: str | bytes) -> None:
    folder = tmp_path / "p"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copy(DATA / "mini" / "sources.yaml", folder / "sources.yaml")
    target = folder / "x.yaml"
    target.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
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


OPTION_VALUES = st.one_of(st.text(max_size=12), st.sampled_from(["KZ", "xx", "-1", "2025", "", "a,b", "--json", "kazakhstan", "ÅÄ"]))


@FAST
@given(
    st.sampled_from(["deposits", "deals", "quotas", "imports", "facts", "timeline", "orgs", "search", "show"]),
    st.lists(
        st.tuples(
            st.sampled_from(["--country", "--year", "--kind", "--fields", "--sort", "--limit", "--format", "--name", "--party", "--from"]),
            OPTION_VALUES,
        ),
        max_size=3,
    ),
)
def test_random_options(command: str, options: list[tuple[str, str]]) -> None:
    args = [command] + [part for pair in options for part in pair]
    if command in ("search", "show"):
        args.insert(1, "kairakty")
    result = run(*args, "--facts", str(DATA / "mini"))
    assert result.exit_code in (0, 1, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if result.exit_code:
        assert result.stderr.startswith("tungsten: error: ") or "problem" in result.stderr
