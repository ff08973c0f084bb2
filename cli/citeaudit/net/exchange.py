"""HTTP exchanges as plain data: what was sent and what came back, hop by hop.

These are the contract between whoever talks HTTP (the link checker, the web-archive
client) and whoever keeps or reads what was said (the WARC writer, the store): so they
import no HTTP client, and naming them loads none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    """One request and its response as sent and received: one per redirect hop.

    ``body`` is the payload as it came over the wire (content-encoding kept, transfer
    encoding removed), which is what a WARC response record holds.
    """

    method: str
    url: str
    request_headers: Headers
    http_version: str
    status: int
    reason: str
    response_headers: Headers
    # Never in repr(): asyncio puts the result of asyncio.run()'s task in an error message
    # it builds (and drops) on the way out, and a 100 MB body would be rendered in full.
    body: bytes = field(repr=False)
    date: datetime
    truncated: bool = False


@dataclass(frozen=True)
class Hop:
    """One redirect on the way to the final URL: ``url`` answered with ``status`` (3xx)."""

    url: str
    status: int


@dataclass(slots=True)
class Reply:
    """One HTTP response as a client read it: its head as received and its body raw
    (content-coding kept), cut at the reader's cap (``truncated`` then)."""

    http_version: str
    status: int
    reason: str
    headers: list[tuple[bytes, bytes]]
    body: bytes = field(repr=False)
    truncated: bool


def header(exchange: Exchange, name: str) -> str | None:
    """One response header (repeats joined by commas), case-insensitively."""
    wanted = name.lower()
    values = [v for k, v in exchange.response_headers if k.lower() == wanted]
    return ", ".join(values) if values else None


def text_headers(pairs: Iterable[tuple[bytes, bytes]]) -> Headers:
    """Headers as received, bytes to text losslessly (Latin-1 maps every byte)."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs)


def recorded(
    method: str, url: str, sent: Sequence[tuple[str, str]], reply: Reply, date: datetime
) -> Exchange:
    """The exchange to keep of a request sent at ``date`` with headers ``sent``."""
    return Exchange(
        method=method,
        url=url,
        request_headers=tuple(sent),
        http_version=reply.http_version,
        status=reply.status,
        reason=reply.reason,
        response_headers=text_headers(reply.headers),
        body=reply.body,
        date=date,
        truncated=reply.truncated,
    )
