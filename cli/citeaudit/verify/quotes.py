"""Find a quoted passage in a source's text, whatever its typography, and say how they differ.

Quotes and sources disagree on curly versus straight quote marks, dash styles, line breaks,
hyphenation, soft hyphens and case. Both sides are brought to one normal form, with a map
from every normalised character back to the original text so a match is shown as printed.

A quote is sought in three stages, each only when the one before found nothing:

1. exactly, in normal form, piece by piece where the quote is cut with an ellipsis or an
   editorial bracket;
2. word for word, ignoring punctuation (a comma the author dropped is no misquotation);
3. approximately (quotes of four words or more): candidate places are found by the words
   the quote shares with the source, then the quote is aligned word by word against each,
   and the best alignment above a length-aware threshold is reported with its differences.
"""

from __future__ import annotations

import heapq
import math
import re
import sys
import unicodedata
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Literal

from citeaudit.verify.deeplinks import text_fragment_link

__all__ = [
    "Difference",
    "Haystack",
    "Normalised",
    "Origin",
    "QuoteMatch",
    "display",
    "find_quote",
    "fold",
    "haystack",
    "locate_quote",
    "normalise",
    "page_at",
    "split_ellipses",
    "text_fragment_link",
    "threshold",
]

_QUOTES = dict.fromkeys("‘’‚‛′‹›`´", "'") | dict.fromkeys("“”„‟″«»", '"')
_DASHES = dict.fromkeys("‐‑‒–—―−﹘﹣－", "-")
_DROP = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_LETTER = r"[^\W\d_]"
# A hyphen (or soft hyphen) that ends a line inside a word: "commis-\nsioning".
_BREAK = rf"(?<={_LETTER})(?P<hy>[-\u2010\u2011\u00ad])[ \t]*(?:\r\n|\r|\n)\s*(?={_LETTER})"
# A hyphen or dash inside a word, "two-year": dropped on both sides, so a compound broken
# at its hyphen at the end of a line ("two-\nyear", mended to "twoyear") still matches, and
# so does one typed with another dash.
_DASH_CHARS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_INNER = rf"(?<={_LETTER})[{re.escape(_DASH_CHARS)}](?={_LETTER})"
_HYPHEN_CHARS = frozenset(_DASH_CHARS + "\u00ad")

