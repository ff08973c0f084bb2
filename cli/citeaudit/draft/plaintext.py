"""Reading a document that is only lines of text: a plain-text file, and a PDF's text layer.

Neither has markup, so structure comes from the lines themselves: a blank line (or, in a
PDF, a vertical gap) ends a paragraph, a bullet starts a list item, a line such as
"References" followed by numbered entries opens the reference list, and markers are the
typed ones (:mod:`citeaudit.draft.markers`). A PDF reader hands its lines over with what
the page adds (superscript markers, link annotations, the page number), as :class:`Line`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from citeaudit.draft.markers import BULLET, entry_start, find_markers, follows, reference_heading
from citeaudit.draft.model import Block, BlockKind, DocumentText, InlineLink, Marker, Reference

#: A title line is at most this long.
TITLE_LIMIT = 250
#: Lines in a font this many times the body's are headings.
HEADING_SIZE = 1.15
#: A one-line paragraph of at most this many words, not ending a sentence, is a heading.
HEADING_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?:;,\"”’']\s*$")


@dataclass(frozen=True)
class Line:
    """One line as printed: its text; whether a paragraph break comes before it (a blank
    line, a vertical gap); its page; and spans in its text the page itself marks:
    superscript markers ``(start, end, label)`` and links ``(start, end, url)``."""

    text: str
    page: int | None = None
    gap_before: bool = False
    markers: tuple[tuple[int, int, str], ...] = ()
    links: tuple[tuple[int, int, str], ...] = ()
    size: float | None = None  # the font size, where the page tells it


@dataclass
class _Piece:
    """Text joined from lines, with the lines' markers and links at their new offsets."""

    text: str = ""
    page: int | None = None
    markers: list[Marker] = field(default_factory=list)
    links: list[InlineLink] = field(default_factory=list)
    mend: bool = False  # join "Long-" and "Term" at a line end (a PDF's body)

    def add(self, line: Line, start: int, separator: str) -> None:
        """Append ``line`` from ``start`` on (lead and trail stripped), after ``separator``
        when there is text already."""
        body = line.text[start:]
        lead = len(body) - len(body.lstrip())
        content = body.strip()
        if not content:
            return
        if self.text:
            if self.mend and self.text.endswith("-") and content[0].isalpha():
                separator = ""  # "Long-" and "Term": one word broken at its hyphen
            self.text += separator
        else:
            self.page = line.page
        first = len(self.text)
        base = first - start - lead
        self.text += content
        limit = len(self.text)
        for s, e, label in line.markers:
            if s >= start + lead:
                self.markers.append(Marker(label, base + s, min(base + e, limit)))
        for s, e, url in line.links:
            if base + e <= first:
                continue
            span = (max(base + s, first), min(base + e, limit))
            last = self.links[-1] if self.links else None
            if last is not None and last.url == url and 0 <= span[0] - last.end <= 1:
                self.links[-1] = InlineLink(url, last.start, span[1])  # a link over two lines
            else:
                self.links.append(InlineLink(url, *span))


def _looks_like_heading(text: str, *, title: bool) -> bool:
    if not text or not text[0].isupper() or _SENTENCE_END.search(text):
        return False
    if title:
        return len(text) <= TITLE_LIMIT
    return len(text.split()) <= HEADING_WORDS


def _body_size(lines: Sequence[Line]) -> float | None:
    """The font size most of the text is in, where the lines tell it."""
    weights: dict[float, int] = {}
    for line in lines:
        if line.size is not None:
            key = round(line.size, 1)
            weights[key] = weights.get(key, 0) + len(line.text)
    return max(weights, key=lambda size: weights[size]) if weights else None


def _large(line: Line, body: float | None) -> bool:
    return body is not None and line.size is not None and line.size > body * HEADING_SIZE


def _blocks(lines: Sequence[Line], labels: set[str] | None, *, mend: bool) -> list[Block]:
    """Body blocks from lines: paragraphs, list items and headings (a line alone and short,
    or in a larger font than the body's)."""
    body = _body_size(lines)
    pieces: list[tuple[_Piece, BlockKind, int, bool]] = []  # piece, kind, lines, large
    current: _Piece | None = None
    kind: BlockKind = "paragraph"
    count = 0
    large = False

    def close() -> None:
        nonlocal current, count
        if current is not None and current.text:
            pieces.append((current, kind, count, large))
        current, count = None, 0

    for line in lines:
        if not line.text.strip():
            close()
            continue
        bullet = BULLET.match(line.text)
        if line.gap_before or bullet or (current is not None and _large(line, body) != large):
            close()
        if current is None:
            current, kind = _Piece(mend=mend), "item" if bullet else "paragraph"
            large = _large(line, body)
        current.add(line, bullet.end() if bullet else 0, " ")
        count += 1
    close()
    blocks: list[Block] = []
    for index, (piece, piece_kind, size, in_large) in enumerate(pieces):
        block_kind: BlockKind = "heading" if in_large and not piece.markers else piece_kind
        if piece_kind == "paragraph" and size == 1 and not piece.markers:
            if _looks_like_heading(piece.text, title=index == 0):
                block_kind = "heading"
        spans = [(m.start, m.end) for m in piece.markers]
        typed = find_markers(piece.text, labels, skip=spans)
        markers = sorted([*piece.markers, *typed], key=lambda m: (m.start, m.end))
        blocks.append(Block(piece.text, block_kind, tuple(markers), tuple(piece.links), piece.page))
    return blocks


