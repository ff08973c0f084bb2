"""Quantities: hedged figures agree with exact ones, dates as spans, implied figures."""

from __future__ import annotations

from citeaudit.meaning.quantities import Quantity, agree, day_index, derived


def test_hedges_allow_the_exact_figure() -> None:
    assert agree(Quantity("count", 1500, approx="<~", text="1,500"), Quantity("count", 1460))
    assert not agree(Quantity("count", 1500, approx="<~", text="1,500"), Quantity("count", 1520))
    assert agree(Quantity("count", 400, approx=">", text="400"), Quantity("count", 412))
    assert not agree(Quantity("count", 250, approx=">", text="250"), Quantity("count", 211))
    assert agree(Quantity("percent", 33, text="33"), Quantity("percent", 100 / 3))


def test_money_and_its_period() -> None:
    year = Quantity("money", 1.2e6, per="year", text="1.2")
    assert not agree(year, Quantity("money", 1.2e6, per="3 years"))
    assert agree(year, Quantity("money", 1.2e6))
    assert not agree(Quantity("money", 113e6, text="113"), Quantity("money", 113e9))


def test_dates_are_spans_and_a_year_is_no_evidence_for_a_day() -> None:
    autumn = Quantity("date", day_index(2025, 9), day_index(2025, 11, 31))
    september = Quantity("date", day_index(2025, 9), day_index(2025, 9, 31))
    assert agree(autumn, september)
    day = Quantity("date", day_index(2024, 1, 3), day_index(2024, 1, 3))
    assert not agree(day, Quantity("date", day_index(2024), day_index(2024, 12, 31)))


def test_derived_differences_and_shares() -> None:
    values = {round(q.value, 1) for q in derived([Quantity("count", 289), Quantity("count", 271)])}
    assert 18 in values
    shares = {round(q.value, 1) for q in derived([Quantity("count", 39), Quantity("count", 46)])}
    assert 84.8 in shares
