"""What a search finds: where a quote is, and each way it differs from the source.

A difference is graded: a negation, number or date changed, or words reordered, can turn a
quote's meaning; a word added or dropped mostly does not.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

#: Quotes shorter than this many words are only ever matched exactly.
MIN_FUZZY_WORDS = 4

DifferenceKind = Literal["negation", "number", "date", "word_order"]
_NEGATIONS = frozenset(
    "not no never none nor neither nobody nothing nowhere cannot without".split()
)
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
    "eighty ninety hundred thousand million billion trillion dozen half quarter twice once "
    "first second third fourth fifth sixth seventh eighth ninth tenth percent".split()
)
_DATE_WORDS = frozenset(
    "january february march april june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday "
    "friday saturday sunday".split()
)


def plain_words(text: str) -> list[str]:
    """Words of printed text, split at hyphens too ("three-year": "three", "year")."""
    return re.findall(r"\w+(?:'\w+)*", text.lower().replace("’", "'"))


def _kind_of(word: str) -> DifferenceKind | None:
    if word in _NEGATIONS or word.endswith("n't"):
        return "negation"
    if any(c.isdigit() for c in word) or word in _NUMBER_WORDS:
        return "number"
    if word in _DATE_WORDS:
        return "date"
    return None


def classify(quote_words: Sequence[str], source_words: Sequence[str]) -> DifferenceKind | None:
    """What makes a difference grave: a negation, number or date changed; or word order."""
    changed = (Counter(quote_words) - Counter(source_words)) + (
        Counter(source_words) - Counter(quote_words)
    )
    kinds = {_kind_of(word) for word in changed}
    grave: tuple[DifferenceKind, ...] = ("negation", "number", "date")
    for kind in grave:
        if kind in kinds:
            return kind
    if quote_words and not changed:
        return "word_order"
    return None


@dataclass(frozen=True)
class Difference:
    """One way the quote differs from the source, word by word.

    ``op`` is from the quote's side: ``insert`` (words in the quote the source does not
    have), ``delete`` (source words the quote leaves out), ``replace`` (words changed).
    ``kind`` marks the grave ones: a negation, number or date changed, or words reordered.
    """

    op: Literal["insert", "delete", "replace"]
    quote: str
    source: str
    kind: DifferenceKind | None = None

    @property
    def critical(self) -> bool:
        """Whether the difference changes a negation, a number or a date."""
        return self.kind in ("negation", "number", "date")


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: offsets into the original text, the passage as printed, and
    how the quote differs from it (nothing, for an exact match)."""

    start: int
    end: int
    passage: str
    pieces: tuple[tuple[int, int], ...]
    exact: bool = True
    score: float = 1.0
    differences: tuple[Difference, ...] = ()
    punctuation: bool = False  # word for word, but the punctuation differs


def threshold(words: int) -> float:
    """The word similarity a close match needs: stricter for short quotes, which match by
    chance more easily; above 1 (never) below :data:`MIN_FUZZY_WORDS` words."""
    if words < MIN_FUZZY_WORDS:
        return 1.01
    if words <= 6:
        return 0.74
    if words <= 12:
        return 0.7
    return 0.6
