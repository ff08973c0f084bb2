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

The source's side is prepared in :mod:`~citeaudit.verify.haystack`, the quote's in
:mod:`~citeaudit.verify.segments`; stages 2 and 3 place segments with
:mod:`~citeaudit.verify.alignment`; what is found is a
:class:`~citeaudit.verify.matches.QuoteMatch`.
"""

from __future__ import annotations

from citeaudit.text import display
from citeaudit.verify.alignment import (
    Placement,
    chain_placements,
    exact_placements,
    fuzzy_placements,
)
from citeaudit.verify.haystack import Haystack, haystack, widen
from citeaudit.verify.matches import (
    MIN_FUZZY_WORDS,
    Difference,
    QuoteMatch,
    classify,
    plain_words,
    threshold,
)
from citeaudit.verify.segments import QuoteSegment, chunks, quote_segments

_BRACKET_CHARS = 120
_ANCHOR_TRIES = 500
#: Texts longer than this (in characters) are only searched exactly: a word index of them
#: would take too much memory.
WORD_INDEX_LIMIT = 40_000_000


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


def _exact(segments: list[QuoteSegment], hay: Haystack, limit: int) -> list[QuoteMatch]:
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
# Putting the pieces together


def _match(
    quote: str, segments: list[QuoteSegment], hay: Haystack, chain: list[Placement], score: float
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
                first, last = widen(quote, segment.word_spans[q0][0], segment.word_spans[q1 - 1][1])
                quoted = display(quote[first:last])
            source = hay.word_text(s0, s1)
            kind = classify(qwords, swords) or classify(plain_words(quoted), plain_words(source))
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
    segments = quote_segments(quote)
    if not segments:
        return []
    hay = haystack(text)
    if "[" in quote:  # square brackets printed in the source itself come first
        literal = quote_segments(quote, brackets=False)
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
    options = [exact_placements(segment, hay, limit) for segment in segments]
    if all(options):
        chains = sorted(chain_placements(segments, options), key=lambda c: c[1][0].first)
        matches = [
            _match(quote, segments, hay, chain, 1.0) for score, chain in chains if score == 1
        ]
        if matches:
            return matches[:limit]
    count = sum(len(segment.words) for segment in segments)
    if not fuzzy or count < MIN_FUZZY_WORDS:
        return []
    total = len(hay.words)
    pieces = [chunk for segment in segments for chunk in chunks(segment)]
    options = []
    for piece in pieces:
        found = exact_placements(piece, hay, limit)
        if len(piece.words) >= MIN_FUZZY_WORDS:
            found += fuzzy_placements(piece, hay, 0, total)
        if not found:
            return []
        options.append(found)
    chains = [c for c in chain_placements(pieces, options) if c[0] >= threshold(count)]
    chains.sort(key=lambda c: -c[0])
    return [_match(quote, pieces, hay, chain, score) for score, chain in chains[:3]]
