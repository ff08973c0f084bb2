"""The link checker's own HTTP client in tests: a client made as the tests need it, run in
a fresh event loop, and TLS contexts that trust a test CA; the HTTPS test server that
speaks HTTP/2 when asked."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Awaitable, Callable, Iterator
from typing import TypeVar

import pytest
import trustme

from citeaudit.net import http1
from citeaudit.net.exchange import Reply
from servers import RawServer, alpn_context, h2_echo, request_target

T = TypeVar("T")
MIB = 1024 * 1024
HEADERS = [("User-Agent", "citeaudit-test/1"), ("Accept", "*/*")]


def make_client(
    context: ssl.SSLContext | None = None,
    *,
    read_timeout: float = 2.0,
    keep_per_origin: int = 4,
    keep_origins: int = 8,
) -> http1.Client:
    chosen = context or ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    return http1.Client(
        context=lambda: chosen,
        headers=HEADERS,
        connect_timeout=2.0,
        read_timeout=read_timeout,
        keep_per_origin=keep_per_origin,
        keep_origins=keep_origins,
    )


def run(work: Callable[[http1.Client], Awaitable[T]], client: http1.Client | None = None) -> T:
    """Run ``work`` with a client in a fresh event loop, closing the client after."""
    chosen = client or make_client()

    async def main() -> T:
        try:
            return await work(chosen)
        finally:
            await chosen.aclose()

    return asyncio.run(main())


def send(
    *requests: tuple[str, str], client: http1.Client | None = None, cap: int = MIB
) -> list[Reply]:
    """Send ``(method, url)`` requests one after another on one client."""

    async def work(c: http1.Client) -> list[Reply]:
        return [(await c.request(method, url, cap))[0] for method, url in requests]

    return run(work, client)


def get(url: str, *, client: http1.Client | None = None, cap: int = MIB) -> Reply:
    (reply,) = send(("GET", url), client=client, cap=cap)
    return reply


def targets(server: RawServer) -> list[bytes]:
    return [request_target(request) for request in server.requests]


def causes(exc: BaseException) -> list[type[BaseException]]:
    """The classes along an exception's __cause__ chain, itself first."""
    found: list[type[BaseException]] = []
    current: BaseException | None = exc
    while current is not None:
        found.append(type(current))
        current = current.__cause__
    return found


def trusting(ca: trustme.CA, *alpn: str) -> ssl.SSLContext:
    """A client context trusting ``ca``, offering ``alpn`` protocols if any."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ca.configure_trust(context)
    if alpn:
        context.set_alpn_protocols(list(alpn))
    return context


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def h2_server(ca: trustme.CA) -> Iterator[RawServer]:
    """An HTTPS server that speaks HTTP/2 when the client picks it by ALPN."""
    with RawServer(h2_echo, alpn_context(ca, "h2", "http/1.1")) as server:
        yield server


async def until(condition: Callable[[], bool], limit: float = 10.0) -> None:
    """Wait for ``condition()`` to hold, letting the event loop run meanwhile (a connection's
    bytes arrive, its close is seen); TimeoutError after ``limit`` seconds if it never does."""
    async with asyncio.timeout(limit):
        while not condition():
            await asyncio.sleep(0.005)


def idle_connections(client: http1.Client) -> list[http1._Connection]:
    """The client's idle HTTP/1.1 connections, every origin's."""
    return [conn for origin in client._origins.values() for conn in origin.idle]
