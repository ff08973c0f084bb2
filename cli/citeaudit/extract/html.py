"""Visible text of an HTML page (beautifulsoup4 with lxml), with its headings and element ids.

The full visible text is what quotes are sought in: scripts, styles and hidden elements are
left out, every block element starts a new line (a browser's block boundary, which text
fragments respect), and headings and ids are kept with their offsets so a verdict can say
which section a passage is in and link to it. The main content (trafilatura) is kept as an
extra view only: it drops asides and captions, which are quoted too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, ProcessingInstruction, Tag

from citeaudit.extract.base import Anchor, Extraction, Heading, Page

# Elements whose content a reader never sees as text.
_INVISIBLE = frozenset(
    ("script", "style", "noscript", "template", "head", "svg", "canvas", "iframe", "title")
)
# Elements that start a new line, so words on either side are never glued together.
_BLOCKS = frozenset(
    "address article aside blockquote br dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul caption option".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: Largest page handed to the main-content extractor (it is far slower than the walk).
MAIN_TEXT_LIMIT = 4 * 1024 * 1024

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))


class _Text:
    """Collects text with white space collapsed: one space between words, one newline
    between blocks; :meth:`mark` is where the next word will start."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.pending = ""  # "", " " or "\n": what goes before the next word

    def add(self, text: str) -> None:
        words = text.split()
        if not words:
            if text and not self.pending:
                self.pending = " "
            return
        if text[0].isspace() and not self.pending:
            self.pending = " "
        self._put(" ".join(words))
        if text[-1].isspace():
            self.pending = " "

    def block(self) -> None:
        self.pending = "\n"

    def mark(self) -> int:
        return self.length + (1 if self.pending and self.length else 0)

    def _put(self, words: str) -> None:
        if self.pending and self.length:
            self.parts.append(self.pending)
            self.length += 1
        self.parts.append(words)
        self.length += len(words)
        self.pending = ""

    def value(self) -> str:
        return "".join(self.parts)


def _children(tag: Tag) -> Iterator[object]:
    return iter(list(tag.children))


def _walk(root: Tag) -> tuple[str, list[Heading], list[Anchor]]:
    """Depth-first without recursion (deep markup must not overflow the stack)."""
    out = _Text()
    headings: list[Heading] = []
    anchors: list[Anchor] = []
    stack: list[tuple[Iterator[object], Tag]] = [(_children(root), root)]
    while stack:
        children, parent = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if parent.name in _BLOCKS:
                out.block()
            continue
        if isinstance(node, Comment | Doctype | ProcessingInstruction):
            continue
        if isinstance(node, NavigableString):
            out.add(str(node))
            continue
        if not isinstance(node, Tag) or node.name in _INVISIBLE or _hidden(node):
            continue
        if node.name in _BLOCKS:
            out.block()
        ident = node.get("id") or (node.get("name") if node.name == "a" else None)
        if isinstance(ident, str) and ident.strip():
            anchors.append(Anchor(page=0, offset=out.mark(), id=ident.strip()))
        level = _HEADINGS.get(node.name)
        if level is None and node.get("role") == "heading":
            aria = str(node.get("aria-level", "2"))
            level = int(aria) if aria.isdigit() else 2
        if level is not None:
            text = " ".join(node.get_text(" ").split())
            if text:
                anchor = ident.strip() if isinstance(ident, str) and ident.strip() else None
                headings.append(Heading(0, out.mark(), text, level, anchor))
        stack.append((_children(node), node))
    return out.value(), headings, anchors


def main_content(content: bytes | str) -> str | None:
    """The page's main text by trafilatura, or None when it finds none (or the page is huge)."""
    if len(content) > MAIN_TEXT_LIMIT:
        return None
    try:
        import trafilatura

        text = trafilatura.extract(
            content,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
            deduplicate=False,
        )
    except Exception:  # an extra view: a failure costs nothing but the view
        return None
    return text or None


def extract_html(content: bytes, charset: str | None = None) -> Extraction:
    """Extract the visible text of a page, one line per block element."""
    soup = BeautifulSoup(content, "lxml", from_encoding=charset)
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text(" ").split()) if isinstance(title_tag, Tag) else None
    text, headings, anchors = _walk(soup)
    return Extraction(
        kind="html",
        pages=(Page(number=1, label="1", text=text),),
        title=title or None,
        headings=tuple(headings),
        anchors=tuple(anchors),
        main_text=main_content(content),
    )
