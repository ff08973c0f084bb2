"""Reading PDFs made with fpdf2: lines rebuilt from positions, superscript markers, link
annotations on body and reference text, URLs broken across lines, and the seed."""

from __future__ import annotations

from pathlib import Path

from citeaudit.draft.pdfdoc import read_pdf
from draft.documents import new_pdf, pdf_bytes, pdf_paragraph
from draft.seed_documents import read_seed, seed_pdf

URL = "https://www.england.nhs.uk/wp-content/uploads/2015/07/safeguarding-children-young-people-adults-at-risk-saaf-1.pdf"


def _references_pdf(*, linked: bool) -> bytes:
    pdf = new_pdf()
    pdf_paragraph(pdf, ["The duty to oversee assurance", ("sup", "1"), " is NHS England’s."])
    pdf_paragraph(pdf, ["See also ", ("link", "the framework", "https://e.org/frame#page=22"), "."])
    pdf.set_font("dv", "B", 11)
    pdf_paragraph(pdf, ["References"], gap=1)
    pdf.set_font("dv", "", 11)
    url = ("link", URL, URL) if linked else URL
    pdf_paragraph(
        pdf, ["1. Safeguarding Framework. Available from: ", url, " [accessed 11 May 2021]."], gap=1
    )
    pdf_paragraph(pdf, ["2. A letter with no URL."], gap=1)
    return pdf_bytes(pdf)


def test_superscript_digits_are_markers_over_their_characters() -> None:
    document = read_pdf(_references_pdf(linked=True))
    block = document.blocks[0]
    assert block.text == "The duty to oversee assurance1 is NHS England’s."
    (marker,) = block.markers
    assert marker.label == "1" and block.text[marker.start : marker.end] == "1"
    assert block.page == 1


def test_a_link_over_body_text_is_an_inline_link() -> None:
    document = read_pdf(_references_pdf(linked=True))
    block = document.blocks[1]
    (link,) = block.links
    assert link.url == "https://e.org/frame#page=22"
    assert block.text[link.start : link.end] == "the framework"


def test_a_url_broken_across_lines_keeps_the_break_and_gets_its_link() -> None:
    document = read_pdf(_references_pdf(linked=True))
    assert document.reference_heading == "References"
    first, second = document.references
    assert first.label == "1" and "\n" in first.text
    assert first.text.replace("\n", "").replace("from:", "from: ").count(URL) == 1
    assert first.urls == (URL,)
    assert second.text == "A letter with no URL." and second.urls == ()
    assert all("Safeguarding" not in block.text for block in document.blocks)


def test_without_a_link_annotation_the_text_still_holds_the_url() -> None:
    document = read_pdf(_references_pdf(linked=False))
    first = document.references[0]
    assert first.urls == ()
    joined = first.text.replace("\n", "")
    assert URL in joined and "-" in URL


def test_a_hyphen_at_a_line_end_is_kept() -> None:
    pdf = new_pdf()
    pdf_paragraph(
        pdf, ["word " * 14 + "Long-Term plan ambitions for expanding and improving services."]
    )
    document = read_pdf(pdf_bytes(pdf))
    assert "Long-Term" in document.blocks[0].text


def test_the_seed_statement(tmp_path: Path) -> None:
    document = read_pdf(seed_pdf(tmp_path / "seed.pdf").read_bytes())
    seed = read_seed()
    assert document.kind == "pdf" and document.title == seed.title
    assert [r.label for r in document.references] == [str(n) for n in range(1, 23)]
    labels = [m.label for block in document.blocks for m in block.markers]
    assert labels == [str(n) for n in range(1, 23)]
    for block in document.blocks:
        assert block.page is not None
        assert "Available from" not in block.text
        for marker in block.markers:
            assert block.text[marker.start : marker.end] == f"[{marker.label}]"
    for (label, text), reference in zip(seed.references, document.references, strict=True):
        assert reference.label == label
        printed = " ".join(text.split())
        assert reference.text.replace("\n", " ").split()[:4] == printed.split()[:4]
        urls = [word for word in printed.split() if word.startswith("http")]
        assert list(reference.urls) == list(dict.fromkeys(urls))
    quotes = [b for b in document.blocks if b.text.startswith("“")]
    assert [m.label for b in quotes for m in b.markers] == ["7", "8"]
