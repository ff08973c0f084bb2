"""URLs as a reference prints them: found, trimmed of the sentence's punctuation, mended
across line breaks (by the document's own link, else by joining), and made from DOI, PMC
and PubMed ids."""

from __future__ import annotations

import pytest

from citeaudit.draft.printed_urls import (
    MENDED_BY_LINK,
    FoundUrl,
    find_urls,
    host,
    identifier_url,
    same_url,
    trim,
)

JOINED = "joined across a line break"


def urls(text: str, links: tuple[str, ...] = ()) -> list[str]:
    return [found.url for found in find_urls(text, links)]


# --------------------------------------------------------------------------- trim


@pytest.mark.parametrize(
    ("printed", "url"),
    [
        ("https://e.example/page.", "https://e.example/page"),
        ("https://e.example/page);", "https://e.example/page"),
        ("https://e.example/page”.", "https://e.example/page"),
        ("https://e.example/page],", "https://e.example/page"),
        (
            "https://e.example/wiki/Health_(disambiguation)",
            "https://e.example/wiki/Health_(disambiguation)",
        ),
        (
            "https://e.example/wiki/Health_(disambiguation)).",
            "https://e.example/wiki/Health_(disambiguation)",
        ),
        ("https://e.example/list[1]", "https://e.example/list[1]"),
        ("https://e.example/search?q=1&", "https://e.example/search?q=1&"),
    ],
)
def test_trim_leaves_off_only_the_sentence_s_punctuation(printed: str, url: str) -> None:
    assert trim(printed) == url


# --------------------------------------------------------------------------- find_urls


def test_a_url_with_parentheses_keeps_them_and_a_bracket_around_it_is_left_off() -> None:
    text = "See https://e.example/wiki/Mental_health_(disambiguation) (or https://e.example/b)."
    found = find_urls(text)
    assert [f.url for f in found] == [
        "https://e.example/wiki/Mental_health_(disambiguation)",
        "https://e.example/b",
    ]
    assert [text[f.start : f.end] for f in found] == [f.url for f in found]
    assert all(f.how is None for f in found)


def test_a_text_fragment_is_kept_whole() -> None:
    url = "https://e.example/page#:~:text=national%20adoption,-and%20spread"
    assert urls(f"Available from: {url} [accessed 11 May 2021].") == [url]
    other = "https://e.example/p#:~:text=start,end"
    assert urls(f"({other}).") == [other]


def test_trailing_punctuation_and_quotation_marks_are_the_sentence_s() -> None:
    text = "At https://e.example/x, then “https://e.example/y”; and https://e.example/z."
    assert urls(text) == ["https://e.example/x", "https://e.example/y", "https://e.example/z"]


def test_spans_are_where_the_url_is_printed() -> None:
    text = "Read <https://e.example/a> and [https://e.example/b]."
    found = find_urls(text)
    assert [(text[f.start : f.end], f.url) for f in found] == [
        ("https://e.example/a", "https://e.example/a"),
        ("https://e.example/b", "https://e.example/b"),
    ]


def test_www_without_a_scheme_gets_https_and_says_so() -> None:
    (found,) = find_urls("Visit www.example.org/page.")
    assert found.url == "https://www.example.org/page"
    assert found.how is not None and "https://" in found.how
    assert urls("write to me@www.example.org today") == []


def test_no_host_is_no_url() -> None:
    assert urls("the prefix http:// alone, and https:/// neither") == []


def test_a_url_broken_at_a_hyphen_with_no_link_keeps_the_hyphen() -> None:
    text = "Report. Available from: https://e.example/safeguarding-\nchildren.pdf [accessed 2021]."
    (found,) = find_urls(text)
    assert found.url == "https://e.example/safeguarding-children.pdf"
    assert found.how == JOINED
    assert text[found.start : found.end] == "https://e.example/safeguarding-\nchildren.pdf"


def test_a_url_broken_at_a_hyphen_mended_by_the_link_that_has_it() -> None:
    text = "Available from: https://e.example/safeguarding-\nchildren.pdf [accessed 2021]."
    link = "https://e.example/safeguarding-children.pdf"
    (found,) = find_urls(text, (link,))
    assert (found.url, found.how) == (link, MENDED_BY_LINK)
    assert text[found.end :].startswith(" [accessed")


