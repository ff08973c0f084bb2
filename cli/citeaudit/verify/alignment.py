"""Placing a quote's segments in the source: word for word, then approximately.

Word for word, a segment's words must follow one another in the source (punctuation aside).
Approximately, candidate places are found by the words a segment shares with the source, and
the segment is aligned word by word against each. Either way, the segments' placements are
then chained in order, a bracket allowed to stand for a few of the source's words.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from citeaudit.verify.haystack import Haystack
from citeaudit.verify.segments import QuoteSegment

#: How many source words an editorial bracket ("[the council]") may stand for.
BRACKET_WORDS = 8


# ---------------------------------------------------------------------------------------------
# Word for word


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
class Placement:
    """One segment placed in the source: words [first, last), the alignment, its quality."""

    first: int
    last: int
    ops: tuple[tuple[str, int, int, int, int], ...]  # (tag, q0, q1, s0, s1)
    equal: int


def exact_placements(segment: QuoteSegment, hay: Haystack, cap: int) -> list[Placement]:
    """The first ``cap`` places where the segment's words occur in order, word for word."""
    count = len(segment.words)
    return [Placement(p, p + count, (), count) for p in _occurrences(segment.words, hay, 0, None)][
        :cap
    ]


# ---------------------------------------------------------------------------------------------
# Approximately


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


def fuzzy_placements(
    segment: QuoteSegment, hay: Haystack, lo: int, hi: int, top: int = 3
) -> list[Placement]:
    """Up to ``top`` close placements of the segment in words [lo, hi) of the source."""
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
        placements.append(Placement(first + s0, first + s1, tuple(ops), equal))
    return placements


# ---------------------------------------------------------------------------------------------
# Putting pieces together


def chain_placements(
    segments: list[QuoteSegment], options: list[list[Placement]]
) -> list[tuple[float, list[Placement]]]:
    """The best ordered placement of every segment, one chain per placement of the first."""
    best: list[dict[int, tuple[int, list[Placement]]]] = []
    for k, placements in enumerate(options):
        layer: dict[int, tuple[int, list[Placement]]] = {}
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
