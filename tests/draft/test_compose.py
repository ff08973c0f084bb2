"""Drafting a sources file from a document read by hand: sources per document cited, claims
per cited sentence, comments where a person must look, and a file that always validates."""

from __future__ import annotations

import pytest

from citeaudit.catalog import Catalog, parse_catalog
from citeaudit.draft.compose import Draft, draft_sources
from citeaudit.draft.model import Block, DocumentText, Reference
from citeaudit.errors import DocumentError
from draft.seedtext import link, marked


def draft(*blocks: Block, references: tuple[Reference, ...] = (), title: str | None = "T") -> Draft:
    document = DocumentText("text", title, tuple(blocks), references)
    result = draft_sources(document, origin="statement.txt")
    assert draft_sources(document, origin="statement.txt").text == result.text  # determinism
    return result


def catalog(result: Draft) -> Catalog:
    return parse_catalog(result.text, "drafted.yaml")


def ref(label: str, text: str, *urls: str) -> Reference:
    return Reference(label, text, tuple(urls))


def test_the_same_url_cited_by_several_references_is_one_source() -> None:
    result = draft(
        marked("Commissioners hold responsibility[12]. NHS England oversees them[13]."),
        references=(
            ref("12", "Framework [Internet]. p. 13. Available from: https://e.example/saaf.pdf"),
            ref("13", "Framework [Internet]. p. 22. Available from: https://e.example/saaf.pdf"),
        ),
    )
    read = catalog(result)
    (source,) = read.sources
    assert source.url == "https://e.example/saaf.pdf"
    assert source.id == "framework"
    assert [str(c.evidence[0].locator) for c in read.claims] == ["p. 13", "p. 22"]
    assert [c.evidence[0].ref for c in read.claims] == [12, 13]
    assert result.sources == 1 and result.claims == 2 and result.references == 2


def test_references_with_no_url_and_the_same_text_are_one_correspondence_source() -> None:
    result = draft(
        marked("They wrote to us[1]. They wrote again[2]."),
        references=(
            ref("1", "Email received on 11 May 2021."),
            ref("2", "Email received on 11 May 2021."),
        ),
    )
    (source,) = catalog(result).sources
    assert source.kind == "correspondence" and source.url is None
    assert "# ref 1: no URL (kept as correspondence)" in result.text
    assert "ref 1: no URL (kept as correspondence)" in result.attention


def test_a_reference_naming_two_documents() -> None:
    result = draft(
        marked("The model spread nationally[3]."),
        references=(
            ref(
                "3",
                "Contact us. Network [Internet]. Available from: https://a.example/contact. "
                "See also Annual report. Trust [Internet]. pp. 7-8. Available from: https://b.example/r.pdf",
            ),
        ),
    )
    read = catalog(result)
    assert [s.url for s in read.sources] == ["https://a.example/contact", "https://b.example/r.pdf"]
    (claim,) = read.claims
    first, second = claim.evidence
    assert first.locator is None and str(second.locator) == "pp. 7-8"
    assert second.note is not None and second.note.startswith("See also Annual report.")
    assert "ref 3 names 2 documents" in result.attention
    assert "# ref 3, document 2 of 2" in result.text


def test_a_marker_with_no_reference_keeps_the_claim_and_validates() -> None:
    result = draft(
        marked("One point[1][23]. Another point[24]."),
        references=(ref("1", "A page. https://e.example/p"),),
    )
    read = catalog(result)
    (claim,) = read.claims
    assert [e.ref for e in claim.evidence] == [1]
    assert "marker [23] has no reference" in result.attention
    assert "marker [24] has no reference" in result.attention
    assert "# marker [23] has no reference: left out of the evidence" in result.text
    assert "#   text: Another point." in result.text
    assert result.claims == 1


def test_a_reference_never_cited_is_kept_and_said() -> None:
    result = draft(
        marked("One point[1]."),
        references=(
            ref("1", "A page. https://e.example/p"),
            ref("2", "Other. https://e.example/o"),
        ),
    )
    assert len(catalog(result).sources) == 2
    assert "ref 2 is never cited" in result.attention


def test_quotes_nested_and_inside_and_repeated() -> None:
    result = draft(
        marked("They said “we do not mandate the ‘SIM’ model”[1]."),
        marked("It was chosen for “national adoption and spread[2] in England”."),
        marked("Its “national adoption and spread in England” is theirs[3]."),
        references=tuple(ref(str(n), f"Page {n}. https://e.example/{n}") for n in (1, 2, 3)),
    )
    quotes = [c.evidence[0].quote for c in catalog(result).claims]
    assert quotes == [
        "we do not mandate the ‘SIM’ model",
        "national adoption and spread in England",
        None,
    ]
    assert result.quotes == 2
    assert "repeats the quotation given to ref 2" in result.text


def test_marker_ranges_give_evidence_for_each_reference() -> None:
    result = draft(
        marked("Studies agree [1-3]."),
        references=tuple(ref(str(n), f"Study {n}. https://e.example/{n}") for n in (1, 2, 3)),
    )
    (claim,) = catalog(result).claims
    assert [e.ref for e in claim.evidence] == [1, 2, 3]


