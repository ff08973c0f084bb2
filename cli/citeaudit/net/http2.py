"""HTTP/2 for the link checker's own client: when a server picks ``h2`` by ALPN, the TLS
connection is handed to httpcore's HTTP/2 implementation (over :mod:`citeaudit.net.streams`)
and shared by its origin's requests.

Imported on the first such connection only: an all-HTTP/1.1 run never loads httpcore's
HTTP/2 machinery. Errors come out as httpx's exception classes, as the HTTP/1.1 path's do.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import httpcore
import httpx

from citeaudit.net.exchange import Reply
from citeaudit.net.policy import read_capped
from citeaudit.net.streams import AsyncioStream, StreamProtocol
from citeaudit.net.urls import Target


class Unavailable(Exception):
    """The connection can take no more requests (told to go away, out of stream ids)."""


def adopt(
    where: Target, transport: asyncio.Transport, early: bytes, keepalive_expiry: float
) -> httpcore.AsyncHTTP2Connection:
    """Take over a TLS transport on which the server chose HTTP/2; ``early`` holds what it
    sent already (its first frames, maybe)."""
    stream = StreamProtocol()
    stream.connection_made(transport)
    stream.buffer += early
    transport.set_protocol(stream)
    return httpcore.AsyncHTTP2Connection(
        httpcore.Origin(where.scheme.encode(), where.host.encode(), where.port),
        AsyncioStream(transport, stream),
        keepalive_expiry=keepalive_expiry,
    )


async def request(
    connection: httpcore.AsyncHTTP2Connection,
    where: Target,
    method: str,
    sent: Sequence[tuple[str, str]],
    cap: int,
    *,
    connect_timeout: float,
    read_timeout: float,
    address: str | None = None,
) -> Reply:
    """One request on an HTTP/2 connection (to ``address``), its body read up to ``cap``
    bytes; raises :class:`Unavailable` when the connection can take no more."""
    message = httpcore.Request(
        method.encode(),
        httpcore.URL(
            scheme=where.scheme.encode(),
            host=where.host.encode(),
            port=where.port,
            target=where.path.encode(),
        ),
        headers=[(n.encode("latin-1"), v.encode("latin-1")) for n, v in sent],
        extensions={
            "timeout": {
                "connect": connect_timeout,
                "read": read_timeout,
                "write": read_timeout,
                "pool": connect_timeout,
            }
        },
    )
    try:
        response = await connection.handle_async_request(message)
    except httpcore.ConnectionNotAvailable as exc:
        raise Unavailable from exc
    except httpcore.TimeoutException as exc:
        raise getattr(httpx, type(exc).__name__, httpx.TimeoutException)(str(exc)) from exc
    except httpcore.NetworkError as exc:
        raise getattr(httpx, type(exc).__name__, httpx.NetworkError)(str(exc)) from exc
    except httpcore.ProtocolError as exc:
        raise getattr(httpx, type(exc).__name__, httpx.ProtocolError)(str(exc)) from exc
    try:
        body, truncated = await read_capped(response.aiter_stream(), cap)
    except httpcore.TimeoutException as exc:
        raise httpx.ReadTimeout(str(exc)) from exc
    except (httpcore.NetworkError, httpcore.ProtocolError) as exc:
        raise httpx.ReadError(str(exc)) from exc
    finally:
        await response.aclose()
    reason = response.extensions.get("reason_phrase", b"")
    return Reply(
        http_version="HTTP/2",
        status=response.status,
        reason=reason.decode("latin-1") if isinstance(reason, bytes) else "",
        headers=list(response.headers),
        body=body,
        truncated=truncated,
        address=address,
    )
