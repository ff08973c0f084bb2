"""HTTP exchanges as plain data: what was sent and what came back, hop by hop.

These are the contract between whoever talks HTTP (the link checker, the web-archive
client) and whoever keeps or reads what was said (the WARC writer, the store): so they
import no HTTP client, and naming them loads none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from citeaudit.net.urls import redacted_headers, shown_url

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
    # The server's address (behind a proxy: what our own lookup of the name gave, if
    # anything): what the next hop's address rule is decided on. Never stored.
    address: str | None = None


@dataclass(frozen=True)
class Hop:
    """One redirect on the way to the final URL: ``url`` answered with ``status`` (3xx)."""

    url: str
    status: int


@dataclass(slots=True)
class Reply:
    """One HTTP response as a client read it: its head as received and its body raw
    (content-coding kept), cut at the reader's cap (``truncated`` then); ``address`` is
    the server's, when known."""

    http_version: str
    status: int
    reason: str
    headers: list[tuple[bytes, bytes]]
    body: bytes = field(repr=False)
    truncated: bool
    address: str | None = None


def header(exchange: Exchange, name: str) -> str | None:
    """One response header (repeats joined by commas), case-insensitively."""
    return header_value(exchange.response_headers, name)


def header_value(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    """One header of a list of (name, value) pairs, repeats joined by commas,
    case-insensitively."""
    wanted = name.lower()
    values = [v for k, v in headers if k.lower() == wanted]
    return ", ".join(values) if values else None


def text_headers(pairs: Iterable[tuple[bytes, bytes]]) -> Headers:
    """Headers as received, bytes to text losslessly (Latin-1 maps every byte)."""
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs)


def recorded(
    method: str, url: str, sent: Sequence[tuple[str, str]], reply: Reply, date: datetime
) -> Exchange:
    """The exchange to keep of a request sent at ``date`` with headers ``sent``: as it
    will be stored and shown, the URL without its user name and password and the
    credentials sent redacted (what was sent is not what is kept, there alone)."""
    return Exchange(
        method=method,
        url=shown_url(url),
        request_headers=redacted_headers(sent),
        http_version=reply.http_version,
        status=reply.status,
        reason=reply.reason,
        response_headers=text_headers(reply.headers),
        body=reply.body,
        date=date,
        truncated=reply.truncated,
        address=reply.address,
    )
