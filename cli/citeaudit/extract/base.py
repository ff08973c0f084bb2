"""The plain data every extractor returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of text: a PDF page, or the whole of a document without pages.

    ``label`` is the page number as printed where the format knows it (PDF page labels),
    else the physical page number; ``number`` is always the 1-based physical position.
    """

    number: int
    label: str
    text: str


@dataclass(frozen=True)
class Extraction:
    """The text of one snapshot.

    ``paged`` says whether page locators can be checked against it (PDF yes, HTML no).
    ``note`` explains anything a reader should know (an unsupported format, a scan).
    """

    kind: str
    pages: tuple[Page, ...]
    title: str | None = None
    paged: bool = False
    note: str | None = None

    @property
    def has_text(self) -> bool:
        """Whether there is any text to search (a scanned PDF has none)."""
        return any(page.text.strip() for page in self.pages)

    @property
    def text(self) -> str:
        """All pages joined, for searches that do not care about pages."""
        return "\n".join(page.text for page in self.pages)
