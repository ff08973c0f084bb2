"""Text of a PDF, page by page (pypdfium2), with the page labels the PDF prints."""

from __future__ import annotations

import pypdfium2 as pdfium

from citeaudit.extract.base import Extraction, Page


def extract_pdf(content: bytes) -> Extraction:
    """Extract each page's text; a PDF with no text layer yields pages with empty text."""
    try:
        pdf = pdfium.PdfDocument(content)
    except pdfium.PdfiumError as exc:
        return Extraction(kind="pdf", pages=(), paged=True, note=f"cannot read the PDF: {exc}")
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            textpage.close()
            page.close()
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            pages.append(Page(number=index + 1, label=str(index + 1), text=text))
        title = pdf.get_metadata_dict().get("Title") or None
    finally:
        pdf.close()
    extraction = Extraction(kind="pdf", pages=tuple(pages), title=title, paged=True)
    if pages and not extraction.has_text:
        return Extraction(
            kind="pdf",
            pages=tuple(pages),
            title=title,
            paged=True,
            note="the PDF has no text layer (a scan or images)",
        )
    return extraction
