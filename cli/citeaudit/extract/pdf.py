"""Text of a PDF, page by page (pypdfium2), with the page labels the PDF prints.

pypdfium2 does both jobs: per-page text (fast, and it reports a hyphen that ends a line) and
the printed page labels (``/PageLabels``: "iv", "7", "A-3"), so no second PDF library is
needed. Running headers and footers are found here (the same line at the top or bottom of
most pages, page numbers aside) and marked as page margins, so a quote that crosses a page
boundary is not broken by them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pypdfium2 as pdfium

from citeaudit.extract.base import Extraction, Page

# pdfium reports a hyphen at the end of a line as U+0002 and joins the two lines; it is put
# back as printed (a hyphen and a line break), for quotes.normalise to mend the word.
_LINE_END_HYPHEN = "\x02"
_DIGITS = re.compile(r"\d+")
_ROMAN = re.compile(r"^[ivxlcdm]+$")
#: Lines examined at each end of a page for a running header or footer.
_EDGE_LINES = 3
#: A line is running when it recurs at a page's edge on at least this share of pages.
_RUNNING_SHARE = 0.3
_RUNNING_MIN_PAGES = 3
#: Most pages read of one PDF: a page tree can claim millions of pages for a few bytes.
MAX_PAGES = 20_000


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace(_LINE_END_HYPHEN, "-\n")


def _key(line: str) -> str:
    """A line with its numbers masked, so 'Page 7' and 'Page 8' are the same footer."""
    folded = " ".join(line.split()).lower()
    if _ROMAN.match(folded):
        return "#"
    return _DIGITS.sub("#", folded)


def _lines_with_offsets(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line."""
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def running_margins(texts: list[str]) -> list[tuple[int, int]]:
    """For each page, how many characters at its top and bottom are running lines."""
    lines = [_lines_with_offsets(text) for text in texts]
    with_text = sum(1 for spans in lines if spans)
    if with_text < _RUNNING_MIN_PAGES:
        return [(0, 0)] * len(texts)
    tops: Counter[str] = Counter()
    bottoms: Counter[str] = Counter()
    for text, spans in zip(texts, lines, strict=True):
        tops.update({_key(text[s:e]) for s, e in spans[:_EDGE_LINES]})
        bottoms.update({_key(text[s:e]) for s, e in spans[-_EDGE_LINES:]})
    needed = max(_RUNNING_MIN_PAGES, round(_RUNNING_SHARE * with_text))
    top_keys = {k for k, n in tops.items() if n >= needed}
    bottom_keys = {k for k, n in bottoms.items() if n >= needed}
    margins: list[tuple[int, int]] = []
    for text, spans in zip(texts, lines, strict=True):
        top = 0
        taken = 0
        for start, end in spans[:_EDGE_LINES]:
            if _key(text[start:end]) not in top_keys:
                break
            top = min(len(text), end + 1)
            taken += 1
        bottom_start = len(text)
        for start, end in reversed(spans[taken:][-_EDGE_LINES:]):
            if _key(text[start:end]) not in bottom_keys:
                break
            bottom_start = start
        margins.append((top, len(text) - max(bottom_start, top)))
    return margins


def _label(pdf: pdfium.PdfDocument, index: int) -> str:
    """The page's printed label (``/PageLabels``), else its physical number."""
    try:
        label = pdf.get_page_label(index)
    except (pdfium.PdfiumError, ValueError, UnicodeDecodeError):
        label = ""
    return " ".join(str(label).split()) or str(index + 1)


def _page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    """One page's text; a page pdfium cannot load (a damaged page tree) has none."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError:
        return ""
    try:
        textpage = page.get_textpage()
        try:
            return _clean(textpage.get_text_bounded())
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return ""
    finally:
        page.close()


def extract_pdf(content: bytes, *, max_chars: int | None = None) -> Extraction:
    """Extract each page's text; a PDF with no text layer yields pages with empty text.

    At most :data:`MAX_PAGES` pages are read, and none after the page on which the text
    reaches ``max_chars`` characters (the caller keeps no more), saying so in the note."""
    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        return Extraction(kind="pdf", pages=(), paged=True, note=f"cannot read the PDF: {exc}")
    stopped: str | None = None
    try:
        count = len(pdf)
        texts: list[str] = []
        labels: list[str] = []
        size = 0
        for index in range(count):
            if index == MAX_PAGES:
                stopped = f"only its first {MAX_PAGES:,} pages of {count:,} were read"
                break
            if max_chars is not None and size >= max_chars:
                stopped = f"only its first {index:,} pages of {count:,} were read"
                break
            texts.append(_page_text(pdf, index))
            labels.append(_label(pdf, index))
            size += len(texts[-1])
        title = pdf.get_metadata_dict().get("Title") or None
    finally:
        pdf.close()
    margins = running_margins(texts)
    pages = tuple(
        Page(number=i + 1, label=labels[i], text=texts[i], margins=margins[i])
        for i in range(len(texts))
    )
    extraction = Extraction(
        kind="pdf", pages=pages, title=title, paged=True, page_basis="printed", note=stopped
    )
    if pages and not extraction.has_text:
        note = "the PDF has no text layer (a scan or images)"
        return replace(extraction, note=f"{note}; {stopped}" if stopped else note)
    return extraction
