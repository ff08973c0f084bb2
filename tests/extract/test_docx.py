""".docx files: tables, headers and footers, page breaks as far as they can be trusted."""

from __future__ import annotations

import pytest

from citeaudit.extract import docx as docx_module
from citeaudit.extract import extract
from citeaudit.extract.docx import NOTE_BREAKS, NOTE_NO_PAGES, NOTE_RENDERED
from documents import make_docx
from paged_documents import docx_blocks

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


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
