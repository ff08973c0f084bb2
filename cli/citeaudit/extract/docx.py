"""Text of a Word .docx file (python-docx): paragraphs, tables, headers and footers, pages.

A .docx has no fixed pages: Word lays them out when it opens the file. Two things in the
XML still mark pages: explicit page breaks (``<w:br w:type="page"/>``, "page break before",
a section break that starts a new page) and the breaks Word recorded where it last laid the
file out (``<w:lastRenderedPageBreak/>``). Where either is present the text is split into
pages at them; otherwise it is one unpaged page, and page locators are only approximate.
Headings (by paragraph style or outline level) are kept so a section locator can be checked.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree  # type: ignore[import-untyped]

from citeaudit.extract.base import Extraction, Heading, Page, PageBasis
from citeaudit.extract.html import out_of_memory

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_HEADING_NAME = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)
#: Largest total uncompressed size of the parts of a .docx we open (a zip bomb guard):
#: python-docx reads every part into memory.
MAX_UNPACKED = 256 * 1024 * 1024
#: Largest total uncompressed size of its XML parts, which lxml parses into a tree of up to
#: eighteen times their size: a book of a thousand pages has a few megabytes of XML.
MAX_XML = 16 * 1024 * 1024
#: Most parts in one package.
MAX_PARTS = 10_000

NOTE_NO_PAGES = (
    "the .docx records no page breaks: page locators in a .docx are approximate, so they "
    "were not checked (a section locator is checked by its heading)"
)
NOTE_BREAKS = (
    "pages counted from the .docx's explicit page breaks; a page that runs over is not "
    "seen, so a passage may lie on a later page than counted"
)
NOTE_RENDERED = "pages as Word last laid the .docx out (its recorded page breaks)"


class _Pages:
    """Text split into pages as the walk meets page breaks."""

    def __init__(self) -> None:
        self.pages: list[list[str]] = [[]]
        self.length = 0  # characters on the current page
        self.rendered = 0
        self.explicit = 0
        self._after_explicit = False

    def text(self, value: str) -> None:
        if value:
            self.pages[-1].append(value)
            self.length += len(value)
            if value.strip():
                self._after_explicit = False

    def page_break(self, *, rendered: bool) -> None:
        if rendered and self._after_explicit:
            return  # Word records the break it laid out after an explicit one: count it once
        if rendered:
            self.rendered += 1
        else:
            self.explicit += 1
            self._after_explicit = True
        self.pages.append([])
        self.length = 0

    def values(self) -> list[str]:
        return ["".join(parts).rstrip("\n") for parts in self.pages]


#: What python-docx raises for a file that is not a whole .docx.
DOCX_ERRORS = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError)


def _heading_styles(doc: DocxDocument) -> dict[str, int]:
    levels: dict[str, int] = {}
    try:
        for style in doc.styles:
            if style.type != WD_STYLE_TYPE.PARAGRAPH:
                continue
            name = (style.name or "").strip()
            match = _HEADING_NAME.match(name)
            if match:
                levels[style.style_id] = int(match.group(1))
            elif name.lower() == "title":
                levels[style.style_id] = 1
    except (KeyError, ValueError, AttributeError):
        pass
    return levels


def _paragraph_info(p: Any, styles: dict[str, int]) -> tuple[int | None, bool, bool]:
    """(heading level or None, page break before, section break after) of a ``w:p``."""
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        return None, False, False
    level: int | None = None
    style = ppr.find(f"{_W}pStyle")
    if style is not None:
        level = styles.get(style.get(f"{_W}val", ""))
    outline = ppr.find(f"{_W}outlineLvl")
    if level is None and outline is not None:
        value = outline.get(f"{_W}val", "9")
        level = int(value) + 1 if value.isdigit() and int(value) < 9 else None
    before = ppr.find(f"{_W}pageBreakBefore")
    break_before = before is not None and before.get(f"{_W}val", "true") not in ("0", "false")
    sect = ppr.find(f"{_W}sectPr")
    section_break = False
    if sect is not None:
        kind = sect.find(f"{_W}type")
        section_break = kind is None or kind.get(f"{_W}val") not in ("continuous",)
    return level, break_before, section_break


def _walk(root: Any, styles: dict[str, int], out: _Pages, headings: list[Heading]) -> None:
    """Text of ``root`` in document order, into ``out``, noting headings and page breaks."""
    paragraph: list[str] = []
    info: tuple[int | None, bool, bool] = (None, False, False)
    heading_at: tuple[int, int] = (0, 0)
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            if tag == _MC_FALLBACK:
                walker.skip_subtree()  # the same content again, for old readers
            elif tag == f"{_W}p":
                info = _paragraph_info(element, styles)
                if info[1] and out.length:
                    out.page_break(rendered=False)
                paragraph = []
                heading_at = (len(out.pages) - 1, out.length)
            elif tag == f"{_W}t" and element.text:
                out.text(element.text)
                paragraph.append(element.text)
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                out.text(" ")
                paragraph.append(" ")
            elif tag == f"{_W}br":
                if element.get(f"{_W}type") == "page":
                    out.page_break(rendered=False)
                elif element.get(f"{_W}type") != "column":
                    out.text("\n")
            elif tag == f"{_W}cr":
                out.text("\n")
            elif tag == f"{_W}lastRenderedPageBreak":
                out.page_break(rendered=True)
            elif tag == f"{_W}noBreakHyphen":
                out.text("-")
                paragraph.append("-")
            elif tag == f"{_W}softHyphen":
                out.text("\u00ad")
        elif tag == f"{_W}p":
            level, _, section_break = info
            text = " ".join("".join(paragraph).split())
            if level is not None and text:
                headings.append(Heading(heading_at[0], heading_at[1], text, level))
            out.text("\n")
            if section_break:
                out.page_break(rendered=False)
            info = (None, False, False)
            paragraph = []


def _furniture(doc: DocxDocument, styles: dict[str, int]) -> str:
    """Text of the headers and footers, each once."""
    lines: list[str] = []
    for section in doc.sections:
        parts = [section.header, section.footer]
        if section.different_first_page_header_footer:
            parts += [section.first_page_header, section.first_page_footer]
        parts += [section.even_page_header, section.even_page_footer]
        for part in parts:
            if part.is_linked_to_previous:
                continue
            out = _Pages()
            _walk(part._element, styles, out, [])
            for page in out.values():
                lines.extend(line for line in page.split("\n") if line.strip())
    return "\n".join(dict.fromkeys(" ".join(line.split()) for line in lines))


def _too_big(content: bytes) -> str | None:
    """Why the package is not opened, read from its central directory alone (the sizes
    each part declares, which bound what unpacking it yields), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            parts = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return f"cannot read the .docx file: {exc}"
    if len(parts) > MAX_PARTS:
        return f"the .docx holds {len(parts):,} parts, over the {MAX_PARTS:,} part limit"
    unpacked = sum(info.file_size for info in parts)
    if unpacked > MAX_UNPACKED:
        return f"the .docx unpacks to {unpacked:,} bytes, over the {MAX_UNPACKED:,} byte limit"
    xml = sum(info.file_size for info in parts if info.filename.lower().endswith((".xml", ".rels")))
    if xml > MAX_XML:
        return (
            f"the .docx's XML unpacks to {xml:,} bytes, over the {MAX_XML:,} byte limit "
            "(a zip bomb, or a document too large to read)"
        )
    return None


