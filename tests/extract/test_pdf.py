"""PDFs page by page: printed labels, running headers and footers, hyphens, scans."""

from __future__ import annotations

from citeaudit.extract import extract
from citeaudit.extract.pdf import running_margins
from citeaudit.text.folding import normalise
from paged_documents import image_pdf, pdf_lines
from samples import report_pdf


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
