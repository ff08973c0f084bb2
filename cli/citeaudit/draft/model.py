"""A document's citations as read, before any drafting: plain data between the readers (one
per format) and the drafting that turns them into a sources file.

Every reader gives the same shape, so what a marker, a quotation or a reference means is
decided once, whatever the document was written in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: What a body block is: a paragraph, a block quotation, a heading, or a list item.
BlockKind = Literal["paragraph", "quote", "heading", "item"]
#: Which reader read the document.
DocumentKind = Literal["text", "markdown", "html", "docx", "pdf"]


@dataclass(frozen=True)
class Marker:
    """A citation marker in a block: the label of the reference it points to (``"3"``, or a
    footnote's label), and the span of the marker's own characters in the block's text,
    which a claim leaves out. A marker with no characters of its own in the text (a Word
    footnote reference, a superscript turned into the label) has ``start == end`` at the
    place it stands. ``[1-3]`` gives three markers with the same span."""

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class InlineLink:
    """A link in the body (HTML ``<a href>``, Markdown ``[text](url)``, a .docx hyperlink, a
    PDF link annotation over body text): its absolute URL, and the span of its text."""

    url: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A block of the body in reading order: its text as printed (a paragraph's line
    breaks as single spaces), what kind of block it is, its markers and links, and the
    page it starts on (PDF only; numbered from 1)."""

    text: str
    kind: BlockKind = "paragraph"
    markers: tuple[Marker, ...] = ()
    links: tuple[InlineLink, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class Reference:
    """An entry of the reference list (or a footnote or endnote): its label as the
    markers use it, its text verbatim (a PDF's line breaks kept as ``\\n``, so a URL broken
    across lines can be put back together; other readers give one line), and the URLs the
    document itself attaches to it as links (HTML hrefs, .docx hyperlinks, PDF link
    annotations), in order."""

    label: str
    text: str
    urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentText:
    """A document read for drafting: its body blocks (the reference list not among them),
    its references, the heading the reference list was under, the page's own URL when it
    came from the web or declares one (to tell a site's own menus from citations), and
    what the reader noticed that needs a person's eye."""

    kind: DocumentKind
    title: str | None
    blocks: tuple[Block, ...]
    references: tuple[Reference, ...] = ()
    reference_heading: str | None = None
    base_url: str | None = None
    notes: tuple[str, ...] = ()
