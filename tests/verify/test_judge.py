"""Verdicts on real generated documents: pages, labels, slides, sections, scans, close
matches, suggestions for bare links, deep links, and drift between snapshots."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from citeaudit.catalog.entries import Evidence
from citeaudit.commands.app import app
from citeaudit.extract import Extraction, extract
from citeaudit.verify.copies import EarlierCopies, SourceCopy
from citeaudit.verify.judge import Judging, judge
from citeaudit.verify.matches import Difference
from citeaudit.verify.verdicts import claim_verdict
from citeaudit.vocab import ClaimVerdict, JudgedOn, Verdict
from documents import html_page
from paged_documents import docx_blocks, image_pdf, pdf_lines
from samples import ARTICLE, report_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BOARDS = "directly commissioned by NHS England, with membership"


def live(extraction: Extraction, url: str = "https://example.test/doc") -> SourceCopy:
    when = datetime(2024, 5, 1, tzinfo=UTC)
    return SourceCopy("s", extraction, JudgedOn.LIVE, when, url)


def check(copy: SourceCopy, quote: str | None = None, locator: str | None = None) -> Any:
    return judge(Evidence(source="s", quote=quote, locator=locator), copy, "claim text")


# -- PDFs ----------------------------------------------------------------------------------


def test_passage_across_a_page_boundary_and_a_running_header() -> None:
    copy = live(extract(report_pdf(), "application/pdf"), "https://example.test/r.pdf")
    result = check(copy, BOARDS, "pp. 4-5")
    assert result.verdict is Verdict.VERIFIED
    assert result.found_at == "pp. 4-5"
    assert result.passage == "directly commissioned by NHS England, with membership"
    assert result.link == "https://example.test/r.pdf#page=4"
    assert result.judged_on is JudgedOn.LIVE and result.copy_date.year == 2024
    assert check(copy, BOARDS, "p. 5").verdict is Verdict.VERIFIED  # it ends there


def test_wrong_page_says_where_it_is() -> None:
    copy = live(extract(report_pdf(), "application/pdf"))
    result = check(copy, BOARDS, "p. 6")
    assert result.verdict is Verdict.WRONG_LOCATOR
    assert result.note == "cited at p. 6, found at pp. 4-5"
    # the words are in the source: the claim stands, the wrong page is its own finding
    assert claim_verdict([result.verdict]) is ClaimVerdict.SUPPORTED


def test_a_page_beyond_the_end_says_how_many_pages_there_are() -> None:
    pages = [[f"Page {n} says little."] for n in range(1, 7)]
    pages[3] = ["Nitrogen dioxide levels fell by 23% across the borough."]
    copy = live(extract(pdf_lines(pages), "application/pdf"))
    result = check(copy, "Nitrogen dioxide levels fell by 23%", "p. 9")
    assert result.verdict is Verdict.WRONG_LOCATOR
    assert result.note == "cited at p. 9, found at p. 4 (the PDF has no page 9: it has 6 pages)"
    bare = check(copy, None, "p. 9")
    assert bare.note == "the PDF has no page 9: it has 6 pages"


def test_hyphenated_line_end() -> None:
    copy = live(extract(report_pdf(), "application/pdf"))
    result = check(copy, "The clinical commissioning groups hold the budget", "p. 2")
    assert result.verdict is Verdict.VERIFIED
    assert result.passage == "The clinical commissioning groups hold the budget"


def test_pages_are_cited_by_their_printed_labels() -> None:
    pages = [["Cover page"], ["Contents page"], ["Introduction text"], ["The boards meet monthly."]]
    copy = live(extract(pdf_lines(pages, labels=[(0, "r", 1), (2, "D", 1)]), "application/pdf"))
    result = check(copy, "The boards meet monthly", "p. 2")
    assert (result.verdict, result.found_at) == (Verdict.VERIFIED, "p. 2")
    assert result.link is not None and result.link.endswith("#page=4")  # the physical page
    assert check(copy, "The boards meet monthly", "p. 4").verdict is Verdict.WRONG_LOCATOR
    assert check(copy, "Contents page", "p. ii").verdict is Verdict.VERIFIED


def test_slides_are_physical_pages() -> None:
    deck = [[f"Slide about topic {n}"] for n in range(1, 17)]
    deck[14] = ["Endorsed by key individuals from NHS England"]
    copy = live(extract(pdf_lines(deck), "application/pdf"))
    result = check(copy, "Endorsed by key individuals", "Slide 15")
    assert (result.verdict, result.found_at) == (Verdict.VERIFIED, "slide 15")
    assert check(copy, "Endorsed by key individuals", "Slide 3").verdict is Verdict.WRONG_LOCATOR


def test_a_scan_has_no_text() -> None:
    copy = live(extract(image_pdf(), "application/pdf"))
    result = check(copy, "anything at all", "p. 1")
    assert result.verdict is Verdict.NO_TEXT
    assert "no text layer" in result.note
    assert claim_verdict([result.verdict]) is ClaimVerdict.UNVERIFIABLE


def test_a_cited_page_that_is_a_picture_has_no_text() -> None:
    pages = [["Words on page one."], [], ["Words on page three."]]
    copy = live(extract(pdf_lines(pages), "application/pdf"))
    result = check(copy, "the quoted words", "p. 2")
    assert result.verdict is Verdict.NO_TEXT
    assert result.note == "the cited p. 2 has no text layer (a scan or an image)"
    assert check(copy, "the quoted words", "p. 3").verdict is Verdict.NOT_IN_SOURCE


def test_the_occurrence_on_the_cited_page_is_chosen() -> None:
    pages = [["The board is accountable."], ["Other words."], ["The board is accountable."]]
    copy = live(extract(pdf_lines(pages), "application/pdf"))
    assert check(copy, "The board is accountable", "p. 3").found_at == "p. 3"
    assert check(copy, "The board is accountable", "p. 1").found_at == "p. 1"
    assert check(copy, "The board is accountable").found_at == "p. 1"


def test_misquoted_lists_the_differences_and_is_never_verified() -> None:
    copy = live(extract(report_pdf(), "application/pdf"))
    result = check(copy, "The boards are commissioned by NHS England, with membership", "p. 4")
    assert result.verdict is Verdict.MISQUOTED
    assert result.differences == (Difference("delete", "", "directly"),)
    assert result.found_at == "pp. 4-5"
    assert result.similarity is not None and 0.9 < result.similarity < 1
    assert result.note.startswith("close match with 1 difference")
    assert claim_verdict([Verdict.MISQUOTED, Verdict.VERIFIED]) is ClaimVerdict.PARTLY_SUPPORTED


def test_not_in_source() -> None:
    copy = live(extract(report_pdf(), "application/pdf"))
    result = check(copy, "three hundred teams were live across every region of the country")
    assert result.verdict is Verdict.NOT_IN_SOURCE
    assert result.passage is None and result.differences == ()


def test_not_in_source_shows_the_nearest_passage() -> None:
    pages = [
        ["The members discussed the budget for the coming year."],
        ["After a long debate the committee agreed to adopt the plan next year."],
    ]
    copy = live(extract(pdf_lines(pages), "application/pdf"), "https://example.test/m.pdf")
    result = check(copy, "the committee voted unanimously for the plan", "p. 1")
    assert result.verdict is Verdict.NOT_IN_SOURCE
    # the closest words anywhere in the source, not only on the cited page
    assert result.suggestion is not None
    assert result.suggestion.passage == (
        "After a long debate the committee agreed to adopt the plan next year."
    )
    assert result.suggestion.found_at == "p. 2"
    assert result.suggestion.link == "https://example.test/m.pdf#page=2"


def test_link_only_suggests_the_likeliest_passage_on_the_cited_page() -> None:
    """With judging on meaning switched off (--no-meaning), a bare link stays link_only and
    gets the passage a person should read."""
    copy = live(extract(report_pdf(), "application/pdf"), "https://example.test/r.pdf")
    evidence = Evidence(source="s", locator="p. 2")
    claim = "Clinical commissioning groups hold the budget for care"
    result = judge(evidence, copy, claim, OFF)
    assert result.verdict is Verdict.LINK_ONLY
    assert result.suggestion is not None
    assert result.suggestion.passage == "The clinical commissioning groups hold the budget."
    assert result.suggestion.found_at == "p. 2"
    assert result.suggestion.link == "https://example.test/r.pdf#page=2"
    missing = judge(Evidence(source="s", locator="p. 40"), copy, "budget", OFF)
    assert missing.note == "the PDF has no page 40: it has 6 pages"


def test_suggestions_come_from_the_main_content_of_a_page() -> None:
    body = (
        "<nav><p>NHS England budget news, NHS England budget jobs, NHS England budget.</p></nav>"
        "<article><h1>How budgets are set</h1>"
        "<p>Each year the budget for clinical commissioning groups is set by NHS England, "
        "after consultation with the Department of Health and Social Care.</p>"
        "<p>Further paragraphs describe the allocation formula in detail, region by region, "
        "and explain how the weighting for need is worked out for each area.</p></article>"
    )
    copy = live(extract(html_page("Budgets", body).encode(), "text/html"))
    assert copy.extraction is not None and copy.extraction.main_text
    result = judge(Evidence(source="s"), copy, "NHS England sets the CCG budget", OFF)
    assert result.suggestion is not None
    assert result.suggestion.passage.startswith("Each year the budget")
    # judged on meaning, the passage it rests on comes from the main content too
    judged = judge(Evidence(source="s"), copy, "NHS England sets the CCG budget")
    assert judged.meaning is not None
    shown = judged.passage or (judged.suggestion.passage if judged.suggestion else "")
    assert shown.startswith("Each year the budget")


# -- claims in other words ----------------------------------------------------------------------

OFF = Judging(meaning=False)
MINUTES = [
    ["Minutes of the board, 14 March 2024.", "Apologies were received from two members."],
    [
        "Finance. The board approved a budget of £40 million for community mental health "
        "services in 2024-25.",
        "The chair thanked the finance team for its work on the plan.",
    ],
    ["Any other business. The next meeting will be held in June 2024."],
]


def minutes() -> SourceCopy:
    return live(extract(pdf_lines(MINUTES), "application/pdf"), "https://example.test/m.pdf")


def test_a_claim_in_other_words_is_supported_by_the_passage_on_the_cited_page() -> None:
    claim = "The board agreed a £40 million budget for community mental health services in 2024-25."
    result = judge(Evidence(source="s", locator="p. 2"), minutes(), claim)
    assert result.verdict is Verdict.SUPPORTED
    assert result.passage is not None and "£40 million" in result.passage
    assert result.found_at == "p. 2" and result.link == "https://example.test/m.pdf#page=2"
    assert result.meaning is not None and result.meaning.judge == "built-in"
    assert 0.0 <= result.meaning.score <= 1.0 and result.meaning.reason
    assert claim_verdict([result.verdict]) is ClaimVerdict.SUPPORTED


def test_another_amount_is_a_contradiction_with_both_sides_named() -> None:
    claim = (
        "The board approved a budget of £45 million for community mental health services "
        "in 2024-25."
    )
    result = judge(Evidence(source="s", locator="p. 2"), minutes(), claim)
    assert result.verdict is Verdict.CONTRADICTED
    assert result.meaning is not None and result.meaning.conflicts
    sides = {(c.claim, c.passage) for c in result.meaning.conflicts}
    assert any("45" in mine and "40" in theirs for mine, theirs in sides), sides
    assert result.found_at == "p. 2"
    assert claim_verdict([Verdict.VERIFIED, result.verdict]) is ClaimVerdict.CONTRADICTED


def test_a_claim_the_cited_page_does_not_make_is_not_supported_with_its_closest_passage() -> None:
    # said on p. 2, cited at p. 3: only the cited page is judged
    claim = "The board approved a budget of £40 million for community mental health services."
    result = judge(Evidence(source="s", locator="p. 3"), minutes(), claim)
    assert result.verdict is Verdict.NOT_SUPPORTED
    assert result.passage is None and result.meaning is not None
    unrelated = judge(
        Evidence(source="s", locator="p. 2"), minutes(), "Ofsted rated the school good."
    )
    assert unrelated.verdict is Verdict.NOT_SUPPORTED
    assert claim_verdict([unrelated.verdict]) is ClaimVerdict.UNSUPPORTED


def test_a_source_with_no_text_is_no_text_and_meaning_can_be_switched_off() -> None:
    scan = live(extract(image_pdf(), "application/pdf"))
    assert judge(Evidence(source="s"), scan, "The board met.").verdict is Verdict.NO_TEXT
    off = judge(Evidence(source="s", locator="p. 2"), minutes(), "The board met.", OFF)
    assert off.verdict is Verdict.LINK_ONLY and off.meaning is None


# -- .docx -----------------------------------------------------------------------------------


def guide_docx() -> bytes:
    front = [("p", "Contents"), ("break", None), ("p", "Foreword."), ("break", None)]
    front += [("p", "Background."), ("break", None), ("p", "Glossary."), ("break", None)]
    return docx_blocks(
        [
            *front,
            ("h1", "Section 1: Project Overview"),
            ("h2", "2. Directive to Spread SIM – Sir Bruce Keogh"),
            ("p", "In 2016 a review team concluded that SIM was ready and fit for spread."),
            ("h1", "Section 2: Delivery"),
            ("p", "Delivery is by local teams."),
        ]
    )


def test_docx_page_and_section_locators() -> None:
    copy = live(extract(guide_docx(), DOCX), "https://example.test/guide.docx")
    result = check(copy, "ready and fit", "Section 1, p. 5")
    assert result.verdict is Verdict.VERIFIED
    assert result.found_at == (
        "p. 5, section 'Section 1: Project Overview' > "
        "'2. Directive to Spread SIM – Sir Bruce Keogh'"
    )
    assert result.link == "https://example.test/guide.docx"  # no fragments in a download
    wrong = check(copy, "ready and fit", "Section 2")
    assert wrong.verdict is Verdict.WRONG_LOCATOR
    assert wrong.note.startswith("cited at Section 2, found at p. 5")
    # pages counted from explicit breaks only ever run low: p. 3 is certainly wrong...
    assert check(copy, "ready and fit", "p. 3").verdict is Verdict.WRONG_LOCATOR
    # ...and p. 7 cannot be ruled out
    later = check(copy, "ready and fit", "p. 7")
    assert later.verdict is Verdict.VERIFIED and "could not be confirmed" in later.note
    unknown = check(copy, "ready and fit", "Section 9")
    assert unknown.verdict is Verdict.VERIFIED and "no heading matches section 9" in unknown.note


def test_docx_without_page_breaks_says_pages_are_approximate() -> None:
    data = docx_blocks([("p", "Business case."), ("p", "SIM was ready and fit.")])
    result = check(live(extract(data, DOCX)), "ready and fit", "p. 3")
    assert result.verdict is Verdict.VERIFIED and result.found_at is None
    assert "page locators in a .docx are approximate" in result.note


# -- HTML ------------------------------------------------------------------------------------


def test_html_sections_and_text_fragment_links() -> None:
    copy = live(extract(html_page("SIM", ARTICLE).encode(), "text/html"), "https://e.test/p#old")
    result = check(copy, "have regard to the Constitution", "section Statutory duties")
    assert result.verdict is Verdict.VERIFIED
    assert result.found_at == "section 'Serenity Integrated Mentoring' > 'Statutory duties'"
    assert result.link == "https://e.test/p#:~:text=have%20regard%20to%20the%20Constitution"
    wrong = check(copy, "approximately 20 teams live", "section Statutory duties")
    assert wrong.verdict is Verdict.WRONG_LOCATOR
    page = check(copy, "approximately 20 teams live", "p. 4")
    assert page.verdict is Verdict.VERIFIED
    assert page.note == "page locators are not checked in a web page (it has no pages)"


# -- drift -----------------------------------------------------------------------------------


def test_an_older_snapshot_that_has_the_passage_is_used_and_drift_reported() -> None:
    old = extract(html_page("v1", "<p>There were approximately 20 teams live.</p>").encode(), None)
    new = extract(html_page("v2", "<p>There were some teams live.</p>").encode(), None)
    loaded: list[str] = []

    def load(name: str) -> SourceCopy:
        loaded.append(name)
        when = datetime(2021, 5, 12, tzinfo=UTC)
        return SourceCopy("s", old, JudgedOn.SNAPSHOT, when, "https://e.test/p")

    copy = SourceCopy(
        "s",
        new,
        JudgedOn.LIVE,
        datetime(2024, 1, 1, tzinfo=UTC),
        "https://e.test/p",
        earlier=EarlierCopies(["v1"], load),
    )
    result = check(copy, "approximately 20 teams live")
    assert result.verdict is Verdict.VERIFIED
    assert result.judged_on is JudgedOn.SNAPSHOT
    assert result.copy_date == datetime(2021, 5, 12, tzinfo=UTC)
    assert result.drift is not None
    assert result.drift.snapshot_date == datetime(2021, 5, 12, tzinfo=UTC)
    assert result.drift.note == (
        "the source changed: the live copy of 2024-01-01 no longer has the quoted words "
        "(lacks them); our snapshot of 2021-05-12 has them"
    )
    assert result.note is None  # said once, in the drift
    assert (result.drift.judged_on, result.drift.verdict) == (JudgedOn.LIVE, Verdict.NOT_IN_SOURCE)
    assert result.drift.passage == "There were some teams live."  # what it says now
    # our snapshot has no public address: no link to a live page that no longer says it
    assert result.link is None
    assert result.drift.link is not None and result.drift.link.startswith("https://e.test/p#")
    assert check(copy, "some teams live").drift is None  # the live copy has it
    check(copy, "approximately 20 teams live")
    assert loaded == ["v1"]  # loaded once, however often it is needed


def run_audit(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["audit", str(path), "--format", "json"])
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_audit_reports_drift_between_runs(tmp_path: Path, httpserver: HTTPServer) -> None:
    first = "At the end there were approximately 20 teams live across the country."
    httpserver.expect_request("/sim").respond_with_data(
        html_page("SIM", f"<p>{first}</p>"), content_type="text/html"
    )
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"sources:\n  - id: sim\n    url: {httpserver.url_for('/sim')}\n"
        "claims:\n  - id: c\n    text: About 20 teams.\n    evidence:\n      - source: sim\n"
        '        quote: "approximately 20 teams live across the country"\n',
        encoding="utf-8",
    )
    evidence = run_audit(path)["claims"][0]["evidence"][0]
    assert (evidence["verdict"], evidence["judged_on"], evidence["drift"]) == (
        "verified",
        "live",
        None,
    )

    httpserver.clear()
    httpserver.expect_request("/sim").respond_with_data(
        html_page("SIM", "<p>The programme has ended; teams carry on locally.</p>"),
        content_type="text/html",
    )
    evidence = run_audit(path)["claims"][0]["evidence"][0]
    assert evidence["verdict"] == "verified"
    assert evidence["judged_on"] == "snapshot"
    assert evidence["drift"]["snapshot_date"] is not None
    assert evidence["drift"]["note"].startswith("the source changed: the live copy of")

    httpserver.clear()
    httpserver.expect_request("/sim").respond_with_data("gone", status=404)
    evidence = run_audit(path)["claims"][0]["evidence"][0]
    # rotted: the newest good snapshot lacks it, the one before has it
    assert evidence["verdict"] == "verified" and evidence["judged_on"] == "snapshot"
    assert "no longer has the quoted words" in evidence["drift"]["note"]
