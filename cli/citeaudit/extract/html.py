"""One reading of an HTML page (lxml's parser): what every stage reads of a fetched page.

A page is decoded as :mod:`citeaudit.text.charset` decides (as a browser would), parsed once
into lxml's tree, and read with one set of rules: scripts, styles and hidden elements are
never seen, every block element starts a new line (a browser's block boundary, which text
fragments respect). An element hidden with ``visibility: hidden`` is never seen either, but
still takes its place on the page: when it is a block, the lines before and after it end
(only ``display: none``, the ``hidden`` attribute and the like remove an element entirely).
Each stage reads what it needs of the one tree:

- the soft-404 rules read the title, ``og:title``, first ``<h1>`` and visible text
  (:class:`HtmlPage`'s cheap properties, which walk the tree without building any text
  structure: they run on every page a ``check`` fetches);
- fragment checks read every element id and ``<a name>``, and the visible text;
- extraction reads the visible text line by line with its headings and element ids at
  their offsets (:attr:`HtmlPage.blocks`), so a verdict can say which section a passage is
  in and link to it. The main content (trafilatura) is kept as an extra view only: it drops
  asides and captions, which are quoted too.

The block reading does what walking BeautifulSoup's tree did (the extractor's reference),
at a fraction of the cost.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any, AnyStr

from lxml import etree  # type: ignore[import-untyped]

from citeaudit.extract.base import Anchor, Extraction, Heading, Page
from citeaudit.text import decode_text

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
# Hidden but laid out: what visibility:hidden does unless display:none removes it too.
_REMOVED_STYLE = re.compile(r"display\s*:\s*none", re.IGNORECASE)
#: Largest page handed to the main-content extractor (it is far slower than the walk).
MAIN_TEXT_LIMIT = 4 * 1024 * 1024
#: Longest heading text kept: enough to name a section.
HEADING_LIMIT = 300

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


def _hidden(attrs: Mapping[str, str]) -> bool:
    if not attrs:
        return False  # most elements: nothing to look up
    if "hidden" in attrs:
        return True
    if attrs.get("aria-hidden", "").lower() == "true":
        return True
    style = attrs.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _unseen(name: str, attrs: Mapping[str, str]) -> bool:
    """Whether an element, and all inside it, is out of a reader's sight: the one rule."""
    return name in _INVISIBLE or _hidden(attrs)


def _boundary(name: str, attrs: Mapping[str, str]) -> bool:
    """Whether an unseen element still ends a line: a block hidden by ``visibility:
    hidden`` alone keeps its box (a block boundary) while none of its text is seen."""
    if name not in _BLOCKS or name in _INVISIBLE or not attrs:
        return False
    if "hidden" in attrs or attrs.get("aria-hidden", "").lower() == "true":
        return False
    style = attrs.get("style")
    return bool(style and not _REMOVED_STYLE.search(style))


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
    """An element the reader has started and not yet ended."""

    name: str
    visible: bool  # neither invisible nor inside an invisible or hidden element
    heading: tuple[int, str | None, int, int] | None  # level, anchor, start part, start mark


class _Reader:
    """Reads a page's elements and strings, in document order, into lines of visible text
    with the headings and element ids at their offsets.

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
        self._open: list[_Open] = []
        self._names: dict[str, int] = {}  # how many elements of each name are open
        self._pending: list[str] = []  # the string being read, in the pieces it came in
        self._hidden = 0  # open elements that are invisible or inside one
        self._boundaries: set[int] = set()  # depths of open unseen blocks that end a line

    def _string(self) -> None:
        """The string read so far is complete: keep it."""
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        if not self._hidden:
            self.out.add(text)

    def start(self, tag: str, attrib: Mapping[str, str]) -> None:
        self._string()
        name = _local(tag)
        attrs = {_local(key): value for key, value in attrib.items()}
        self._names[name] = self._names.get(name, 0) + 1
        if self._hidden or _unseen(name, attrs):
            if not self._hidden and _boundary(name, attrs):
                self.out.block()  # a visibility:hidden block: unseen, but a block
                self._boundaries.add(len(self._open))
            self._hidden += 1
            self._open.append(_Open(name, False, None))
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
        self._open.append(_Open(name, True, heading))

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
        if not element.visible:
            self._hidden -= 1
            if self._boundaries and len(self._open) in self._boundaries:
                self._boundaries.discard(len(self._open))
                self.out.block()
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

    def comment(self, text: str = "") -> None:
        self._string()

    def pi(self, target: str = "", data: str = "") -> None:
        self._string()

    def doctype(self, name: str = "", pubid: str = "", system: str = "") -> None:
        self._string()

    def close(self) -> None:
        self._string()
        while self._open:
            self._close()
        self.headings.sort(key=lambda h: h.offset)


@dataclass(frozen=True)
class Blocks:
    """A page's visible text, one line per block, with its headings and element ids."""

    text: str
    headings: tuple[Heading, ...]
    anchors: tuple[Anchor, ...]