def test_broken_urls_doi_and_pmid() -> None:
    result = draft(
        marked("A[1]. B[2]. C[3]."),
        references=(
            ref(
                "1",
                "Report. Available from: https://e.example/safeguarding-\nchildren.pdf "
                "[accessed 11 May 2021].",
            ),
            ref("2", "Smith J. A study. J Med. 2014. doi:10.1000/xyz"),
            ref("3", "Jones K. Another. J Med. 2015. PMID: 123"),
        ),
    )
    urls = [s.url for s in catalog(result).sources]
    assert urls == [
        "https://e.example/safeguarding-children.pdf",
        "https://doi.org/10.1000/xyz",
        "https://pubmed.ncbi.nlm.nih.gov/123/",
    ]


def test_apa_and_harvard_access_dates() -> None:
    result = draft(
        marked("A[1]. B[2]."),
        references=(
            ref(
                "1",
                "Smith, J. (2019). Services. NHS Digital. Retrieved May 11, 2021, from https://e.example/a",
            ),
            ref(
                "2",
                "Smith, J. (2019) Services. Available at: https://e.example/b "
                "(Accessed: 12 May 2021).",
            ),
        ),
    )
    assert [str(s.accessed) for s in catalog(result).sources] == ["2021-05-11", "2021-05-12"]


def test_inline_links_are_sources_and_evidence() -> None:
    text = "It was picked for “national adoption and spread” and the paper says so."
    links = (
        link(text, "“national adoption and spread”", "https://a.example/p"),
        link(text, "paper", "https://b.example/paper.pdf#page=4"),
    )
    result = draft(marked(text, links=links))
    read = catalog(result)
    assert [s.url for s in read.sources] == [
        "https://a.example/p",
        "https://b.example/paper.pdf#page=4",
    ]
    (claim,) = read.claims
    first, second = claim.evidence
    assert first.quote == "national adoption and spread" and first.ref is None
    assert str(second.locator) == "p. 4"


def test_ids_are_readable_and_deduplicated() -> None:
    result = draft(
        marked("The same point[1]. The same point[2]."),
        references=(
            ref("1", "Annual Report 2020: Résumé of the Year. https://a.example/r"),
            ref("2", "Annual Report 2020: Résumé of the Year. https://b.example/r"),
        ),
    )
    read = catalog(result)
    assert [s.id for s in read.sources] == [
        "annual-report-2020-resume",
        "annual-report-2020-resume-2",
    ]
    assert [c.id for c in read.claims] == ["same-point", "same-point-2"]


def test_a_document_with_nothing_cited_is_refused() -> None:
    with pytest.raises(DocumentError, match="no numbered markers with a reference list"):
        draft(marked("Nothing cited here."))


def test_the_document_title_falls_back_to_the_first_heading() -> None:
    result = draft(
        marked("The Heading", "heading"),
        marked("A point[1]."),
        references=(ref("1", "A page. https://e.example/p"),),
        title=None,
    )
    read = catalog(result)
    assert read.document is not None and read.document.title == "The Heading"


def test_the_document_says_what_it_was_drafted_from() -> None:
    result = draft(marked("A point[1]."), references=(ref("1", "A page. https://e.example/p"),))
    read = catalog(result)
    assert read.document is not None and read.document.drafted_from == "statement.txt"
    assert "drafted_from: statement.txt" in result.text
    from_url = draft_sources(
        DocumentText("html", "T", (marked("A point[1]."),), (ref("1", "A. https://e.example/p"),)),
        origin="https://e.example/statement?id=1&x=#part",
    )
    document = catalog(from_url).document
    assert document is not None
    assert document.drafted_from == "https://e.example/statement?id=1&x=#part"
    assert document.url == "https://e.example/statement?id=1&x=#part"


def test_a_linked_page_is_titled_by_its_link_words() -> None:
    """What the document calls the page it links to is the source's title (not a bare
    address, a quotation or "here")."""
    from citeaudit.catalog import parse_catalog
    from citeaudit.draft.compose import draft_sources
    from citeaudit.draft.model import Block, DocumentText, InlineLink

    text = (
        "The council will cut the subsidy, says the cabinet's budget report. "
        "Read it here. Campaigners cite “a survey”."
    )
    words = ["the cabinet's budget report", "here", "“a survey”"]
    urls = ["https://a.example/budget.pdf", "https://b.example/x", "https://c.example/s"]
    links = tuple(
        InlineLink(url, text.index(w), text.index(w) + len(w))
        for w, url in zip(words, urls, strict=True)
    )
    drafted = draft_sources(
        DocumentText(kind="html", title="News", blocks=(Block(text, links=links),)),
        origin="news.html",
    )
    titles = {s.url: s.title for s in parse_catalog(drafted.text, "drafted.yaml").sources}
    assert titles == {urls[0]: "Cabinet's budget report", urls[1]: None, urls[2]: None}
