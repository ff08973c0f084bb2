"""Reading a PDF for its citations (pypdfium2): lines from the characters' positions,
superscript markers from their size and height, and link annotations on the text under them.

A PDF's text layer has no paragraphs, lists or headings: only characters with boxes. The
lines are rebuilt here from where the characters sit (pdfium breaks a line at every
superscript), paragraph breaks come from vertical gaps, and the rest is read as plain text
(:mod:`citeaudit.draft.plaintext`), with the reference list's line breaks kept so a URL
broken across lines can be put back together.
"""

from __future__ import annotations

import ctypes
import re
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from citeaudit.draft.markers import label_list
from citeaudit.draft.model import DocumentText
from citeaudit.draft.plaintext import Line, read_lines
from citeaudit.errors import DocumentError
from citeaudit.extract.pdf import MAX_PAGES, running_margins

#: A character is a superscript when its font is at most this share of the line's and its
#: baseline is raised by at least the second share of the line's font size.
SUPERSCRIPT_SIZE = 0.85
SUPERSCRIPT_RISE = 0.2
#: A baseline this far (in the line's font sizes) from the line's starts a new line.
LINE_SHIFT = 0.55
#: Lines further apart than this many times a page's usual spacing have a paragraph between.
GAP_FACTOR = 1.2
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
_SUPER_CHARS = frozenset("0123456789,-–")
_ENDS_SENTENCE = re.compile(r"[.!?:”\"’]\s*$")
_HINT_OTHER = "or give the document in another format (.docx, HTML, Markdown or text)"


@dataclass
class _Char:
    text: str
    x: float  # origin: left end of the baseline
    y: float
    size: float
    box: tuple[float, float, float, float]  # left, bottom, right, top


@dataclass
class _Row:
    """A line being built: its characters and its baseline."""

    chars: list[_Char]
    baseline: float
    size: float


def _chars(textpage: pdfium.PdfTextPage) -> list[_Char]:
    """The page's characters in pdfium's order, generated line breaks left out (lines are
    rebuilt from positions), a hyphen pdfium marks as ending a line given back as "-"."""
    handle = textpage.raw
    count = pdfium_c.FPDFText_CountChars(handle)
    x, y = ctypes.c_double(), ctypes.c_double()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    chars: list[_Char] = []
    pending_high: int | None = None
    for index in range(max(count, 0)):
        code = pdfium_c.FPDFText_GetUnicode(handle, index)
        if 0xD800 <= code < 0xDC00:
            pending_high = code
            continue
        if 0xDC00 <= code < 0xE000 and pending_high is not None:
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = None
        generated = pdfium_c.FPDFText_IsGenerated(handle, index) == 1
        if code in (0x0D, 0x0A) or (generated and code not in (0x20, 0x02)):
            continue
        text = "-" if code in (0x02, 0xFFFE) else chr(code)
        pdfium_c.FPDFText_GetCharOrigin(handle, index, x, y)
        pdfium_c.FPDFText_GetCharBox(handle, index, left, right, bottom, top)
        size = float(pdfium_c.FPDFText_GetFontSize(handle, index))
        box = (left.value, bottom.value, right.value, top.value)
        chars.append(_Char(text, x.value, y.value, size, box))
    return chars


def _rows(chars: list[_Char]) -> list[_Row]:
    """Characters grouped into lines by their baselines: a superscript, raised by less
    than half a line, stays on its line."""
    rows: list[_Row] = []
    for char in chars:
        if char.text.isspace():
            if rows:
                rows[-1].chars.append(char)
            continue
        row = rows[-1] if rows else None
        if row is None or abs(char.y - row.baseline) > LINE_SHIFT * max(row.size, char.size):
            rows.append(_Row([char], char.y, char.size))
            continue
        if char.size > row.size * SUPERSCRIPT_SIZE and char.size >= row.size:
            row.baseline, row.size = char.y, char.size  # the line's own text sets its baseline
        row.chars.append(char)
    return rows


def _row_text(row: _Row) -> tuple[str, list[int]]:
    """A row's text (a space where a generated line break cut two words apart) and the
    index in ``row.chars`` of each character of it."""
    parts: list[str] = []
    origin: list[int] = []
    previous: _Char | None = None
    for index, char in enumerate(row.chars):
        if (
            previous is not None
            and not previous.text.isspace()
            and not char.text.isspace()
            and char.box[0] - previous.box[2] > 0.25 * row.size
        ):
            parts.append(" ")
            origin.append(index)
        parts.append(char.text)
        origin.append(index)
        previous = char
    text = "".join(parts)
    stripped = text.rstrip()
    return stripped, origin[: len(stripped)]


def _superscripts(row: _Row, text: str, origin: list[int]) -> list[tuple[int, int, str]]:
    """Runs of small raised digits in a row, read as markers (start, end, label)."""
    found: list[tuple[int, int, str]] = []
    start: int | None = None

    def raised(position: int) -> bool:
        char = row.chars[origin[position]]
        return (
            text[position] in _SUPER_CHARS
            and char.size <= row.size * SUPERSCRIPT_SIZE
            and char.y - row.baseline >= SUPERSCRIPT_RISE * row.size
        )

    for position in range(len(text) + 1):
        if position < len(text) and raised(position):
            if start is None:
                start = position
            continue
        if start is not None and start > 0 and not text[start - 1].isspace():
            found += [(start, position, n) for n in label_list(text[start:position]) or ()]
        start = None
    return found


