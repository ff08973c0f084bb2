"""The hostile documents and bodies the benchmark serves: built by hand, byte by byte.

Nothing here needs a third-party package: a PDF is a few objects and an xref table, a .docx
a zip of three XML parts, a gzip bomb a run of NUL bytes through zlib.
"""

from __future__ import annotations

import gzip
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

MIB = 1024 * 1024
GIB = 1024 * MIB


def _deflate(chunks: Iterator[bytes]) -> bytes:
    """zlib-compress (the PDF FlateDecode format) a stream given in pieces."""
    compressor = zlib.compressobj(9)
    out = [compressor.compress(chunk) for chunk in chunks]
    out.append(compressor.flush())
    return b"".join(out)


def _repeat(unit: bytes, total: int, block: int = MIB) -> Iterator[bytes]:
    """``unit`` repeated to ``total`` bytes, given in blocks of about ``block`` bytes."""
    piece = unit * max(1, block // len(unit))
    left = total
    while left > 0:
        part = piece[:left]
        yield part
        left -= len(part)


def nul_gzip(inflated: int = 100_000_000) -> bytes:
    """A gzip body of ``inflated`` NUL bytes (about 1,000 to 1 deflated)."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=9, mtime=0) as stream:
        for chunk in _repeat(b"\0", inflated):
            stream.write(chunk)
    return buffer.getvalue()


def pdf_document(content: bytes, *, title: str) -> bytes:
    """A minimal valid one-page PDF whose page draws ``content`` (already zlib-compressed):
    catalog, page tree, page, a standard Helvetica font, the content stream and an info
    dictionary, with an exact xref table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
        b"<< /Title (" + title.encode("latin-1") + b") /Producer (hand-written) >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (
        len(objects) + 1,
        len(objects),
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def pdf_stream_bomb(inflated: int = 2 * GIB) -> bytes:
    """A one-page PDF of about 2 MB whose content stream inflates to ``inflated`` bytes: one
    line of text, then white space (valid content-stream syntax) to the end."""
    head = b"BT /F1 12 Tf 72 720 Td (A page whose content stream is mostly white space) Tj ET\n"

    def chunks() -> Iterator[bytes]:
        yield head
        yield from _repeat(b" ", inflated - len(head))

    return pdf_document(_deflate(chunks()), title="Stream bomb")


def pdf_text(text: str, *, title: str) -> bytes:
    """An ordinary one-page PDF that prints ``text`` (ASCII, no parentheses) on one line."""
    content = b"BT /F1 11 Tf 72 720 Td (" + text.encode("ascii") + b") Tj ET\n"
    return pdf_document(zlib.compress(content), title=title)


TEXT_BOMB_SHOW = b"(Lorem ipsum dolor sit amet) Tj\n"


def pdf_text_bomb(shows: int = 10_000_000) -> bytes:
    """A one-page PDF whose content stream shows a short string ``shows`` times (one Tj
    operator each, all in one text object): millions of characters on one page."""
    head = b"BT /F1 1 Tf 0 0 Td\n"

    def chunks() -> Iterator[bytes]:
        yield head
        yield from _repeat(TEXT_BOMB_SHOW, len(TEXT_BOMB_SHOW) * shows)
        yield b"ET\n"

    return pdf_document(_deflate(chunks()), title="Text bomb")


_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOC_HEAD = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W_NS}">'
    "<w:body>"
).encode()
_DOC_TAIL = b"</w:body></w:document>"
DOCX_PARAGRAPH = (
    b'<w:p><w:r><w:t xml:space="preserve">Lorem ipsum dolor sit amet, consectetur adipiscing '
    b"elit. </w:t></w:r></w:p>"
)


def _docx(path: Path, body: Iterator[bytes]) -> None:
    """Write a minimal .docx (content types, package relationships, the document part)
    whose word/document.xml is ``body``, streamed into the zip."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            for chunk in body:
                part.write(chunk)


def docx_bomb(path: Path, unpacked: int = 240_000_000) -> None:
    """A .docx of about 800 KB whose word/document.xml unpacks to about ``unpacked`` bytes of
    short paragraphs (under the 256 MiB a .docx reader might allow for all its parts)."""

    def body() -> Iterator[bytes]:
        yield _DOC_HEAD
        count = (unpacked - len(_DOC_HEAD) - len(_DOC_TAIL)) // len(DOCX_PARAGRAPH)
        yield from _repeat(DOCX_PARAGRAPH, count * len(DOCX_PARAGRAPH))
        yield _DOC_TAIL

    _docx(path, body())


def docx_truncated(path: Path) -> None:
    """A .docx whose word/document.xml stops in the middle of a tag."""
    whole = _DOC_HEAD + DOCX_PARAGRAPH * 3 + _DOC_TAIL
    cut = whole.index(b"<w:t", len(_DOC_HEAD) + len(DOCX_PARAGRAPH)) + 3  # inside "<w:t ..."
    _docx(path, iter([whole[:cut]]))


def docx_small(path: Path) -> None:
    """A well-formed .docx with three paragraphs (to check the writer itself)."""
    _docx(path, iter([_DOC_HEAD + DOCX_PARAGRAPH * 3 + _DOC_TAIL]))


def large_html_chunk() -> bytes:
    """One MiB of an HTML page's paragraphs, repeated to make a body of any size."""
    paragraph = b"<p>Filler paragraph of a very long page: lorem ipsum dolor sit amet.</p>\n"
    return paragraph * (MIB // len(paragraph))
