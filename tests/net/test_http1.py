"""The lean HTTP client (citeaudit.net.http1) against real servers on 127.0.0.1: no mocks."""

from __future__ import annotations

import asyncio
import base64
import select
import socket
import ssl
import time

import httpx
import pytest
import trustme

import lean_client
from citeaudit.net import AddressRefused, AddressRule, Reply, http1
from citeaudit.vocab import LinkStatus
from fetching import fetch
from lean_client import (
    HEADERS,
    MIB,
    causes,
    get,
    idle_connections,
    make_client,
    run,
    send,
    targets,
    trusting,
    until,
)
from loopbacks import LINK_LOCAL_IP, PRIVATE_IP, PUBLIC_IP, LoopbackServer, pretend, resolver
from servers import (
    RawServer,
    alpn_context,
    answer,
    echo_target,
    h2_echo,
    keep_alive,
    leaf_context,
    read_request,
    request_target,
    silent,
)

# The shared fixture these tests use by name.
ca = lean_client.ca


# --------------------------------------------------------------------------- request bytes


def test_request_bytes_on_the_wire() -> None:
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    with RawServer(answer(response)) as server:
        url = server.url("/p/a b?q=1&r=/s")

        async def work(client: http1.Client) -> list[tuple[str, str]]:
            _, sent = await client.request("GET", url, MIB, [("Cookie", "a=b")])
            return sent

        sent = run(work)

    host = f"127.0.0.1:{server.port}"
    assert server.requests == [
        b"GET /p/a%20b?q=1&r=/s HTTP/1.1\r\n"
        + f"Host: {host}\r\n".encode()
        + b"User-Agent: citeaudit-test/1\r\nAccept: */*\r\nCookie: a=b\r\n\r\n"
    ]
    assert sent == [("Host", host), *HEADERS, ("Cookie", "a=b")]


def test_userinfo_becomes_basic_authorization() -> None:
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    with RawServer(answer(response)) as server:
        url = f"http://us%40er:p%3Ass@127.0.0.1:{server.port}/"
        (reply,) = send(("HEAD", url))

    token = base64.b64encode(b"us@er:p:ss").decode()
    assert reply.status == 200
    assert server.requests == [
        f"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n".encode()
        + b"User-Agent: citeaudit-test/1\r\nAccept: */*\r\n"
        + f"Authorization: Basic {token}\r\n\r\n".encode()
    ]


def test_a_header_that_is_not_latin_1_is_refused_before_sending() -> None:
    with RawServer(silent) as server:
        url = server.url()

        async def work(client: http1.Client) -> None:
            await client.request("GET", url, MIB, [("Cookie", "caf\u00e9 \u2615")])

        with pytest.raises(httpx.LocalProtocolError, match="a header cannot be sent as it is"):
            run(work)
        connections = server.connections

    assert connections == 0


# --------------------------------------------------------------------------- keep-alive


def test_sequential_requests_share_one_connection() -> None:
    with RawServer(keep_alive()) as server:
        replies = send(*(("GET", server.url(f"/{i}")) for i in range(5)))
        connections = server.connections

    assert [(r.http_version, r.status, r.reason, r.body) for r in replies] == [
        ("HTTP/1.1", 200, "OK", f"/{i}".encode()) for i in range(5)
    ]
    assert replies[0].headers == [(b"Content-Type", b"text/plain"), (b"Content-Length", b"2")]
    assert targets(server) == [f"/{i}".encode() for i in range(5)]
    assert connections == 1


