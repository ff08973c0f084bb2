"""Which reader reads a document, by its content first; and the input no reader takes."""

from __future__ import annotations

import io
import zipfile

import pytest

from citeaudit.draft import reading
from citeaudit.draft.reading import read_document
from citeaudit.errors import CiteauditError, DocumentError
from draft.documents import (
    docx_bytes,
    encrypted_pdf,
    html_document,
    image_pdf,
    new_docx,
    new_pdf,
    pdf_bytes,
    png_bytes,
)


def test_formats_are_told_by_content_whatever_the_name() -> None:
    doc = new_docx()
    doc.add_paragraph("A claim [1].")
    assert read_document(docx_bytes(doc), "file.bin").kind == "docx"
    pdf = new_pdf()
    pdf.write(6, "A claim [1].")
    assert read_document(pdf_bytes(pdf), "document.txt").kind == "pdf"
    page = html_document("<p>A claim [1].</p>").encode()
    assert read_document(page).kind == "html"
    assert read_document(b"<div><p>A fragment [1].</p></div>").kind == "html"


def test_markdown_by_name_or_type_else_text() -> None:
    source = b"# Title\n\nA **claim** [1].\n"
    assert read_document(source, "notes.md").kind == "markdown"
    assert read_document(source, content_type="text/markdown; charset=utf-8").kind == "markdown"
    assert read_document(source, "notes.txt").kind == "text"
    assert read_document(source).kind == "text"


def test_text_is_decoded_by_the_project_charset_rules() -> None:
    document = read_document("Caf\u00e9 claim [1].\n".encode("cp1252"), "a.txt")
    assert document.blocks[0].text == "Café claim [1]."
    document = read_document("\ufeffNo BOM left [1].\n".encode("utf-8"), "a.txt")
    assert document.blocks[0].text == "No BOM left [1]."


def test_base_url_is_kept() -> None:
    document = read_document(b"A claim.\n", "a.txt", base_url="https://e.org/a")
    assert document.base_url == "https://e.org/a"


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (png_bytes(), "scan.pdf", "PNG image"),
        (png_bytes(), None, "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "photo.docx", "JPEG"),
        (b"\x00\x01\x02binary\x00" * 20, "data.txt", "binary"),
        (b"", "empty.txt", "empty"),
    ],
)
def test_what_is_no_document_is_refused(data: bytes, name: str | None, words: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_document(data, name)
    assert words in caught.value.message
    assert caught.value.hint
    assert isinstance(caught.value, CiteauditError) and caught.value.exit_code == 2


def test_a_zip_that_is_no_docx_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("notes.txt", "hello")
    with pytest.raises(DocumentError, match="not a Word .docx"):
        read_document(out.getvalue(), "notes.docx")


def test_a_damaged_docx_is_refused() -> None:
    doc = new_docx()
    doc.add_paragraph("A claim.")
    with pytest.raises(DocumentError, match="docx"):
        read_document(docx_bytes(doc)[:-200], "a.docx")


def test_encrypted_and_image_only_pdfs_are_refused() -> None:
    with pytest.raises(DocumentError, match="encrypted") as caught:
        read_document(encrypted_pdf(), "secret.pdf")
    assert caught.value.hint and "PDF" in caught.value.hint
    with pytest.raises(DocumentError, match="no text layer") as caught:
        read_document(image_pdf(), "scan.pdf")
    assert caught.value.hint and "OCR" in caught.value.hint


def test_a_broken_pdf_is_refused() -> None:
    with pytest.raises(DocumentError, match="PDF"):
        read_document(b"%PDF-1.7\n" + b"garbage " * 50, "a.pdf")


def test_too_large_a_document_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_DOCUMENT", 100)
    with pytest.raises(DocumentError, match="over the 100 byte limit"):
        read_document(b"x" * 101, "a.txt")