def _links(page: pdfium.PdfPage, pdf: pdfium.PdfDocument) -> list[tuple[str, tuple[float, ...]]]:
    """The page's link annotations that open a URI: (URI, rect), in the page's order."""
    links: list[tuple[str, tuple[float, ...]]] = []
    count = pdfium_c.FPDFPage_GetAnnotCount(page.raw)
    for index in range(max(count, 0)):
        annot = pdfium_c.FPDFPage_GetAnnot(page.raw, index)
        if not annot:
            continue
        try:
            if pdfium_c.FPDFAnnot_GetSubtype(annot) != pdfium_c.FPDF_ANNOT_LINK:
                continue
            link = pdfium_c.FPDFAnnot_GetLink(annot)
            action = pdfium_c.FPDFLink_GetAction(link) if link else None
            if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
                continue
            size = pdfium_c.FPDFAction_GetURIPath(pdf.raw, action, None, 0)
            if size <= 1:
                continue
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFAction_GetURIPath(pdf.raw, action, buffer, size)
            uri = buffer.raw[: size - 1].decode("utf-8", "replace").strip()
            rect = pdfium_c.FS_RECTF()
            if uri and pdfium_c.FPDFAnnot_GetRect(annot, rect):
                box = (
                    min(rect.left, rect.right),
                    min(rect.bottom, rect.top),
                    max(rect.left, rect.right),
                    max(rect.bottom, rect.top),
                )
                links.append((uri, box))
        finally:
            pdfium_c.FPDFPage_CloseAnnot(annot)
    return links


def _link_spans(
    row: _Row, text: str, origin: list[int], links: list[tuple[str, tuple[float, ...]]]
) -> list[tuple[int, int, str]]:
    """The spans of a row's text under each link annotation."""
    spans: list[tuple[int, int, str]] = []
    for uri, (left, bottom, right, top) in links:
        inside = [
            position
            for position, index in enumerate(origin)
            if not text[position].isspace()
            and left - 1 <= (row.chars[index].box[0] + row.chars[index].box[2]) / 2 <= right + 1
            and bottom - 1 <= (row.chars[index].box[1] + row.chars[index].box[3]) / 2 <= top + 1
        ]
        if inside:
            spans.append((inside[0], inside[-1] + 1, uri))
    return spans


def _page_lines(page: pdfium.PdfPage, pdf: pdfium.PdfDocument, number: int) -> list[Line]:
    textpage = page.get_textpage()
    try:
        rows = _rows(_chars(textpage))
    finally:
        textpage.close()
    links = _links(page, pdf)
    spacings = [a.baseline - b.baseline for a, b in zip(rows, rows[1:], strict=False)]
    usual = statistics.median([s for s in spacings if s > 0] or [0.0])
    lines: list[Line] = []
    for index, row in enumerate(rows):
        text, origin = _row_text(row)
        if not text.strip():
            continue
        gap = False
        if index:
            spacing = spacings[index - 1]
            gap = spacing <= 0 or spacing > GAP_FACTOR * max(usual, row.size)
        lines.append(
            Line(
                text,
                page=number,
                gap_before=gap,
                markers=tuple(_superscripts(row, text, origin)),
                links=tuple(_link_spans(row, text, origin, links)),
                size=row.size,
            )
        )
    return lines


@contextmanager
def _opened(data: bytes) -> Iterator[pdfium.PdfDocument]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise DocumentError(
                "the PDF is encrypted: it cannot be read without its password",
                hint=f"save an unprotected copy (open it and print it to a new PDF), {_HINT_OTHER}",
            ) from exc
        raise DocumentError(
            f"the PDF cannot be read ({exc})", hint=f"check the file is whole, {_HINT_OTHER}"
        ) from exc
    try:
        yield pdf
    finally:
        pdf.close()


def _without_margins(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without their running headers and footers, nor a page number alone at the
    top or bottom of a page."""
    margins = running_margins(["\n".join(line.text for line in lines) for lines in pages])
    kept: list[list[Line]] = []
    for lines, (top, bottom) in zip(pages, margins, strict=True):
        size = sum(len(line.text) + 1 for line in lines) - 1
        position = 0
        inside: list[Line] = []
        for line in lines:
            start, position = position, position + len(line.text) + 1
            if start >= top and start < size - bottom:
                inside.append(line)
        while inside and _PAGE_NUMBER.match(inside[-1].text.strip()):
            inside.pop()
        while inside and _PAGE_NUMBER.match(inside[0].text.strip()):
            inside.pop(0)
        kept.append(inside)
    return kept


def read_pdf(data: bytes) -> DocumentText:
    """Read a PDF's text layer for its citations; an encrypted PDF, one pdfium cannot open
    and one with no text at all (a scan) raise :class:`DocumentError`."""
    with _opened(data) as pdf:
        pages: list[list[Line]] = []
        count = len(pdf)
        for index in range(min(count, MAX_PAGES)):
            page = pdf[index]
            try:
                pages.append(_page_lines(page, pdf, index + 1))
            finally:
                page.close()
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
    if not any(line.text.strip() for lines in pages for line in lines):
        raise DocumentError(
            "the PDF has no text layer (a scan?): there is no text to read citations from",
            hint=f"run OCR on it first, {_HINT_OTHER}",
        )
    lines: list[Line] = []
    for lines_of_page in _without_margins(pages):
        for position, line in enumerate(lines_of_page):
            if position == 0 and lines:
                # A new page goes on with the paragraph unless the last one ended a sentence
                # or was set in another size (a title, then a chapter's heading).
                ended = bool(_ENDS_SENTENCE.search(lines[-1].text))
                sizes = (line.size, lines[-1].size)
                resized = None not in sizes and abs((line.size or 0) - (lines[-1].size or 0)) > 0.5
                line = replace(line, gap_before=ended or resized)
            lines.append(line)
    document = read_lines(lines, "pdf", keep_newlines=True, title=title)
    if count > MAX_PAGES:
        note = f"only the first {MAX_PAGES:,} pages of {count:,} were read"
        return replace(document, notes=(*document.notes, note))
    return document
