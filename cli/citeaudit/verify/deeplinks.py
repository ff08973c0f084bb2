"""Deep links that open a source at a passage: text fragments (``#:~:text=``) and ``#page=N``.

A text directive is ``[prefix-,]textStart[,textEnd][,-suffix]``. A browser looks for the
first ``textStart`` (right after ``prefix`` when one is given), then the first ``textEnd``
after it, then checks ``suffix`` follows; each term must lie within one block of the page
and match at word boundaries, case-insensitively. So a directive is built, then tried here
against the page's own text the way a browser would try it, and made more specific (longer
terms, a prefix, a suffix) until it selects exactly the passage. The matcher is
:mod:`citeaudit.text.directives`, the one that checks the fragments of cited URLs.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from citeaudit.text import TextDirective, find_text_directive, fold_dropping_accents

_WORD = re.compile(r"\S+")
#: The longest start or end term, in words.
MAX_TERM_WORDS = 8
_CONTEXT_WORDS = 4
# Words of prefix and suffix to try, fewest first, a prefix before a suffix.
_CONTEXTS = [
    (before, total - before)
    for total in range(2 * _CONTEXT_WORDS + 1)
    for before in range(min(total, _CONTEXT_WORDS), -1, -1)
    if total - before <= _CONTEXT_WORDS
]


def _encode(term: str) -> str:
    # The directive reserves '&', ',' and '-': percent-encode everything not unreserved.
    return quote(term, safe="").replace("-", "%2D")


def text_fragment_link(url: str, passage: str, *, max_words: int = MAX_TERM_WORDS) -> str:
    """The URL with a ``#:~:text=`` directive for ``passage``, built from the passage alone.

    Short passages are quoted whole; longer ones as ``start,end``. Prefer
    :func:`fragment_link`, which checks the directive against the page.
    """
    base = url.split("#", 1)[0]
    words = passage.split()
    if not words:
        return base
    if len(words) <= 2 * max_words:
        directive = _encode(" ".join(words))
    else:
        start = _encode(" ".join(words[:max_words]))
        end = _encode(" ".join(words[-max_words:]))
        directive = f"{start},{end}"
    return f"{base}#:~:text={directive}"


@dataclass(frozen=True)
class _Folded:
    """A page's words folded, one line per block, and how far each line of the page got."""

    text: str  # the folded words; "\n" between blocks, " " between words
    starts: list[int]  # where each line of the page starts in the page
    before: list[int]  # the length of ``text`` made of the lines before each line

    def length_before(self, page: str, position: int) -> int:
        """How long the folded words of page[:position] are: a prefix of ``text``."""
        line = bisect_right(self.starts, position) - 1
        done = self.before[line]
        rest = len(fold_dropping_accents(page[self.starts[line] : position]))
        return done + rest + (1 if done and rest else 0)


@lru_cache(maxsize=16)
def _fold_page(text: str) -> _Folded:
    """The whole page folded line by line (folding is character by character, so this is
    what :class:`_Page` makes word by word); cached: a page is linked into for many quotes."""
    parts: list[str] = []
    starts: list[int] = []
    before: list[int] = []
    length = position = 0
    for line in text.split("\n"):
        starts.append(position)
        before.append(length)
        position += len(line) + 1
        folded = fold_dropping_accents(line)
        if folded:
            if length:
                parts.append("\n")
                length += 1
            parts.append(folded)
            length += len(folded)
    return _Folded("".join(parts), starts, before)


def _context_start(text: str, position: int, words: int) -> int:
    """Where the word ``words`` words before the first word ending after ``position``
    starts (0 when there are fewer): the window :meth:`_Page.around` reads word by word."""
    at = position
    if at < len(text) and not text[at].isspace():
        while at > 0 and not text[at - 1].isspace():
            at -= 1  # inside a word: it is the passage's first
    for _ in range(words):
        while at > 0 and text[at - 1].isspace():
            at -= 1
        if at == 0:
            break
        while at > 0 and not text[at - 1].isspace():
            at -= 1
    return at


@dataclass(frozen=True)
class _Page:
    """A page as a browser matches it: words folded (case, accents), blocks on their own line.

    ``folded`` is always the whole page; the word lists hold every word (:meth:`of`) or
    only a passage's and the context around it (:meth:`around`). A word that folds to
    nothing (combining marks alone) adds nothing to ``folded``, not even a space.
    """

    folded: str  # words joined by " ", or "\n" where a block boundary falls between them
    spans: list[tuple[int, int]]  # each word's span in ``folded``
    source: list[tuple[int, int]]  # each word's span in the page text
    words: list[str]  # each word as printed
    breaks: list[bool]  # whether a block boundary comes before each word

    @classmethod
    def of(cls, text: str) -> _Page:
        """Every word of the page, folded one by one."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        source: list[tuple[int, int]] = []
        words: list[str] = []
        breaks: list[bool] = []
        length = 0
        previous = 0
        pending = False  # a block boundary since the last word that folded to something
        for match in _WORD.finditer(text):
            word = match.group()
            block = "\n" in text[previous : match.start()]
            pending = pending or block
            folded = fold_dropping_accents(word)
            if length and folded:
                parts.append("\n" if pending else " ")
                length += 1
            if folded:
                pending = False
            parts.append(folded)
            spans.append((length, length + len(folded)))
            length += len(folded)
            source.append(match.span())
            words.append(word)
            breaks.append(block)
            previous = match.end()
        return cls("".join(parts), spans, source, words, breaks)

    @classmethod
    def around(cls, text: str, start: int, end: int) -> _Page:
        """The words of text[start:end] and up to :data:`_CONTEXT_WORDS` on either side,
        placed in the whole folded page: all a directive for the passage is built from.

        The rest of the page is folded line by line, not word by word (once per page): on
        a long page that was most of the time :func:`text_directive` took.
        """
        page = _fold_page(text)
        lo = _context_start(text, start, _CONTEXT_WORDS)
        length = page.length_before(text, lo)
        spans: list[tuple[int, int]] = []
        source: list[tuple[int, int]] = []
        words: list[str] = []
        breaks: list[bool] = []
        previous = len(text[:lo].rstrip()) if lo else 0
        after = 0
        for match in _WORD.finditer(text, lo):
            if match.start() >= end:
                if after == _CONTEXT_WORDS:
                    break
                after += 1
            word = match.group()
            size = len(fold_dropping_accents(word))
            if length and size:
                length += 1  # the separator before it in ``folded``
            spans.append((length, length + size))
            length += size
            source.append(match.span())
            words.append(word)
            breaks.append("\n" in text[previous : match.start()])
            previous = match.end()
        return cls(page.text, spans, source, words, breaks)

    def term(self, first: int, last: int) -> str | None:
        """Words [first, last) as one term, or None if a block boundary falls inside."""
        if first >= last or any(self.breaks[k] for k in range(first + 1, last)):
            return None
        return self.folded[self.spans[first][0] : self.spans[last - 1][1]]


def _punctuation(word: str, limit: int, *, leading: bool) -> int:
    """How many of ``word``'s first (or last) ``limit`` characters are punctuation."""
    chars = word if leading else word[::-1]
    count = 0
    while count < min(limit, len(chars)) and not chars[count].isalnum():
        count += 1
    return count


