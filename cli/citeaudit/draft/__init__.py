"""Drafting: a document (text, Markdown, HTML, .docx, PDF) read for its citations, and a
sources file drafted from them: a source per document cited, a claim per cited sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.draft.compose import Draft as Draft
    from citeaudit.draft.compose import draft_sources as draft_sources
    from citeaudit.draft.drafting import draft_file as draft_file
    from citeaudit.draft.drafting import draft_url as draft_url
    from citeaudit.draft.drafting import is_document as is_document
    from citeaudit.draft.drafting import is_url as is_url
    from citeaudit.draft.model import Block as Block
    from citeaudit.draft.model import DocumentText as DocumentText
    from citeaudit.draft.model import InlineLink as InlineLink
    from citeaudit.draft.model import Marker as Marker
    from citeaudit.draft.model import Reference as Reference
    from citeaudit.draft.reading import read_document as read_document

exports(
    globals(),
    {
        "compose": ("Draft", "draft_sources"),
        "drafting": ("draft_file", "draft_url", "is_document", "is_url"),
        "model": ("Block", "DocumentText", "InlineLink", "Marker", "Reference"),
        "reading": ("read_document",),
    },
)
