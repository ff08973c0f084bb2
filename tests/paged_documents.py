"""Documents with pages, made by the tests: PDFs laid out line by line (fpdf2) with running
headers, page labels and hyphenated lines, image-only PDFs, and .docx files (python-docx)
with headings, tables, headers, footers and page breaks of both kinds."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.oxml import OxmlElement
from fpdf import FPDF
from PIL import Image


class _Pdf(FPDF):
    def __init__(self, header_text: str | None, footer_text: str | None) -> None:
        super().__init__()
        self.header_text = header_text
        self.footer_text = footer_text
        self.set_auto_page_break(False)

    def header(self) -> None:
        if self.header_text:
            self.set_font("helvetica", size=9)
            self.cell(0, 6, self.header_text, new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        if self.footer_text:
            self.set_y(-15)
            self.set_font("helvetica", size=9)
            self.cell(0, 6, self.footer_text.format(n=self.page_no()), align="C")


def pdf_lines(
    pages: Sequence[Sequence[str]],
    *,
    header: str | None = None,
    footer: str | None = None,
    labels: Sequence[tuple[int, str, int]] = (),
    title: str | None = None,
) -> bytes:
    """A PDF with these lines on these pages, each line exactly as given (so a line may end
    in a hyphen). ``footer`` may hold ``{n}`` for the page number; ``labels`` starts a page
    label range at a page index: (index, style "D"/"r"/"R"/"a"/"A", first number)."""
    pdf = _Pdf(header, footer)
    if title:
        pdf.set_title(title)
    starts = {index: (style, first) for index, style, first in labels}
    for index, lines in enumerate(pages):
        pdf.add_page()
        if index in starts:
            style, first = starts[index]
            pdf.set_page_label(label_style=style, label_start=first)
        pdf.set_font("helvetica", size=11)
        for line in lines:
            pdf.cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def image_pdf(pages: int = 2) -> bytes:
    """A PDF of pictures only, like a scan: no text layer at all."""
    picture = Image.new("RGB", (120, 60), (240, 240, 240))
    for x in range(10, 110):
        picture.putpixel((x, 30), (0, 0, 0))
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(picture, x=20, y=20, w=120)
    return bytes(pdf.output())


Block = tuple[str, object]


def docx_blocks(
    blocks: Sequence[Block], *, header: str | None = None, footer: str | None = None
) -> bytes:
    """A .docx from blocks: ("h1".."h3", text) headings, ("p", text) paragraphs,
    ("break", None) an explicit page break, ("rendered", text) a paragraph that Word laid
    out at the top of a new page (a ``w:lastRenderedPageBreak`` before it), ("table",
    rows) a table."""
    doc = Document()
    for kind, value in blocks:
        if kind.startswith("h"):
            doc.add_heading(str(value), level=int(kind[1:]))
        elif kind == "p":
            doc.add_paragraph(str(value))
        elif kind == "break":
            doc.add_page_break()
        elif kind == "rendered":
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(str(value))
            run._r.insert(0, OxmlElement("w:lastRenderedPageBreak"))
        elif kind == "table":
            rows = value
            assert isinstance(rows, list)
            grid = doc.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    grid.cell(r, c).text = cell
        else:
            raise ValueError(kind)
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if footer:
        doc.sections[0].footer.paragraphs[0].text = footer
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
