"""Visible text of an HTML page (lxml's parser), with its headings and element ids.

The full visible text is what quotes are sought in: scripts, styles and hidden elements are
left out, every block element starts a new line (a browser's block boundary, which text
fragments respect), and headings and ids are kept with their offsets so a verdict can say
which section a passage is in and link to it. The main content (trafilatura) is kept as an
extra view only: it drops asides and captions, which are quoted too.

The text is collected as lxml's HTML parser reports each element and string, with no tree
built: the page is decoded and parsed exactly as BeautifulSoup (with lxml) did it before,
and read as its tree was walked, in half the time (building the tree was most of it).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial

from bs4 import ParserRejectedMarkup
from bs4.dammit import EncodingDetector
from lxml import etree  # type: ignore[import-untyped]

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
# Elements whose strings BeautifulSoup gave a class of their own: not part of a title's text.
_OWN_STRINGS = frozenset(("rt", "rp", "style", "script", "template"))
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: Largest page handed to the main-content extractor (it is far slower than the walk).
MAIN_TEXT_LIMIT = 4 * 1024 * 1024
#: Longest heading text kept: enough to name a section.
HEADING_LIMIT = 300

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _hidden(attrs: Mapping[str, str]) -> bool:
    if "hidden" in attrs:
        return True
    if attrs.get("aria-hidden", "").lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(attrs.get("style", "")))


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


def _local(name: str) -> str:
    """A name without its ``{namespace}``, as BeautifulSoup keyed it."""
    return name[1:].split("}", 1)[-1] if name.startswith("{") else name


@dataclass
class _Open:
    """An element the parser has started and not yet ended."""

    name: str
    visible: bool  # neither invisible nor inside an invisible or hidden element
    heading: tuple[int, str | None, int, int] | None  # level, anchor, start part, start mark
    title: bool = False  # the page's first <title>, whose strings are its title


class _Reader:
    """An lxml parser target that reads a page as it is parsed, building no tree.

    It does what walking BeautifulSoup's tree did, in the same order: an element ends
    where BeautifulSoup closed it (an end tag closes every element opened inside it), a
    string is the text between two other events, comments and the like are left out.
    A heading's text is read from what was collected between its start and its end, so
    nested headings cost no more than flat ones.
    """

    def __init__(self) -> None:
        self.out = _Text()
        self.headings: list[Heading] = []
        self.anchors: list[Anchor] = []
        self.title: list[str] | None = None  # the first <title>'s strings, once it opens
        self._open: list[_Open] = []
        self._names: dict[str, int] = {}  # how many elements of each name are open
        self._pending: list[str] = []  # the string being read, in the pieces it came in
        self._hidden = 0  # open elements that are invisible or inside one
        self._own_strings = 0  # open elements whose strings are not a title's
        self._in_title = False

    def _string(self) -> None:
        """The string read so far is complete: keep it."""
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        if self._in_title and not self._own_strings:
            assert self.title is not None
            self.title.append(text)
        if not self._hidden:
            self.out.add(text)

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        self._string()
        name = _local(tag)
        attrs = {_local(key): value for key, value in attrib.items()}
        title = name == "title" and self.title is None
        if title:
            self.title, self._in_title = [], True
        if name in _OWN_STRINGS:
            self._own_strings += 1
        self._names[name] = self._names.get(name, 0) + 1
        if self._hidden or name in _INVISIBLE or _hidden(attrs):
            self._hidden += 1
            self._open.append(_Open(name, False, None, title))
            return
        out = self.out
        if name in _BLOCKS:
            out.block()
        ident = attrs.get("id") or (attrs.get("name") if name == "a" else None)
        anchor = ident.strip() if ident and ident.strip() else None
        if anchor is not None:
            self.anchors.append(Anchor(page=0, offset=out.mark(), id=anchor))
        level = _HEADINGS.get(name)
        if level is None and attrs.get("role") == "heading":
            aria = attrs.get("aria-level", "2")
            level = int(aria) if aria.isdigit() else 2
        heading = None if level is None else (level, anchor, len(out.parts), out.mark())
        self._open.append(_Open(name, True, heading, title))

    def end(self, tag: str) -> None:
        self._string()
        name = _local(tag)
        if not self._names.get(name):
            return  # nothing of that name is open: BeautifulSoup closed nothing either
        while self._close().name != name:
            pass

    def _close(self) -> _Open:
        element = self._open.pop()
        self._names[element.name] -= 1
        if element.name in _OWN_STRINGS:
            self._own_strings -= 1
        if element.title:
            self._in_title = False
        if not element.visible:
            self._hidden -= 1
            return element
        if element.heading is not None:
            depth, anchor, first_part, start = element.heading
            text = self.out.since(first_part, HEADING_LIMIT)
            if text:
                self.headings.append(Heading(0, start, text, depth, anchor))
        if element.name in _BLOCKS:
            self.out.block()
        return element

    def data(self, data: str) -> None:
        self._pending.append(data)

    def comment(self, text: str) -> None:
        self._string()

    def pi(self, target: str, data: str) -> None:
        self._string()

    def doctype(self, name: str, pubid: str, system: str) -> None:
        self._string()

    def close(self) -> None:
        self._string()
        while self._open:
            self._close()
        self.headings.sort(key=lambda h: h.offset)


def _read(content: bytes, charset: str | None) -> _Reader:
    """Parse the page with each encoding BeautifulSoup would have tried, in its order (the
    Content-Type's charset, a byte order mark, a <meta> charset, then guesses), keeping the
    first the parser accepts."""
    detector = EncodingDetector(
        content, known_definite_encodings=[charset] if charset else [], is_html=True
    )
    rejections: list[str] = []
    for encoding in detector.encodings:
        reader = _Reader()
        try:
            parser = etree.HTMLParser(target=reader, recover=True, encoding=encoding)
            parser.feed(detector.markup)
            parser.close()
        except (UnicodeDecodeError, LookupError, etree.ParserError) as exc:
            rejections.append(str(exc))
            continue
        return reader
    raise ParserRejectedMarkup(
        "The markup you provided was rejected by the parser.\n\nOriginal exception(s) from "
        "parser:\n " + "\n ".join(rejections)
    )


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
    reader = _read(content, charset)
    title = " ".join(" ".join(reader.title).split()) if reader.title is not None else None
    return Extraction(
        kind="html",
        pages=(Page(number=1, label="1", text=reader.out.value()),),
        title=title or None,
        headings=tuple(reader.headings),
        anchors=tuple(reader.anchors),
        main_view=partial(main_content, content),
    )
