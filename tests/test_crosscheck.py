"""crosscheck's table ranking: ranked once per table, it places a claim as the one-claim-at-a-time count did."""

from __future__ import annotations

import pytest

from tungsten_cli.crosscheck import Claim, _Ranking
from tungsten_cli.quantity import Quantity


def _claim(subject: str, value: float | None) -> Claim:
    return Claim({"id": subject, "subject": subject}, Quantity(value), "src")


TABLE = [_claim("CN", 67000), _claim("VN", 3400), _claim("RU", 2000), _claim("BO", 2000), _claim("AT", None), _claim("RW", 0)]


@pytest.mark.parametrize("value", [99000, 67000, 5000, 3400, 2000, 1999.5, 0, -1])
def test_rank_counts_the_rows_strictly_above(value: float) -> None:
    ranking = _Ranking(TABLE)
    above = [c for c in sorted(TABLE, key=lambda c: -(c.value or 0)) if c.value is not None and c.value > value]
    assert ranking.above(value) == len(above)
    assert ranking.leaders(len(above)) == (", ".join(f"{c.record['subject']} {c.value:,.0f}" for c in above) or "none")
    assert ranking.size == 5 and ranking.listed == {"CN", "VN", "RU", "BO", "AT", "RW"}
