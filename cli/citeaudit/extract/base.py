"""The plain data every extractor returns: pages, headings, anchors, and a searchable layout."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

#: How far page numbers can be trusted: ``printed`` (a PDF: its page labels, else physical
#: pages), ``rendered`` (a .docx with the page breaks Word recorded when it last laid the file
#: out), ``breaks`` (a .docx with explicit page breaks only: a page that runs over is not seen,
#: so a counted page number is a lower bound), ``none`` (one page: HTML, text, a .docx
#: without breaks).
PageBasis = Literal["printed", "rendered", "breaks", "none"]


@dataclass(frozen=True)
class Page:
    """One page of text: a PDF page, or the whole of a document without pages.

    ``label`` is the page number as printed where the format knows it (PDF page labels),
    else the physical page number; ``number`` is always the 1-based physical position.
    ``margins`` counts the characters at the top and the bottom of ``text`` that are a
    running header or footer (repeated on most pages), left out when pages are joined so a
    passage that crosses a page boundary reads on.
    """

    number: int
    label: str
    text: str
    margins: tuple[int, int] = (0, 0)

    @property
    def body(self) -> str:
        """The text without its running header and footer."""
        top, bottom = self.margins
        return self.text[top : len(self.text) - bottom]


@dataclass(frozen=True)
class Heading:
    """A heading, at a place in a page's text: for saying which section a passage is in."""

    page: int  # index into Extraction.pages
    offset: int  # in that page's text, where the heading's own text starts
    text: str
    level: int = 1
    anchor: str | None = None  # the heading's element id, for a #id link


@dataclass(frozen=True)
class Anchor:
    """An element id at a place in a page's text (HTML), for a deep link by #id."""

    page: int
    offset: int
    id: str


@dataclass(frozen=True)
class Layout:
    """Pages joined into one searchable text, with the way back to each page.

    Page ``i`` occupies ``text[starts[i]:]`` up to the next start (less the joining
    newline), and its first character there is ``pages[i].text[skips[i]]``.
    """

    text: str
    starts: tuple[int, ...]
    skips: tuple[int, ...]

    def page_index(self, offset: int) -> int:
        """Index of the page that holds ``offset`` of :attr:`text`."""
        return max(0, bisect_right(self.starts, offset) - 1)

    def locate(self, offset: int) -> tuple[int, int]:
        """``(page index, offset in that page's text)`` for an offset of :attr:`text`."""
        index = self.page_index(offset)
        return index, offset - self.starts[index] + self.skips[index]


@dataclass(frozen=True)
class Extraction:
    """The text of one snapshot.

    ``paged`` says whether page locators can be checked against it (PDF yes, HTML no);
    ``page_basis`` says how far. ``note`` explains anything a reader should know (an
    unsupported format, a scan, approximate pages). ``main_text`` is the page's main content
    (HTML only): an extra view for suggesting passages, never the only text searched, since
    it drops asides and captions.
    """

    kind: str
    pages: tuple[Page, ...]
    title: str | None = None
    paged: bool = False
    note: str | None = None
    headings: tuple[Heading, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    page_basis: PageBasis = "none"
    main_view: Callable[[], str | None] | None = field(default=None, repr=False, compare=False)

    @cached_property
    def main_text(self) -> str | None:
        """The main content, extracted only when first asked for (it is slow)."""
        return self.main_view() if self.main_view is not None else None

    @property
    def has_text(self) -> bool:
        """Whether there is any text to search (a scanned PDF has none)."""
        return any(page.text.strip() for page in self.pages)

    @property
    def text(self) -> str:
        """All pages joined, for searches that do not care about pages."""
        return "\n".join(page.text for page in self.pages)

    @cached_property
    def label_index(self) -> dict[str, list[int]]:
        """Each printed page label, and the indexes of the pages that carry it."""
        found: dict[str, list[int]] = {}
        for index, page in enumerate(self.pages):
            found.setdefault(page.label, []).append(index)
        return found

    @cached_property
    def body_layout(self) -> Layout:
        """Pages joined without running headers and footers: where quotes are sought."""
        return _join(self.pages, bodies=True)

    @cached_property
    def full_layout(self) -> Layout:
        """Pages joined as extracted, headers and footers included."""
        return _join(self.pages, bodies=False)


def _join(pages: tuple[Page, ...], *, bodies: bool) -> Layout:
    parts: list[str] = []
    starts: list[int] = []
    skips: list[int] = []
    position = 0
    for page in pages:
        part = page.body if bodies else page.text
        starts.append(position)
        skips.append(page.margins[0] if bodies else 0)
        parts.append(part)
        position += len(part) + 1
    return Layout("\n".join(parts), tuple(starts), tuple(skips))
