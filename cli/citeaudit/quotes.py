"""Find a quoted passage in a source's text, whatever its typography.

Quotes and sources disagree on curly versus straight quote marks, dash styles, line
breaks, soft hyphens and case. Both sides are brought to one normal form, with a map from
every normalised character back to the original text so a match can be shown as printed.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

_QUOTES = dict.fromkeys("‘’‚‛′‹›`´", "'") | dict.fromkeys("“”„‟″«»", '"')
_DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
# A quote is cut where the author left words out: "...", "…", "[…]", "[...]".
_SPACES = re.compile(r" {2,}|^ | $")
_ELLIPSIS = re.compile(r"\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|(?:\.\s*){3}|…")


@dataclass(frozen=True)
class Normalised:
    """Text in normal form, and for each of its characters the index it came from."""

    text: str
    origin: array[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text behind the normalised span [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


@lru_cache(maxsize=4096)
def _fold(char: str) -> str:
    """One character in normal form: zero, one or several characters."""
    if char in _DROP:
        return ""
    if char in _QUOTES:
        return _QUOTES[char]
    if char in _DASHES:
        return "-"
    if char.isspace():
        return " "
    folded = unicodedata.normalize("NFKC", char)
    return "".join(_QUOTES.get(c, _DASHES.get(c, c)) for c in folded).lower()


def _fold_all(text: str) -> tuple[str, array[int]]:
    """Fold every character, keeping the origin of each output character.

    Most characters fold to exactly one character, so the text is translated in bulk
    (``str.translate``) and only the rare ones that vanish or expand are walked one by one.
    """
    table = {ord(c): _fold(c) for c in set(text)}
    uneven = [c for c in table if len(table[c]) != 1]
    if not uneven:
        return text.translate(table), array("q", range(len(text)))
    parts: list[str] = []
    origin = array("q")
    position = 0
    pattern = re.compile("[" + "".join(re.escape(chr(c)) for c in uneven) + "]")
    for match in pattern.finditer(text):
        index = match.start()
        parts.append(text[position:index].translate(table))
        origin.extend(range(position, index))
        folded = table[ord(text[index])]
        parts.append(folded)
        origin.extend([index] * len(folded))
        position = index + 1
    parts.append(text[position:].translate(table))
    origin.extend(range(position, len(text)))
    return "".join(parts), origin


@lru_cache(maxsize=16)
def normalise(text: str) -> Normalised:
    """Fold quote marks, dashes, white space runs, compatibility forms and case.

    Cached: the same page text is searched for every quote that cites it.
    """
    folded, origin = _fold_all(text)
    parts: list[str] = []
    kept = array("q")
    position = 0
    for run in _SPACES.finditer(folded):
        start, end = run.span()
        keep_one = 0 < start and end < len(folded)  # no space at either end
        cut = start + 1 if keep_one else start
        parts.append(folded[position:cut])
        kept.extend(origin[position:cut])
        position = end
    parts.append(folded[position:])
    kept.extend(origin[position:])
    return Normalised("".join(parts), kept)


def split_ellipses(quote: str) -> list[str]:
    """The pieces of a quote between the places where words were left out."""
    return [piece.strip() for piece in _ELLIPSIS.split(quote) if piece.strip(" \t\n.,;:")]


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: offsets into the original text, and the passage as printed."""

    start: int
    end: int
    passage: str
    pieces: tuple[tuple[int, int], ...]


def find_quote(quote: str, text: str, normalised: Normalised | None = None) -> QuoteMatch | None:
    """Find ``quote`` in ``text``: every piece between ellipses, in order, after normalising.

    Returns None when any piece is missing. ``normalised`` may be passed in when the same
    text is searched for many quotes.
    """
    haystack = normalised or normalise(text)
    pieces = [normalise(piece).text for piece in split_ellipses(quote)]
    pieces = [piece for piece in pieces if piece]
    if not pieces:
        return None
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in pieces:
        found = haystack.text.find(piece, position)
        if found < 0:
            return None
        spans.append(haystack.span(found, found + len(piece)))
        position = found + len(piece)
    start, end = spans[0][0], spans[-1][1]
    return QuoteMatch(start=start, end=end, passage=text[start:end], pieces=tuple(spans))


def page_at(offset: int, page_starts: Sequence[int]) -> int:
    """Index of the page that holds ``offset``, given each page's start offset in order."""
    index = 0
    for i, start in enumerate(page_starts):
        if start <= offset:
            index = i
        else:
            break
    return index


def _encode_directive(words: str) -> str:
    # The text directive reserves '&', ',' and '-'; percent-encode everything not unreserved.
    return quote(words, safe="").replace("-", "%2D")


def text_fragment_link(url: str, passage: str, *, max_words: int = 8) -> str:
    """The URL with a ``#:~:text=`` directive that makes a browser scroll to ``passage``.

    Short passages are quoted whole; longer ones as ``start,end`` (the first and last few
    words), as the Text Fragments spec allows.
    """
    base = url.split("#", 1)[0]
    words = passage.split()
    if not words:
        return base
    if len(words) <= 2 * max_words:
        directive = _encode_directive(" ".join(words))
    else:
        start = _encode_directive(" ".join(words[:max_words]))
        end = _encode_directive(" ".join(words[-max_words:]))
        directive = f"{start},{end}"
    return f"{base}#:~:text={directive}"
