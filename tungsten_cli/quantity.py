"""One quantity as a source states it: value, upper end, bound, hedge, estimate, W/NA, unit and basis.

Every module that reads, shows, compares, shares, converts or follows a number across editions goes
through this type, so "W" never equals "NA", a bound is never compared as a plain value, a share of a
bound is a bound, and a change from 0 is a change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from tungsten_cli.kinds import headline
from tungsten_cli.records import Record

# USGS MCS footnote: "A metric ton unit of tungsten trioxide contains 7.93 kilograms of tungsten",
# i.e. WO3 is 79.3 % W by mass (183.84 / 231.84). Every converted value is marked derived.
WO3_TO_W = 0.793
_W_NAMES = frozenset({"w", "tungsten content", "contained tungsten"})
MARKS = {"withheld": "W", "not-available": "NA"}
TOLERANCE = 0.01  # two values within 1 % of the larger are one value (rounding between sources)
_LOWER, _UPPER = (">", ">="), ("<", "<=")
_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


# Numbers for people.


def number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"


def pct(value: float | None) -> str:
    return "" if value is None else f"{number(value)} %"


def tonnes(value: float | None) -> str:
    return "" if value is None else f"{number(value)} t"


def usd(value: float | None) -> str:
    if value is None:
        return ""
    for scale, suffix in ((1e9, "bn"), (1e6, "m")):
        if abs(value) >= scale:
            return f"US$ {value / scale:g} {suffix}"
    return f"US$ {number(value)}"


UNIT_TEXT: dict[str, Callable[[float], str]] = {
    "t": tonnes,
    "kg": lambda v: f"{number(v)} kg",
    "usd": usd,
    "pct": pct,
    "count": number,
    "rank": lambda v: f"#{number(v)}",
    "times": lambda v: f"{number(v)}×",
    "decades": lambda v: f"{number(v)} decades",
    "degc": lambda v: f"{number(v)} °C",
    "year": number,
    "usd_per_mtu_wo3": lambda v: f"US$ {number(v)}/mtu WO3",
}


def normal_basis(text: str) -> str:
    """ "W" for every way sources name tungsten content; any other basis as written."""
    basis = text.strip()
    return "W" if basis.casefold() in _W_NAMES else basis


def _unit_of(field: str) -> str | None:
    return "pct" if field.endswith("_pct") else "t" if field.endswith("_t") else "usd" if field.endswith("_usd") else None


@dataclass(frozen=True)
class Quantity:
    """A stated quantity. `approximate` hedges the value, `approximate_max` the upper end; `unavailable` is
    "withheld" (W) or "not-available" (NA), with no value; `basis` is normalised ("W" for tungsten content)."""

    value: float | None
    max: float | None = None
    comparator: str | None = None
    approximate: bool = False
    approximate_max: bool = False
    estimated: bool = False
    unavailable: str | None = None
    unit: str | None = None
    basis: str = ""
    derived: bool = False  # converted from another basis

    @classmethod
    def of(cls, record: Record, field: str | None = None) -> Quantity:
        """The quantity a record states: a figure's value (with its range, bound, estimate and W/NA), or one
        numeric field of another kind (by default its headline number, kinds.headline: a share, a change, ...)."""
        hedged = record.get("approximate") or []
        if record.get("kind", "figure") == "figure" and field in (None, "value"):
            return cls(
                value=record.get("value"),
                max=record.get("value_max"),
                comparator=record.get("comparator"),
                approximate="value" in hedged,
                approximate_max="value_max" in hedged,
                estimated=bool(record.get("estimated")),
                unavailable=record.get("unavailable"),
                unit=record.get("unit"),
                basis=normal_basis(str(record.get("basis") or "")),
                derived=bool(record.get("derived")),
            )
        found = headline(record) if field is None else None
        name = field or (found.field if found is not None else None)
        if name is None:
            return cls(None)
        basis = "WO3" if name == "reserves_wo3_t" else str(record.get("forms") or record.get("basis") or "")
        return cls(value=record.get(name), approximate=name in hedged, unit=_unit_of(name), basis=normal_basis(basis))

    @property
    def statement(self) -> tuple[str | None, float | None, float | None, str | None]:
        """What a source states, without its hedges and marks: two claims with different statements conflict."""
        return (self.comparator, self.value, self.max, self.unavailable)

    @property
    def mark(self) -> str:
        """W or NA for a quantity without a value; "" otherwise."""
        return MARKS.get(self.unavailable or "", self.unavailable or "")

    def format(self, *, with_basis: bool = False, unit_text: Callable[[float], str] | None = None) -> str:
        """As tables show it: `~1,000,000 t WO3`, `>50 %`, `900 t (e)`, `W`; a range as `3 - 4 decades` (an en dash between)."""
        if self.unavailable:
            return self.mark
        if self.value is None:
            return ""
        show = unit_text or UNIT_TEXT.get(self.unit or "", number)
        text = (self.comparator or ("~" if self.approximate else "")) + show(self.value)
        if self.max is not None:
            text += " – " + ("~" if self.approximate_max else "") + show(self.max)
        if with_basis and self.unit == "t" and self.basis in ("W", "WO3"):
            text += f" {self.basis}"
        marks = [mark for mark, on in (("e", self.estimated), ("derived", self.derived)) if on]
        return text + (f" ({', '.join(marks)})" if marks else "")

    def in_w(self) -> Quantity:
        """Tonnes of WO3 restated as tonnes of W content (x 0.793), marked derived; any other quantity as it is."""
        if self.basis != "WO3" or self.unit != "t" or self.value is None:
            return self
        upper = None if self.max is None else round(self.max * WO3_TO_W, 3)
        return replace(self, value=round(self.value * WO3_TO_W, 3), max=upper, basis="W", derived=True)

    def in_wo3(self) -> Quantity:
        """Tonnes of W content restated as tonnes of WO3 (/ 0.793), marked derived."""
        if self.basis != "W" or self.unit != "t" or self.value is None:
            return self
        upper = None if self.max is None else round(self.max / WO3_TO_W, 3)
        return replace(self, value=round(self.value / WO3_TO_W, 3), max=upper, basis="WO3", derived=True)

    def share_of(self, total: Quantity) -> Quantity | None:
        """This quantity as a percent of `total`, the bound carried through: >1,000 of 10,000 is >10 %, 1,000 of
        >10,000 is <10 %; None where no share can be said (no value, a zero total, bounds pointing both ways)."""
        if self.value is None or total.value is None or total.value == 0:
            return None
        bound = _combined(self.comparator, _FLIPPED.get(total.comparator or ""))
        if bound == "":
            return None
        return Quantity(
            value=round(100 * self.value / total.value, 2),
            comparator=bound,
            approximate=self.approximate or total.approximate,
            estimated=self.estimated or total.estimated,
            unit="pct",
            derived=True,
        )

    def compare(self, other: Quantity) -> Comparison:
        """Equal, within a bound, outside it, different, or not comparable, with the reason.

        W and NA are reasons for no value, not values: W equals W, but W against NA or against any
        number cannot be compared. A WO3 tonnage meets a W tonnage in W content (derived)."""
        if self.unavailable or other.unavailable:
            return _compare_unavailable(self, other)
        if self.value is None and other.value is None:
            return Comparison("equal", "same statement, neither states a number")
        if self.value is None or other.value is None:
            return Comparison("not-comparable", "one side states no number")
        a, b = self, other
        if {a.basis, b.basis} == {"W", "WO3"}:
            a, b = a.in_w(), b.in_w()
        if a.unit and b.unit and a.unit != b.unit:
            return Comparison("not-comparable", f"units differ: {a.unit} vs {b.unit}")
        note = f" (converted to W at {WO3_TO_W}, derived)" if a.derived or b.derived else ""
        if (a.comparator is None) != (b.comparator is None):
            bound, plain = (a, b) if a.comparator else (b, a)
            fits = _satisfies(float(plain.value or 0), str(bound.comparator), float(bound.value or 0))
            verdict = "within" if fits else "outside"
            return Comparison(
                verdict, f"{number(float(plain.value or 0))} {'is within' if fits else 'falls outside'} the bound {_bare(bound)}{note}"
            )
        if a.comparator != b.comparator:
            return Comparison("not-comparable", f"two bounds: {_bare(a)} vs {_bare(b)}")
        if close(float(a.value or 0), float(b.value or 0)):
            return Comparison("equal", f"both {a.comparator or ''}{number(float(a.value or 0))}{note}")
        return Comparison("differs", f"{number(float(a.value or 0))} vs {number(float(b.value or 0))}{note}")

    def change_to(self, later: Quantity) -> Change:
        """The change from this edition's value to a later one's; a bound where either end is one."""
        if self.value is None or later.value is None:
            return Change(None, None, None)
        bound = _combined(later.comparator, _FLIPPED.get(self.comparator or ""))
        if bound == "":
            return Change(None, None, None)
        amount = later.value - self.value
        if self.value == 0:
            return Change(amount, None, bound, from_zero=amount != 0)
        return Change(amount, round(100 * amount / self.value, 2), bound)


@dataclass(frozen=True)
class Comparison:
    """How two quantities relate: equal, within (a value inside the other's bound), outside, differs, not-comparable."""

    verdict: str
    reason: str


@dataclass(frozen=True)
class Change:
    """A change between editions: amount, percent of the first value, its bound; `from_zero` when the first value
    is 0 and the last is not, a change of unbounded relative size that sorts as the largest."""

    amount: float | None
    pct: float | None
    comparator: str | None
    from_zero: bool = False

    @classmethod
    def of(cls, row: Record) -> Change:
        """The change a `revisions` row states in its fields."""
        return cls(row["change"], row["change_pct"], row["change_comparator"], bool(row.get("change_from_zero")))

    def at_least(self, percent: float) -> bool:
        """At least `percent` either way (--min-change): a change from 0 always is."""
        return self.from_zero or (self.pct is not None and abs(self.pct) >= percent)

    def sort_key(self) -> tuple[int, float]:
        """Largest first: a change from 0, then by size of the percent change, then rows without one."""
        if self.from_zero:
            return (0, 0.0)
        return (1, -abs(self.pct)) if self.pct is not None else (2, 0.0)


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE * max(abs(a), abs(b), 1e-9)


def _satisfies(value: float, comparator: str, limit: float) -> bool:
    return {">": value > limit, ">=": value >= limit, "<": value < limit, "<=": value <= limit}[comparator]


def _combined(*comparators: str | None) -> str | None:
    """The bound of a quantity derived from bounded ones: None when none is a bound, "" when they point both ways."""
    bounds = [c for c in comparators if c]
    if not bounds:
        return None
    if all(c in _LOWER for c in bounds) or all(c in _UPPER for c in bounds):
        return next((c for c in bounds if len(c) == 1), bounds[0])
    return ""


def _bare(quantity: Quantity) -> str:
    """The bound and number alone, as a comparison's reason names them (">1,000")."""
    return f"{quantity.comparator or ''}{number(float(quantity.value or 0))}"


def _compare_unavailable(a: Quantity, b: Quantity) -> Comparison:
    if a.unavailable == b.unavailable:
        return Comparison("equal", f"both {a.mark} ({a.unavailable})")
    if a.unavailable and b.unavailable:
        return Comparison(
            "not-comparable", f"{a.mark} ({a.unavailable}) vs {b.mark} ({b.unavailable}): neither states a value, for different reasons"
        )
    missing, stated = (a, b) if a.unavailable else (b, a)
    return Comparison("not-comparable", f"{missing.mark} ({missing.unavailable}) states no value to compare with {_bare(stated)}")