def test_a_hyphen_the_link_does_not_have_was_the_typesetter_s() -> None:
    text = "Available from: https://e.example/safeguarding-\nchildren.pdf [accessed 2021]."
    link = "https://e.example/safeguardingchildren.pdf"
    (found,) = find_urls(text, (link,))
    assert (found.url, found.how) == (link, MENDED_BY_LINK)
    assert text[found.end :].startswith(" [accessed")


def test_a_link_that_does_not_go_on_as_the_text_does_is_not_taken() -> None:
    text = "Available from: https://e.example/safeguarding-\nchildren.pdf [accessed 2021]."
    (found,) = find_urls(text, ("https://e.example/safeguardingadults.pdf",))
    assert (found.url, found.how) == ("https://e.example/safeguarding-children.pdf", JOINED)


def test_a_url_broken_over_three_lines_is_joined() -> None:
    text = "Available from: https://e.example/reports/\n  2021/annual-\n  report.pdf\nNext."
    (found,) = find_urls(text)
    assert found.url == "https://e.example/reports/2021/annual-report.pdf"
    assert text[found.end :] == "\nNext."


def test_a_url_broken_across_lines_is_mended_by_the_longest_link() -> None:
    link = "https://e.example/documents/2021/very-long-file-name.pdf"
    text = "Available from: https://e.example/documents/\n2021/very-long-file-name.pdf. Next"
    found = find_urls(text, ("https://e.example/documents/2021/", link, "https://f.example/"))
    assert [(f.url, f.how) for f in found] == [(link, MENDED_BY_LINK)]
    assert text[found[0].end :] == ". Next"


def test_a_whole_url_at_a_line_s_end_is_not_joined_to_the_next_line() -> None:
    for after in ("[accessed 11 May 2021]", "Accessed 11 May 2021", "(2021)", "Next sentence."):
        text = f"Available from: https://e.example/report.pdf\n{after}"
        assert find_urls(text) == [FoundUrl(16, 44, "https://e.example/report.pdf")], after


def test_the_document_s_link_equal_to_the_printed_url_is_whole() -> None:
    text = "Available from: https://e.example/report\nmore words"
    assert find_urls(text, ("https://e.example/report",)) == [
        FoundUrl(16, 40, "https://e.example/report")
    ]


# --------------------------------------------------------------------------- identifiers


@pytest.mark.parametrize(
    ("text", "made"),
    [
        ("Smith J. A study. 2014. doi:10.1000/xyz.", ("https://doi.org/10.1000/xyz", "DOI")),
        ("Smith J. 2014. DOI: 10.1136/bmj.n123,", ("https://doi.org/10.1136/bmj.n123", "DOI")),
        (
            "Jones K. 2015. PMCID: PMC1234567.",
            ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1234567/", "PMC id"),
        ),
        (
            "Jones K. 2015. PMC7654321",
            ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7654321/", "PMC id"),
        ),
        (
            "Jones K. 2015. PMID: 12345678.",
            ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "PubMed id"),
        ),
        ("Jones K. 2015. PMID 33", ("https://pubmed.ncbi.nlm.nih.gov/33/", "PubMed id")),
        # A DOI is preferred to the PubMed id of the same paper.
        ("A. doi:10.1000/abc PMID: 1", ("https://doi.org/10.1000/abc", "DOI")),
    ],
)
def test_identifier_urls(text: str, made: tuple[str, str]) -> None:
    assert identifier_url(text) == made


@pytest.mark.parametrize("text", ["No id here.", "PMC12 is too short", "10.1000 alone", "PMID: x"])
def test_no_identifier_no_url(text: str) -> None:
    assert identifier_url(text) is None


# --------------------------------------------------------------------------- same_url, host


def test_same_url_ignores_scheme_www_escapes_case_and_a_final_slash() -> None:
    assert same_url("http://www.E.example/a%20b/", "https://e.example/a b")
    assert not same_url("https://e.example/a", "https://e.example/b")
    assert not same_url("https://e.example/a", "https://f.example/a")


def test_host_without_www() -> None:
    assert host("https://www.e.example:8080/x") == "e.example"
    assert host("https://sub.e.example/x") == "sub.e.example"
    assert host("not a url") == ""
    assert host("http://[::1") == ""
