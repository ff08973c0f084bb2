"""HTTP/2 in the link checker's own client: a TLS connection on which the server picked
``h2`` is handed to httpcore and shared by its origin's requests; real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import functools
from typing import cast

import trustme

import lean_client
from citeaudit.net import http1
from citeaudit.net.exchange import Reply
from citeaudit.net.streams import AsyncioStream
from citeaudit.vocab import LinkStatus
from fetching import fetch
from lean_client import MIB, get, make_client, run, send, trusting, until
from servers import (
    RawServer,
    alpn_context,
    h2_echo,
)


def h2_ended(client: http1.Client) -> bool:
    """Whether the server's end of every HTTP/2 connection the client holds has arrived."""
    streams = [o.h2._network_stream for o in client._origins.values() if o.h2 is not None]
    return all(cast(AsyncioStream, stream)._protocol.eof for stream in streams)


# The shared fixtures these tests use by name.
ca = lean_client.ca
h2_server = lean_client.h2_server


# --------------------------------------------------------------------------- HTTP/2


def test_http2_when_the_server_picks_h2(h2_server: RawServer, ca: trustme.CA) -> None:
    client = make_client(trusting(ca, "h2", "http/1.1"))
    first, second = send(
        ("GET", h2_server.url("/a?b=c", "https")),
        ("GET", h2_server.url("/d", "https")),
        client=client,
    )

    assert (first.http_version, first.status, first.reason) == ("HTTP/2", 200, "")
    assert first.headers == [
        (b"content-type", b"text/plain"),
        (b"x-echo", b"yes"),
        (b"content-length", b"6"),
    ]
    assert (first.body, first.truncated) == (b"/a?b=c", False)
    assert (second.http_version, second.body) == ("HTTP/2", b"/d")
    assert h2_server.requests == [b"1 GET /a?b=c", b"3 GET /d"]
    assert h2_server.connections == 1


def test_concurrent_http2_requests_share_one_connection(
    h2_server: RawServer, ca: trustme.CA
) -> None:
    async def work(client: http1.Client) -> list[Reply]:
        answers = await asyncio.gather(
            *(client.request("GET", h2_server.url(f"/{i}", "https"), MIB) for i in range(4))
        )
        return [reply for reply, _ in answers]

    replies = run(work, make_client(trusting(ca, "h2", "http/1.1")))

    assert [(r.http_version, r.status, r.body) for r in replies] == [
        ("HTTP/2", 200, f"/{i}".encode()) for i in range(4)
    ]
    streams = [request.split(b" ") for request in h2_server.requests]
    assert sorted(int(stream) for stream, _, _ in streams) == [1, 3, 5, 7]
    assert sorted(path for _, _, path in streams) == [b"/0", b"/1", b"/2", b"/3"]
    assert h2_server.connections == 1


def test_http2_head_and_cap(h2_server: RawServer, ca: trustme.CA) -> None:
    client = make_client(trusting(ca, "h2", "http/1.1"))

    async def work(c: http1.Client) -> list[Reply]:
        head, _ = await c.request("HEAD", h2_server.url("/head", "https"), MIB)
        cut, _ = await c.request("GET", h2_server.url("/abcdef", "https"), 3)
        after, _ = await c.request("GET", h2_server.url("/after", "https"), MIB)
        return [head, cut, after]

    head, cut, after = run(work, client)

    assert (head.http_version, head.status, head.body, head.truncated) == (
        "HTTP/2",
        200,
        b"",
        False,
    )
    assert (cut.body, cut.truncated) == (b"/ab", True)
    assert (after.body, after.truncated) == (b"/after", False)
    assert h2_server.connections == 1


def test_http1_when_the_server_offers_only_http1(ca: trustme.CA) -> None:
    with RawServer(h2_echo, alpn_context(ca, "http/1.1")) as server:
        replies = send(
            ("GET", server.url("/a", "https")),
            ("GET", server.url("/b", "https")),
            client=make_client(trusting(ca, "h2", "http/1.1")),
        )
        connections = server.connections

    assert [(r.http_version, r.status, r.body) for r in replies] == [
        ("HTTP/1.1", 200, b"/a"),
        ("HTTP/1.1", 200, b"/b"),
    ]
    assert connections == 1


def test_the_client_offers_h2_on_the_context_it_is_given(
    h2_server: RawServer, ca: trustme.CA
) -> None:
    reply = get(h2_server.url("/a", "https"), client=make_client(trusting(ca)))

    assert (reply.http_version, reply.status, reply.body) == ("HTTP/2", 200, b"/a")


def test_http2_connections_of_forgotten_origins_are_closed(ca: trustme.CA) -> None:
    """Beyond ``keep_origins``, the least recently used origin's HTTP/2 connection is closed
    too: a run over thousands of HTTP/2 hosts does not keep thousands of sockets."""
    context = alpn_context(ca, "h2", "http/1.1")
    with RawServer(h2_echo, context) as one, RawServer(h2_echo, context) as two:
        replies = send(
            ("GET", one.url("/1", "https")),
            ("GET", two.url("/2", "https")),
            ("GET", one.url("/3", "https")),
            client=make_client(trusting(ca, "h2", "http/1.1"), keep_origins=1),
        )
        counts = (one.connections, two.connections)

    assert [(r.http_version, r.body) for r in replies] == [
        ("HTTP/2", b"/1"),
        ("HTTP/2", b"/2"),
        ("HTTP/2", b"/3"),
    ]
    assert counts == (2, 1)


def test_a_new_http2_connection_after_the_server_ends_one(ca: trustme.CA) -> None:
    """A server that ends its HTTP/2 connection (GOAWAY) after each answer: every request
    still gets its answer, each on a new connection."""
    handler = functools.partial(h2_echo, goaway_after=1)
    with RawServer(handler, alpn_context(ca, "h2", "http/1.1")) as server:

        async def work(client: http1.Client) -> list[Reply]:
            replies = []
            for i in range(3):
                reply, _ = await client.request("GET", server.url(f"/{i}", "https"), MIB)
                replies.append(reply)
                await until(lambda: h2_ended(client))  # the GOAWAY and the close arrived
            return replies

        replies = run(work, make_client(trusting(ca, "h2", "http/1.1")))
        connections = server.connections

    assert [(r.http_version, r.body) for r in replies] == [
        ("HTTP/2", b"/0"),
        ("HTTP/2", b"/1"),
        ("HTTP/2", b"/2"),
    ]
    assert connections == 3


# --------------------------------------------------------------------------- through fetch


def test_fetch_speaks_http2_when_the_server_does(h2_server: RawServer, ca: trustme.CA) -> None:
    with ca.cert_pem.tempfile() as bundle:
        urls = [h2_server.url(f"/{i}", "https") for i in range(3)]
        results = fetch(urls, ca_bundle=bundle, per_host=3)

    assert [(r.status, r.content) for r in results.values()] == [
        (LinkStatus.OK, f"/{i}".encode()) for i in range(3)
    ]
    assert [r.exchanges[0].http_version for r in results.values()] == ["HTTP/2"] * 3
    assert h2_server.connections == 1
