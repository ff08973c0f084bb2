"""Text folded for comparison, two ways.

:func:`fold_keeping_accents` is the normal form quotes are sought in: quote marks, dashes,
white space, hyphenation, soft hyphens and compatibility forms folded, case lowered, accents
kept ("resume" is not "résumé" in a quotation). :func:`normalise` gives the same text with
the way back from each of its characters to the original, so a match is shown as printed.

:func:`fold_dropping_accents` compares base characters, as browsers match text fragments and
as page rules are written: case, accents and compatibility forms dropped, curly apostrophes
straightened, white space collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

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


# ---------------------------------------------------------------------------------------------
# The normal form: typography folded, accents kept


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


def normal_form(text: str) -> Normalised:
    """``text`` in normal form with its origins, not cached (see :func:`normalise`)."""
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
    return normal_form(text)


def fold_keeping_accents(text: str) -> str:
    """``text`` in the normal form quotes are sought in (accents kept), without caching it
    (for many short texts)."""
    return normal_form(text).text


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
# Base characters: accents dropped


def fold_dropping_accents(text: str) -> str:
    """Lower case, accents and compatibility forms removed, curly apostrophes straightened,
    white space collapsed: base characters, as text fragments are matched and as the page
    rules (soft 404s, parked domains) are written."""
    if text.isascii():  # the common case, and the same result: nothing to decompose
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'").replace("\u2018", "'"))
    marks = _combining_marks(frozenset(text))
    if marks is not None:
        text = marks.sub("", text)
    return " ".join(text.casefold().split())


@lru_cache(maxsize=256)
def _combining_marks(chars: frozenset[str]) -> re.Pattern[str] | None:
    """A pattern of the combining marks among ``chars``: removed in one pass, a page's
    worth of text costs a quarter of testing each character in Python."""
    marks = "".join(sorted(c for c in chars if unicodedata.combining(c)))
    return re.compile(f"[{re.escape(marks)}]") if marks else None
