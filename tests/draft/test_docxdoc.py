"""Reading .docx files: superscript markers, footnotes and endnotes, hyperlinks, a reference
list numbered by Word, quotes and list items, and a zip bomb refused before unpacking."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from citeaudit.draft import docxdoc
from citeaudit.draft.docxdoc import number_text, read_docx
from citeaudit.errors import DocumentError
from draft.documents import (
    add_hyperlink,
    add_note,
    add_text,
    docx_bytes,
    new_docx,
    number_paragraph,
    numbered_list,
)
from draft.seed_documents import read_seed, seed_docx


def test_superscripts_and_an_auto_numbered_list_with_hyperlinks() -> None:
    doc = new_docx()
    doc.add_paragraph("A report", style="Title")
    body = doc.add_paragraph("The model was endorsed")
    add_text(body, "2,3", superscript=True)
    add_text(body, " and see ")
    add_hyperlink(body, "https://e.org/page", "this page")
    add_text(body, ". Typed too [4].")
    quote = doc.add_paragraph("“It is ‘ready and fit’ for spread,” they said.", style="Quote")
    add_text(quote, "2", superscript=True)
    doc.add_paragraph("A point", style="List Bullet")
    doc.add_heading("References", level=1)
    num_id = numbered_list(doc, start=2)
    for text, url in (("Report one.", "https://e.org/1"), ("Report two.", None), ("Three.", None)):
        paragraph = doc.add_paragraph(text + " ")
        number_paragraph(paragraph, num_id)
        if url:
            add_hyperlink(paragraph, url)
    document = read_docx(docx_bytes(doc))
    assert document.title == "A report"
    assert [(r.label, r.text, r.urls) for r in document.references] == [
        ("2", "Report one. https://e.org/1", ("https://e.org/1",)),
        ("3", "Report two.", ()),
        ("4", "Three.", ()),
    ]
    assert document.reference_heading == "References"
    heading, claim, quote_block, item = document.blocks
    assert heading.kind == "heading"
    assert claim.text == "The model was endorsed2,3 and see this page. Typed too [4]."
    assert [(m.label, claim.text[m.start : m.end]) for m in claim.markers] == [
        ("2", "2,3"),
        ("3", "2,3"),
        ("4", "[4]"),
    ]
    (link,) = claim.links
    assert link.url == "https://e.org/page" and claim.text[link.start : link.end] == "this page"
    assert quote_block.kind == "quote" and quote_block.markers[0].label == "2"
    assert item.kind == "item" and item.text == "A point"


def test_footnotes_and_endnotes_number_as_word_shows_them() -> None:
    doc = new_docx()
    first = doc.add_paragraph("A claim with two sources.")
    add_note(doc, first, ["See ", ("one", "https://a.org/1"), " and ", ("two", "https://b.org/2")])
    second = doc.add_paragraph("A second claim.")
    add_note(doc, second, ["Letter, no URL."])
    third = doc.add_paragraph("An endnoted claim.")
    add_note(doc, third, ["Endnote source https://c.org/3"], kind="endnote")
    document = read_docx(docx_bytes(doc))
    by_label = {r.label: r for r in document.references}
    assert by_label["1"].text == "See one and two"
    assert by_label["1"].urls == ("https://a.org/1", "https://b.org/2")
    assert by_label["2"].text == "Letter, no URL." and by_label["2"].urls == ()
    assert by_label["i"].text == "Endnote source https://c.org/3"
    markers = [(b.text, m.label, m.start, m.end) for b in document.blocks for m in b.markers]
    assert markers == [
        ("A claim with two sources.", "1", 25, 25),
        ("A second claim.", "2", 15, 15),
        ("An endnoted claim.", "i", 18, 18),
    ]


def test_typed_numbers_under_a_bold_line() -> None:
    doc = new_docx()
    doc.add_paragraph("A claim [1] and [2].")
    add_text(doc.add_paragraph(), "Sources:", bold=True)
    doc.add_paragraph("1. First.")
    doc.add_paragraph("2. Second.")
    doc.add_paragraph("Appendix text not a reference.")
    document = read_docx(docx_bytes(doc))
    assert [(r.label, r.text) for r in document.references] == [("1", "First."), ("2", "Second.")]
    assert [b.text for b in document.blocks] == ["A claim [1] and [2]."]


def test_number_formats() -> None:
    assert [number_text(n, "lowerRoman") for n in (1, 4, 9, 14)] == ["i", "iv", "ix", "xiv"]
    assert number_text(28, "upperLetter") == "BB" and number_text(3, "decimal") == "3"


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(docxdoc, "MAX_UNPACKED", 1024 * 1024)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\0" * (2 * 1024 * 1024))
    assert len(out.getvalue()) < 20_000
    with pytest.raises(DocumentError, match="zip bomb"):
        read_docx(out.getvalue())


def test_the_seed_statement(tmp_path: Path) -> None:
    document = read_docx(seed_docx(tmp_path / "seed.docx").read_bytes())
    seed = read_seed()
    assert document.title == seed.title
    assert [r.label for r in document.references] == [str(n) for n in range(1, 23)]
    labels = [m.label for block in document.blocks for m in block.markers]
    assert labels == [str(n) for n in range(1, 23)]
    for block in document.blocks:
        for marker in block.markers:
            assert block.text[marker.start : marker.end] == marker.label
    assert [b.kind for b in document.blocks].count("quote") == 2
    assert [b.kind for b in document.blocks].count("item") == 9
    for (label, text), reference in zip(seed.references, document.references, strict=True):
        assert reference.text == text
        urls = [w for w in text.replace("\xa0", " ").split() if w.startswith("http")]
        assert list(reference.urls) == list(dict.fromkeys(urls)), label
