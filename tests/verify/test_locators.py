"""Where a passage is (pages, slides, headings) and whether that is where a locator cites
it, as far as each kind of copy allows."""

from __future__ import annotations

from citeaudit.catalog import Locator
from citeaudit.extract import Extraction, Heading, Page
from citeaudit.verify.locators import (
    Place,
    check_locator,
    cited_pages,
    missing_pages,
    place_of,
    section_matches,
    where_found,
)

PDF = Extraction(
    kind="pdf",
    pages=(Page(1, "i", "Cover"), Page(2, "1", "Intro text"), Page(3, "2", "The boards meet")),
    paged=True,
    page_basis="printed",
    headings=(Heading(1, 0, "1 Introduction", 1), Heading(2, 0, "1.2 Boards", 2)),
)


def at(extraction: Extraction, words: str) -> Place:
    layout = extraction.body_layout
    start = layout.text.index(words)
    return place_of(extraction, layout, start, start + len(words))


def test_a_place_and_where_it_was_found() -> None:
    place = at(PDF, "The boards")
    assert (place.first, place.last) == (2, 2)
    assert [h.text for h in place.chain] == ["1 Introduction", "1.2 Boards"]
    assert where_found(PDF, place, None) == "p. 2, section '1 Introduction' > '1.2 Boards'"
    slides = Locator.parse("slide 3")
    assert where_found(PDF, place, slides) == ("slide 3, section '1 Introduction' > '1.2 Boards'")


def test_pages_are_checked_by_their_printed_labels() -> None:
    place = at(PDF, "The boards")
    assert check_locator(PDF, Locator.parse("p. 2"), place) == (True, [])
    assert check_locator(PDF, Locator.parse("p. 3"), place) == (False, [])
    assert check_locator(PDF, Locator.parse("section 1.2"), place) == (True, [])
    assert check_locator(PDF, Locator.parse("para. 4"), place) == (
        None,
        ["paragraph locators are not checked"],
    )
    assert cited_pages(PDF, Locator.parse("pp. i-1")) == [0, 1]
    assert missing_pages(PDF, Locator.parse("p. 9")) == "the PDF has no page 9: it has 3 pages"
    assert missing_pages(PDF, Locator.parse("p. 2")) is None


def test_a_web_page_has_no_pages() -> None:
    html = Extraction(kind="html", pages=(Page(1, "1", "The boards meet"),))
    ok, notes = check_locator(html, Locator.parse("p. 4"), at(html, "boards"))
    assert ok is None
    assert notes == ["page locators are not checked in a web page (it has no pages)"]
    ok, notes = check_locator(html, Locator.parse("slide 2"), at(html, "boards"))
    assert notes == ["slide locators are checked in PDFs only, not in a web page"]
    ok, notes = check_locator(html, Locator.parse("section Boards"), at(html, "boards"))
    assert notes == ["sections are not checked in a web page without headings"]


def test_section_numbers_and_names() -> None:
    assert section_matches("Section 1: Scope", "1")
    assert section_matches("1.2 Boards", "1")
    assert not section_matches("12 Others", "1")
    assert section_matches("Statutory duties of boards", "statutory duties")
    assert not section_matches("1. Background", "1", worded=True)
    assert section_matches("Part iv - Review", "iv")
