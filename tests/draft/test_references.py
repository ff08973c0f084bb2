"""One reference read for what it names: its documents and URLs, titles, access dates,
locators and quotations, in the citation styles in use."""

from __future__ import annotations

from datetime import date

import pytest

from citeaudit.catalog.entries import Locator
from citeaudit.draft.dates import read_date
from citeaudit.draft.model import Reference
from citeaudit.draft.printed_urls import find_urls, trim
from citeaudit.draft.references import NamedDocument, read_reference


def one(text: str, urls: tuple[str, ...] = ()) -> NamedDocument:
    documents = read_reference(Reference("1", text, urls)).documents
    assert len(documents) == 1, documents
    return documents[0]


def test_vancouver_reference() -> None:
    document = one(
        "Commissioning in Numbers. High Intensity Network [Internet]. Slide 15. Available "
        "from:  https://example.org/img/COMMISSIONING_v4.pdf [accessed 11 May 2021]."
    )
    assert document.url == "https://example.org/img/COMMISSIONING_v4.pdf"
    assert document.title == "Commissioning in Numbers"
    assert document.publisher == "High Intensity Network"
    assert document.accessed == date(2021, 5, 11)
    assert document.locator == "Slide 15"
    assert document.quote is None


def test_a_footnote_naming_two_urls_is_two_documents_each_with_its_slice() -> None:
    reading = read_reference(
        Reference(
            "3",
            "Contact us, Example Network [Internet]. Available from: https://a.example/contact "
            "[accessed 11 May 2021]. See also Report on things. Example Trust [Internet]. 2020. "
            "pp. 7-8. Available from: https://b.example/report.pdf [accessed 4 May 2021].",
        )
    )
    first, second = reading.documents
    assert (first.url, second.url) == ("https://a.example/contact", "https://b.example/report.pdf")
    assert first.text.endswith("[accessed 11 May 2021].")
    assert second.text.startswith("See also Report on things.")
    assert (first.accessed, second.accessed) == (date(2021, 5, 11), date(2021, 5, 4))
    assert (first.locator, second.locator) == (None, "pp. 7-8")
    assert (first.title, first.publisher) == ("Contact us", "Example Network")
    assert (second.title, second.publisher) == ("Report on things", "Example Trust")
    assert "ref 3 names 2 documents" in reading.attention


def test_the_same_url_twice_is_one_document() -> None:
    reading = read_reference(
        Reference("2", "Title. Available at https://a.example/x and https://a.example/x/.")
    )
    assert [d.url for d in reading.documents] == ["https://a.example/x"]


def test_a_reference_with_no_url_is_correspondence() -> None:
    reading = read_reference(Reference("1", "Personal communication, J. Smith, 3 March 2020."))
    (document,) = reading.documents
    assert document.url is None
    assert document.published == date(2020, 3, 3)
    assert reading.attention == ("ref 1: no URL (kept as correspondence)",)


@pytest.mark.parametrize(
    ("printed", "url"),
    [
        ("see https://example.org/a_(b)_c.", "https://example.org/a_(b)_c"),
        ("(https://example.org/page)", "https://example.org/page"),
        ("https://example.org/x;", "https://example.org/x"),
        ("at https://example.org/x: here", "https://example.org/x"),
        ("[https://example.org/x]", "https://example.org/x"),
        ("https://example.org/p#:~:text=a%20b,c%20d.", "https://example.org/p#:~:text=a%20b,c%20d"),
        ("<https://example.org/q?a=1&b=2>", "https://example.org/q?a=1&b=2"),
    ],
)
def test_urls_exactly_as_printed(printed: str, url: str) -> None:
    assert [found.url for found in find_urls(printed)] == [url]


def test_trim_keeps_balanced_brackets() -> None:
    assert trim("https://e.org/a_(b)") == "https://e.org/a_(b)"
    assert trim("https://e.org/a)") == "https://e.org/a"
    assert trim("https://e.org/a.),") == "https://e.org/a"


def test_a_url_broken_with_a_hyphen_is_joined_keeping_the_hyphen() -> None:
    text = (
        "Framework [Internet]. p. 22. Available from: https://www.example.nhs.uk/2015/07/"
        "safeguarding-\nchildren-young-people-saaf-1.pdf [accessed 11 May 2021]."
    )
    document = one(text)
    assert (
        document.url
        == "https://www.example.nhs.uk/2015/07/safeguarding-children-young-people-saaf-1.pdf"
    )
    assert document.accessed == date(2021, 5, 11)
    assert "safeguarding-children" in document.text
    reading = read_reference(Reference("4", text))
    assert any("joined across a line break" in line for line in reading.attention)


def test_a_broken_url_is_taken_from_the_documents_own_link() -> None:
    link = "https://www.example.nhs.uk/2015/07/safeguarding-children-young-people-saaf-1.pdf"
    text = (
        "Framework. Available from: https://www.example.nhs.uk/2015/07/safeguarding-\n"
        "children-young-people-saaf-1.pdf [accessed 11 May 2021]."
    )
    reading = read_reference(Reference("4", text, (link,)))
    assert [d.url for d in reading.documents] == [link]
    assert reading.attention == ()


def test_a_break_mid_word_mends_from_the_link() -> None:
    link = "https://healthinnovationnetwork.com/uploads/Report-2020FINAL.pdf"
    text = (
        "Report. Available from: https://healthinno\nvationnetwork.com/uploads/Report-2020FINAL.p"
        "\ndf [acce\nssed 11 May 2021]."
    )
    document = one(text, (link,))
    assert document.url == link
    assert document.accessed == date(2021, 5, 11)


