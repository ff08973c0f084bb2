"""Deep links that open a source at a passage: text fragments (``#:~:text=``) and ``#page=N``.

A text directive is ``[prefix-,]textStart[,textEnd][,-suffix]``. A browser looks for the
first ``textStart`` (right after ``prefix`` when one is given), then the first ``textEnd``
after it, then checks ``suffix`` follows; each term must lie within one block of the page
and match at word boundaries, case-insensitively. So a directive is built, then tried here
against the page's own text the way a browser would try it, and made more specific (longer
terms, a prefix, a suffix) until it selects exactly the passage. The matching is
:mod:`citeaudit.fragment_check`'s, the same that checks the fragments of cited URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from citeaudit.fragment_check import TextDirective, find_text_directive
from citeaudit.soft404 import fold

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
class _Page:
    """A page as a browser matches it: words folded (case, accents), blocks on their own line."""

    folded: str  # words joined by " ", or "\n" where a block boundary falls between them
    spans: list[tuple[int, int]]  # each word's span in ``folded``
    source: list[tuple[int, int]]  # each word's span in the page text
    words: list[str]  # each word as printed
    breaks: list[bool]  # whether a block boundary comes before each word

    @classmethod
    def of(cls, text: str) -> _Page:
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        source: list[tuple[int, int]] = []
        words: list[str] = []
        breaks: list[bool] = []
        length = 0
        previous = 0
        for match in _WORD.finditer(text):
            word = match.group()
            block = "\n" in text[previous : match.start()]
            if parts:
                parts.append("\n" if block else " ")
                length += 1
            folded = fold(word)
            parts.append(folded)
            spans.append((length, length + len(folded)))
            length += len(folded)
            source.append(match.span())
            words.append(word)
            breaks.append(block)
            previous = match.end()
        return cls("".join(parts), spans, source, words, breaks)

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
    page = _Page.of(page_text)
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
