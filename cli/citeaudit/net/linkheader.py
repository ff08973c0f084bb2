"""Web links as HTTP ``Link`` headers (RFC 8288) and link-format TimeMaps (RFC 6690) write them.

Memento (RFC 7089) says where an archive's copies of a page are in this form: a TimeGate's
answer and each memento carry a ``Link`` header (``rel="original"``, ``"timemap"``,
``"memento"``, ``"first memento"``, ``"prev memento"``...), and a TimeMap is a list of them.
An archive's answer is input from the network: the parser never raises, skips what it cannot
read, and stops at ``limit`` links.
"""

from __future__ import annotations

import email.utils
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

#: Most links read from one header or TimeMap: a hostile archive cannot make us hold more.
MAX_LINKS = 200_000


@dataclass(frozen=True)
class Link:
    """One link: its target and parameters; ``rel`` is the set of its relation types."""

    url: str
    rel: frozenset[str] = frozenset()
    params: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def datetime(self) -> datetime | None:
        """The ``datetime`` parameter of a memento link, read as an HTTP date (UTC)."""
        return http_date(self.params.get("datetime"))


def http_date(text: str | None) -> datetime | None:
    """An HTTP-date (``Wed, 01 Jan 2020 00:00:00 GMT``) as an aware UTC datetime, or None."""
    if not text:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def format_http_date(moment: datetime) -> str:
    """An aware or UTC-naive datetime as an HTTP-date, as Accept-Datetime wants it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def parse_links(text: str | None, limit: int = MAX_LINKS) -> list[Link]:
    """Every link in a ``Link`` header value or a link-format document, in order (at most
    ``limit``)."""
    return list(islice(iter_links(text), limit))


def iter_links(text: str | None) -> Iterator[Link]:
    """The links of a ``Link`` header value or link-format document, one at a time: a
    TimeMap of hundreds of thousands of copies is read without holding them all."""
    if not text:
        return
    at, end = 0, len(text)
    while at < end:
        start = text.find("<", at)
        if start < 0:
            return
        close = text.find(">", start + 1)
        if close < 0:
            return
        url = text[start + 1 : close].strip()
        params, at = _params(text, close + 1)
        rel = frozenset(params.get("rel", "").lower().split())
        yield Link(url, rel, params)


def _params(text: str, at: int) -> tuple[dict[str, str], int]:
    """The ``; name=value`` parameters after a link target, and where the next link starts."""
    params: dict[str, str] = {}
    end = len(text)
    while at < end:
        while at < end and text[at] in " \t\r\n":
            at += 1
        if at >= end or text[at] == ",":
            return params, at + 1
        if text[at] != ";":
            # Not a parameter: skip to the next link (a stray character, a broken entry).
            next_link = text.find(",", at)
            return params, end if next_link < 0 else next_link + 1
        at += 1
        name_end = at
        while name_end < end and text[name_end] not in "=;,":
            name_end += 1
        name = text[at:name_end].strip().lower()
        at = name_end
        value = ""
        if at < end and text[at] == "=":
            at += 1
            while at < end and text[at] in " \t":
                at += 1
            if at < end and text[at] == '"':
                value, at = _quoted(text, at + 1)
            else:
                value_end = at
                while value_end < end and text[value_end] not in ";,":
                    value_end += 1
                value = text[at:value_end].strip()
                at = value_end
        if name and name not in params:  # RFC 8288: only the first occurrence counts
            params[name] = value
    return params, at


def _quoted(text: str, at: int) -> tuple[str, int]:
    """A quoted-string's value (backslash escapes undone) and the index after its quote."""
    out: list[str] = []
    end = len(text)
    while at < end:
        char = text[at]
        if char == "\\" and at + 1 < end:
            out.append(text[at + 1])
            at += 2
            continue
        if char == '"':
            return "".join(out), at + 1
        out.append(char)
        at += 1
    return "".join(out), at


def with_rel(links: list[Link], rel: str) -> list[Link]:
    """The links that have relation type ``rel`` (among others)."""
    return [link for link in links if rel in link.rel]
