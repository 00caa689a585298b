"""What a tonnage counts, tungsten trioxide (WO3) or tungsten content (W), and the one factor between them."""

from __future__ import annotations

from tungsten_cli.records import Record

# USGS MCS footnote: "A metric ton unit of tungsten trioxide contains 7.93 kilograms of tungsten",
# i.e. WO3 is 79.3 % W by mass (183.84 / 231.84). Every converted value is marked derived.
WO3_TO_W = 0.793
BASES = ("W",)  # what `--basis` can restate figures in
_W_NAMES = frozenset({"w", "tungsten content", "contained tungsten"})


def normal_basis(text: str) -> str:
    """ "W" for every way sources name tungsten content; any other basis as written."""
    basis = text.strip()
    return "W" if basis.casefold() in _W_NAMES else basis


def w_content(value: float | None, basis: str, unit: str | None) -> float | None:
    """Tonnes of W in `value` tonnes of WO3; None unless the value is WO3 tonnes."""
    if value is None or basis != "WO3" or unit != "t":
        return None
    return round(value * WO3_TO_W, 3)


def restated(record: Record) -> Record:
    """A figure in W content: WO3 tonnes converted and marked `derived`, with what the source stated."""
    basis = normal_basis(str(record.get("basis") or ""))
    value = w_content(record.get("value"), basis, record.get("unit"))
    if value is None:
        return {**record, "derived": False}
    return {
        **record,
        "value": value,
        "value_max": w_content(record.get("value_max"), basis, record.get("unit")),
        "basis": "W",
        "derived": True,
        "stated_value": record["value"],
        "stated_value_max": record.get("value_max"),
        "stated_basis": record["basis"],
        "factor": WO3_TO_W,
    }
