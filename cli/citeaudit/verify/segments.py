"""The quote side of a search: a quote cut into the segments that must each be found.

A quote is cut where its author left words out (the quotation rules of
:mod:`citeaudit.text.quotation`); each segment is brought to the same normal form as the
source and split into words, and a long one is aligned in chunks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

from citeaudit.text import Gap, Normalised, normal_form, quote_pieces
from citeaudit.verify.haystack import TOKEN

#: Longer runs of a quote are aligned in parts of about this many words.
FUZZY_CHUNK_WORDS = 120


@dataclass(frozen=True)
class QuoteSegment:
    """A run of a quote with no words left out: its text, where each character came from in
    the quote, and what separates it from the segment before."""

    text: str
    origin: tuple[int, ...]
    gap: Gap

    @cached_property
    def norm(self) -> Normalised:
        return normal_form(self.text)

    @cached_property
    def words(self) -> list[str]:
        return TOKEN.findall(self.norm.text)

    @cached_property
    def word_spans(self) -> list[tuple[int, int]]:
        """Each word's span in the quote."""
        spans = []
        for match in TOKEN.finditer(self.norm.text):
            start, end = self.norm.span(match.start(), match.end())
            spans.append((self.origin[start], self.origin[end - 1] + 1))
        return spans


def quote_segments(quote: str, *, brackets: bool = True) -> list[QuoteSegment]:
    """The quote's segments (see :func:`~citeaudit.text.quotation.quote_pieces`)."""
    return [QuoteSegment(p.text, p.origin, p.gap) for p in quote_pieces(quote, brackets=brackets)]


def chunks(segment: QuoteSegment) -> list[QuoteSegment]:
    """A long segment in runs of at most :data:`FUZZY_CHUNK_WORDS` words, aligned one by
    one (alignment takes time in the square of the length)."""
    words = list(TOKEN.finditer(segment.norm.text))
    if len(words) <= FUZZY_CHUNK_WORDS:
        return [segment]
    count = math.ceil(len(words) / FUZZY_CHUNK_WORDS)
    size = math.ceil(len(words) / count)
    parts = []
    for k in range(0, len(words), size):
        group = words[k : k + size]
        start = segment.norm.origin[group[0].start()]
        end = segment.norm.origin[group[-1].end() - 1] + 1
        gap: Gap = segment.gap if k == 0 else "bracket"
        parts.append(QuoteSegment(segment.text[start:end], segment.origin[start:end], gap))
    return parts