def out_of_memory(exc: Exception) -> bool:
    """Whether libxml2 failed for want of memory: it says so, or it says "unknown error"
    when even its error record could not be made."""
    message = str(getattr(exc, "msg", None) or exc).strip().lower()
    return "memory allocation failed" in message or message.startswith("unknown error")


def _parse(text: str) -> Any:
    """The page's tree, or None when it has no element at all."""
    parser = etree.HTMLParser(recover=True, huge_tree=True)
    try:
        parser.feed(text)
        return parser.close()
    except etree.Error as exc:
        if out_of_memory(exc):
            raise MemoryError from exc
        return None


# lxml builds trees at most this deep (with huge_tree): deeper elements are dropped.
_TREE_DEPTH = 2048


def _walk(root: Any) -> Blocks | None:
    """Read the tree as its parser reported it, element by element; None when it is as
    deep as lxml builds trees (what lies deeper was dropped)."""
    reader = _Reader()
    if root is not None:
        depth = 0
        for event, element in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
            if event == "start":
                depth += 1
                if depth >= _TREE_DEPTH:
                    return None
                reader.start(element.tag, element.attrib)
                if element.text:
                    reader.data(element.text)
                continue
            if event == "end":
                depth -= 1
                reader.end(element.tag)
            else:
                reader.comment()
            if element.tail and element is not root:
                reader.data(element.tail)
    reader.close()
    return _blocks(reader)


def _read_events(text: str) -> Blocks:
    """Read the page as lxml's parser reports it, building no tree (and so no depth
    limit): the same events, in the same order, as walking its tree."""
    reader = _Reader()
    parser = etree.HTMLParser(target=reader, recover=True, huge_tree=True)
    try:
        parser.feed(text)
        parser.close()  # closes the reader
    except etree.Error:
        reader.close()
    return _blocks(reader)


def _blocks(reader: _Reader) -> Blocks:
    return Blocks(reader.out.value(), tuple(reader.headings), tuple(reader.anchors))


def _title(root: Any) -> str | None:
    """The first ``<title>``'s text (as BeautifulSoup's ``find("title")`` read it)."""
    title = None if root is None else next(root.iter("title"), None)
    if title is None or any(a.tag in _OWN_STRINGS for a in title.iterancestors()):
        return None
    strings = [title.text] if title.text else []
    own = 0  # open elements inside the title whose strings are not the title's
    for event, element in etree.iterwalk(title, events=("start", "end", "comment", "pi")):
        if element is title:
            continue
        if event == "start":
            own += element.tag in _OWN_STRINGS
            if element.text and not own:
                strings.append(element.text)
            continue
        if event == "end":
            own -= element.tag in _OWN_STRINGS
        if element.tail and not own:
            strings.append(element.tail)
    return " ".join(" ".join(strings).split()) or None


def _visible_text(root: Any, words: int | None, links: bool = True) -> str:
    """The visible text inside ``root``, white space collapsed; with ``words``, stopped
    once it holds more than that many; without ``links``, the text of links left out."""
    parts: list[str] = []
    # Characters read, and when next to count the words: a page's words average well over
    # four characters, so most short pages are never counted before the end.
    size, check = 0, 6 * (words or 0)
    skipped: Any = None  # an unseen element, until its end
    walker = etree.iterwalk(root, events=("start", "end", "comment", "pi"))
    for event, element in walker:
        if event == "start":
            tag = element.tag
            if not links and tag == "a":
                walker.skip_subtree()
                skipped = element  # its tail is read at its end, as an unseen element's
                continue
            if _unseen(tag, element.attrib):
                walker.skip_subtree()
                skipped = element
                if _boundary(tag, element.attrib):
                    parts.append("\n")  # an unseen block still ends the words before it
                continue
            if tag in _BLOCKS:
                parts.append("\n")
            piece = element.text
        else:
            if event == "end":
                if element is skipped:
                    skipped = None
                    if _boundary(element.tag, element.attrib):
                        parts.append("\n")
                elif element.tag in _BLOCKS:
                    parts.append("\n")
            piece = element.tail if element is not root else None
        if piece:
            parts.append(piece)
            size += len(piece)
            if words is not None and size > check:
                if len("".join(parts).split()) > words:
                    break
                check = size + 2 * words
    return " ".join("".join(parts).split())


