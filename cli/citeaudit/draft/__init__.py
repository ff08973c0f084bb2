"""Drafting: a document (text, Markdown, HTML, .docx, PDF) read for its citations, and a
sources file drafted from them: a source per document cited, a claim per cited sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.draft.model import Block as Block
    from citeaudit.draft.model import DocumentText as DocumentText
    from citeaudit.draft.model import InlineLink as InlineLink
    from citeaudit.draft.model import Marker as Marker
    from citeaudit.draft.model import Reference as Reference

exports(
    globals(),
    {
        "model": ("Block", "DocumentText", "InlineLink", "Marker", "Reference"),
    },
)
