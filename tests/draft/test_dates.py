"""Dates as references print them read into dates, the access date of a reference in each
citation style with the span of its clause, and impossible dates refused."""

from __future__ import annotations

import re
from datetime import date

import pytest

from citeaudit.draft.dates import ACCESSED, DATE, accessed_date, read_date

MAY_11 = date(2021, 5, 11)


@pytest.mark.parametrize(
    ("text", "clause"),
    [
        ("Report [Internet]. [accessed 11 May 2021].", "[accessed 11 May 2021]"),
        ("Report. Available from: x (accessed 11/05/2021).", "(accessed 11/05/2021)"),
        ("Report. Available at: x (Accessed: 11 May 2021).", "(Accessed: 11 May 2021)"),
        ("Report. Accessed: 11 May 2021.", "Accessed: 11 May 2021"),
        ("Smith (2019). Retrieved May 11, 2021, from https://x", "Retrieved May 11, 2021, from"),
        ("Report, last accessed 2021-05-11.", "last accessed 2021-05-11"),
        ("Report [Internet]. 2020 [cited 2021 May 11].", "[cited 2021 May 11]"),
        ("Report. Viewed on 11th May 2021.", "Viewed on 11th May 2021"),
        ("Report. (Accessed on 11 of May 2021)", "(Accessed on 11 of May 2021)"),
        ("Report. Accessed 11.05.2021", "Accessed 11.05.2021"),
        ("Report. retrieved on 11 May 2021 from x", "retrieved on 11 May 2021 from"),
    ],
)
def test_the_access_date_in_each_style_and_its_clause(text: str, clause: str) -> None:
    found, span = accessed_date(text)
    assert found == MAY_11
    assert span is not None and text[span[0] : span[1]] == clause


def test_the_access_date_not_the_publication_date() -> None:
    text = "Report. Published 1 May 2020. [accessed 11 May 2021]."
    found, span = accessed_date(text)
    assert found == MAY_11
    assert span == (text.index("["), text.index("]") + 1)


def test_a_numeric_date_reads_day_first_unless_it_cannot() -> None:
    assert accessed_date("(accessed 05/11/2021)")[0] == date(2021, 11, 5)
    assert accessed_date("(accessed 05/13/2021)")[0] == date(2021, 5, 13)


@pytest.mark.parametrize(
    "text",
    [
        "[accessed 31 February 2021]",
        "[accessed 29 February 2021]",
        "(accessed 2021-13-01)",
        "(accessed 32/01/2021)",
        "(accessed 13/13/2021)",
        "Accessed: 31 June 2021",
        "Accessed: 11 Mayo 2021",
        "Accessed: sometime in May 2021",
        "Published 11 May 2021.",
    ],
)
def test_no_access_date_when_it_is_impossible_or_not_given(text: str) -> None:
    assert accessed_date(text) == (None, None)


def test_a_leap_day_is_a_date_in_a_leap_year() -> None:
    assert accessed_date("[accessed 29 February 2020]")[0] == date(2020, 2, 29)


def test_an_impossible_access_date_gives_way_to_a_later_real_one() -> None:
    text = "[accessed 31 Feb 2021] (accessed 2 March 2021)"
    found, span = accessed_date(text)
    assert found == date(2021, 3, 2)
    assert span is not None and text[span[0] : span[1]] == "(accessed 2 March 2021)"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("11 May 2021", MAY_11),
        ("May 11, 2021", MAY_11),
        ("11/05/2021", MAY_11),
        ("2021-05-11", MAY_11),
        ("2021 May 11", MAY_11),
        ("Sept 30, 2021", date(2021, 9, 30)),
        ("3rd Jan. 2020", date(2020, 1, 3)),
        ("Dec 1st, 1999", date(1999, 12, 1)),
        ("Posted 2021-05-11T10:00", MAY_11),
        ("Email received on 11 May 2021; answered 12 May 2021.", MAY_11),
    ],
)
def test_read_date_in_every_printed_form(text: str, day: date) -> None:
    assert read_date(text) == day


@pytest.mark.parametrize(
    "text",
    ["31 Sept 2021", "2021-02-30", "13/13/2021", "11 Foo 2021", "1 May 1599", "11/05/21", "none"],
)
def test_read_date_refuses_what_is_no_date(text: str) -> None:
    assert read_date(text) is None


def test_read_date_looks_past_what_only_looks_like_a_date() -> None:
    assert read_date("Board paper 4, 2021, dated 11 May 2021.") == MAY_11


def test_the_patterns_are_usable_on_their_own() -> None:
    assert re.fullmatch(DATE, "11 May 2021")
    assert ACCESSED.search("Report (Accessed: 11 May 2021).")
    assert not ACCESSED.search("Report, 11 May 2021.")
