"""Each kind of contradiction the explicit checks find, and their silence when the two sides
are not about the same thing."""

from __future__ import annotations

from citeaudit.meaning.conflicts import find_conflicts
from citeaudit.meaning.evidence import source
from citeaudit.meaning.judgement import ConflictKind
from citeaudit.meaning.reading import read

BACKGROUND = (
    "The council publishes its figures every month. Residents can comment online. "
    "The library opens on Saturdays. Parking is free after six. The museum is closed. "
    "Bins are collected weekly. The pool reopened after repairs. Buses run late on Fridays. "
    "Street lights are being replaced. The market moved indoors. Grants help small firms. "
)


def kinds(claim: str, passage: str) -> set[ConflictKind]:
    text = BACKGROUND + passage
    src = source(text)
    tokens = tuple(read(claim))
    found = find_conflicts(tokens, src.slice(len(BACKGROUND), len(text)), src, claim)
    return {c.kind for c in found}


def test_numbers_aligned_by_their_nouns() -> None:
    passage = "Of these, 412 had been waiting more than 52 weeks, and 37 for more than two years."
    assert kinds("Seventy-three children have waited more than two years.", passage) == {"number"}
    assert not kinds("Thirty-seven children have waited more than two years.", passage)


def test_percentages_money_and_dates() -> None:
    assert "percentage" in kinds(
        "Calls to the ambulance service fell by 58%.",
        "Calls to the ambulance service fell by 38% over the same period.",
    )
    assert "money" in kinds(
        "Integrated care boards were allocated a combined £113 million in 2023/24.",
        "In 2023/24 integrated care boards were allocated a combined £113 billion.",
    )
    assert "date" in kinds(
        "The board has agreed to fund the programme until March 2026.",
        "The board has agreed to fund the programme until March 2025.",
    )
    assert not kinds(
        "A consultation on the limit runs until 15/03/2024.",
        "A consultation on the limit closes on 15 March 2024.",
    )


def test_negation_either_way() -> None:
    assert "negation" in kinds(
        "The price cap limits the total amount a household pays for its energy.",
        "It does not limit the total amount a household pays: customers who use more pay more.",
    )
    assert "negation" in kinds(
        "Inspectors found that safeguarding arrangements were not effective.",
        "The arrangements for safeguarding are effective.",
    )
    assert not kinds(
        "Boards do not manage hospitals.", "Boards do not run hospitals or employ doctors."
    )


def test_quantifiers() -> None:
    assert "quantifier" in kinds(
        "Most governing bodies had an elected councillor among their members.",
        "Only a minority of governing bodies had a councillor among their members.",
    )
    assert "quantifier" in kinds(
        "Nitrogen dioxide levels fell at every monitoring site in 2022.",
        "Nitrogen dioxide levels fell at 39 of the 46 monitoring sites in 2022.",
    )


def test_party_swapped_and_passive_agreeing() -> None:
    passage = "Governors hold leaders to account for the work on attendance."
    assert "party" in kinds(
        "Leaders hold governors to account for the work on attendance.", passage
    )
    assert "party" not in kinds(
        "Leaders are held to account by governors for the work on attendance.", passage
    )


def test_abolished_body_said_to_be_at_work() -> None:
    passage = "The Health and Care Act 2022 abolished clinical commissioning groups in July 2022."
    assert "abolished" in kinds(
        "Clinical commissioning groups are the bodies that plan hospital services.", passage
    )
    assert "abolished" not in kinds(
        "Clinical commissioning groups were replaced in the summer of 2022.", passage
    )


def test_nothing_when_the_passage_is_about_something_else() -> None:
    assert not kinds(
        "Shoplifting rose by 28% in the force area.",
        "The library service lent 12% more books to children this year.",
    )


def test_abolished_in_other_words() -> None:
    passage = (
        "In 2021 the functions of the Regional Roads Agency passed to the Transport Board, "
        "which now publishes the traffic counts."
    )
    assert "abolished" in kinds("The Regional Roads Agency publishes the traffic counts.", passage)
    assert not kinds("The Transport Board publishes the traffic counts.", passage)