def test_a_url_at_a_line_end_is_not_joined_to_the_next_words() -> None:
    document = one("Report. Available from: https://example.org/report\n[accessed 11 May 2021].")
    assert document.url == "https://example.org/report"
    document = one("Report. https://example.org/report.pdf\nAccessed 2 June 2020.")
    assert (document.url, document.accessed) == ("https://example.org/report.pdf", date(2020, 6, 2))


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "Smith J. A study. J Med. 2014;10:154-62. doi:10.1000/xyz.123",
            "https://doi.org/10.1000/xyz.123",
        ),
        ("Smith J. A study. J Med. 2014. DOI: 10.1000/ABC", "https://doi.org/10.1000/ABC"),
        (
            "Smith J. A study. Healthc Policy. 2014. PMC4255578",
            "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4255578/",
        ),
        ("Smith J. A study. J Med. 2014. PMID: 123", "https://pubmed.ncbi.nlm.nih.gov/123/"),
    ],
)
def test_identifiers_become_urls_when_no_url_is_printed(text: str, url: str) -> None:
    reading = read_reference(Reference("9", text))
    assert [d.url for d in reading.documents] == [url]
    assert any("made from its" in line for line in reading.attention)


def test_a_printed_doi_url_is_used_as_printed() -> None:
    assert one("A study. https://doi.org/10.1000/xyz. PMID: 5").url == "https://doi.org/10.1000/xyz"


def test_apa_reference() -> None:
    document = one(
        "Smith, J. (2019). Mental health services. NHS Digital. Retrieved May 11, 2021, "
        "from https://digital.example/report"
    )
    assert document.title == "Mental health services"
    assert document.publisher == "NHS Digital"
    assert document.accessed == date(2021, 5, 11)
    assert document.url == "https://digital.example/report"


def test_harvard_reference() -> None:
    document = one(
        "Smith, J. (2019) Mental health services. Available at: https://e.example/r "
        "(Accessed: 11 May 2021)."
    )
    assert (document.title, document.url) == ("Mental health services", "https://e.example/r")
    assert document.accessed == date(2021, 5, 11)


def test_bare_title_and_url() -> None:
    document = one("The annual report, https://e.example/annual")
    assert (document.title, document.url) == ("The annual report", "https://e.example/annual")


@pytest.mark.parametrize(
    ("clause", "when"),
    [
        ("[accessed 11 May 2021]", date(2021, 5, 11)),
        ("(accessed 11/05/2021)", date(2021, 5, 11)),
        ("Accessed: 11 May 2021.", date(2021, 5, 11)),
        ("Retrieved May 11, 2021, from", date(2021, 5, 11)),
        ("last accessed 2021-05-11", date(2021, 5, 11)),
        ("[cited 2021 May 11]", date(2021, 5, 11)),
        ("(Accessed 3rd March 2020)", date(2020, 3, 3)),
    ],
)
def test_access_dates(clause: str, when: date) -> None:
    if clause.startswith("Retrieved"):
        text = f"A page. {clause} https://e.example/p"
    else:
        text = f"A page. https://e.example/p {clause}"
    assert one(text).accessed == when


def test_dates() -> None:
    assert read_date("05/13/2021") == date(2021, 5, 13)
    assert read_date("31 Febtober 2021") is None
    assert read_date("no date") is None


@pytest.mark.parametrize(
    ("printed", "locator"),
    [
        ("Slide 15.", "Slide 15"),
        ("p. 3.", "p. 3"),
        ("pp. 7-8.", "pp. 7-8"),
        ("pp. 5, 7-8, 11-13, 18-20.", "pp. 5, 7-8, 11-13, 18-20"),
        ("Section 1, ‘Project Overview’, 2. ‘Directive to spread, p. 5.", "Section 1, p. 5"),
        ("See page 22.", "page 22"),
        ("paragraph 4.", "paragraph 4"),
        ("2018. Healthc Policy. 2014 Sep; 10(SP): 154–162.", None),
    ],
)
def test_locators(printed: str, locator: str | None) -> None:
    document = one(f"A report. Publisher [Internet]. {printed} Available from: https://e.example/r")
    assert document.locator == locator
    if locator is not None:
        Locator.parse(locator)


def test_a_chapter_is_no_locator_and_goes_to_the_notes() -> None:
    document = one("A book. Publisher. Chapter 2. Available from: https://e.example/b")
    assert document.locator is None
    assert document.notes == ("cites Chapter 2",)


@pytest.mark.parametrize(
    "said",
    [
        "This source states ‘as one of the 15 networks, we spread it’.",
        "The page, which reads “as one of the 15 networks, we spread it”.",
        "It says 'as one of the 15 networks, we spread it'.",
    ],
)
def test_what_the_source_is_said_to_say_is_the_quote(said: str) -> None:
    document = one(
        f"Mental health. UCL Partners [Internet]. {said} Available from: https://e.example/b"
    )
    assert document.quote == "as one of the 15 networks, we spread it"


def test_a_quoted_title_or_section_is_no_quote() -> None:
    document = one(
        "Professor A. Person, Director at Example College. ‘Mental health – what works’. "
        "UCL Partners [Internet]. "
        "2018. Section 2, ‘Project Overview’. Available from: https://e.example/b"
    )
    assert document.quote is None
    assert document.title == "Mental health – what works"
    assert document.publisher == "UCL Partners"
    assert document.locator == "Section 2"
    assert document.notes == ("names “Project Overview”",)


def test_a_link_only_reference_uses_the_documents_link() -> None:
    reading = read_reference(Reference("1", "The annual report.", ("https://e.example/annual",)))
    assert [d.url for d in reading.documents] == ["https://e.example/annual"]
