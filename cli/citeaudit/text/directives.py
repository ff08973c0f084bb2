"""Text fragments (``#:~:text=``) as https://wicg.github.io/scroll-to-text-fragment/ matches them.

A directive is ``text=[prefix-,]start[,end][,-suffix]``, several joined by ``&``, each term
percent-decoded and compared at the "base character" level (case and accents ignored, see
:func:`~citeaudit.text.folding.fold_dropping_accents`), white space collapsed, each term
within one block of text, matches starting and ending on word boundaries. Word boundaries
follow Unicode's default rules; the spec allows a dictionary for scripts written without
spaces, so a match inside a Japanese or Chinese word is accepted here where a browser might
refuse it. The same matcher checks the fragments of cited URLs and builds the deep links of
verdicts, so a link made here opens where a check here says it does.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote

from citeaudit.text.folding import fold_dropping_accents

#: What separates a fragment's element id from its directives.
DIRECTIVE_DELIMITER = ":~:"


@dataclass(frozen=True)
class TextDirective:
    """One ``text=`` directive, its terms percent-decoded (not folded)."""

    start: str
    end: str | None = None
    prefix: str | None = None
    suffix: str | None = None

    def describe(self) -> str:
        """The directive in words: 'start' … 'end', with its context."""
        words = f"'{self.start}'" + (f" … '{self.end}'" if self.end else "")
        if self.prefix:
            words += f" after '{self.prefix}'"
        if self.suffix:
            words += f" before '{self.suffix}'"
        return words


def parse_text_directive(value: str) -> TextDirective | None:
    """Parse what follows ``text=``; None when the spec calls it malformed."""
    tokens = value.split(",")
    if not 1 <= len(tokens) <= 4 or any(token == "" for token in tokens):
        return None
    prefix = suffix = end = None
    if tokens[0].endswith("-"):
        prefix = tokens.pop(0)[:-1]
        if not prefix:
            return None
    if tokens and tokens[-1].startswith("-"):
        suffix = tokens.pop()[1:]
        if not suffix:
            return None
    if len(tokens) not in (1, 2):
        return None
    start = tokens[0]
    if len(tokens) == 2:
        end = tokens[1]
    terms = [unquote(t) if t is not None else None for t in (start, end, prefix, suffix)]
    if any(t is not None and not fold_dropping_accents(t) for t in terms):
        return None
    return TextDirective(start=terms[0] or "", end=terms[1], prefix=terms[2], suffix=terms[3])


# --------------------------------------------------------------------------- word boundaries

_MID_LETTER = frozenset("'.:\u00b7")
_MID_NUM = frozenset(",.;'")
_MID = _MID_LETTER | _MID_NUM


def _word_class(char: str) -> str | None:
    """Which run of characters ``char`` continues without a word break (UAX #29,
    roughly): letters and digits ("A"), Katakana ("K"); ideographs and Hiragana break
    everywhere under the default rules (None, like spaces and punctuation)."""
    code = ord(char)
    if 0x30A0 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF or 0xFF66 <= code <= 0xFF9F:
        return "K"
    if not char.isalnum() and char != "_":
        return None
    if 0x3040 <= code <= 0x309F or unicodedata.east_asian_width(char) == "W":
        return None
    return "A"


def _joined(a: str, b: str) -> bool:
    kind = _word_class(a)
    return kind is not None and kind == _word_class(b)


def _mid_joins(left: str, mid: str, right: str) -> bool:
    if mid in _MID_LETTER and left.isalpha() and right.isalpha():
        return True
    return mid in _MID_NUM and left.isdigit() and right.isdigit()


def at_word_boundary(text: str, position: int) -> bool:
    """Whether ``position`` in ``text`` falls between two words (or at either end)."""
    if position <= 0 or position >= len(text):
        return True
    before, after = text[position - 1], text[position]
    if _joined(before, after):
        return False
    # "can't", "e.g", "3,5": one mid character between two letters or two digits.
    if after in _MID and position + 1 < len(text) and _mid_joins(before, after, text[position + 1]):
        return False
    return not (before in _MID and position >= 2 and _mid_joins(text[position - 2], before, after))


# --------------------------------------------------------------------------- matching


def _find(
    text: str, query: str, low: int, high: int, word_start: bool, word_end: bool
) -> tuple[int, int] | None:
    """The spec's "find a string in range": the first ``query`` in ``text[low:high]``
    with the required word boundaries. Blocks are separated by newlines, which no
    query contains, so a term never matches across blocks."""
    index = text.find(query, low, high)
    while index != -1:
        end = index + len(query)
        if (not word_start or at_word_boundary(text, index)) and (
            not word_end or at_word_boundary(text, end)
        ):
            return index, end
        index = text.find(query, index + 1, high)
    return None


def _skip_space(text: str, position: int, high: int) -> int:
    while position < high and text[position].isspace():
        position += 1
    return position


def find_text_directive(directive: TextDirective, text: str) -> tuple[int, int] | None:
    """The spec's "find a range from a text directive" over ``text``, already folded
    (:func:`~citeaudit.text.folding.fold_dropping_accents`) with one line per block; the
    span matched, or None."""
    start = fold_dropping_accents(directive.start)
    end = fold_dropping_accents(directive.end) if directive.end else None
    prefix = fold_dropping_accents(directive.prefix) if directive.prefix else None
    suffix = fold_dropping_accents(directive.suffix) if directive.suffix else None
    low, high = 0, len(text)
    must_end = end is not None or suffix is None
    while low < high:
        if prefix is not None:
            prefix_match = _find(text, prefix, low, high, True, False)
            if prefix_match is None:
                return None
            low = prefix_match[0] + 1
            match_start = _skip_space(text, prefix_match[1], high)
            if match_start >= high:
                return None
            match = _find(text, start, match_start, high, False, must_end)
            if match is None:
                return None
            if match[0] != match_start:
                continue  # this prefix is followed by something else: try the next one
        else:
            match = _find(text, start, low, high, True, must_end)
            if match is None:
                return None
            low = match[0] + 1
        search_end_from = match[1]
        while True:
            if end is not None:
                end_match = _find(text, end, search_end_from, high, True, suffix is None)
                if end_match is None:
                    return None
                match = (match[0], end_match[1])
            if suffix is None:
                return match
            suffix_from = _skip_space(text, match[1], high)
            suffix_match = _find(text, suffix, suffix_from, high, False, True)
            if suffix_match is None:
                return None
            if suffix_match[0] == suffix_from:
                return match
            if end is None:
                break  # an exact match followed by the wrong suffix: try the next start
            search_end_from = match[1]  # a range: try the next end
    return None
