"""Which extractor a snapshot gets (its bytes outrank its headers), and plain text decoded as
every stage decodes a page."""

from __future__ import annotations

import pytest

from citeaudit.extract.sniff import detect_kind, extract
from documents import make_docx, make_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize(
    ("content", "content_type", "url", "kind"),
    [
        (b"%PDF-1.7 ...", "text/html", None, "pdf"),  # the bytes win
        (b"PK\x03\x04 zip", DOCX, None, "docx"),
        (b"PK\x03\x04 zip", "application/octet-stream", "https://a.test/r.DOCX?x=1", "docx"),
        (b"PK\x03\x04 zip", "application/zip", None, "unknown"),
        (b"  <!DOCTYPE html><p>x", "application/octet-stream", None, "html"),
        (b"<p>x", "application/xhtml+xml; charset=utf-8", None, "html"),
        (b"plain words", "text/plain", None, "text"),
        (b"<p>x", None, "https://a.test/page.htm", "html"),
        (b"\x00\x01", None, "https://a.test/blob", "unknown"),
    ],
)
def test_detect_kind(content: bytes, content_type: str | None, url: str | None, kind: str) -> None:
    assert detect_kind(content, content_type, url) == kind


def test_each_kind_goes_to_its_extractor() -> None:
    assert extract(make_pdf(["one page"]), "application/pdf").kind == "pdf"
    assert extract(make_docx(["a paragraph"]), DOCX).kind == "docx"
    assert extract(b"<p>words</p>", "text/html").pages[0].text == "words"
    unknown = extract(b"\x00\x01", "application/x-thing")
    assert (unknown.kind, unknown.pages) == ("unknown", ())
    assert unknown.note == "no text extractor for application/x-thing"


def test_plain_text_is_decoded_as_pages_are() -> None:
    """iso-8859-1 is read as windows-1252 (curly quotes, not C1 control characters), an
    unknown charset is passed over (it raised LookupError), undeclared windows-1252 is
    recognised (it became U+FFFD), and a byte order mark is no text."""
    quoted = "“quoted” words".encode("cp1252")
    declared = extract(quoted, "text/plain; charset=iso-8859-1")
    assert declared.pages[0].text == "“quoted” words"
    assert extract(quoted, "text/plain; charset=no-such-charset").pages[0].text == (
        "“quoted” words"
    )
    assert extract(quoted, "text/plain").pages[0].text == "“quoted” words"
    assert extract("\ufeffnaïve".encode(), "text/plain").pages[0].text == "naïve"


def test_a_file_named_as_text_with_no_type_is_text() -> None:
    assert detect_kind(b"Plain words.", None, "notes.txt") == "text"
    assert detect_kind(b"# Title", None, "post.md") == "text"
    assert detect_kind(b"\x00\x01binary", None, "notes.txt") == "unknown"
    assert detect_kind(b"Plain words.", "application/octet-stream", "notes.txt") == "unknown"
