"""Claims and quotations read from a body: sentence splitting, markers removed, quotations
given to the right citation, block quotations, repeats and inline links."""

from __future__ import annotations

import pytest

from citeaudit.draft.model import Block, DocumentText
from citeaudit.draft.quoting import read_quotations
from citeaudit.draft.sentences import BodyReading, Citation, read_body, split_sentences
from draft.seedtext import link, marked


def body(*blocks: Block, base_url: str | None = None) -> BodyReading:
    return read_body(DocumentText("text", "A title", tuple(blocks), base_url=base_url))


def sentences(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in split_sentences(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Smith met Dr Jones in London.",
        "It was reviewed by Sir Bruce Keogh in 2016.",
        "The letter from J. R. Smith arrived late.",
        "See p. 3 of the report for details.",
        "Some places, e.g. London, differ.",
        "It is item No. 5 on the list.",
        "As shown in pp. 7-8 of the guide, it works.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_sentences_cover_the_text() -> None:
    text = "One sentence here. Another one follows! A third? Yes."
    assert sentences(text) == ["One sentence here.", "Another one follows!", "A third?", "Yes."]
    assert split_sentences(text)[-1][1] == len(text)


def test_quotations_nested_and_apostrophes() -> None:
    text = "It reads “does not mandate the ‘SIM’ model”, so don't say NHS England's 'x'."
    reading = read_quotations(text)
    assert [text[q.start : q.end] for q in reading.quotations] == [
        "“does not mandate the ‘SIM’ model”",
        "'x'",
    ]


def test_the_claim_is_the_sentence_without_its_markers() -> None:
    reading = body(marked("First point. The model was endorsed[2] by several people [3]. Then."))
    (claim,) = reading.claims
    assert claim.text == "The model was endorsed by several people."
    assert [c.label for c in claim.citations] == ["2", "3"]


def test_a_marker_after_the_full_stop_closes_the_sentence_before() -> None:
    reading = body(marked("It upholds safeguarding legislation.[14] In this regard, we act."))
    assert [c.text for c in reading.claims] == ["It upholds safeguarding legislation."]


def test_ranges_and_lists_of_markers() -> None:
    reading = body(marked("Several studies agree [1-3]. Two others do [1, 5]."))
    first, second = reading.claims
    assert [c.label for c in first.citations] == ["1", "2", "3"]
    assert first.text == "Several studies agree."
    assert [c.label for c in second.citations] == ["1", "5"]


def test_a_quotation_goes_to_the_nearest_marker_after_it() -> None:
    text = (
        "As stated in the Business Case document[4], SIM was reviewed by Sir Bruce Keogh who "
        "concluded it was “ready and fit”[5] for national implementation."
    )
    (claim,) = body(marked(text)).claims
    four, five = claim.citations
    assert four.quote is None
    assert five.quote == "ready and fit"


def test_a_quotation_in_a_sentence_ending_in_its_marker() -> None:
    (claim,) = body(
        marked("It is the duty of NHS England “to oversee assurance of CCGs”.[13]")
    ).claims
    assert claim.citations[0].quote == "to oversee assurance of CCGs"


def test_a_quotation_after_the_only_marker_goes_to_it() -> None:
    (claim,) = body(marked("Smith[3] called the plan “a failure” in 2020.")).claims
    assert claim.citations[0].quote == "a failure"


def test_a_marker_inside_a_quotation() -> None:
    (claim,) = body(
        marked("It was chosen for “national adoption and spread[6] across England”.")
    ).claims
    assert claim.citations[0].quote == "national adoption and spread across England"
    assert claim.text == "It was chosen for “national adoption and spread across England”."


def test_nested_quotation_marks_stay_in_the_quote() -> None:
    (claim,) = body(marked("It said “we do not mandate the ‘SIM’ model”[1].")).claims
    assert claim.citations[0].quote == "we do not mandate the ‘SIM’ model"


def test_straight_quotes_but_not_apostrophes() -> None:
    (claim,) = body(marked("NHS England's board said \"we don't agree\"[2].")).claims
    assert claim.citations[0].quote == "we don't agree"
    (claim,) = body(marked("NHS England's board doesn't agree[2].")).claims
    assert claim.citations[0].quote is None


def test_a_quotation_of_several_sentences_closed_by_the_marker() -> None:
    text = "On conclusion, they state: “…there were 20 teams. There are others. It ended.”[8]"
    (claim,) = body(marked(text, "quote")).claims
    assert claim.citations[0].quote == "…there were 20 teams. There are others. It ended."
    assert claim.text == text.replace("[8]", "")


def test_a_block_quotation_with_no_opening_mark_across_blocks() -> None:
    reading = body(
        marked("An extract from this statement reads as follows:"),
        marked("Firstly, we do not mandate the model. The aim is to ensure it is:"),
        marked("a) in line with our plan;", "item"),
        marked("b) safe.” [1]", "item"),
        marked("We are reassured."),
    )
    (claim,) = reading.claims
    expected = (
        "Firstly, we do not mandate the model. The aim is to ensure it is: "
        "a) in line with our plan; b) safe."
    )
    assert claim.text == expected + "”"
    assert claim.citations[0].quote == expected
    assert reading.attention == ()


def test_a_block_quotation_left_open_in_an_earlier_block() -> None:
    reading = body(
        marked("He wrote: “The first paragraph goes on."),
        marked("The second ends here.”[4]"),
    )
    (claim,) = reading.claims
    assert claim.citations[0].quote == "The first paragraph goes on. The second ends here."


def test_a_block_quotation_that_cannot_be_placed_is_said() -> None:
    reading = body(marked("A heading", "heading"), marked("the end of something.”[4]"))
    (claim,) = reading.claims
    assert claim.citations[0].quote is None
    assert reading.attention == (
        "ref 4: the quotation closed before it could not be placed (no opening mark found)",
    )


def test_a_repeated_quotation_is_not_quoted_again() -> None:
    reading = body(
        marked("It was chosen for “national adoption and spread” with NHS England[6]."),
        marked("Accountability for its “national adoption and spread” lies with NHS England[10]."),
    )
    first, second = reading.claims
    assert first.citations[0].quote == "national adoption and spread"
    ten = second.citations[0]
    assert ten.quote is None
    assert ten.note is not None and "repeats the quotation given to ref 6" in ten.note


def test_the_same_reference_may_quote_again() -> None:
    reading = body(marked("It was “ready”[5]."), marked("Again “ready”[5]."))
    assert [c.citations[0].quote for c in reading.claims] == ["ready", "ready"]


def test_inline_link_with_quoted_text() -> None:
    text = "SIM was selected for “national adoption and spread” in 2018."
    reading = body(
        marked(text, links=(link(text, "“national adoption and spread”", "https://a.example/p"),))
    )
    (claim,) = reading.claims
    assert claim.citations == (
        Citation(
            None,
            "https://a.example/p",
            "national adoption and spread",
            None,
            None,
            "“national adoption and spread”",  # the link's own words
        ),
    )
    assert claim.text == text


def test_inline_link_takes_the_quotation_before_it_and_its_page() -> None:
    text = "The board “monitors quality” according to the board paper. Another sentence."
    reading = body(
        marked(text, links=(link(text, "board paper", "https://a.example/b.pdf#page=4"),))
    )
    (claim,) = reading.claims
    assert claim.text == "The board “monitors quality” according to the board paper."
    (citation,) = claim.citations
    assert (citation.quote, citation.locator) == ("monitors quality", "p. 4")


def test_inline_link_locator_from_the_sentence() -> None:
    text = "The duty is set out on page 22 of the framework."
    reading = body(marked(text, links=(link(text, "framework", "https://a.example/f.pdf"),)))
    assert reading.claims[0].citations[0].locator == "page 22"


def test_links_to_the_page_itself_are_no_citation() -> None:
    text = "See the notes below and the report."
    links = (
        link(text, "notes", "https://site.example/post#notes"),
        link(text, "report", "mailto:someone@example.org"),
    )
    assert body(marked(text, links=links), base_url="https://site.example/post").claims == ()


def test_a_possessive_before_a_marker_is_no_quotation() -> None:
    reading = body(marked("The review covered: the patients’ [3]. Then more."))
    (claim,) = reading.claims
    assert claim.citations[0].quote is None
    assert reading.attention == ()


def test_a_quotation_before_several_markers_is_given_to_each() -> None:
    """“...”[1, 9]: the quotation is what both references are cited for; a later sentence
    quoting the same words for another reference repeats it."""
    from citeaudit.draft.model import Block, DocumentText, Marker, Reference
    from citeaudit.draft.sentences import read_body

    first = "Progress was “uneven across the region”[1, 9]."
    later = "Again it was “uneven across the region”[4]."
    at = first.index("[")
    document = DocumentText(
        kind="text",
        title=None,
        blocks=(
            Block(first, markers=(Marker("1", at, at + 6), Marker("9", at, at + 6))),
            Block(later, markers=(Marker("4", later.index("["), later.index("]") + 1),)),
        ),
        references=tuple(Reference(n, f"Ref {n}. https://example.org/{n}") for n in "149"),
    )
    claims = read_body(document).claims
    assert [c.quote for c in claims[0].citations] == ["uneven across the region"] * 2
    (repeat,) = claims[1].citations
    assert repeat.quote is None and repeat.note and "repeats" in repeat.note
