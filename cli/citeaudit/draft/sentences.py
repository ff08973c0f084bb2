"""A document's body read for its claims: the sentence (or the block quotation) each
citation marker or inline link stands in, and the quotation each one is given.

A claim is the words a citation supports, verbatim but for its markers, so the draft is
checked against what the document says rather than against a paraphrase. Which quotation
belongs to which citation follows how quotations are cited in print: a marker right after a
quotation cites it, a marker after a block quotation cites the whole of it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import pysbd  # type: ignore[import-untyped]

from citeaudit.draft.model import Block, DocumentText, InlineLink, Marker
from citeaudit.draft.printed_urls import same_url
from citeaudit.draft.quoting import QUOTE_MARKS, Quotation, read_quotations, unquoted
from citeaudit.draft.references import cited_place, one_line
from citeaudit.text.folding import fold_keeping_accents

# Abbreviations after which pysbd may cut a sentence that goes on.
_TITLES = re.compile(r"(?:\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Sir|Dame|Rev|Revd|St|Hon|Gen|Col|Capt|Lt)\.?)$")
_BEFORE_NUMBER = re.compile(r"(?:\b(?:pp?|no|nos|vol|vols|fig|figs|ch|sec|para|art|s)\.)$", re.I)
_ALWAYS = re.compile(r"(?:\b(?:e\.g|i\.e|cf|viz|vs|approx|etc)\.)$", re.I)
_INITIAL = re.compile(r"(?:(?<![\w.])[A-Z]\.)$")
# A block that is one entry of a list: "a) ...", "1. ...", "• ...".
_LIST_ITEM = re.compile(r"^\s*(?:[•·▪◦‣\-–*]|\(?(?:[a-z]|[0-9]{1,2}|[ivx]{1,4})[).])\s")
# How far back a block quotation's beginning is looked for.
_LOOK_BACK = 12
# Said of a quotation that ends before a citation when where it begins cannot be found.
_UNPLACED = "\x00unplaced"


@dataclass(frozen=True)
class Citation:
    """One citation in the body: a marker (its reference's ``label``) or an inline link
    (its ``url``), the quotation it is given, the place cited (links only, from their URL
    or their sentence), what a person should know about it, and a link's own words (what
    the document calls the page it links to)."""

    label: str | None
    url: str | None = None
    quote: str | None = None
    locator: str | None = None
    note: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class CitedClaim:
    """A claim: the words the citations stand in (markers removed), and its citations in
    the order they appear."""

    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class BodyReading:
    """The claims of a body, and what a person should check."""

    claims: tuple[CitedClaim, ...]
    attention: tuple[str, ...]


@functools.cache
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """The spans of ``text``'s sentences, covering all of it. pysbd cuts them; a cut after a
    title (Dr., Sir), an initial (J. R. Smith), "e.g." or a "p." before its number is
    undone."""
    if not text.strip():
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in _segmenter().segment(text):
        start = text.find(piece.sent, position)
        if start < 0:
            start = position
        end = start + len(piece.sent)
        spans.append((start, end))
        position = end
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and _goes_on(text[merged[-1][0] : merged[-1][1]], text[start:end]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    if not merged:
        return [(0, len(text))]
    covered = [(0 if i == 0 else merged[i - 1][1], merged[i][1]) for i in range(len(merged))]
    covered[-1] = (covered[-1][0], len(text))
    return covered


def _goes_on(before: str, after: str) -> bool:
    """Whether the sentence ``before`` was cut at an abbreviation and goes on in ``after``."""
    last = before.rstrip()
    following = after.lstrip()[:1]
    if not following:
        return False
    if _TITLES.search(last) or _ALWAYS.search(last):
        return True
    if _BEFORE_NUMBER.search(last):
        return following.isdigit() or following in "ivxlIVXL"
    if _INITIAL.search(last):
        return following.isupper()
    return False


@dataclass(frozen=True)
class _Region:
    """What a claim covers: from ``start`` in block ``first`` to ``end`` in block ``last``."""

    first: int
    start: int
    last: int
    end: int


@dataclass
class _Point:
    """A citation's place in a block while the body is read."""

    position: int
    end: int
    label: str | None
    url: str | None
    quote: str | None = None
    locator: str | None = None
    note: str | None = None
    text: str | None = None


