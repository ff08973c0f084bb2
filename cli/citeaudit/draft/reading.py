"""Which reader reads a document: the format told from its bytes first (as every stage tells a
snapshot's, :func:`citeaudit.extract.detect_kind`), then from its name or Content-Type for
Markdown, and the bad input that no reader can take refused with one error.

Each reader is imported when first needed: a text file never loads pypdfium2.
"""

from __future__ import annotations

from dataclasses import replace
from email.message import Message

from citeaudit.draft.model import DocumentText
from citeaudit.errors import DocumentError
from citeaudit.extract.sniff import detect_kind
from citeaudit.text import decode_text

#: Largest document read, in bytes.
MAX_DOCUMENT = 50 * 1024 * 1024
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
)
_OTHER_BINARY = (
    (b"\xd0\xcf\x11\xe0", "an old Word (.doc) or Office file"),
    (b"{\\rtf", "an RTF file"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)
_FORMATS = "a .txt, .md, .html, .docx or .pdf file"
_MARKDOWN_TYPES = frozenset(("text/markdown", "text/x-markdown"))
_MARKUP_HINTS = (b"<html", b"<head", b"<body", b"<p>", b"<p ", b"<div", b"<article", b"<title")


def _media(content_type: str | None) -> str:
    if not content_type:
        return ""
    message = Message()
    message["content-type"] = content_type
    return message.get_content_type().lower()


def _suffix(name: str | None) -> str:
    base = (name or "").split("?")[0].split("#")[0].rsplit("/", 1)[-1].lower()
    return base.rsplit(".", 1)[-1] if "." in base else ""


def _not_a_document(what: str) -> DocumentError:
    return DocumentError(
        f"this is {what}, not a document to draft from",
        hint=f"give {_FORMATS}; for a picture of text, run OCR on it first",
    )


def _binary(data: bytes) -> str | None:
    """What a document that is none of the formats read is, when its bytes say so."""
    for magic, what in (*_IMAGES, *_OTHER_BINARY):
        if data.startswith(magic):
            return what
    if data[4:12] in (b"ftypheic", b"ftypavif") or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "an image"
    sample = data[:4096]
    if b"\x00" in sample and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "a binary file"
    return None


def read_document(
    data: bytes,
    name: str | None = None,
    *,
    content_type: str | None = None,
    base_url: str | None = None,
) -> DocumentText:
    """Read a document for its citations, whatever its format (.txt, .md, .html, .docx or
    .pdf, told by content first). ``name`` (a file name or URL) and ``content_type`` tell
    Markdown from text; ``base_url`` is the page's own address, for an HTML page's
    relative links and its site's own menus. Raises :class:`DocumentError` for what is
    no readable document."""
    if len(data) > MAX_DOCUMENT:
        raise DocumentError(
            f"the document is {len(data):,} bytes, over the {MAX_DOCUMENT:,} byte limit",
            hint="give a smaller document, or only the part with the citations",
        )
    if not data.strip():
        raise DocumentError("the document is empty", hint=f"give {_FORMATS}")
    kind = detect_kind(data, content_type, name)
    if data.startswith(b"PK\x03\x04") or kind == "docx":
        from citeaudit.draft.docxdoc import read_docx

        return _with_url(read_docx(data), base_url)
    if kind == "pdf":
        from citeaudit.draft.pdfdoc import read_pdf

        return _with_url(read_pdf(data), base_url)
    what = _binary(data)
    if what is not None:
        raise _not_a_document(what)
    media = _media(content_type)
    suffix = _suffix(name)
    markdown = media in _MARKDOWN_TYPES or suffix in ("md", "markdown", "mdown", "mkd")
    head = data[:1024].lstrip().lower()
    if kind == "unknown" and not markdown and head.startswith(b"<"):
        if any(hint in head for hint in _MARKUP_HINTS):
            kind = "html"
    if kind == "html" and not markdown:
        from citeaudit.draft.htmldoc import read_html_document

        return read_html_document(data, content_type=content_type, base_url=base_url)
    text = decode_text(data, content_type)
    if markdown:
        from citeaudit.draft.mddoc import read_markdown

        return read_markdown(text, base_url=base_url)
    from citeaudit.draft.plaintext import read_text

    return _with_url(read_text(text), base_url)


def _with_url(document: DocumentText, base_url: str | None) -> DocumentText:
    return replace(document, base_url=base_url) if base_url else document
