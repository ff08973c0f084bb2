"""Choose the extractor for a snapshot from its bytes, its Content-Type and its URL."""

from __future__ import annotations

from email.message import Message
from urllib.parse import urlsplit

from citeaudit.extract.base import Extraction, Page
from citeaudit.extract.limits import cut_text, describe, unread
from citeaudit.text import decode_text


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return message.get_content_type().lower(), charset if isinstance(charset, str) else None


def detect_kind(content: bytes, content_type: str | None, url: str | None = None) -> str:
    """Return 'pdf', 'docx', 'html', 'text' or 'unknown'; the bytes outrank the headers."""
    media, _ = _media_type(content_type)
    head = content[:1024].lstrip().lower()
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04") and (
        "wordprocessingml" in media
        or (url or "").lower().split("?")[0].endswith(".docx")
        or b"word/" in content[:4096]
    ):
        return "docx"
    if media in ("text/html", "application/xhtml+xml") or head.startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    if media.startswith("text/"):
        return "text"
    path = urlsplit(url or "").path.lower()
    if path.endswith((".html", ".htm")):
        return "html"
    if not media and path.endswith((".txt", ".md", ".text")) and b"\x00" not in content[:4096]:
        return "text"  # a local file named as text, with no type of its own
    return "unknown"


def extract(
    content: bytes,
    content_type: str | None,
    url: str | None = None,
    *,
    text_limit: int | None = None,
) -> Extraction:
    """Extract text from a snapshot's decoded payload, in this process (see
    :mod:`citeaudit.extract.isolated` for reading within limits). ``text_limit``: the most
    characters of text kept (a PDF's later pages are then not even read).

    A document a reader fails on (a damaged zip, a truncated XML part) comes back with no
    text and a note saying why: it never raises, but for MemoryError, which the caller
    tells apart."""
    try:
        extraction = _extract(content, content_type, url, text_limit)
    except MemoryError:
        raise
    except Exception as exc:
        return unread(detect_kind(content, content_type, url), f"({describe(exc)})")
    return extraction if text_limit is None else cut_text(extraction, text_limit)


def _extract(
    content: bytes, content_type: str | None, url: str | None, text_limit: int | None
) -> Extraction:
    kind = detect_kind(content, content_type, url)
    _, charset = _media_type(content_type)
    # Each extractor is imported when first needed: pypdfium2, python-docx and lxml take a
    # third of a second to import, which `check` never needs for a PDF or a .docx.
    if kind == "pdf":
        from citeaudit.extract.pdf import extract_pdf

        return extract_pdf(content, max_chars=text_limit)
    if kind == "docx":
        from citeaudit.extract.docx import extract_docx

        return extract_docx(content)
    if kind == "html":
        from citeaudit.extract.html import extract_html

        return extract_html(content, charset)
    if kind == "text":
        # Decoded as every stage decodes a page: a byte order mark, else the Content-Type's
        # charset as a browser reads it (iso-8859-1 is windows-1252), else a guess.
        text = decode_text(content, None, charset=charset)
        return Extraction(kind="text", pages=(Page(number=1, label="1", text=text),))
    media, _ = _media_type(content_type)
    return Extraction(
        kind="unknown",
        pages=(),
        note=f"no text extractor for {media or 'this content'}",
    )
