"""The models a sources file is read into: locators as printed and parsed, URLs accepted as
printed, one location per source, frozen data."""

from __future__ import annotations

import pydantic
import pytest

from citeaudit.catalog.entries import Catalog, Evidence, Locator, Source, Span, check_url


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
