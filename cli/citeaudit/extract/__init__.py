"""Text of a snapshot, page by page, whatever its format; and the one reading of an HTML page.

The extractor works on bytes already fetched (and archived), never on a URL, so a verdict
is always reached on the same bytes that were kept as evidence. A run reads each document
in a worker process within limits (:class:`Extractor`, :class:`ExtractLimits`), so a
hostile document costs only itself. Naming the data types (:mod:`~citeaudit.extract.base`,
:mod:`~citeaudit.extract.limits`) loads no extractor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.extract.base import Anchor as Anchor
    from citeaudit.extract.base import Extraction as Extraction
    from citeaudit.extract.base import Heading as Heading
    from citeaudit.extract.base import Layout as Layout
    from citeaudit.extract.base import Page as Page
    from citeaudit.extract.base import PageBasis as PageBasis
    from citeaudit.extract.docx import DOCX_ERRORS as DOCX_ERRORS
    from citeaudit.extract.html import Blocks as Blocks
    from citeaudit.extract.html import HtmlPage as HtmlPage
    from citeaudit.extract.html import read_html as read_html
    from citeaudit.extract.isolated import Extractor as Extractor
    from citeaudit.extract.isolated import Reading as Reading
    from citeaudit.extract.limits import DEFAULT_MEMORY as DEFAULT_MEMORY
    from citeaudit.extract.limits import DEFAULT_TIMEOUT as DEFAULT_TIMEOUT
    from citeaudit.extract.limits import ExtractLimits as ExtractLimits
    from citeaudit.extract.limits import cap_memory as cap_memory
    from citeaudit.extract.limits import describe as describe
    from citeaudit.extract.limits import megabytes as megabytes
    from citeaudit.extract.sniff import detect_kind as detect_kind
    from citeaudit.extract.sniff import extract as extract

exports(
    globals(),
    {
        "base": ("Anchor", "Extraction", "Heading", "Layout", "Page", "PageBasis"),
        "docx": ("DOCX_ERRORS",),
        "html": ("Blocks", "HtmlPage", "read_html"),
        "isolated": ("Extractor", "Reading"),
        "limits": (
            "DEFAULT_MEMORY",
            "DEFAULT_TIMEOUT",
            "ExtractLimits",
            "cap_memory",
            "describe",
            "megabytes",
        ),
        "sniff": ("detect_kind", "extract"),
    },
)