# Characters no page shows as text: C0 controls but tab, newline, form feed and carriage
# return; DEL; and U+FFFD, which NUL bytes and undecodable bytes become.
_JUNK = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
#: A page is sampled in this many windows of this many characters to tell junk from text.
_SAMPLES, _WINDOW = 32, 2048
#: A page with more than this share of junk in its samples is not parsed.
JUNK_SHARE = 0.5
# The same, in the bytes of a page before they are decoded: a page in UTF-16 is half NUL
# bytes, so only a page that is nearly all control bytes is turned away undecoded.
_JUNK_BYTES = bytes([*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_RAW_JUNK_SHARE = 0.9


def _sample(text: AnyStr) -> AnyStr:
    """Windows spread over ``text``: a few thousand characters, however long the page."""
    if len(text) <= _SAMPLES * _WINDOW:
        return text
    step = (len(text) - _WINDOW) // (_SAMPLES - 1)
    return text[:0].join(text[i * step : i * step + _WINDOW] for i in range(_SAMPLES))


def junk_share(text: str) -> float:
    """The share of control characters and U+FFFD in samples spread over ``text`` (lxml
    spends tens of bytes on each NUL of a gzipped page of nothing but NULs)."""
    sample = _sample(text)
    return len(_JUNK.findall(sample)) / len(sample) if sample else 0.0


def _junk_bytes(content: bytes) -> bool:
    """Whether a page's bytes are nearly all control bytes: not worth decoding at all."""
    sample = _sample(content)
    junk = len(sample) - len(sample.translate(None, _JUNK_BYTES))
    return bool(sample) and junk / len(sample) > _RAW_JUNK_SHARE


class HtmlPage:
    """An HTML page parsed once, and what each stage reads of it (each read when first
    asked for). A page that is mostly control characters (``junk``) is not parsed: it
    reads as an empty page."""

    def __init__(self, text: str) -> None:
        self.source = text  # the decoded page, as parsed
        self.junk = junk_share(text) > JUNK_SHARE
        self._root = None if self.junk else _parse(text)

    @cached_property
    def title(self) -> str | None:
        """The first ``<title>``'s text, white space collapsed."""
        return _title(self._root)

    @cached_property
    def og_title(self) -> str | None:
        """The ``og:title`` a ``<meta>`` of the head gives."""
        root = self._root
        head = None if root is None else next((e for e in root if e.tag == "head"), None)
        for meta in () if head is None else head.iter("meta"):
            kind = meta.get("property") or meta.get("name") or ""
            if kind.lower() == "og:title":
                return " ".join(meta.get("content", "").split()) or None
        return None

    @cached_property
    def ids(self) -> frozenset[str]:
        """Every element id and ``<a name>``, hidden ones too: a fragment may point at any."""
        if self._root is None:
            return frozenset()
        return frozenset(value for value in self._root.xpath("//@id | //a/@name") if value)

    def visible_text(self, words: int | None = None, *, links: bool = True) -> str:
        """The words a reader sees, one space between them: the text of :attr:`blocks`,
        read without keeping lines, headings or offsets. With ``words``, the reading stops
        once it holds more than that many (a rule that reads short pages only needs no
        more); without ``links``, the text of links is left out (what a page says of
        itself, not where it points)."""
        if self._root is None:
            return ""
        return _visible_text(self._root, words, links)

    @cached_property
    def first_heading(self) -> str | None:
        """The text of the first visible ``<h1>``."""
        for h1 in () if self._root is None else self._root.iter("h1"):
            if not any(_unseen(e.tag, e.attrib) for e in (h1, *h1.iterancestors())):
                return _visible_text(h1, None) or None
        return None

    @cached_property
    def blocks(self) -> Blocks:
        """The visible text one line per block, with headings and element ids at offsets."""
        return _walk(self._root) or _read_events(self.source)


def read_html(
    content: bytes,
    content_type: str | None = None,
    *,
    charset: str | None = None,
    limit: int | None = None,
) -> HtmlPage:
    """Decode (at most ``limit`` bytes of) a page as a browser would and parse it once.
    ``charset`` is a label already read from the Content-Type, standing for its own."""
    return HtmlPage(decode_text(content, content_type, limit, charset=charset))


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
    """Extract the visible text of a page, one line per block element. ``charset`` is the
    Content-Type's label, if any."""
    page = None if _junk_bytes(content) else read_html(content, charset=charset)
    if page is None or page.junk:
        return Extraction(
            kind="html",
            pages=(),
            note="the page is mostly NUL or control characters, not text: not searched",
        )
    blocks = page.blocks
    return Extraction(
        kind="html",
        pages=(Page(number=1, label="1", text=blocks.text),),
        title=page.title,
        headings=blocks.headings,
        anchors=blocks.anchors,
        main_view=partial(main_content, content),
    )
