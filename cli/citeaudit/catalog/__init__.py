"""The catalog: a sources file read and checked (every problem at once, as ``FILE:LINE:COL``)
into the frozen models every later stage reads: document, sources, claims, evidence; and
whether each local file it names can be read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.catalog.entries import SLUG as SLUG
    from citeaudit.catalog.entries import Catalog as Catalog
    from citeaudit.catalog.entries import Claim as Claim
    from citeaudit.catalog.entries import Document as Document
    from citeaudit.catalog.entries import Evidence as Evidence
    from citeaudit.catalog.entries import Locator as Locator
    from citeaudit.catalog.entries import Source as Source
    from citeaudit.catalog.entries import Span as Span
    from citeaudit.catalog.entries import check_url as check_url
    from citeaudit.catalog.localfiles import MAX_LOCAL_FILE as MAX_LOCAL_FILE
    from citeaudit.catalog.localfiles import local_file_name as local_file_name
    from citeaudit.catalog.localfiles import local_file_problem as local_file_problem
    from citeaudit.catalog.localfiles import read_local_file as read_local_file
    from citeaudit.catalog.reader import MAX_BYTES as MAX_BYTES
    from citeaudit.catalog.reader import load_catalog as load_catalog
    from citeaudit.catalog.reader import parse_catalog as parse_catalog
    from citeaudit.catalog.reader import read_sources_file as read_sources_file

exports(
    globals(),
    {
        "entries": (
            "SLUG",
            "Catalog",
            "Claim",
            "Document",
            "Evidence",
            "Locator",
            "Source",
            "Span",
            "check_url",
        ),
        "localfiles": (
            "MAX_LOCAL_FILE",
            "local_file_name",
            "local_file_problem",
            "read_local_file",
        ),
        "reader": ("MAX_BYTES", "load_catalog", "parse_catalog", "read_sources_file"),
    },
)