# Where a quote leaves words out: "…", "...", "[…]", "[...]", "(...)".
_ELLIPSIS = r"[\[(]\s*(?:…|\.(?:\s*\.){2,})\s*[\])]|…\.?|\.(?:\s*\.){2,}"
_CUTS = re.compile(rf"(?P<ellipsis>{_ELLIPSIS})|\[(?P<inside>[^\[\]]*)\]")
_EDITORIAL = re.compile(
    r"^(?:sic!?|emphasis (?:added|mine|in original)|italics (?:added|mine)|original emphasis)$",
    re.IGNORECASE,
)
_EDGE = " \t\r\n.,;:!?\"'“”‘’«»"
# Brackets and quote marks around a word belong with it when a difference is shown.
_WRAP = frozenset("()[]{}\"'“”‘’«»")
# Word tokens of normalised text: numbers whole ("2,000", "11/05/21", "20%"), words with
# their apostrophes ("don't").
_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*%?|\w+(?:'\w+)*")

#: How many source words an editorial bracket ("[the council]") may stand for.
BRACKET_WORDS = 8
_BRACKET_CHARS = 120
_ANCHOR_TRIES = 500
#: Quotes shorter than this many words are only ever matched exactly.
MIN_FUZZY_WORDS = 4
#: Longer runs of a quote are aligned in parts of about this many words.
FUZZY_CHUNK_WORDS = 120
#: Texts longer than this (in characters) are only searched exactly: a word index of them
#: would take too much memory.
WORD_INDEX_LIMIT = 40_000_000


# ---------------------------------------------------------------------------------------------
# Normal form


class Origin:
    """For each character of a normal form, the index in the original text it came from.

    Kept as runs, each counting up one by one (characters folded one to one) or standing
    still (the characters one character expanded to): a page folds almost all one to one,
    so a few runs stand for what would be eight bytes per character, and building them
    takes no time per character.
    """

    __slots__ = ("_base", "_length", "_starts", "_steps")

    def __init__(self) -> None:
        self._starts = array("q")  # where each run starts in the normal form
        self._base = array("q")  # the original index at that start
        self._steps = array("b")  # 1: counts up; 0: stands still
        self._length = 0

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> int:
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("origin index out of range")
        run = bisect_right(self._starts, index) - 1
        return self._base[run] + self._steps[run] * (index - self._starts[run])

    def __iter__(self) -> Iterator[int]:
        return (self[k] for k in range(self._length))

    def add(self, base: int, length: int, step: int = 1) -> None:
        """Append ``length`` characters from ``base`` on (``step`` 1), or all from ``base``
        (``step`` 0)."""
        if length <= 0:
            return
        if length == 1:
            step = 1  # either way; counting up lets it continue the last run
        if self._starts:
            last = len(self._starts) - 1
            if step == self._steps[last]:
                reached = self._length - self._starts[last] if step else 0
                if base == self._base[last] + reached:
                    self._length += length  # it continues the last run
                    return
        self._starts.append(self._length)
        self._base.append(base)
        self._steps.append(step)
        self._length += length

    def extend(self, other: Origin, start: int, stop: int) -> None:
        """Append ``other[start:stop]``."""
        if start >= stop:
            return
        runs = other._starts
        run = bisect_right(runs, start) - 1
        while start < stop:
            run_end = runs[run + 1] if run + 1 < len(runs) else other._length
            upto = min(stop, run_end)
            step = other._steps[run]
            self.add(other._base[run] + step * (start - runs[run]), upto - start, step)
            start = upto
            run += 1


@dataclass(frozen=True)
class Normalised:
    """Text in normal form, and for each of its characters the index it came from."""

    text: str
    origin: Origin

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


# Every ASCII character folds to one character: an ASCII text needs no table of its own.
_ASCII_FOLDS = {code: _fold(chr(code)) for code in range(128)}


def _fold_all(text: str) -> tuple[str, Origin]:
    """Fold every character and mend hyphenation, keeping the origin of each output character.

    Most characters fold to exactly one character, so the text is translated in bulk
    (``str.translate``); only hyphens and the rare characters that vanish or expand are
    walked one by one.
    """
    if text.isascii():
        table, hyphens = _ASCII_FOLDS, "-" in text
    else:
        chars = set(text)
        table = {ord(c): _fold(c) for c in chars}
        hyphens = not _HYPHEN_CHARS.isdisjoint(chars)
    uneven = [chr(c) for c in table if len(table[c]) != 1]
    alternatives = []
    if hyphens:
        alternatives += [f"(?P<brk>{_BREAK})", f"(?P<inner>{_INNER})"]
    if uneven:
        alternatives.append("(?P<odd>[" + "".join(re.escape(c) for c in uneven) + "])")
    origin = Origin()
    if not alternatives:
        origin.add(0, len(text))
        return text.translate(table), origin
    pattern = re.compile("|".join(alternatives))
    # Every match starts on a hyphen, a dash or an uneven character: those are found with
    # a plain character class, far faster than trying the pattern's look-behind everywhere.
    firsts = re.escape("".join(sorted(_HYPHEN_CHARS if hyphens else ()) + uneven))
    parts: list[str] = []
    position = 0
    for candidate in re.finditer(f"[{firsts}]", text):
        if candidate.start() < position or not (match := pattern.match(text, candidate.start())):
            continue
        index = match.start()
        parts.append(text[position:index].translate(table))
        origin.add(position, index - position)
        position = match.end()
        if match.lastgroup == "inner":
            continue
        if match.lastgroup == "brk":
            hyphen = match.group("hy")
            if hyphen == "\u00ad" or text[position : position + 1].islower():
                continue  # the word goes on: drop the hyphen and the line break
        for offset, char in enumerate(match.group(0)):
            folded = table.get(ord(char)) or _fold(char)
            parts.append(folded)
            origin.add(index + offset, len(folded), 0)
    parts.append(text[position:].translate(table))
    origin.add(position, len(text) - position)
    return "".join(parts), origin


_RUNS = re.compile("  +")  # a literal prefix: found far faster than `` {2,}``


def _normalise(text: str) -> Normalised:
    folded, origin = _fold_all(text)
    # no space at either end, one space between words
    low, high = len(folded) - len(folded.lstrip(" ")), len(folded.rstrip(" "))
    parts: list[str] = []
    kept = Origin()
    position = low
    for run in _RUNS.finditer(folded, low, high):
        cut = run.start() + 1
        parts.append(folded[position:cut])
        kept.extend(origin, position, cut)
        position = run.end()
    if position < high:
        parts.append(folded[position:high])
        kept.extend(origin, position, high)
    return Normalised("".join(parts), kept)


@lru_cache(maxsize=16)
def normalise(text: str) -> Normalised:
    """Fold quote marks, dashes, white space runs, hyphenation, compatibility forms and case.

    Cached: the same page text is searched for every quote that cites it. (Quotes
    themselves are normalised without the cache, so they never push a source out of it.)
    """
    return _normalise(text)


def fold(text: str) -> str:
    """``text`` in normal form, without caching it (for many short texts)."""
    return _normalise(text).text


def display(text: str) -> str:
    """Text as a person should read it: line-end hyphenation mended, white space collapsed."""
    mended = re.sub(
        _BREAK,
        lambda m: "" if m.group("hy") == "\u00ad" or _next_lower(m) else m.group("hy"),
        text,
    )
    return " ".join(mended.replace("\u00ad", "").split())


def _next_lower(match: re.Match[str]) -> bool:
    return match.string[match.end() : match.end() + 1].islower()


# ---------------------------------------------------------------------------------------------
# A searchable text: normal form and a word index, built once per text


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
        for match in _TOKEN.finditer(self.norm.text):
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
        start, end = _widen(self.text, *self.word_span(first, last))
        return display(self.text[start:end])


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
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


# ---------------------------------------------------------------------------------------------
# The pieces of a quote

Gap = Literal["start", "ellipsis", "bracket"]


@dataclass(frozen=True)
class _Segment:
    """A run of a quote with no words left out: its text, where each character came from in
    the quote, and what separates it from the segment before."""

    text: str
    origin: tuple[int, ...]
    gap: Gap

    @cached_property
    def norm(self) -> Normalised:
        return _normalise(self.text)

    @cached_property
    def words(self) -> list[str]:
        return _TOKEN.findall(self.norm.text)

    @cached_property
    def word_spans(self) -> list[tuple[int, int]]:
        """Each word's span in the quote."""
        spans = []
        for match in _TOKEN.finditer(self.norm.text):
            start, end = self.norm.span(match.start(), match.end())
            spans.append((self.origin[start], self.origin[end - 1] + 1))
        return spans


def _segments(quote: str, *, brackets: bool = True) -> list[_Segment]:
    """Split a quote at ellipses and (unless ``brackets`` is false) editorial brackets.

    ``[sic]`` and ``[emphasis added]`` are dropped; a bracket inside a word (``[T]he``) is an
    altered letter, kept as written; a bracket standing alone (``[the council]``) replaces
    words of the source, so the quote is cut there and the source may have a few words of
    its own in that place.
    """
    segments: list[_Segment] = []
    chars: list[str] = []
    origin: list[int] = []
    pending: Gap = "start"

    def close() -> None:
        nonlocal pending
        text = "".join(chars)
        left = len(text) - len(text.lstrip(_EDGE))
        right = len(text.rstrip(_EDGE))
        if any(c.isalnum() for c in text[left:right]):
            gap: Gap = pending if segments else "start"
            segments.append(_Segment(text[left:right], tuple(origin[left:right]), gap))
            pending = "start"
        chars.clear()
        origin.clear()

    def add(start: int, end: int) -> None:
        chars.extend(quote[start:end])
        origin.extend(range(start, end))

    position = 0
    for match in _CUTS.finditer(quote):
        add(position, match.start())
        position = match.end()
        if match.group("ellipsis"):
            close()
            pending = "ellipsis"
            continue
        inside = match.group("inside").strip()
        if not brackets:
            add(match.start(), match.end())
            continue
        if not inside or _EDITORIAL.match(inside):
            continue
        before = quote[match.start() - 1 : match.start()]
        after = quote[match.end() : match.end() + 1]
        if before.isalnum() or after.isalnum():
            add(match.start() + 1, match.end() - 1)
            continue
        close()
        if pending != "ellipsis":
            pending = "bracket"
    add(position, len(quote))
    close()
    return segments


def split_ellipses(quote: str) -> list[str]:
    """The pieces of a quote between the places where words were left out."""
    return [segment.text for segment in _segments(quote)]


# ---------------------------------------------------------------------------------------------
# What a search finds

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


def _plain_words(text: str) -> list[str]:
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


# ---------------------------------------------------------------------------------------------
# Stage 1: exact, in normal form


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether [start, end) starts and ends at word boundaries (where it has word edges)."""
    if start > 0 and text[start].isalnum() and text[start - 1].isalnum():
        return False
    return not (end < len(text) and text[end - 1].isalnum() and text[end].isalnum())


def _find_forward(text: str, piece: str, start: int, latest: int | None) -> int:
    position = start
    while True:
        found = text.find(piece, position)
        if found < 0 or (latest is not None and found > latest):
            return -1
        if _bounded(text, found, found + len(piece)):
            return found
        position = found + 1


def _find_backward(text: str, piece: str, end: int, earliest: int | None) -> int:
    limit = end
    while True:
        found = text.rfind(piece, 0, limit)
        if found < 0 or (earliest is not None and found + len(piece) < earliest):
            return -1
        if _bounded(text, found, found + len(piece)):
            return found
        limit = found + len(piece) - 1


def _exact(segments: list[_Segment], hay: Haystack, limit: int) -> list[QuoteMatch]:
    text = hay.norm.text
    pieces = [segment.norm.text for segment in segments]
    anchor = max(range(len(pieces)), key=lambda i: len(pieces[i]))
    found: dict[int, QuoteMatch] = {}
    position = 0
    for _ in range(_ANCHOR_TRIES):
        at = _find_forward(text, pieces[anchor], position, None)
        if at < 0 or len(found) >= limit:
            break
        position = at + 1
        spans: dict[int, tuple[int, int]] = {anchor: (at, at + len(pieces[anchor]))}
        end = spans[anchor][1]
        for k in range(anchor + 1, len(pieces)):
            bound = end + _BRACKET_CHARS if segments[k].gap == "bracket" else None
            hit = _find_forward(text, pieces[k], end, bound)
            if hit < 0:
                break
            spans[k] = (hit, hit + len(pieces[k]))
            end = spans[k][1]
        else:
            start = at
            for k in range(anchor - 1, -1, -1):
                bound = start - _BRACKET_CHARS if segments[k + 1].gap == "bracket" else None
                hit = _find_backward(text, pieces[k], start, bound)
                if hit < 0:
                    break
                spans[k] = (hit, hit + len(pieces[k]))
                start = hit
            else:
                ordered = [hay.norm.span(*spans[k]) for k in range(len(pieces))]
                first, last = ordered[0][0], ordered[-1][1]
                found.setdefault(
                    first, QuoteMatch(first, last, hay.text[first:last], tuple(ordered))
                )
    return [found[k] for k in sorted(found)]


# ---------------------------------------------------------------------------------------------
# Stage 2: word for word


def _occurrences(words: list[str], hay: Haystack, start: int, end: int | None) -> list[int]:
    """Positions in [start, end) where ``words`` occur in ``hay``, in order."""
    index = hay.index
    lists = [index.get(word) for word in words]
    if not words or any(found is None for found in lists):
        return []
    rare = min(range(len(words)), key=lambda i: len(lists[i] or ()))
    positions = lists[rare] or []
    out = []
    count = len(words)
    all_words = hay.words
    for p in positions[bisect_left(positions, start + rare) :]:
        first = p - rare
        if end is not None and first >= end:
            break
        if all_words[first : first + count] == words:
            out.append(first)
    return out


@dataclass(frozen=True)
class _Placement:
    """One segment placed in the source: words [first, last), the alignment, its quality."""

    first: int
    last: int
    ops: tuple[tuple[str, int, int, int, int], ...]  # (tag, q0, q1, s0, s1)
    equal: int


def _exact_placements(segment: _Segment, hay: Haystack, cap: int) -> list[_Placement]:
    count = len(segment.words)
    return [_Placement(p, p + count, (), count) for p in _occurrences(segment.words, hay, 0, None)][
        :cap
    ]


# ---------------------------------------------------------------------------------------------
# Stage 3: approximately


def _align(quote: Sequence[str], source: Sequence[str]) -> tuple[int, int, list[str]] | None:
    """Align all of ``quote`` against the best stretch of ``source`` (semi-global).

    Returns (first, last) of the stretch in ``source`` and the moves, one a step: ``=``
    same word, ``~`` changed, ``+`` a quote word the source lacks, ``-`` a source word the
    quote leaves out. Unit costs; ties prefer keeping words paired.
    """
    m, n = len(quote), len(source)
    if m == 0 or n == 0:
        return None
    previous = [0] * (n + 1)  # aligning nothing costs nothing, wherever it starts
    moves: list[bytearray] = []
    for i in range(1, m + 1):
        word = quote[i - 1]
        current = [i] + [0] * n
        row = bytearray(n + 1)
        row[0] = 1
        for j in range(1, n + 1):
            best = previous[j - 1] + (word != source[j - 1])
            move = 0
            up = previous[j] + 1
            if up < best:
                best, move = up, 1
            left = current[j - 1] + 1
            if left < best:
                best, move = left, 2
            current[j] = best
            row[j] = move
        moves.append(row)
        previous = current
    cost = min(previous[1:])
    end = next(j for j in range(1, n + 1) if previous[j] == cost)
    if end < n and previous[end + 1] == cost and moves[m - 1][end + 1] == 0:
        end += 1  # a changed last word reads better than an added one
    steps: list[str] = []
    i, j = m, end
    while i > 0:
        move = moves[i - 1][j] if j > 0 else 1
        if move == 0:
            steps.append("=" if quote[i - 1] == source[j - 1] else "~")
            i, j = i - 1, j - 1
        elif move == 1:
            steps.append("+")
            i -= 1
        else:
            steps.append("-")
            j -= 1
    steps.reverse()
    return j, end, steps


def _ops(steps: list[str], q0: int, s0: int) -> tuple[list[tuple[str, int, int, int, int]], int]:
    """Runs of changed moves as (tag, q-range, s-range); and the count of same words."""
    ops: list[tuple[str, int, int, int, int]] = []
    qi, si = q0, s0
    equal = 0
    run: list[int] | None = None  # [q start, s start]
    for step in [*steps, "="]:
        if step == "=":
            if run is not None:
                qa, sa = run
                tag = "replace" if qi > qa and si > sa else "insert" if qi > qa else "delete"
                ops.append((tag, qa, qi, sa, si))
                run = None
            equal += 1
            qi += 1
            si += 1
            continue
        if run is None:
            run = [qi, si]
        if step in "~+":
            qi += 1
        if step in "~-":
            si += 1
    return ops, equal - 1


def _windows(words: list[str], hay: Haystack, lo: int, hi: int, top: int) -> list[int]:
    """Likely start positions of ``words`` in hay[lo:hi], by votes of the words they share.

    Each shared word votes for the place the quote would start if that word were in its
    right place; rare words weigh more (inverse document frequency), very common ones are
    left out. Places within a few words of each other pool their votes, so a quote with a
    word added or left out still piles its votes up in one place.
    """
    index = hay.index
    size = max(8, len(words) // 4)
    count = len(hay.words)
    cap = max(100, count // 2000)
    usable = sorted(
        ((i, index[w]) for i, w in enumerate(words) if w in index), key=lambda x: len(x[1])
    )
    informative = [(i, found) for i, found in usable if len(found) <= cap]
    informative = informative[: max(8, len(words) // 2)] or usable[:3]
    votes: defaultdict[int, float] = defaultdict(float)
    total = 0.0
    for i, found in informative:
        weight = math.log(1 + count / len(found))
        total += weight
        for p in found[bisect_left(found, lo + i) : bisect_left(found, hi + i)]:
            votes[(p - i) // size] += weight
    needed = 0.3 * total
    pooled = {
        b: score
        for b in votes
        if (score := votes.get(b - 1, 0.0) + votes[b] + votes.get(b + 1, 0.0)) >= needed
    }
    chosen: list[int] = []
    for bucket in heapq.nlargest(top * 4, pooled, key=lambda b: (pooled[b], -b)):
        if len(chosen) >= top:
            break
        if all(abs(bucket - other) > 2 for other in chosen):
            chosen.append(bucket)
    return [(bucket - 1) * size for bucket in chosen]


def _fuzzy_placements(
    segment: _Segment, hay: Haystack, lo: int, hi: int, top: int = 3
) -> list[_Placement]:
    words = segment.words
    m = len(words)
    size = max(8, m // 4)
    slack = max(4, m // 3)
    placements = []
    for start in _windows(words, hay, lo, hi, top):
        first = max(lo, start - slack)
        last = min(hi, start + 3 * size + m + slack)
        aligned = _align(words, hay.words[first:last])
        if aligned is None:
            continue
        s0, s1, steps = aligned
        ops, equal = _ops(steps, 0, first + s0)
        if equal == 0:
            continue
        placements.append(_Placement(first + s0, first + s1, tuple(ops), equal))
    return placements


# ---------------------------------------------------------------------------------------------
# Putting pieces together


def _chain(
    segments: list[_Segment], options: list[list[_Placement]]
) -> list[tuple[float, list[_Placement]]]:
    """The best ordered placement of every segment, one chain per placement of the first."""
    best: list[dict[int, tuple[int, list[_Placement]]]] = []
    for k, placements in enumerate(options):
        layer: dict[int, tuple[int, list[_Placement]]] = {}
        for index, here in enumerate(placements):
            if k == 0:
                layer[index] = (here.equal, [here])
                continue
            candidates = []
            for total, chain in best[k - 1].values():
                end = chain[-1].last
                if here.first < end:
                    continue
                if segments[k].gap == "bracket" and here.first - end > BRACKET_WORDS:
                    continue
                candidates.append((total + here.equal, -(here.first - end), chain))
            if candidates:
                total, _, chain = max(candidates, key=lambda c: (c[0], c[1]))
                layer[index] = (total, [*chain, here])
        if not layer:
            return []
        best.append(layer)
    quote_words = sum(len(s.words) for s in segments)
    out = []
    for total, chain in best[-1].values():
        source_words = sum(p.last - p.first for p in chain)
        out.append((2 * total / (quote_words + source_words), chain))
    return out


def _match(
    quote: str, segments: list[_Segment], hay: Haystack, chain: list[_Placement], score: float
) -> QuoteMatch:
    spans = tuple(hay.word_span(p.first, p.last) for p in chain)
    start, end = spans[0][0], spans[-1][1]
    differences = []
    for segment, placement in zip(segments, chain, strict=True):
        for tag, q0, q1, s0, s1 in placement.ops:
            qwords = segment.words[q0:q1]
            swords = hay.words[s0:s1]
            quoted = ""
            if q1 > q0:
                first, last = _widen(
                    quote, segment.word_spans[q0][0], segment.word_spans[q1 - 1][1]
                )
                quoted = display(quote[first:last])
            source = hay.word_text(s0, s1)
            kind = classify(qwords, swords) or classify(_plain_words(quoted), _plain_words(source))
            differences.append(
                Difference(op=tag, quote=quoted, source=source, kind=kind)  # type: ignore[arg-type]
            )
    return QuoteMatch(
        start,
        end,
        hay.text[start:end],
        spans,
        exact=not differences,
        score=round(score, 3),
        differences=tuple(differences),
        punctuation=not differences,
    )


def locate_quote(
    quote: str, text: str, *, fuzzy: bool = True, words: bool = True, limit: int = 20
) -> list[QuoteMatch]:
    """Every place ``quote`` is found in ``text``, best first; empty when it is not there.

    Exact matches (stage 1, else stage 2) come in the order they occur, up to ``limit``;
    when there is none, the close matches (stage 3) come best first, each with its
    differences. ``fuzzy=False`` stops after stage 2, ``words=False`` after stage 1.
    """
    segments = _segments(quote)
    if not segments:
        return []
    hay = haystack(text)
    if "[" in quote:  # square brackets printed in the source itself come first
        literal = _segments(quote, brackets=False)
        exact = _exact(literal, hay, limit) if literal else []
        if exact:
            return exact
    exact = _exact(segments, hay, limit)
    if exact:
        return exact
    if not words or len(hay.norm.text) > WORD_INDEX_LIMIT:
        return []
    if any(not segment.words for segment in segments):
        return []
    options = [_exact_placements(segment, hay, limit) for segment in segments]
    if all(options):
        chains = sorted(_chain(segments, options), key=lambda c: c[1][0].first)
        matches = [
            _match(quote, segments, hay, chain, 1.0) for score, chain in chains if score == 1
        ]
        if matches:
            return matches[:limit]
    count = sum(len(segment.words) for segment in segments)
    if not fuzzy or count < MIN_FUZZY_WORDS:
        return []
    total = len(hay.words)
    pieces = [chunk for segment in segments for chunk in _chunks(segment)]
    options = []
    for piece in pieces:
        found = _exact_placements(piece, hay, limit)
        if len(piece.words) >= MIN_FUZZY_WORDS:
            found += _fuzzy_placements(piece, hay, 0, total)
        if not found:
            return []
        options.append(found)
    chains = [c for c in _chain(pieces, options) if c[0] >= threshold(count)]
    chains.sort(key=lambda c: -c[0])
    return [_match(quote, pieces, hay, chain, score) for score, chain in chains[:3]]


def _chunks(segment: _Segment) -> list[_Segment]:
    """A long segment in runs of at most :data:`FUZZY_CHUNK_WORDS` words, aligned one by
    one (alignment takes time in the square of the length)."""
    words = list(_TOKEN.finditer(segment.norm.text))
    if len(words) <= FUZZY_CHUNK_WORDS:
        return [segment]
    count = math.ceil(len(words) / FUZZY_CHUNK_WORDS)
    size = math.ceil(len(words) / count)
    chunks = []
    for k in range(0, len(words), size):
        group = words[k : k + size]
        start = segment.norm.origin[group[0].start()]
        end = segment.norm.origin[group[-1].end() - 1] + 1
        gap: Gap = segment.gap if k == 0 else "bracket"
        chunks.append(_Segment(segment.text[start:end], segment.origin[start:end], gap))
    return chunks


def find_quote(quote: str, text: str, normalised: Normalised | None = None) -> QuoteMatch | None:
    """The first exact match of ``quote`` in ``text`` (every piece, in order), or None.

    ``normalised`` is accepted for compatibility; the normal form is cached anyway.
    """
    del normalised
    found = locate_quote(quote, text, fuzzy=False, limit=1)
    return found[0] if found else None


def page_at(offset: int, page_starts: Sequence[int]) -> int:
    """Index of the page that holds ``offset``, given each page's start offset in order."""
    return max(0, bisect_left(list(page_starts), offset + 1) - 1)
