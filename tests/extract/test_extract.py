"""Extraction page by page from real generated PDFs, .docx files and HTML pages."""

from __future__ import annotations

import pytest

from citeaudit.extract import docx as docx_module
from citeaudit.extract import extract
from citeaudit.extract.docx import NOTE_BREAKS, NOTE_NO_PAGES, NOTE_RENDERED
from citeaudit.extract.pdf import running_margins
from citeaudit.verify.quotes import normalise
from documents import html_page, make_docx
from paged_documents import docx_blocks, image_pdf, pdf_lines
from samples import ARTICLE, report_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_pdf_pages_running_lines_and_hyphens() -> None:
    ex = extract(report_pdf(), "application/pdf")
    assert ex.kind == "pdf" and ex.paged and ex.page_basis == "printed"
    assert [p.label for p in ex.pages] == ["1", "2", "3", "4", "5", "6"]
    for page in ex.pages:
        assert page.text.startswith("SIM London - End of Year Report")
        assert "SIM London" not in page.body
        assert "of 6" not in page.body  # the footer, page number and all
        assert page.body.strip()
    assert "commis-\nsioning" in ex.pages[1].text  # the line-end hyphen as printed
    assert "clinical commissioning groups" in normalise(ex.pages[1].body).text
    joined = normalise(ex.body_layout.text).text
    assert "directly commissioned by nhs england, with membership" in joined
    # the full layout keeps the header between the two pages, so the sentence is broken there
    assert "directly commissioned by nhs england" not in normalise(ex.full_layout.text).text


def test_layout_maps_offsets_back_to_pages() -> None:
    ex = extract(report_pdf(), "application/pdf")
    layout = ex.body_layout
    at = layout.text.index("NHS England, with")
    page, offset = layout.locate(at)
    assert page == 4
    assert ex.pages[4].text[offset:].startswith("NHS England, with")


def test_pdf_page_labels_are_the_printed_numbers() -> None:
    pages = [["Cover"], ["Contents"], ["Chapter one"], ["Chapter two"]]
    data = pdf_lines(pages, labels=[(0, "r", 1), (2, "D", 1)])
    ex = extract(data, "application/pdf")
    assert [(p.number, p.label) for p in ex.pages] == [(1, "i"), (2, "ii"), (3, "1"), (4, "2")]


def test_running_lines_need_to_repeat() -> None:
    texts = ["Title\nbody one\n1", "Intro\nbody two\n2", "Other\nbody three\n3"]
    # the page numbers repeat (masked), the first lines do not
    assert running_margins(texts) == [(0, 1), (0, 1), (0, 1)]
    assert running_margins(["Same\nx", "Same\ny"]) == [(0, 0), (0, 0)]  # too few pages


def test_scanned_pdf_has_no_text() -> None:
    ex = extract(image_pdf(), "application/pdf")
    assert len(ex.pages) == 2
    assert not ex.has_text
    assert ex.note is not None and "no text layer" in ex.note


def test_broken_pdf_is_a_note_not_an_exception() -> None:
    ex = extract(b"%PDF-1.4 this is not really a pdf", "application/pdf")
    assert ex.pages == () and ex.note is not None and "cannot read the PDF" in ex.note


def test_docx_tables_headers_and_footers() -> None:
    data = docx_blocks(
        [
            ("h1", "Business case"),
            ("p", "The review concluded SIM was ready and fit for spread."),
            ("table", [["Area", "Teams"], ["London", "6 teams live"]]),
        ],
        header="Commissioner version v4",
        footer="Confidential draft",
    )
    ex = extract(data, DOCX)
    assert ex.kind == "docx" and not ex.paged and ex.page_basis == "none"
    assert ex.note == NOTE_NO_PAGES
    text = ex.pages[0].text
    assert "6 teams live" in text and "London" in text
    assert "Commissioner version v4" in text and "Confidential draft" in text
    # headers and footers are margins: a quote running through the body never meets them
    assert "Commissioner version v4" not in ex.pages[0].body
    assert [(h.text, h.level) for h in ex.headings] == [("Business case", 1)]
    heading = ex.headings[0]
    assert ex.pages[0].text[heading.offset :].startswith("Business case")


def test_docx_explicit_page_breaks_make_pages() -> None:
    data = docx_blocks(
        [("p", "First page."), ("break", None), ("p", "Second page."), ("break", None)]
        + [("h2", "Directive"), ("p", "It was ready and fit.")]
    )
    ex = extract(data, DOCX)
    assert ex.paged and ex.page_basis == "breaks" and ex.note == NOTE_BREAKS
    assert [p.text.strip() for p in ex.pages] == [
        "First page.",
        "Second page.",
        "Directive\nIt was ready and fit.",
    ]
    assert [(h.page, h.text) for h in ex.headings] == [(2, "Directive")]
    assert ex.pages[2].text[ex.headings[0].offset :].startswith("Directive")


def test_docx_rendered_page_breaks_count_once_after_an_explicit_one() -> None:
    data = docx_blocks(
        [
            ("p", "One."),
            ("rendered", "Two, as Word laid it out."),
            ("break", None),
            ("rendered", "Three: after an explicit break Word records the same break."),
        ]
    )
    ex = extract(data, DOCX)
    assert ex.page_basis == "rendered" and ex.note == NOTE_RENDERED
    assert [p.text.strip()[:5] for p in ex.pages] == ["One.", "Two, ", "Three"]


def test_docx_that_is_no_docx() -> None:
    ex = extract(b"PK\x03\x04 not a zip at all", DOCX, "https://x.test/a.docx")
    assert ex.pages == () and ex.note is not None and "cannot read" in ex.note


def test_docx_that_unpacks_too_far_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docx_module, "MAX_UNPACKED", 1000)
    ex = extract(make_docx(["words " * 400]), DOCX)
    assert ex.pages == () and ex.note is not None and "byte limit" in ex.note


def test_html_visible_text_headings_and_anchors() -> None:
    ex = extract(html_page("SIM", ARTICLE).encode(), "text/html; charset=utf-8")
    text = ex.pages[0].text
    assert ex.title == "SIM"
    assert "var x" not in text and "color: red" not in text
    assert "hidden words" not in text
    assert "Figure 1: teams by region" in text  # captions are text too
    assert "have regard to the\nConstitution" not in text
    assert "must have regard to the Constitution, reviewed" in text  # inline stays inline
    assert "Home\nAbout us" in text  # blocks stay apart
    assert [(h.text, h.level, h.anchor) for h in ex.headings] == [
        ("Serenity Integrated Mentoring", 1, "top"),
        ("Statutory duties", 2, "duties"),
    ]
    for heading in ex.headings:
        assert text[heading.offset :].startswith(heading.text)
    anchors = {a.id: a.offset for a in ex.anchors}
    assert text[anchors["duties"] :].startswith("Statutory duties")


def test_html_main_content_is_an_extra_view() -> None:
    ex = extract(html_page("SIM", ARTICLE).encode(), "text/html")
    assert ex.main_text is not None
    assert "approximately 20 teams" in ex.main_text
    assert "Cookie settings" not in ex.main_text
    assert "Cookie settings" in ex.pages[0].text  # the full text keeps everything visible


def test_deeply_nested_html_does_not_overflow() -> None:
    body = "<div>" * 5000 + "deep words" + "</div>" * 5000
    ex = extract(html_page("deep", body).encode(), "text/html")
    assert "deep words" in ex.pages[0].text
