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
from functools import partial

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
#: Longest heading text kept: enough to name a section.
HEADING_LIMIT = 300

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

    def since(self, first_part: int, limit: int) -> str:
        """The text collected from part ``first_part`` on, at most about ``limit`` chars."""
        taken: list[str] = []
        size = 0
        for part in self.parts[first_part:]:
            taken.append(part)
            size += len(part)
            if size >= limit:
                break
        return " ".join("".join(taken).split())[:limit]


def _children(tag: Tag) -> Iterator[object]:
    return iter(list(tag.children))


def _walk(root: Tag) -> tuple[str, list[Heading], list[Anchor]]:
    """Depth-first without recursion (deep markup must not overflow the stack).

    A heading's text is read from what the walk collected between its start and its end,
    so nested headings cost no more than flat ones.
    """
    out = _Text()
    headings: list[Heading] = []
    anchors: list[Anchor] = []
    # (children, element, heading being collected: (level, anchor, start part, start mark))
    stack: list[tuple[Iterator[object], Tag, tuple[int, str | None, int, int] | None]] = [
        (_children(root), root, None)
    ]
    while stack:
        children, parent, heading = stack[-1]
        node = next(children, None)
        if node is None:
            stack.pop()
            if heading is not None:
                depth, name, first_part, start = heading
                text = out.since(first_part, HEADING_LIMIT)
                if text:
                    headings.append(Heading(0, start, text, depth, name))
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
        anchor = ident.strip() if isinstance(ident, str) and ident.strip() else None
        if anchor is not None:
            anchors.append(Anchor(page=0, offset=out.mark(), id=anchor))
        level = _HEADINGS.get(node.name)
        if level is None and node.get("role") == "heading":
            aria = str(node.get("aria-level", "2"))
            level = int(aria) if aria.isdigit() else 2
        collecting = None if level is None else (level, anchor, len(out.parts), out.mark())
        stack.append((_children(node), node, collecting))
    headings.sort(key=lambda h: h.offset)
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
        main_view=partial(main_content, content),
    )
