"""The passage of a source most likely to support a claim that quotes nothing (BM25).

When evidence is a bare link with a page locator, a person still has to read the page to
see whether it supports the claim. Ranking the cited pages' passages against the claim's
words (Okapi BM25, the classic search-engine ranking) puts the likeliest one in front of
them. It is a reading aid, never a verdict.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Where a sentence ends: after a full stop, question or exclamation mark (and any closing
# quote or bracket), before white space.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+")
_STOPWORDS = frozenset(
    "a an and are as at be been but by for from has have he her his i if in into is it its "
    "itself of on or our she so that the their them then there these they this those to "
    "was we were which while who will with would you your also any all can may more most "
    "not only other such than too very".split()
)
#: Words a passage aims for: sentences are gathered until a window holds this many.
WINDOW_WORDS = 40
_WINDOW_LIMIT = 90
#: Fewest words a suggested passage has, when the pages have any passage that long.
MIN_WORDS = 6
_K1 = 1.5
_B = 0.75


@dataclass(frozen=True)
class Passage:
    """A stretch of text: offsets into the text it was taken from, and its BM25 score."""

    start: int
    end: int
    score: float


def terms(text: str) -> list[str]:
    """Search terms: lower-case words, stop words out, a plural 's' taken off."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'")
        if word in _STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _sentences(text: str, start: int, end: int, blocks: bool) -> list[list[tuple[int, int]]]:
    """The sentences of text[start:end], grouped by block (one group when lines are not
    blocks): a passage is never taken across a block boundary."""
    groups: list[list[tuple[int, int]]] = []
    chunks = [(start, end)]
    if blocks:
        chunks = []
        position = start
        for line in text[start:end].split("\n"):
            chunks.append((position, position + len(line)))
            position += len(line) + 1
    for first, last in chunks:
        spans: list[tuple[int, int]] = []
        position = first
        for match in _SENTENCE_END.finditer(text, first, last):
            if text[position : match.start()].strip():
                spans.append((position, match.start()))
            position = match.end()
        if text[position:last].strip():
            spans.append((position, last))
        if spans:
            groups.append(spans)
    return groups


def _windows(sentences: list[tuple[int, int]], text: str) -> list[tuple[int, int]]:
    windows = []
    for i, (first, _) in enumerate(sentences):
        words = 0
        last = first
        for _, end in sentences[i:]:
            count = len(text[last:end].split())
            if words and words + count > _WINDOW_LIMIT:
                break
            words += count
            last = end
            if words >= WINDOW_WORDS:
                break
        windows.append((first, last))
    return windows


def candidate_spans(
    text: str,
    ranges: Sequence[tuple[int, int]],
    *,
    blocks: bool = False,
    headings: Sequence[tuple[int, int]] = (),
    prefer: Callable[[str], bool] | None = None,
    singles: bool = False,
) -> list[tuple[int, int]]:
    """The passages of ``text`` within ``ranges`` worth ranking: windows of sentences
    (WINDOW_WORDS), and with ``singles`` each sentence on its own as well (a judge weighs
    one sentence better than a window that dilutes it). See best_passage for the rest."""
    windows: list[tuple[int, int]] = []
    for start, end in ranges:
        for group in _sentences(text, start, end, blocks):
            windows.extend(_windows(group, text))
            if singles:
                windows.extend(span for span in group if span not in windows[-len(group) :])
    # a heading or a caption says little on its own: passages of a few words are passed
    # over when there are fuller ones
    titles = set(headings)
    windows = [w for w in windows if w not in titles] or windows
    if prefer is not None:
        windows = [(s, e) for s, e in windows if prefer(text[s:e])] or windows
    full = [(s, e) for s, e in windows if len(text[s:e].split()) >= MIN_WORDS]
    return list(dict.fromkeys(full or windows))


def rank(
    wanted: Collection[str], bags: Sequence[Counter[str]], k: int = 1, needed: int = 2
) -> list[tuple[int, float]]:
    """The ``k`` best of ``bags`` (term counts of passages) for the terms ``wanted``, by
    Okapi BM25: (index, score), best first; a passage sharing fewer than ``needed``
    terms is never ranked."""
    if not bags or not wanted:
        return []
    lengths = [sum(bag.values()) for bag in bags]
    average = sum(lengths) / len(lengths) or 1.0
    frequency = Counter(term for bag in bags for term in wanted if term in bag)
    count = len(bags)
    idf = {
        term: math.log((count - frequency[term] + 0.5) / (frequency[term] + 0.5) + 1)
        for term in wanted
    }
    needed = min(needed, len(wanted))
    scored: list[tuple[int, float]] = []
    for index, (bag, length) in enumerate(zip(bags, lengths, strict=True)):
        shared = [term for term in wanted if term in bag]
        if len(shared) < needed:
            continue
        norm = _K1 * (1 - _B + _B * length / average)
        score = sum(idf[t] * bag[t] * (_K1 + 1) / (bag[t] + norm) for t in shared)
        scored.append((index, score))
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:k]


def top_passages(
    query: str,
    text: str,
    ranges: Sequence[tuple[int, int]],
    *,
    k: int = 8,
    blocks: bool = False,
    headings: Sequence[tuple[int, int]] = (),
    prefer: Callable[[str], bool] | None = None,
    singles: bool = True,
    analyse: Callable[[str], list[str]] = terms,
) -> list[Passage]:
    """The ``k`` passages of ``text`` within ``ranges`` that best match ``query`` (BM25 on
    the terms ``analyse`` gives), best first; windows and, with ``singles``, sentences."""
    wanted = set(analyse(query))
    if not wanted:
        return []
    spans = candidate_spans(
        text, ranges, blocks=blocks, headings=headings, prefer=prefer, singles=singles
    )
    bags = [Counter(analyse(text[s:e])) for s, e in spans]
    return [
        Passage(spans[i][0], spans[i][1], round(score, 3)) for i, score in rank(wanted, bags, k)
    ]


def best_passage(
    query: str,
    text: str,
    ranges: Sequence[tuple[int, int]],
    *,
    blocks: bool = False,
    headings: Sequence[tuple[int, int]] = (),
    prefer: Callable[[str], bool] | None = None,
) -> Passage | None:
    """The window of ``text`` within ``ranges`` that best matches ``query``, or None.

    ``blocks`` says each line is a block of its own (HTML, .docx), so a passage never runs
    from one into the next; in a PDF a line break is only where the line was full.
    ``headings`` are spans that are never suggested on their own (a title repeats the
    claim's words without supporting it). ``prefer``, when given, picks the windows to
    rank when any qualify (those in a page's main content, say, rather than its menus).
    """
    found = top_passages(
        query, text, ranges, k=1, blocks=blocks, headings=headings, prefer=prefer, singles=False
    )
    return found[0] if found else None
