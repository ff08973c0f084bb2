"""The lean HTTP client (citeaudit.net.http1) against servers that fail: malformed,
cut-off, reset, silent, trickling or endless answers, each an httpx error with its cause."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import httpx
import pytest

from citeaudit.net import http1
from citeaudit.net.exchange import Reply
from lean_client import MIB, causes, get, idle_connections, make_client, run, until
from servers import (
    RawServer,
    answer,
    echo_target,
    read_request,
    reset,
    reset_mid_body,
    silent,
    unused_port,
)

# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "response",
    [
        b"garbage\r\n\r\n",
        b"HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n",
    ],
    ids=["garbage", "status", "two-lengths", "chunk-size", "header"],
)
def test_malformed_answer_is_a_protocol_error(response: bytes) -> None:
    with RawServer(answer(response)) as server:
        with pytest.raises(httpx.RemoteProtocolError, match="^malformed answer: "):
            get(server.url())


def test_close_mid_head_is_a_protocol_error() -> None:
    with RawServer(answer(b"HTTP/1.1 200 OK\r\nContent-Le")) as server:
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            get(server.url())

    assert str(caught.value) == "Server disconnected mid-answer."


def test_close_mid_body_is_a_protocol_error() -> None:
    with RawServer(answer(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")) as server:
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            get(server.url())

    assert str(caught.value) == (
        "peer closed connection without sending complete message body: received 3 bytes"
    )


def test_reset_mid_body_is_a_read_error() -> None:
    with RawServer(reset_mid_body(1000)) as server:
        with pytest.raises(httpx.ReadError) as caught:
            get(server.url())

    assert causes(caught.value) == [httpx.ReadError, ConnectionResetError]


def test_reset_before_the_answer_is_a_read_error() -> None:
    with RawServer(reset) as server:
        with pytest.raises(httpx.ReadError) as caught:
            get(server.url())

    assert causes(caught.value) == [httpx.ReadError, ConnectionResetError]


def test_silence_is_a_read_timeout() -> None:
    with RawServer(silent) as server:
        with pytest.raises(httpx.ReadTimeout) as caught:
            get(server.url(), client=make_client(read_timeout=0.3))

    assert str(caught.value) == "nothing received for 0.3s"


def test_a_body_stalled_midway_is_a_read_timeout() -> None:
    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nx")
        server.stopping.wait(10)

    with RawServer(handler) as server:
        with pytest.raises(httpx.ReadTimeout) as caught:
            get(server.url(), client=make_client(read_timeout=0.3))

    assert str(caught.value) == "nothing received for 0.3s"


def test_a_trickling_body_is_read_whole() -> None:
    """The read timeout counts from the last bytes received: a body that takes longer
    than it in all, but never pauses that long, is read whole."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n")
        for byte in b"abcd":
            time.sleep(0.1)
            conn.sendall(bytes([byte]))

    with RawServer(handler) as server:
        reply = get(server.url(), client=make_client(read_timeout=0.3))

    assert (reply.status, reply.body, reply.truncated) == (200, b"abcd", False)


def test_refused_connection_is_a_connect_error() -> None:
    port = unused_port()

    with pytest.raises(httpx.ConnectError) as caught:
        get(f"http://127.0.0.1:{port}/")

    assert str(caught.value) == "All connection attempts failed"
    assert causes(caught.value) == [httpx.ConnectError, OSError, ConnectionRefusedError]


# --------------------------------------------------------------------------- hostile heads


def endless(*parts: bytes, then: bytes) -> Callable[[socket.socket, RawServer], None]:
    """A server that answers with ``parts`` and then ``then`` over and over (about 20 MB),
    counting what it managed to send."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        try:
            for part in parts:
                conn.sendall(part)
            for _ in range(20_000):
                conn.sendall(then)
                server.requests.append(b"sent")
        except OSError:
            pass

    return handler


@pytest.mark.parametrize(
    ("parts", "then"),
    [
        ((b"HTTP/1.1 200 OK\r\nX-Endless: ",), b"a" * 1024),  # one header without end
        ((b"HTTP/1.1 200 OK\r\n",), b"X-Many: " + b"b" * 1014 + b"\r\n"),  # headers without end
        ((), b"HTTP/1.1 100 Continue\r\n\r\n" * 40),  # informational answers without end
    ],
    ids=["one-header", "many-headers", "informational"],
)
def test_an_endless_head_is_refused_without_reading_it_all(
    parts: tuple[bytes, ...], then: bytes
) -> None:
    with RawServer(endless(*parts, then=then)) as server:
        with pytest.raises(httpx.RemoteProtocolError, match="head is larger than 256 KiB"):
            get(server.url("/"))
        sent_kib = len(server.requests)

    assert sent_kib < 20_000  # the client hung up long before the server was done


def test_a_server_writing_to_an_idle_connection_is_not_listened_to() -> None:
    """Bytes nobody asked for are not kept without bound (the connection is closed once
    they pass the head limit), and the connection is not reused."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        request = read_request(conn)
        server.requests.append(request)
        conn.sendall(echo_target(request))
        try:
            for _ in range(50_000):
                conn.sendall(b"x" * 1024)
                server.requests.append(b"flood")
        except OSError:
            return

    with RawServer(handler) as server:
        client = make_client()

        held: list[tuple[int, bool]] = []

        async def work(c: http1.Client) -> list[Reply]:
            first, _ = await c.request("GET", server.url("/1"), MIB)
            # The server floods the idle connection until the client stops listening.
            await until(lambda: any(conn.closed for conn in idle_connections(c)))
            (idle,) = idle_connections(c)
            held.append((len(idle.early), idle.closed))
            second, _ = await c.request("GET", server.url("/2"), MIB)
            return [first, second]

        replies = run(work, client)
        connections = server.connections

    assert [r.body for r in replies] == [b"/1", b"/2"]
    assert connections == 2
    ((kept, closed),) = held
    assert closed
    assert kept <= http1.MAX_HEAD_BYTES + 256 * 1024  # at most one read past the limit