def read_body(document: DocumentText) -> BodyReading:
    """The claims of ``document``'s body, in order, and what needs a person's eye."""
    attention: list[str] = []
    regions: dict[_Region, list[_Point]] = {}
    for index, block in enumerate(document.blocks):
        if not block.markers and not block.links:
            continue
        sentences = _sentences_with_markers(block)
        points = [_Point(m.start, m.end, m.label, None) for m in block.markers]
        points += [
            _Point(
                link.start,
                link.end,
                None,
                link.url,
                text=one_line(block.text[link.start : link.end]) or None,
            )
            for link in block.links
            if _cites(link, document.base_url)
        ]
        points.sort(key=lambda p: (p.position, p.url is not None))
        local: dict[_Region, list[_Point]] = {}
        for point in points:
            sentence = _sentence_at(sentences, point.position)
            region, block_quote = _region(document.blocks, index, sentence, point)
            if block_quote is _UNPLACED:
                attention.append(
                    f"{_who(point)}: the quotation closed before it could not be placed "
                    "(no opening mark found)"
                )
                point.note = "a quotation ends before this citation; where it begins is unclear"
            elif block_quote is not None:
                point.quote = block_quote
            local.setdefault(region, []).append(point)
        for region, members in local.items():
            _give_quotations(block, region, members)
            if any(p.url for p in members):
                sentence_text = block.text[
                    region.start if region.first == index else 0 : region.end
                ]
                for point in members:
                    if point.url:
                        point.locator = _link_locator(point.url, sentence_text)
            regions.setdefault(region, []).extend(members)
    claims = [_claim(document.blocks, region, members) for region, members in regions.items()]
    return BodyReading(tuple(_mark_repeats(claims)), tuple(attention))


def _who(point: _Point) -> str:
    return f"ref {point.label}" if point.label is not None else f"link {point.url}"


def _cites(link: InlineLink, base_url: str | None) -> bool:
    """Whether a link is a citation: an http(s) address that is not this page itself."""
    if not link.url.lower().startswith(("http://", "https://")):
        return False
    if base_url and same_url(link.url.split("#", 1)[0], base_url.split("#", 1)[0]):
        return False
    return True


def _sentences_with_markers(block: Block) -> list[tuple[int, int]]:
    """The block's sentences, each marker that pysbd put at the start of the next sentence
    ("...legislation. [14] In this...") moved back to the end of the one it follows."""
    sentences = split_sentences(block.text)
    markers = [m for m in block.markers if m.end > m.start]
    for k in range(1, len(sentences)):
        start, end = sentences[k]
        cut = start
        while True:
            rest = block.text[cut:end]
            at = cut + len(rest) - len(rest.lstrip(" ,;\u00a0"))
            here = [m.end for m in markers if m.start == at]
            if not here:
                break
            cut = max(here)
        if cut > start:
            sentences[k - 1] = (sentences[k - 1][0], cut)
            sentences[k] = (cut, end)
    return [s for s in sentences if s[1] > s[0]] or [(0, len(block.text))]


def _sentence_at(sentences: Sequence[tuple[int, int]], position: int) -> tuple[int, int]:
    """The sentence a citation at ``position`` belongs to: one at a sentence's very start
    (a footnote mark with no characters) closes the sentence before."""
    for index, (start, end) in enumerate(sentences):
        if start <= position < end:
            return sentences[index - 1] if position == start and index else (start, end)
    return sentences[-1]


