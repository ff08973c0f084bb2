"""Real documents made by the tests: PDFs (fpdf2) and .docx files (python-docx)."""

from __future__ import annotations

import io

from docx import Document
from fpdf import FPDF


def make_pdf(pages: list[str], *, title: str | None = None) -> bytes:
    """A PDF with one page per string, each page's text in a real text layer."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def make_docx(paragraphs: list[str], *, table: list[list[str]] | None = None) -> bytes:
    """A .docx with these paragraphs and, optionally, a table after them."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def html_page(title: str, body: str) -> str:
    """A small HTML page."""
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>p {{ color: red }}</style><script>var x = 'not text';</script></head>"
        f"<body>{body}</body></html>"
    )
