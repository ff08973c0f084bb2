"""Numbers as values, so that "a fifth" meets "20%", "£0.9bn" meets "£900 million" and
"15/05/2024" meets "15 May 2024", while "£113 million" against "£113 billion" differs.

A claim rounds ("nearly 1,500", "just under 5%") and a passage is exact (1,460, 4.99%): a
quantity carries the claim's hedge (about, over, under) and two quantities agree when the
exact one falls where the hedged one allows. Dates are spans of days, so "autumn 2025"
holds "September 2025" and "2022-23" is April 2022 to March 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: What a number measures; only quantities of one kind are compared.
QuantityKind = Literal["count", "percent", "money", "date", "duration", "ordinal"]
#: How a claim hedges a number: "" exact, "~" about, ">" more than, "<" less than,
#: ">~" just over, "<~" nearly / just under.
Approx = Literal["", "~", ">", "<", ">~", "<~"]

#: A day index: year * 372 + (month - 1) * 31 + (day - 1); spans compare as intervals.
_YEAR_DAYS = 372


def day_index(year: int, month: int = 1, day: int = 1) -> int:
    """A date as one comparable number (31-day months: only order and overlap matter)."""
    return year * _YEAR_DAYS + (month - 1) * 31 + (day - 1)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number with its kind. For dates ``value`` is the first day and ``high`` the last
    (day indexes; a month with no year has year 0 and ``monthly`` set); for money ``per``
    says over what period it runs ("year", "month", "week", "" when not said)."""

    kind: QuantityKind
    value: float
    high: float | None = None
    approx: Approx = ""
    per: str = ""
    monthly: bool = False
    text: str = ""

    @property
    def upper(self) -> float:
        return self.value if self.high is None else self.high


def _close(claim: float, passage: float, relative: float) -> bool:
    if claim == passage:
        return True
    scale = max(abs(claim), abs(passage), 1e-9)
    return abs(claim - passage) / scale <= relative


def _rounding(claim: Quantity) -> float:
    """Half a unit of the claim's last written digit (1,500 allows 1,450 to 1,549 when
    hedged; 33% allows 32.5 to 33.5 always)."""
    text = claim.text.replace(",", "")
    digits = "".join(ch for ch in text if ch.isdigit() or ch == ".")
    if "." in digits:
        decimals = len(digits.split(".", 1)[1])
        step = 10.0**-decimals
    else:
        step = 1.0
    number = digits.split(".")[0] if digits else ""
    scale = claim.value / float(number) if number and float(number) else 1.0
    return step * scale / 2


def agree(claim: Quantity, passage: Quantity) -> bool:
    """Whether the passage's quantity is what the claim's says, allowing for its hedge."""
    if claim.kind != passage.kind:
        return False
    if claim.kind == "date":
        # a passage's year is no evidence for a claim's day: only as precise a date agrees
        wider = (passage.upper - passage.value) > (claim.upper - claim.value) * 1.5 + 31
        return not wider and dates_overlap(claim, passage)
    if claim.kind == "money" and claim.per and passage.per and claim.per != passage.per:
        return False
    value, exact = claim.value, passage.value
    if claim.kind == "percent":
        slack = 3.0 if claim.approx else max(_rounding(claim), 0.05)
        if claim.approx in ("", "~"):
            return abs(value - exact) <= slack
        if claim.approx == ">":
            return exact > value - 0.05
        if claim.approx == "<":
            return exact < value + 0.05
        if claim.approx == ">~":
            return value - 0.05 <= exact <= value + 5.0
        return value - 6.0 <= exact <= value + 0.05
    if claim.kind == "duration":
        value *= 0.98 if claim.approx in (">", ">~") else 1.02 if claim.approx == "<" else 1
        if claim.approx in ("", "~", "<~"):
            return _close(value, exact, 0.03 if not claim.approx else 0.1)
    if claim.approx == "":
        return abs(value - exact) <= max(_rounding(claim), abs(value) * 1e-9)
    if claim.approx == "~":
        return _close(value, exact, 0.1)
    if claim.approx == ">":
        return exact >= value
    if claim.approx == "<":
        return exact <= value
    if claim.approx == ">~":
        return value <= exact <= value * 1.15
    return value * 0.85 <= exact <= value


def comparable(one: Quantity, other: Quantity) -> bool:
    """Whether two dates can be told apart: a month with no year ("accepted in July") only
    against another date to the month, not against a year or a financial year."""
    if one.monthly or other.monthly:
        return max(one.upper - one.value, other.upper - other.value) <= 62
    return True


def dates_overlap(one: Quantity, other: Quantity) -> bool:
    """Whether two date spans share a day (a month with no year matches that month of
    any year); dates that cannot be compared do not overlap."""
    if not comparable(one, other):
        return False
    if one.monthly or other.monthly:
        return _month_of(one) & _month_of(other) != set()
    return one.value <= other.upper and other.value <= one.upper


def _month_of(date: Quantity) -> set[int]:
    first = int(date.value) % _YEAR_DAYS // 31
    last = int(date.upper) % _YEAR_DAYS // 31
    if date.upper - date.value >= _YEAR_DAYS - 1:
        return set(range(12))
    if last < first:
        return set(range(first, 12)) | set(range(last + 1))
    return set(range(first, last + 1))


def derived(quantities: list[Quantity]) -> list[Quantity]:
    """Figures a passage implies without writing them: differences (289 to 271 is 18),
    percentage changes (980 to 1,460 is +49%) and shares (39 of 46 is 85%). Only numbers
    of one kind are combined."""
    out: list[Quantity] = []
    numbers = [q for q in quantities if q.kind in ("count", "money", "percent")][:8]
    for i, a in enumerate(numbers):
        for b in numbers[i + 1 :]:
            if a.kind != b.kind or not a.value or not b.value:
                continue
            out.append(Quantity(a.kind, abs(a.value - b.value), per=a.per))
            if a.kind != "percent":
                out.append(Quantity("percent", abs(b.value - a.value) / a.value * 100))
                out.append(Quantity("percent", abs(a.value - b.value) / b.value * 100))
                small, large = sorted((a.value, b.value))
                out.append(Quantity("percent", small / large * 100))
    return out