def _region(
    blocks: Sequence[Block],
    index: int,
    sentence: tuple[int, int],
    point: _Point,
) -> tuple[_Region, str | None]:
    """What a citation's claim covers, and the quotation it closes when it closes one that
    began before its sentence (``_UNPLACED`` when where it began cannot be told)."""
    block = blocks[index]
    text = block.text
    region = _Region(index, sentence[0], index, sentence[1])
    closing = _closing_mark_before(text, point.position, block.markers)
    if closing is None:
        return region, None
    quotations = read_quotations(text)
    for quotation in quotations.quotations:
        if quotation.end == closing + 1:
            if quotation.start >= sentence[0]:
                return region, None
            start = _sentence_start(text, quotation.start)
            quote = _clean(text, quotation.start + 1, closing, block.markers)
            return _Region(index, start, index, sentence[1]), quote
    if closing not in quotations.unopened:
        return region, None
    if text[closing] in "’'" and text[closing - 1 : closing].isalpha():
        return region, None  # "the patients’ [3]": an apostrophe, most likely
    colon = text.rfind(": ", 0, closing)
    if colon >= 0 and not any(q.start < colon < q.end for q in quotations.quotations):
        quote = _clean(text, colon + 2, closing, block.markers)
        return _Region(index, _sentence_start(text, colon), index, sentence[1]), quote
    begun = _beginning(blocks, index)
    if begun is None:
        return region, _UNPLACED
    first, start = begun
    skip = 1 if blocks[first].text[start : start + 1] in QUOTE_MARKS else 0
    opening = blocks[first]
    parts = [_clean(opening.text, start + skip, len(opening.text), opening.markers)]
    parts += [_clean(b.text, 0, len(b.text), b.markers) for b in blocks[first + 1 : index]]
    parts.append(_clean(text, 0, closing, block.markers))
    quote = " ".join(p for p in parts if p)
    if start > 0:
        start = _sentence_start(blocks[first].text, start)
    return _Region(first, start, index, sentence[1]), unquoted(quote) if quote else None


def _closing_mark_before(text: str, position: int, markers: Sequence[Marker]) -> int | None:
    """The index of the closing quotation mark just before ``position`` (spaces and other
    markers between), or None."""
    cut = position
    while True:
        before = text[:cut].rstrip(" \u00a0,")
        touching = [m for m in markers if m.end == len(before) and m.start < m.end]
        if touching:
            cut = min(m.start for m in touching)
            continue
        break
    if before and before[-1] in "”’»›\"'":
        return len(before) - 1
    if len(before) > 1 and before[-1] in ".,;" and before[-2] in "”’»\"'":
        return len(before) - 2
    return None


def _sentence_start(text: str, position: int) -> int:
    for start, end in split_sentences(text):
        if start <= position < end:
            return start
    return 0


def _beginning(blocks: Sequence[Block], index: int) -> tuple[int, int] | None:
    """Where a block quotation that ends in block ``index`` with no opening mark there
    began: at an opening mark left open in an earlier block, or at the block after the one
    that introduced it with a colon (a colon block followed by list items is part of it)."""
    for back in range(index - 1, max(-1, index - 1 - _LOOK_BACK), -1):
        block = blocks[back]
        if block.kind == "heading" or block.markers:
            return None
        unclosed = read_quotations(block.text).unclosed
        if unclosed:
            return back, unclosed[0]
        if block.text.rstrip().endswith(":"):
            following = blocks[back + 1]
            if following.kind == "item" or _LIST_ITEM.match(following.text):
                continue
            return back + 1, 0
    return None


def _clean(text: str, start: int, end: int, markers: Sequence[Marker]) -> str:
    """``text[start:end]`` with the markers in it removed, on one line."""
    return one_line(_without_markers(text, start, end, markers))


def _without_markers(text: str, start: int, end: int, markers: Sequence[Marker]) -> str:
    spans = sorted({(m.start, m.end) for m in markers if m.end > m.start})
    parts: list[str] = []
    position = start
    for low, high in spans:
        if high <= position or low >= end:
            continue
        piece = text[position:low]
        after = text[high : high + 1]
        if piece.endswith((" ", "\u00a0")) and (not after or after in ".,;:!?)"):
            piece = piece.rstrip(" \u00a0")
        parts.append(piece)
        position = max(position, high)
    parts.append(text[position:end])
    return "".join(parts)


