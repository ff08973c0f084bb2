"""Deep links that open a source at a passage: text fragments (``#:~:text=``) and ``#page=N``.

A text directive is ``[prefix-,]textStart[,textEnd][,-suffix]``. A browser looks for the
first ``textStart`` (right after ``prefix`` when one is given), then the first ``textEnd``
after it, then checks ``suffix`` follows; each term must lie within one block of the page
and match at word boundaries, case-insensitively. So a directive is built, then tried here
against the page's own text the way a browser would try it, and made more specific (longer
terms, a prefix, a suffix) until it selects exactly the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

_WORD = re.compile(r"\S+")
#: The longest start or end term, in words.
MAX_TERM_WORDS = 8
_CONTEXT_WORDS = 4


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
    """A page as a browser matches it: words folded to lower case, blocks on their own line."""

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
            folded = word.lower()
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


def _bounded(text: str, start: int, end: int) -> bool:
    before = start == 0 or not text[start - 1].isalnum() or not text[start].isalnum()
    after = end >= len(text) or not text[end].isalnum() or not text[end - 1].isalnum()
    return before and after


def _find(text: str, term: str, position: int) -> int:
    while True:
        found = text.find(term, position)
        if found < 0 or _bounded(text, found, found + len(term)):
            return found
        position = found + 1


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _select(
    text: str, prefix: str | None, start: str, end: str | None, suffix: str | None
) -> tuple[int, int] | None:
    """What a browser would select for this directive in ``text``: a span, or None."""
    position = 0
    while True:
        if prefix:
            before = _find(text, prefix, position)
            if before < 0:
                return None
            position = before + 1
            first = _skip_space(text, before + len(prefix))
            if not (text.startswith(start, first) and _bounded(text, first, first + len(start))):
                continue
        else:
            first = _find(text, start, position)
            if first < 0:
                return None
            position = first + 1
        last = first + len(start)
        if end:
            at = _find(text, end, last)
            if at < 0:
                return None
            last = at + len(end)
        if suffix:
            after = _skip_space(text, last)
            if not (text.startswith(suffix, after) and _bounded(text, after, after + len(suffix))):
                continue
        return first, last


def _printed(page: _Page, first: int, last: int) -> str:
    return " ".join(page.words[first:last])


def text_directive(page_text: str, start: int, end: int) -> str | None:
    """A text directive that selects page_text[start:end] (widened to whole words), checked
    against the page; None when no directive can single the passage out."""
    page = _Page.of(page_text)
    chosen = [k for k, (s, e) in enumerate(page.source) if e > start and s < end]
    if not chosen:
        return None
    first, last = chosen[0], chosen[-1] + 1
    target = (page.spans[first][0], page.spans[last - 1][1])
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
        start_term = page.term(first, first + head)
        end_term = page.term(last - tail, last) if tail else None
        if start_term is None or (tail and end_term is None):
            continue
        for before in range(_CONTEXT_WORDS + 1):
            prefix = page.term(first - before, first) if 0 < before <= first else None
            if before and prefix is None:
                break
            for after in range(_CONTEXT_WORDS + 1):
                fits = 0 < after and last + after <= len(page.words)
                suffix = page.term(last, last + after) if fits else None
                if after and suffix is None:
                    break
                if _select(page.folded, prefix, start_term, end_term, suffix) != target:
                    continue
                parts = [_encode(_printed(page, first, first + head))]
                if tail:
                    parts.append(_encode(_printed(page, last - tail, last)))
                if before:
                    parts.insert(0, _encode(_printed(page, first - before, first)) + "-")
                if after:
                    parts.append("-" + _encode(_printed(page, last, last + after)))
                return ",".join(parts)
    return None


def fragment_link(
    url: str, page_text: str, start: int, end: int, anchor: str | None = None
) -> str:
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
