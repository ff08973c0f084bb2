"""Reading: equivalent wordings read alike, numbers in words and digits as values."""

from __future__ import annotations

from citeaudit.meaning.quantities import agree
from citeaudit.meaning.reading import Quantity, read


def quantities(text: str) -> list[Quantity]:
    return [t.quantity for t in read(text) if t.quantity is not None]


def terms(text: str) -> set[str]:
    return {t.term for t in read(text) if t.term}


def test_number_words_and_fractions() -> None:
    assert quantities("Seventy-three children")[0].value == 73
    assert quantities("a dozen sites")[0].value == 12
    assert quantities("two hundred and fifty groups")[0].value == 250
    assert round(quantities("a fifth")[0].value) == 20
    assert round(quantities("one in five pupils")[0].value) == 20
    assert round(quantities("two-fifths")[0].value) == 40
    assert quantities("half a per cent")[0].value == 0.5


def test_money_scales_and_periods() -> None:
    (bn,) = quantities("£0.9bn")
    (million,) = quantities("£900 million")
    assert agree(bn, million)
    assert quantities("£1.2m a year")[0].per == "year"
    assert quantities("a £1.2m grant from the fund over three years")[0].per == "3 years"


def test_dates_in_several_formats() -> None:
    (numeric,) = quantities("until 15/05/2024")
    (written,) = quantities("until 15 May 2024")
    assert agree(numeric, written)
    (fiscal,) = quantities("in 2022-23")
    (ending,) = quantities("in the year ending March 2023")
    assert agree(fiscal, ending)
    assert not quantities("the Equality Act 2010")  # a name, not a date


def test_common_equivalences() -> None:
    assert terms("updated every three months") & terms("updated quarterly") >= {"quarterly"}
    assert "council" in terms("local authorities")
    assert "annual" in terms("once a year") & terms("annually")