def text_directive(page_text: str, start: int, end: int) -> str | None:
    """A text directive that selects page_text[start:end] (widened to whole words), checked
    against the page; None when no directive can single the passage out."""
    page = _Page.around(page_text, start, end)
    chosen = [k for k, (s, e) in enumerate(page.source) if e > start and s < end]
    if not chosen:
        return None
    first, last = chosen[0], chosen[-1] + 1
    # punctuation outside the passage ("accountable." when it ends at "accountable") is left
    # out of the terms: a browser matches at word boundaries, so it is not needed
    lead = _punctuation(page.words[first], start - page.source[first][0], leading=True)
    trail = _punctuation(page.words[last - 1], page.source[last - 1][1] - end, leading=False)

    def term(a: int, b: int, *, printed: bool = False) -> str | None:
        if not printed and page.term(a, b) is None:
            return None
        text = (
            " ".join(page.words[a:b])
            if printed
            else page.folded[page.spans[a][0] : page.spans[b - 1][1]]
        )
        cut_start = lead if a == first else 0
        cut_end = trail if b == last else 0
        return text[cut_start : len(text) - cut_end]

    target = (page.spans[first][0] + lead, page.spans[last - 1][1] - trail)
    # the first and last blocks of the passage: start and end terms must stay inside them
    first_block_end = next((k for k in range(first + 1, last) if page.breaks[k]), last)
    last_block_start = next((k for k in range(last - 1, first, -1) if page.breaks[k]), first)

    shapes: list[tuple[int, int]] = []  # (start words, end words); 0 end words: start only
    if first_block_end == last and last - first <= 2 * MAX_TERM_WORDS:
        shapes.append((last - first, 0))
    for size in range(3, MAX_TERM_WORDS + 1):
        head = min(size, first_block_end - first)
        tail = min(size, last - last_block_start)
        if head + tail <= last - first and (head, tail) not in shapes:
            shapes.append((head, tail))
    for head, tail in shapes:
        start_term = term(first, first + head)
        end_term = term(last - tail, last) if tail else None
        if not start_term or (tail and not end_term):
            continue
        for before, after in _CONTEXTS:
            if before > first or last + after > len(page.words):
                continue
            if before and page.term(first - before, first) is None:
                continue
            if after and page.term(last, last + after) is None:
                continue
            # context runs up to the passage itself, punctuation left out of the terms included
            prefix = page.folded[page.spans[first - before][0] : target[0]].strip() or None
            suffix = page.folded[target[1] : page.spans[last + after - 1][1]].strip() or None
            prefix, suffix = (prefix if before else None), (suffix if after else None)
            if "\n" in (prefix or "") + (suffix or ""):
                continue  # each term must lie within one block
            directive = TextDirective(start_term, end_term, prefix, suffix)
            if find_text_directive(directive, page.folded) != target:
                continue
            parts = [_encode(term(first, first + head, printed=True) or "")]
            if tail:
                parts.append(_encode(term(last - tail, last, printed=True) or ""))
            if prefix:
                at = page.source[first - before][0]
                printed = page_text[at : page.source[first][0] + lead]
                parts.insert(0, _encode(" ".join(printed.split())) + "-")
            if suffix:
                to = page.source[last + after - 1][1]
                printed = page_text[page.source[last - 1][1] - trail : to]
                parts.append("-" + _encode(" ".join(printed.split())))
            return ",".join(parts)
    return None


def fragment_link(url: str, page_text: str, start: int, end: int, anchor: str | None = None) -> str:
    """The URL that opens an HTML page at page_text[start:end]: a checked text fragment,
    else the element id ``anchor`` nearest before the passage, else the page itself."""
    base = url.split("#", 1)[0]
    directive = text_directive(page_text, start, end)
    if directive:
        return f"{base}#:~:text={directive}"
    if anchor:
        return f"{base}#{quote(anchor, safe='')}"
    return base


def page_link(url: str, page_number: int) -> str:
    """The URL that opens a PDF at a physical page (``#page=N``, which PDF viewers follow)."""
    return f"{url.split('#', 1)[0]}#page={page_number}"
