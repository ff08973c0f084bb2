"""URLs as a reference prints them: found, cut where the sentence takes over from the URL,
and put back together when a PDF broke them across lines.

The sources file keeps a URL exactly as printed, so nothing here rewrites one: trailing
punctuation is left off only when it cannot be the URL's own (an unbalanced bracket, a full
stop), and a break is mended by the document's own link when it has one, else by joining
the next line when the line plainly ended inside the URL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

_URL_CHARS = r"[^\s<>\"“”‘’]"
_URL = re.compile(rf"(?:https?://|(?<![\w@/.])www\.[A-Za-z0-9-]+\.){_URL_CHARS}*", re.IGNORECASE)
_TRAILING = ".,;:!?'’”>*"
# A URL that ends with one of these at a line's end goes on on the next line.
_OPEN_ENDS = "/-_=?&%#~+:."
# A next line's first word holding one of these is more URL, not more sentence.
_URLISH = "/=?&%_."
_CONTINUATION = re.compile(rf"{_URL_CHARS}+")
#: How a URL broken across lines was mended from the document's own link: nothing to check.
MENDED_BY_LINK = "put back together from the document's own link"
_DOI = re.compile(r"\b(?:doi\s*:?\s*|DOI\s*:?\s*)(?P<doi>10\.[0-9]{4,9}/[^\s\"<>]+)", re.I)
_PMC = re.compile(r"\b(?:PMCID\s*:?\s*)?(?P<pmc>PMC[0-9]{4,10})\b")
_PMID = re.compile(r"\bPMID\s*:?\s*(?P<pmid>[0-9]{1,10})\b")


@dataclass(frozen=True)
class FoundUrl:
    """A URL in a reference's text: its span there (across a line break when mended), the
    URL, and how it was found when not simply as printed."""

    start: int
    end: int
    url: str
    how: str | None = None


def trim(url: str) -> str:
    """``url`` without the punctuation after it that belongs to the sentence: a closing
    bracket is kept when the URL opened it."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif last == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url


def same_url(first: str, second: str) -> bool:
    """Whether two spellings name one address (escapes, a final slash, the scheme)."""
    return _key(first) == _key(second)


def _key(url: str) -> str:
    text = unquote(url.strip()).rstrip("/")
    return re.sub(r"^https?://(?:www\.)?", "", text, flags=re.I).lower()


def find_urls(text: str, links: Sequence[str] = ()) -> list[FoundUrl]:
    """Every URL printed in ``text``, in order, each mended across line breaks: by the
    document's own link (``links``) that starts with the printed part, else by joining the
    next line when the line ended inside the URL (a hyphen there is kept: typesetting does
    not hyphenate URLs; only the document's own link can show it was the typesetter's)."""
    found: list[FoundUrl] = []
    position = 0
    while match := _URL.search(text, position):
        start, raw = match.start(), match.group(0)
        end = match.end()
        how: str | None = None
        url = trim(raw)
        if text[end : end + 1] == "\n":
            url, end, how = _mend(text, start, raw, links)
        else:
            end = start + len(url)
        if url.lower().startswith("www."):
            url, how = "https://" + url, "the scheme https:// added to a URL printed without one"
        if _usable(url):
            found.append(FoundUrl(start, end, url, how))
        position = max(end, match.end())
    return found


def _mend(text: str, start: int, raw: str, links: Sequence[str]) -> tuple[str, int, str | None]:
    """A URL whose printed part ``raw`` reached a line's end, put back together; returns
    the URL, where it ends in the text, and how it was mended (None: it was whole)."""
    printed = trim(raw)
    end = start + len(raw)
    linked = [u for u in links if u.startswith(printed)]
    if printed in linked:
        return printed, start + len(printed), None
    longer = sorted((u for u in linked if len(u) > len(printed)), key=len, reverse=True)
    stem = printed
    if not longer and printed.endswith("-"):
        # A hyphen at the break that the document's own link does not have: the
        # typesetter's, when the next line goes on as the link does.
        stem = printed[:-1]
        longer = [
            u
            for u in sorted(links, key=len, reverse=True)
            if u.startswith(stem) and _follows(text, end, u[len(stem) :])[1]
        ]
    if longer:
        url = longer[0]
        position, _ = _follows(text, end, url[len(stem) :])
        return url, position, MENDED_BY_LINK
    how: str | None = None
    while text[end : end + 1] == "\n":
        line_start = end + 1
        while line_start < len(text) and text[line_start] in " \t":
            line_start += 1
        more = _CONTINUATION.match(text, line_start)
        if more is None or not _continues(trim(raw), more.group(0)):
            break
        raw += more.group(0)
        end = more.end()
        how = "joined across a line break"
    url = trim(raw)
    return url, end - (len(raw) - len(url)), how


def _follows(text: str, position: int, rest: str) -> tuple[int, bool]:
    """Where ``rest`` ends when read from ``position`` in ``text`` across line breaks and
    spaces (and a hyphen at a break that ``rest`` does not have), as far as the text agrees
    with it; and whether it agreed to its end."""
    for char in rest:
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        if char != "-" and text[position : position + 2] == "-\n":
            position += 2
        if text[position : position + 1] != char:
            return position, False
        position += 1
    return position, True


def _continues(printed: str, piece: str) -> bool:
    """Whether the next line's first word ``piece`` goes on with the URL ``printed``."""
    if piece[0] in "[(<" or re.match(r"(?i)(?:accessed|retrieved|viewed|cited)\b", piece):
        return False
    if printed.endswith(tuple(_OPEN_ENDS)) or printed.lower().endswith(("http://", "https://")):
        return True
    return any(c in trim(piece) for c in _URLISH)


def _usable(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def identifier_url(text: str) -> tuple[str, str] | None:
    """A URL made from a DOI, PMC or PubMed id in ``text`` (when it prints no URL), and
    what it was made from."""
    if match := _DOI.search(text):
        return "https://doi.org/" + trim(match.group("doi")), "DOI"
    if match := _PMC.search(text):
        return f"https://www.ncbi.nlm.nih.gov/pmc/articles/{match.group('pmc')}/", "PMC id"
    if match := _PMID.search(text):
        return f"https://pubmed.ncbi.nlm.nih.gov/{match.group('pmid')}/", "PubMed id"
    return None


def host(url: str) -> str:
    """The host a URL names, without ``www.``."""
    try:
        name = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return name.removeprefix("www.")
