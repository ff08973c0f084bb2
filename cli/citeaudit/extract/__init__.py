"""Text of a snapshot, page by page, whatever its format.

The extractor works on bytes already fetched (and archived), never on a URL, so a verdict
is always reached on the same bytes that were kept as evidence.
"""

from __future__ import annotations

from citeaudit.extract.base import Anchor, Extraction, Heading, Layout, Page, PageBasis
from citeaudit.extract.sniff import detect_kind, extract

__all__ = [
    "Anchor",
    "Extraction",
    "Heading",
    "Layout",
    "Page",
    "PageBasis",
    "detect_kind",
    "extract",
]