def test_connection_close_answers_are_not_reused() -> None:
    """The server says close but keeps the socket open: the client must not reuse it."""

    def closing(request: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"

    with RawServer(keep_alive(closing)) as server:
        replies = send(*(("GET", server.url(f"/{i}")) for i in range(3)))
        connections = server.connections

    assert [(r.status, r.body) for r in replies] == [(200, b"ok")] * 3
    assert targets(server) == [b"/0", b"/1", b"/2"]
    assert connections == 3


def test_http_1_0_answers_are_not_reused() -> None:
    def old(request: bytes) -> bytes:
        return b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"

    with RawServer(keep_alive(old)) as server:
        replies = send(("GET", server.url("/a")), ("GET", server.url("/b")))
        connections = server.connections

    assert [(r.http_version, r.status, r.body) for r in replies] == [("HTTP/1.0", 200, b"ok")] * 2
    assert connections == 2


def test_head_answer_ends_at_its_head_and_keeps_the_connection() -> None:
    """A HEAD answer announces a body it never sends; the next GET on the same connection
    gets its own answer."""

    def respond(request: bytes) -> bytes:
        if request.startswith(b"HEAD "):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
        return echo_target(request)

    with RawServer(keep_alive(respond)) as server:
        head, page, head_again = send(
            ("HEAD", server.url("/a")), ("GET", server.url("/b")), ("HEAD", server.url("/c"))
        )
        connections = server.connections

    assert (head.status, head.headers, head.body, head.truncated) == (
        200,
        [(b"Content-Length", b"1000")],
        b"",
        False,
    )
    assert (page.status, page.body) == (200, b"/b")
    assert (head_again.status, head_again.body) == (200, b"")
    assert [r.split(b"\r\n")[0] for r in server.requests] == [
        b"HEAD /a HTTP/1.1",
        b"GET /b HTTP/1.1",
        b"HEAD /c HTTP/1.1",
    ]
    assert connections == 1


def test_head_answer_followed_by_a_body_anyway_is_not_reused() -> None:
    """A server that sends a body after a HEAD answer would desync the connection."""

    def respond(request: bytes) -> bytes:
        if request.startswith(b"HEAD "):
            return b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"
        return echo_target(request)

    with RawServer(keep_alive(respond)) as server:
        head, page = send(("HEAD", server.url("/a")), ("GET", server.url("/b")))
        connections = server.connections

    assert (head.status, head.body) == (200, b"")
    assert (page.status, page.body) == (200, b"/b")
    assert connections == 2


def test_no_body_codes_keep_the_connection() -> None:
    """204 and 304 have no body whatever their Content-Length says."""

    def respond(request: bytes) -> bytes:
        if request_target(request) == b"/empty":
            return b"HTTP/1.1 204 No Content\r\n\r\n"
        if request_target(request) == b"/same":
            return b"HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"
        return echo_target(request)

    with RawServer(keep_alive(respond)) as server:
        replies = send(
            ("GET", server.url("/empty")), ("GET", server.url("/same")), ("GET", server.url("/x"))
        )
        connections = server.connections

    assert [(r.status, r.reason, r.body) for r in replies] == [
        (204, "No Content", b""),
        (304, "Not Modified", b""),
        (200, "OK", b"/x"),
    ]
    assert connections == 1


def test_idle_connection_closed_by_the_server_is_replaced() -> None:
    """The server hangs up after each answer; the next request goes on a new connection."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        request = read_request(conn)
        with server._lock:
            server.requests.append(request)
        conn.sendall(echo_target(request))

    with RawServer(handler) as server:

        async def work(client: http1.Client) -> list[bytes]:
            first, _ = await client.request("GET", server.url("/1"), MIB)
            # The server's FIN arrives while the connection idles.
            await until(lambda: all(conn.closed for conn in idle_connections(client)))
            second, _ = await client.request("GET", server.url("/2"), MIB)
            return [first.body, second.body]

        bodies = run(work)
        connections = server.connections

    assert bodies == [b"/1", b"/2"]
    assert targets(server) == [b"/1", b"/2"]
    assert connections == 2


def test_reused_connection_closed_unanswered_is_retried_afresh() -> None:
    """The server reads the request sent on the kept-alive connection and hangs up without
    answering: the request is sent again on a new connection, transparently."""
    with RawServer(keep_alive(answers=1)) as server:
        replies = send(("GET", server.url("/1")), ("GET", server.url("/2")))
        connections = server.connections

    assert [(r.status, r.body) for r in replies] == [(200, b"/1"), (200, b"/2")]
    assert targets(server) == [b"/1", b"/2", b"/2"]
    assert connections == 2


def test_reused_connection_reset_unanswered_is_retried_afresh() -> None:
    """The server closes the kept-alive connection just as the next request arrives,
    unread, so the kernel answers it with a reset rather than a FIN: the stale-connection
    race seen from the other side; it should be retried like a plain close."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        request = read_request(conn)
        with server._lock:
            server.requests.append(request)
        conn.sendall(echo_target(request))
        if server.connections == 1:
            select.select([conn], [], [], 5)  # the next request is here, left unread
            time.sleep(0.05)
            conn.close()
            return
        while request:
            request = read_request(conn)
            if request:
                conn.sendall(echo_target(request))

    with RawServer(handler) as server:
        replies = send(("GET", server.url("/1")), ("GET", server.url("/2")))
        connections = server.connections

    assert [(r.status, r.body) for r in replies] == [(200, b"/1"), (200, b"/2")]
    assert connections == 2


def test_fresh_connection_closed_unanswered_is_not_retried() -> None:
    with RawServer(keep_alive(answers=0)) as server:
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            get(server.url("/x"))
        connections = server.connections

    assert str(caught.value) == "Server disconnected without sending a response."
    assert targets(server) == [b"/x"]
    assert connections == 1


def test_kept_alive_connections_are_per_origin() -> None:
    with RawServer(keep_alive()) as one, RawServer(keep_alive()) as two:
        replies = send(
            ("GET", one.url("/1")),
            ("GET", two.url("/2")),
            ("GET", one.url("/3")),
            ("GET", two.url("/4")),
        )
        counts = (one.connections, two.connections)

    assert [r.body for r in replies] == [b"/1", b"/2", b"/3", b"/4"]
    assert counts == (1, 1)


def test_idle_connections_kept_per_origin_are_limited() -> None:
    """Three at once need three connections; only one is kept, so the next three at once
    reuse it and open two more."""
    with RawServer(keep_alive()) as server:

        async def work(client: http1.Client) -> list[bytes]:
            bodies: list[bytes] = []
            for batch in ("a", "b"):
                answers = await asyncio.gather(
                    *(client.request("GET", server.url(f"/{batch}{i}"), MIB) for i in range(3))
                )
                bodies += [reply.body for reply, _ in answers]
            return bodies

        bodies = run(work, make_client(keep_per_origin=1))
        connections = server.connections

    assert bodies == [b"/a0", b"/a1", b"/a2", b"/b0", b"/b1", b"/b2"]
    assert connections == 5


def test_idle_connections_of_the_least_recent_origins_are_closed() -> None:
    with RawServer(keep_alive()) as one, RawServer(keep_alive()) as two:
        replies = send(
            ("GET", one.url("/1")),
            ("GET", two.url("/2")),
            ("GET", one.url("/3")),
            ("GET", two.url("/4")),
            client=make_client(keep_origins=1),
        )
        counts = (one.connections, two.connections)

    assert [r.body for r in replies] == [b"/1", b"/2", b"/3", b"/4"]
    assert counts == (2, 2)


def test_expired_idle_connection_is_not_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http1, "KEEPALIVE_EXPIRY", 0.0)
    with RawServer(keep_alive()) as server:
        replies = send(("GET", server.url("/1")), ("GET", server.url("/2")))
        connections = server.connections

    assert [r.body for r in replies] == [b"/1", b"/2"]
    assert connections == 2