def _heading_index(lines: Sequence[Line]) -> int | None:
    """The last line naming a reference list that numbered entries follow."""
    found: int | None = None
    for index, line in enumerate(lines):
        if reference_heading(line.text) is None:
            continue
        after = next((other for other in lines[index + 1 :] if other.text.strip()), None)
        if after is not None and entry_start(after.text) is not None:
            found = index
    return found


_GOES_ON = re.compile(r"^\s*(?:https?://|www\.|doi\b|\[accessed|\(accessed|[a-z])", re.IGNORECASE)


def _goes_on(text: str) -> bool:
    """Whether a line after a break still belongs to the entry before it: a URL, a DOI or
    an access date carried over (onto a new page, say), or a line that begins in lower
    case."""
    match = _GOES_ON.match(text)
    if match is None:
        return False
    first = match.group(0).strip()
    return len(first) > 1 or first.islower()


def _references(lines: Sequence[Line], *, keep_newlines: bool) -> list[Reference]:
    """The numbered entries at the start of ``lines``, up to the first line after a break
    that starts none (what follows the list, such as a page's "Post Navigation", is not
    read)."""
    entries: list[tuple[str, _Piece]] = []
    broken = False
    for line in lines:
        if not line.text.strip():
            broken = True
            continue
        start = entry_start(line.text)
        previous = entries[-1][0] if entries else None
        if start is not None and follows(start[0], previous):
            piece = _Piece()
            piece.add(line, start[1], "")
            entries.append((start[0], piece))
        elif entries and (not (broken or line.gap_before) or _goes_on(line.text)):
            entries[-1][1].add(line, 0, "\n" if keep_newlines else " ")
        else:
            break
        broken = False
    references: list[Reference] = []
    for label, piece in entries:
        urls = tuple(dict.fromkeys(link.url for link in piece.links))
        references.append(Reference(label, piece.text, urls))
    return references


def _reference_notes(references: Sequence[Reference]) -> list[str]:
    notes: list[str] = []
    seen: set[str] = set()
    previous: int | None = None
    for reference in references:
        if reference.label in seen:
            notes.append(f"reference {reference.label} is numbered twice in the list")
        seen.add(reference.label)
        number = int(reference.label) if reference.label.isdigit() else None
        if number is not None and previous is not None and number > previous + 1:
            notes.append(f"the reference list skips from {previous} to {number}")
        previous = number
    return notes


def read_lines(
    lines: Sequence[Line],
    kind: str = "text",
    *,
    keep_newlines: bool = False,
    title: str | None = None,
) -> DocumentText:
    """Read lines as a document: body blocks before the reference list, the list's
    entries (lines of an entry joined by a newline with ``keep_newlines``, else a space),
    the title (the first line, when it reads as one, unless ``title`` is given)."""
    heading_at = _heading_index(lines)
    body = lines if heading_at is None else lines[:heading_at]
    references: list[Reference] = []
    heading: str | None = None
    if heading_at is not None:
        heading = reference_heading(lines[heading_at].text)
        references = _references(lines[heading_at + 1 :], keep_newlines=keep_newlines)
    labels = {r.label for r in references} or None
    blocks = _blocks(body, labels, mend=kind == "pdf")
    if title is None and blocks and blocks[0].kind == "heading" and len(blocks[0].text) < 300:
        title = blocks[0].text
    notes = _reference_notes(references)
    if heading_at is None and any(block.markers for block in blocks):
        notes.append(
            "no reference list found: no line such as 'References' followed by numbered entries"
        )
    return DocumentText(
        kind="pdf" if kind == "pdf" else "text",
        title=title,
        blocks=tuple(blocks),
        references=tuple(references),
        reference_heading=heading,
        notes=tuple(notes),
    )


def read_text(text: str) -> DocumentText:
    """Read a plain-text document (already decoded)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    return read_lines([Line(line) for line in text.split("\n")])
