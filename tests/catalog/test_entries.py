"""The models a sources file is read into: locators as printed and parsed, URLs accepted as
printed, one location per source, frozen data."""

from __future__ import annotations

import re

import pydantic
import pytest

from citeaudit.catalog.entries import (
    MAX_NUMBER,
    Catalog,
    Evidence,
    Locator,
    Source,
    Span,
    check_url,
)


@pytest.mark.parametrize(
    ("printed", "pages", "slides", "sections", "paragraphs"),
    [
        ("p. 3", ("3",), (), (), ()),
        ("pp. 7-8", ("7-8",), (), (), ()),
        ("Slide 15", (), ("15",), (), ()),
        ("Section 1, p. 5", ("5",), (), ("1",), ()),
        ("pp. 5, 7-8, 11-13, 18-20", ("5", "7-8", "11-13", "18-20"), (), (), ()),
        ("para 12", (), (), (), ("12",)),
        ("p. iv", ("iv",), (), (), ()),
        ("§ 2.3", (), (), ("2.3",), ()),
        ("pp. 7–9", ("7-9",), (), (), ()),  # an en dash
    ],
)
def test_locators_are_parsed(
    printed: str,
    pages: tuple[str, ...],
    slides: tuple[str, ...],
    sections: tuple[str, ...],
    paragraphs: tuple[str, ...],
) -> None:
    locator = Locator.parse(printed)
    assert str(locator) == printed
    assert tuple(str(s) for s in locator.pages) == pages
    assert tuple(str(s) for s in locator.slides) == slides
    assert locator.sections == sections
    assert tuple(str(s) for s in locator.paragraphs) == paragraphs


@pytest.mark.parametrize(
    ("printed", "problem"),
    [
        ("", "locator is empty"),
        ("chapter 3", "start with p., pp., slide, section or para"),
        ("p. 3,, 4", "has an empty part"),
        ("pp.", "names no number"),
        ("p. three", "'three' is not a number or range"),
        ("pp. 9-7", "range '9-7' runs backwards"),
    ],
)
def test_locators_that_cannot_be_read(printed: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        Locator.parse(printed)


def test_spans() -> None:
    span = Span(first="7", last="9")
    assert span.contains("8") and not span.contains("10")
    assert span.numbers() == range(7, 10)
    roman = Span(first="iv", last="vi")
    assert roman.contains("IV") and not roman.contains("v")  # only its ends are known
    assert roman.numbers() is None
    assert str(Span(first="3", last="3")) == "3"


def test_urls_are_accepted_as_printed() -> None:
    for url in ("https://example.org/a?b=c#d", "http://127.0.0.1:8080/", "https://例え.jp/パス"):
        assert check_url(url) == url
    for url, problem in (
        ("ftp://example.org/", "must start with http:// or https://"),
        ("https:///path", "has no host name"),
        ("https://example.org/a b", "contains white space"),
        ("https://example.org:99999/", "is malformed"),
    ):
        with pytest.raises(ValueError, match=problem):
            check_url(url)


def test_a_source_has_one_location() -> None:
    assert Source(id="a", url="https://example.org/").has_copy
    assert Source(id="b", file="b.pdf").has_copy
    assert not Source(id="c", kind="letter").has_copy
    with pytest.raises(pydantic.ValidationError, match="either a url or a file, not both"):
        Source(id="d", url="https://example.org/", file="d.pdf")


def test_evidence_reads_a_locator_given_as_text_or_a_number() -> None:
    assert Evidence(source="a", locator="p. 3").locator == Locator.parse("p. 3")
    with pytest.raises(pydantic.ValidationError, match="quote is empty"):
        Evidence(source="a", quote="   ")


def test_the_catalog_is_frozen_and_finds_sources_by_id() -> None:
    catalog = Catalog(sources=(Source(id="a"), Source(id="b")))
    assert catalog.source("b").id == "b"
    with pytest.raises(KeyError):
        catalog.source("nobody")
    with pytest.raises(pydantic.ValidationError):
        catalog.sources[0].id = "changed"  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Numbers no document has


@pytest.mark.parametrize(
    ("printed", "problem"),
    [
        ("pp. 1-9999999999999999999", "page 9999999999999999999 is beyond any document"),
        ("p. 100001", "page 100001 is beyond any document"),
        ("Slide 123456789", "slide 123456789 is beyond any document"),
        ("para 1" + "0" * 5000, "paragraph 1" + "0" * 26 + "... is beyond any document"),
        ("section 2.99999999", "section 99999999 is beyond any document"),
        ("pp. 1-60000, 1-60000", "cites 120,000 pages, slides or paragraphs in all"),
    ],
)
def test_numbers_no_document_has_are_refused(printed: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem) + ".*check the locator"):
        Locator.parse(printed)


def test_numbers_a_document_can_have_are_read() -> None:
    assert Locator.parse(f"p. {MAX_NUMBER}").pages == (Span(first="100000", last="100000"),)
    assert Locator.parse("p. 0000000000000000000000012").pages[0].numbers() == range(12, 13)
    assert Locator.parse("section 1.2.3").sections == ("1.2.3",)


def test_a_span_given_as_data_is_checked_too() -> None:
    with pytest.raises(pydantic.ValidationError, match="number 9999999999999999999 is beyond"):
        Span(first="1", last="9999999999999999999")
    with pytest.raises(pydantic.ValidationError, match="in all, more than any document has"):
        Locator(text="x", pages=(Span(first="1", last="90000"), Span(first="1", last="90000")))


@pytest.mark.parametrize("label", ["9" * 5000, "99999999999999999999", "²", "١٢", "12a", ""])
def test_any_label_a_page_prints_is_compared_without_an_error(label: str) -> None:
    span = Span(first="1", last=str(MAX_NUMBER))
    assert not span.contains(label)
    assert Span(first="iv", last="iv").contains(label) is False
    assert len(span.numbers() or ()) == MAX_NUMBER  # fits every integer type downstream
