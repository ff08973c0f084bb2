"""The source side of a search: a text in normal form, its words indexed, built once per text.

One page is searched for every quote that cites it, so its normal form and word index are
made once and kept (:func:`haystack`).
"""

from __future__ import annotations

import re
import sys
from array import array
from functools import cached_property, lru_cache

from citeaudit.text import display, normalise

# Brackets and quote marks around a word belong with it when a difference is shown.
_WRAP = frozenset("()[]{}\"'“”‘’«»")
#: Word tokens of normalised text: numbers whole ("2,000", "11/05/21", "20%"), words with
#: their apostrophes ("don't").
TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*%?|\w+(?:'\w+)*")


class Haystack:
    """A text prepared for searching: its normal form, and (when needed) its words indexed."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.norm = normalise(text)

    @cached_property
    def _tokens(self) -> tuple[list[str], array[int], array[int]]:
        words: list[str] = []
        starts = array("q")
        ends = array("q")
        for match in TOKEN.finditer(self.norm.text):
            words.append(sys.intern(match.group()))
            starts.append(match.start())
            ends.append(match.end())
        return words, starts, ends

    @property
    def words(self) -> list[str]:
        """The words of the normal form, in order."""
        return self._tokens[0]

    @cached_property
    def index(self) -> dict[str, list[int]]:
        """Where each word occurs, as positions in :attr:`words`."""
        found: dict[str, list[int]] = {}
        for position, word in enumerate(self.words):
            found.setdefault(word, []).append(position)
        return found

    def word_span(self, first: int, last: int) -> tuple[int, int]:
        """The original-text span of words ``first`` to ``last`` (exclusive)."""
        _, starts, ends = self._tokens
        return self.norm.span(starts[first], ends[last - 1])

    def word_text(self, first: int, last: int) -> str:
        """Words ``first`` to ``last`` (exclusive) as printed."""
        if first >= last:
            return ""
        start, end = widen(self.text, *self.word_span(first, last))
        return display(self.text[start:end])


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the brackets and quote marks that hug a run of words: "(AHSN)"."""
    while start > 0 and text[start - 1] in _WRAP:
        start -= 1
    while end < len(text) and text[end] in _WRAP:
        end += 1
    return start, end


@lru_cache(maxsize=8)
def haystack(text: str) -> Haystack:
    """The prepared form of ``text``, cached: one source is searched for many quotes."""
    return Haystack(text)