def _give_quotations(block: Block, region: _Region, points: list[_Point]) -> None:
    """Give each quotation of the citations' sentence to the citation it belongs to: the
    nearest after it, one inside it, or else the nearest before it."""
    text = block.text
    start = region.start if region.first == region.last else 0
    inside = [
        q for q in read_quotations(text).quotations if q.start >= start and q.end <= region.end
    ]
    given: dict[int, Quotation] = {}
    for quotation in inside:
        within = [p for p in points if quotation.start < p.position < quotation.end]
        after = [p for p in points if p.position >= quotation.end]
        before = [p for p in points if p.end <= quotation.start]
        if within:
            chosen = [p for p in within if p.position == within[-1].position]
        elif after:
            chosen = [p for p in after if p.position == after[0].position]
        elif before:
            chosen = [p for p in before if p.position == before[-1].position]
        else:
            continue
        for point in chosen:
            if point.url is None or not _link_quotes(text, point):
                given[id(point)] = quotation
    for point in points:
        if point.url is not None and _link_quotes(text, point):
            point.quote = unquoted(one_line(text[point.position : point.end]))
            continue
        chosen_quotation = given.get(id(point))
        if chosen_quotation is not None and point.quote is None:
            low, high = chosen_quotation.inner
            quote = _clean(text, low, high, block.markers)
            point.quote = quote if any(c.isalnum() for c in quote) else None


def _link_quotes(text: str, point: _Point) -> bool:
    """Whether a link's own text is a quotation (<a>“national adoption and spread”</a>)."""
    words = one_line(text[point.position : point.end])
    return bool(words) and unquoted(words) != words


def _link_locator(url: str, sentence: str) -> str | None:
    """The place a link cites: ``#page=N`` in its URL, else the sentence's own words."""
    page = re.search(r"#(?:.*&)?page=([0-9]{1,6})\b", url)
    if page:
        return f"p. {page.group(1)}"
    return cited_place(sentence)


def _claim(blocks: Sequence[Block], region: _Region, points: list[_Point]) -> CitedClaim:
    """The claim a region holds, its markers removed, and its citations."""
    parts: list[str] = []
    for index in range(region.first, region.last + 1):
        block = blocks[index]
        start = region.start if index == region.first else 0
        end = region.end if index == region.last else len(block.text)
        parts.append(_clean(block.text, start, end, block.markers))
    text = " ".join(p for p in parts if p)
    citations = tuple(
        Citation(p.label, p.url, p.quote, p.locator, p.note, p.text)
        for p in sorted(points, key=lambda p: (p.position, p.url is not None))
    )
    return CitedClaim(text, citations)


def _mark_repeats(claims: list[CitedClaim]) -> list[CitedClaim]:
    """A quotation already given to another reference in an earlier claim is a repeat: it
    is not made the quote again, and the citation's note says so. Within one claim a
    quotation followed by several markers (“...”[1, 9]) is given to each of them."""
    first: dict[str, str] = {}
    kept: list[CitedClaim] = []
    for claim in claims:
        citations: list[Citation] = []
        given: dict[str, str] = {}
        for citation in claim.citations:
            who = f"ref {citation.label}" if citation.label is not None else f"{citation.url}"
            if citation.quote:
                key = fold_keeping_accents(citation.quote)
                given.setdefault(key, who)
                earlier = first.get(key, who)
                if earlier != who:
                    note = (
                        f"“{citation.quote}” repeats the quotation given to {earlier} earlier "
                        "in the document; not taken as a quote of this source"
                    )
                    citation = replace(citation, quote=None, note=_join(citation.note, note))
            citations.append(citation)
        for key, who in given.items():
            first.setdefault(key, who)
        kept.append(CitedClaim(claim.text, tuple(citations)))
    return kept


def _join(first: str | None, second: str) -> str:
    return f"{first}; {second}" if first else second
