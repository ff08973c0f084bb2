"""How a quotation marks what its author changed: ellipses, editorial brackets, [sic].

The quote finder and the report's word-by-word comparison both read a quote through these
rules, so what the verdict accepts as a cut is what the report shows as one.

- An ellipsis leaves words out: ``…``, ``...``, ``. . .``, and any of them in square or
  round brackets (``[…]``, ``(...)``).
- A bracket holding an editorial remark (``[sic]``, ``[emphasis added]``, an empty one) is
  the editor's, not the source's: it is dropped.
- A bracket inside a word (``[T]he``) is a changed letter: its letters are kept.
- A bracket standing alone (``[the council]``) stands for a few words of the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

ELLIPSIS = r"[\[(]\s*(?:…|\.(?:\s*\.){2,})\s*[\])]|…\.?|\.(?:\s*\.){2,}"
_MARKS = re.compile(rf"(?P<ellipsis>{ELLIPSIS})|\[(?P<inside>[^\[\]]*)\]")
_EDITORIAL = re.compile(
    r"^(?:sic!?|emphasis (?:added|mine|in original)|italics (?:added|mine)|original emphasis)$",
    re.IGNORECASE,
)
# Left off the ends of a piece: spaces, the punctuation around a cut, and quote marks.
_EDGE = " \t\r\n.,;:!?\"'“”‘’«»"

MarkKind = Literal["ellipsis", "editorial", "letters", "bracket"]
#: What comes before a piece of a quote: nothing (the first), an ellipsis, or a bracket
#: standing for some of the source's words.
Gap = Literal["start", "ellipsis", "bracket"]


@dataclass(frozen=True)
class Mark:
    """One editorial mark in a quote: its span and which kind it is."""

    start: int
    end: int
    kind: MarkKind


def marks(quote: str) -> Iterator[Mark]:
    """The ellipses and brackets of ``quote``, in order."""
    for match in _MARKS.finditer(quote):
        start, end = match.span()
        if match.group("ellipsis"):
            yield Mark(start, end, "ellipsis")
            continue
        inside = match.group("inside").strip()
        if not inside or _EDITORIAL.match(inside):
            yield Mark(start, end, "editorial")
        elif quote[start - 1 : start].isalnum() or quote[end : end + 1].isalnum():
            yield Mark(start, end, "letters")
        else:
            yield Mark(start, end, "bracket")


@dataclass(frozen=True)
class QuotePiece:
    """A run of a quote with no words left out: its text, where each of its characters is
    in the quote, and what separates it from the piece before."""

    text: str
    origin: tuple[int, ...]
    gap: Gap


def quote_pieces(quote: str, *, brackets: bool = True) -> list[QuotePiece]:
    """Split a quote at its ellipses and (unless ``brackets`` is false: square brackets
    printed in the source itself) at its brackets.

    Editorial brackets are dropped; a bracket inside a word keeps its letters; a bracket
    standing alone cuts the quote, and the source may have a few words of its own there.
    A piece with no letter or digit is no piece.
    """
    pieces: list[QuotePiece] = []
    chars: list[str] = []
    origin: list[int] = []
    pending: Gap = "start"

    def close() -> None:
        nonlocal pending
        text = "".join(chars)
        left = len(text) - len(text.lstrip(_EDGE))
        right = len(text.rstrip(_EDGE))
        if any(c.isalnum() for c in text[left:right]):
            gap: Gap = pending if pieces else "start"
            pieces.append(QuotePiece(text[left:right], tuple(origin[left:right]), gap))
            pending = "start"
        chars.clear()
        origin.clear()

    def add(start: int, end: int) -> None:
        chars.extend(quote[start:end])
        origin.extend(range(start, end))

    position = 0
    for mark in marks(quote):
        add(position, mark.start)
        position = mark.end
        if mark.kind == "ellipsis":
            close()
            pending = "ellipsis"
        elif not brackets:
            add(mark.start, mark.end)
        elif mark.kind == "letters":
            add(mark.start + 1, mark.end - 1)
        elif mark.kind == "bracket":
            close()
            if pending != "ellipsis":
                pending = "bracket"
    add(position, len(quote))
    close()
    return pieces
