"""Evidence: acronyms a source defines, weights, and how much of a claim a passage carries."""

from __future__ import annotations

from citeaudit.meaning.evidence import carried, claim_units, defined_acronyms, source, spelled
from citeaudit.meaning.reading import read

TEXT = (
    "Clinical commissioning groups (CCGs) were abolished in 2022.\n"
    "Integrated care boards (ICBs) now plan services.\n"
    "NHS England assesses every ICB each year."
)


def test_acronyms_the_source_defines() -> None:
    found = defined_acronyms(tuple(read(TEXT)))
    assert found["ccg"] == ("clinic", "commiss", "group")
    assert found["icb"] == ("integr", "care", "board")


def test_acronyms_spelled_out_without_a_definition() -> None:
    assert spelled(read("people who attend accident and emergency"), "A&E") is not None
    assert spelled(read("people who attend hospital"), "A&E") is None


def test_a_passage_carries_an_acronym_s_expansion() -> None:
    src = source(TEXT)
    claim = tuple(read("NHS England assesses every integrated care board annually."))
    start = TEXT.index("NHS England")
    have = carried(claim, claim_units(claim, src), src.slice(start, len(TEXT)), src, frozenset())
    assert have.weighted == 1.0
    unrelated = tuple(read("Parking charges were frozen."))
    none = carried(
        unrelated, claim_units(unrelated, src), src.slice(start, len(TEXT)), src, frozenset()
    )
    assert none.weighted == 0.0


def test_a_plural_acronym_is_spelled_by_its_words() -> None:
    """ "CCGs" is spelled by "clinical commissioning groups" even where the source never
    writes "(CCGs)"."""
    from citeaudit.meaning.evidence import spelled
    from citeaudit.meaning.reading import read

    tokens = tuple(read("Clinical commissioning groups hold responsibility for services."))
    assert spelled(tokens, "CCGs") is not None
    assert spelled(tokens, "CCG") is not None
    assert spelled(tokens, "ICBs") is None


def test_an_amount_for_something_else_does_not_carry_the_claims() -> None:
    from citeaudit.meaning.judging import judge_claim

    page = "Transport. The council will spend £2m on road resurfacing and £1m on new cycle lanes."
    judged = judge_claim("The council will spend £2m on new cycle lanes.", page, [(0, len(page))])
    assert judged.label == "not_supported" and "something else" in judged.reason


def test_a_year_read_in_a_name_carries_the_claims_year() -> None:
    from citeaudit.meaning.judging import judge_claim

    page = (
        "Purpose. Under the Health and Social Care Act 2012 NHS England must continually "
        "drive improvement in the quality of care."
    )
    claim = (
        "Under the Health and Social Care Act (2012), NHS England must continually drive "
        "improvement in the quality of care."
    )
    assert judge_claim(claim, page, [(0, len(page))]).label == "supported"