def extract_docx(content: bytes) -> Extraction:
    """Extract the text, page by page where the file records pages."""
    problem = _too_big(content)
    if problem:
        return Extraction(kind="docx", pages=(), note=problem)
    try:
        doc = Document(io.BytesIO(content))
    except DOCX_ERRORS as exc:
        if isinstance(exc, etree.XMLSyntaxError) and out_of_memory(exc):
            raise MemoryError from exc
        return Extraction(kind="docx", pages=(), note=f"cannot read the .docx file: {exc}")
    styles = _heading_styles(doc)
    out = _Pages()
    headings: list[Heading] = []
    _walk(doc.element.body, styles, out, headings)
    texts = out.values()
    furniture = _furniture(doc, styles)
    top = len(furniture) + 1 if furniture else 0
    if furniture:
        texts[0] = f"{furniture}\n{texts[0]}"
        headings = [
            Heading(h.page, h.offset + top, h.text, h.level) if h.page == 0 else h for h in headings
        ]
    basis: PageBasis = "rendered" if out.rendered else "breaks" if out.explicit else "none"
    note = {"rendered": NOTE_RENDERED, "breaks": NOTE_BREAKS, "none": NOTE_NO_PAGES}[basis]
    pages = tuple(
        Page(number=i + 1, label=str(i + 1), text=text, margins=(top, 0) if i == 0 else (0, 0))
        for i, text in enumerate(texts)
    )
    return Extraction(
        kind="docx",
        pages=pages,
        title=doc.core_properties.title or None,
        paged=basis != "none",
        note=note,
        headings=tuple(headings),
        page_basis=basis,
    )
