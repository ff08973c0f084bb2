"""Text of a Word .docx file (python-docx): paragraphs and tables, in document order."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from citeaudit.extract.base import Extraction, Page


def _lines(doc: DocxDocument) -> list[str]:
    lines: list[str] = []
    for block in doc.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                lines.append(" | ".join(cells))
    return lines


def extract_docx(content: bytes) -> Extraction:
    """Extract the whole text; a .docx has no reliable pages, so it is one unpaged page."""
    try:
        doc = Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        return Extraction(kind="docx", pages=(), note=f"cannot read the .docx file: {exc}")
    text = "\n".join(line for line in _lines(doc) if line.strip())
    title = doc.core_properties.title or None
    return Extraction(
        kind="docx",
        pages=(Page(number=1, label="1", text=text),),
        title=title,
        note="page locators in a .docx are approximate and were not checked",
    )