def test_idle_connection_the_server_wrote_to_is_not_reused() -> None:
    """A server that sends a 408 on an idle connection (and leaves it open): those bytes
    must not be read as the answer to the next request."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        while request := read_request(conn):
            with server._lock:
                server.requests.append(request)
            conn.sendall(echo_target(request))
            time.sleep(0.02)
            conn.sendall(b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\n\r\n")

    with RawServer(handler) as server:

        async def work(client: http1.Client) -> list[tuple[int, bytes]]:
            first, _ = await client.request("GET", server.url("/1"), MIB)
            # The 408 arrives while the connection idles.
            await until(lambda: all(conn.early for conn in idle_connections(client)))
            second, _ = await client.request("GET", server.url("/2"), MIB)
            return [(first.status, first.body), (second.status, second.body)]

        replies = run(work)
        connections = server.connections

    assert replies == [(200, b"/1"), (200, b"/2")]
    assert targets(server) == [b"/1", b"/2"]
    assert connections == 2


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    "parts",
    [
        [b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"],
        [b"HTTP/1.1 100 Continue\r\n\r\n", b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"],
    ],
    ids=["103", "100-then-103"],
)
@pytest.mark.parametrize("together", [True, False], ids=["one-packet", "apart"])
def test_informational_answers_are_skipped(parts: list[bytes], together: bool) -> None:
    final = b"HTTP/1.1 200 Fine\r\nContent-Length: 5\r\nX-Final: yes\r\n\r\nhello"

    def handler(conn: socket.socket, server: RawServer) -> None:
        while request := read_request(conn):
            with server._lock:
                server.requests.append(request)
            if together:
                conn.sendall(b"".join([*parts, final]))
                continue
            for part in [*parts, final]:
                conn.sendall(part)
                time.sleep(0.02)

    with RawServer(handler) as server:
        first, second = send(("GET", server.url("/a")), ("GET", server.url("/b")))
        connections = server.connections

    for reply in (first, second):
        assert (reply.http_version, reply.status, reply.reason) == ("HTTP/1.1", 200, "Fine")
        assert reply.headers == [(b"Content-Length", b"5"), (b"X-Final", b"yes")]
        assert (reply.body, reply.truncated) == (b"hello", False)
    assert connections == 1


@pytest.mark.parametrize("version", [b"HTTP/1.0", b"HTTP/1.1"])
def test_close_delimited_body_is_read_to_the_end(version: bytes) -> None:
    body = bytes(range(256)) * 1024  # 256 KiB, sent in pieces

    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.sendall(version + b" 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
        for start in range(0, len(body), 65536):
            conn.sendall(body[start : start + 65536])
            time.sleep(0.01)

    with RawServer(handler) as server:
        first, second = send(("GET", server.url("/a")), ("GET", server.url("/b")))
        connections = server.connections

    assert (first.http_version, first.status) == (version.decode(), 200)
    assert (first.body, first.truncated) == (body, False)
    assert (second.body, second.truncated) == (body, False)
    assert connections == 2  # the end of the body was the end of the connection


def test_chunked_body_is_joined_and_the_connection_kept() -> None:
    def chunked(request: bytes) -> bytes:
        return (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"
        )

    with RawServer(keep_alive(chunked)) as server:
        replies = send(("GET", server.url("/a")), ("GET", server.url("/b")))
        connections = server.connections

    assert [(r.status, r.body, r.truncated) for r in replies] == [(200, b"hello world", False)] * 2
    assert connections == 1


BODY = bytes(range(256)) * 8  # 2048 bytes whose every prefix is distinct


def framed(kind: str, body: bytes) -> bytes:
    """A 200 answer carrying ``body`` by Content-Length, in chunks, or until the close."""
    if kind == "content-length":
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    if kind == "chunked":
        pieces = [body[i : i + 300] for i in range(0, len(body), 300)]
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces)
        return b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
    return b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body


@pytest.mark.parametrize("kind", ["content-length", "chunked", "close-delimited"])
@pytest.mark.parametrize("cap", [1, 100, 1000, 2047])
def test_body_over_the_cap_is_cut_at_the_cap(kind: str, cap: int) -> None:
    with RawServer(answer(framed(kind, BODY))) as server:
        reply = get(server.url(), cap=cap)

    assert reply.status == 200
    assert (reply.body, reply.truncated) == (BODY[:cap], True)


@pytest.mark.parametrize("kind", ["content-length", "chunked", "close-delimited"])
def test_body_exactly_at_the_cap_is_whole(kind: str) -> None:
    with RawServer(answer(framed(kind, BODY))) as server:
        reply = get(server.url(), cap=len(BODY))

    assert (reply.body, reply.truncated) == (BODY, False)


def test_a_cut_body_closes_the_connection() -> None:
    with RawServer(keep_alive(lambda request: framed("content-length", BODY))) as server:
        cut, whole = send(("GET", server.url("/a")), ("GET", server.url("/b")), cap=len(BODY) - 1)
        connections = server.connections

    assert (cut.body, cut.truncated) == (BODY[:-1], True)
    assert (whole.body, whole.truncated) == (BODY[:-1], True)
    assert connections == 2


# --------------------------------------------------------------------------- TLS


def test_the_tls_context_is_made_once_and_only_for_https(ca: trustme.CA) -> None:
    made: list[ssl.SSLContext] = []

    def make() -> ssl.SSLContext:
        made.append(trusting(ca))
        return made[-1]

    client = http1.Client(
        context=make,
        headers=HEADERS,
        connect_timeout=2.0,
        read_timeout=2.0,
        keep_per_origin=4,
        keep_origins=8,
    )
    with (
        RawServer(keep_alive()) as plain,
        RawServer(h2_echo, alpn_context(ca, "http/1.1")) as one,
        RawServer(h2_echo, alpn_context(ca, "h2", "http/1.1")) as two,
    ):

        async def work(c: http1.Client) -> list[tuple[str, bytes, int]]:
            replies: list[tuple[str, bytes, int]] = []
            for url in (plain.url("/p"), one.url("/1", "https"), two.url("/2", "https")):
                reply, _ = await c.request("GET", url, MIB)
                replies.append((reply.http_version, reply.body, len(made)))
            return replies

        replies = run(work, client)

    assert replies == [("HTTP/1.1", b"/p", 0), ("HTTP/1.1", b"/1", 1), ("HTTP/2", b"/2", 1)]


def test_untrusted_certificate_is_a_connect_error(ca: trustme.CA) -> None:
    with RawServer(h2_echo, leaf_context(ca)) as server:
        with pytest.raises(httpx.ConnectError) as caught:
            get(server.url("/", "https"), client=make_client(trusting(trustme.CA())))

    assert causes(caught.value) == [httpx.ConnectError, ssl.SSLCertVerificationError]
    assert "certificate verify failed: unable to get local issuer certificate" in str(caught.value)


# --------------------------------------------------------------------------- through fetch


def test_fetch_keeps_one_connection_per_host() -> None:
    with RawServer(keep_alive()) as server:
        urls = [server.url(f"/{i}") for i in range(4)]
        results = fetch(urls, per_host=1)
        connections = server.connections

    assert [(r.status, r.content) for r in results.values()] == [
        (LinkStatus.OK, f"/{i}".encode()) for i in range(4)
    ]
    assert [r.exchanges[0].http_version for r in results.values()] == ["HTTP/1.1"] * 4
    assert connections == 1


def test_fetch_head_first_keeps_the_connection() -> None:
    def respond(request: bytes) -> bytes:
        if request.startswith(b"HEAD "):
            return b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 99\r\n\r\n"
        return echo_target(request)

    with RawServer(keep_alive(respond)) as server:
        urls = [server.url(f"/{i}") for i in range(3)]
        results = fetch(urls, per_host=1, head_first=True)
        connections = server.connections

    assert [(r.status, r.reason) for r in results.values()] == [(LinkStatus.OK, "200 OK")] * 3
    assert [e.method for r in results.values() for e in r.exchanges] == ["HEAD"] * 3
    assert [r.split(b" ")[0] for r in server.requests] == [b"HEAD"] * 3
    assert connections == 1


def test_fetch_skips_early_hints() -> None:
    response = (
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
    )
    with RawServer(answer(response)) as server:
        result = fetch([server.url()])[server.url()]

    assert (result.status, result.reason, result.content) == (LinkStatus.OK, "200 OK", b"ok")
    assert result.exchanges[0].response_headers == (
        ("Content-Type", "text/plain"),
        ("Content-Length", "2"),
    )


# --------------------------------------------------------------------------- address rule
# 127.0.0.1 stands for a public address, 127.0.0.2 for a private one, 127.0.0.3 for a
# link-local one (see loopbacks.py).

FIRST = AddressRule(pretend)  # the URL the user wrote
AFTER_PUBLIC = FIRST.after(PUBLIC_IP)  # a redirect from a public address


def test_a_refused_address_is_never_connected_to() -> None:
    with LoopbackServer(LINK_LOCAL_IP, keep_alive()) as server:
        url = server.url()

        async def work(client: http1.Client) -> None:
            await client.request("GET", url, MIB, rule=FIRST)

        with pytest.raises(AddressRefused, match="link-local"):
            run(work)
        assert server.accepted() == 0


def test_the_reply_says_which_address_answered() -> None:
    with LoopbackServer(PRIVATE_IP, keep_alive()) as server:
        reply = run(lambda client: client.request("GET", server.url(), MIB, rule=FIRST))[0]
    assert (reply.status, reply.address) == (200, PRIVATE_IP)


def test_a_kept_connection_takes_no_request_its_address_refuses() -> None:
    with LoopbackServer(PRIVATE_IP, keep_alive()) as server:

        async def work(client: http1.Client) -> None:
            await client.request("GET", server.url("/a"), MIB, rule=FIRST)
            with pytest.raises(AddressRefused, match="from a public address to a private one"):
                await client.request("GET", server.url("/b"), MIB, rule=AFTER_PUBLIC)
            await client.request("GET", server.url("/c"), MIB, rule=FIRST)  # still kept

        run(work)
    assert targets(server) == [b"/a", b"/c"]
    assert server.connections == 1


def test_an_http2_connection_takes_no_request_its_address_refuses(ca: trustme.CA) -> None:
    context = leaf_context(ca, "h2.test")
    context.set_alpn_protocols(["h2", "http/1.1"])
    with LoopbackServer(PRIVATE_IP, h2_echo, context) as server:
        url = f"https://h2.test:{server.port}"
        client = http1.Client(
            context=lambda: trusting(ca),
            headers=HEADERS,
            connect_timeout=2.0,
            read_timeout=2.0,
            keep_per_origin=4,
            keep_origins=8,
            resolve=resolver({"h2.test": [[PRIVATE_IP]]}),
        )

        async def work(client: http1.Client) -> Reply:
            reply, _ = await client.request("GET", f"{url}/a", MIB, rule=FIRST)
            with pytest.raises(AddressRefused):
                await client.request("GET", f"{url}/b", MIB, rule=AFTER_PUBLIC)
            return reply

        reply = run(work, client)
    assert (reply.http_version, reply.address) == ("HTTP/2", PRIVATE_IP)
    assert server.requests == [b"1 GET /a"]
    assert server.connections == 1
