"""Option values that cannot mean anything are usage errors (exit 2, one line), never an empty success."""

from __future__ import annotations

import pytest
from conftest import run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13"], "Invalid value for --from: '2025-13' is not a real date: month must be in 1..12"),
        (["--from", "2025-02-30"], "Invalid value for --from: '2025-02-30' is not a real date: day is out of range for month"),
        (["--to", "2025/2026"], "Invalid value for --to: '2025/2026' is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        (["--from", "2026", "--to", "2025"], "--to 2025 is before --from 2026"),
    ],
)
def test_impossible_timeline_dates(args: list[str], message: str) -> None:
    result = run("timeline", *args)
    assert result.exit_code == 2, result.output
    assert result.stderr == f"tungsten: error: {message}\n"


def test_a_one_day_timeline_window_is_fine() -> None:
    result = run("timeline", "--from", "2025-11-21", "--to", "2025-11-21", "--json")
    assert result.exit_code == 0, result.stderr
