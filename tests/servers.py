"""Real local servers for network tests: nothing here mocks HTTP, and nothing leaves 127.0.0.1.

* :class:`RawServer` runs a plain function per TCP connection, for misbehaviour an HTTP
  framework will not produce: resets (before or mid-body), silence, trickling or endless
  bodies, a refusing proxy, a proxy that records what it was asked for.
* :class:`SlowServer` is a threaded HTTP server that holds each request for a while and
  counts how many it holds at once (a :class:`Gauge`), to test concurrency limits.
* :func:`keep_alive` answers request after request on one connection (echoing the request
  target by default); :func:`h2_echo` speaks HTTP/2 (the ``h2`` library) on a TLS
  :class:`RawServer` when the client chose it by ALPN.
* :func:`tls_server` and the ``*_context`` helpers serve HTTPS with trustme certificates,
  good or deliberately broken.
"""

from __future__ import annotations

import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import h2.config
import h2.connection
import h2.events
import trustme
from pytest_httpserver import HTTPServer

LOCALHOST = "127.0.0.1"


def unused_port() -> int:
    """A port nothing listens on (bound then released), for 'connection refused'."""
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        port: int = sock.getsockname()[1]
        return port


# --------------------------------------------------------------------------- raw TCP


Handler = Callable[[socket.socket, "RawServer"], None]


class RawServer:
    """A TCP server whose every connection is handed to ``handler`` in its own thread;
    with ``context``, the connection is TLS (the handshake done before the handler runs)."""

    def __init__(self, handler: Handler, context: ssl.SSLContext | None = None) -> None:
        self.handler = handler
        self.context = context
        self.connections = 0
        self.requests: list[bytes] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._sock = socket.create_server((LOCALHOST, 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self._threads: list[threading.Thread] = []

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://{LOCALHOST}:{self.port}{path}"

    def __enter__(self) -> RawServer:
        self._start(self._accept_loop)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        for thread in list(self._threads):
            thread.join(timeout=2)
        self._sock.close()

    def _start(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        # Polling accept: closing a listening socket does not wake accept() on Linux.
        while not self.stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with self._lock:
                self.connections += 1
            self._start(self._serve, conn)

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.context is not None:
                conn.settimeout(5)
                conn = self.context.wrap_socket(conn, server_side=True)
            with conn:
                self.handler(conn, self)
        except OSError:
            pass  # the client went away, which is often the point of the test
        finally:
            conn.close()


def read_request(conn: socket.socket) -> bytes:
    """Read one request head (up to the blank line); the tests never send bodies."""
    conn.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def reset(conn: socket.socket, server: RawServer) -> None:
    """Read the request, then abort with a TCP RST instead of an answer."""
    read_request(conn)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def silent(conn: socket.socket, server: RawServer) -> None:
    """Read the request and never answer: a server stuck before its headers."""
    read_request(conn)
    server.stopping.wait(10)


def trickle(interval: float) -> Handler:
    """Answer 200 at once, then send the body one byte per ``interval``: never stalls
    long enough for a read timeout, never finishes."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
        )
        while not server.stopping.wait(interval):
            conn.sendall(b"x")

    return handler


def reset_mid_body(sent: int) -> Handler:
    """Promise 100,000 bytes, send ``sent`` of them, then abort with a TCP RST."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n"
            + b"x" * sent
        )
        time.sleep(0.05)  # let the client read what was sent before the reset
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    return handler


def endless(size: int, chunk: int = 64 * 1024) -> Handler:
    """Announce a ``size``-byte body and stream it from a generator, never built in
    memory, until it is all sent or the client hangs up."""

    def chunks() -> Iterator[bytes]:
        block = b"\0" * chunk
        left = size
        while left > 0:
            yield block[: min(chunk, left)]
            left -= chunk

    def handler(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {size}\r\n\r\n"
        )
        conn.sendall(head.encode())
        for piece in chunks():
            if server.stopping.is_set():
                return
            conn.sendall(piece)

    return handler


def answer(response: bytes) -> Handler:
    """Record each request head in ``server.requests`` and send ``response``: as an HTTP
    proxy, it shows exactly what a client put on the wire (request target, Host)."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        request = read_request(conn)
        with server._lock:
            server.requests.append(request)
        conn.sendall(response)

    return handler


def html_response(body: str, content_type: str = "text/html; charset=utf-8") -> bytes:
    """A complete HTTP/1.1 answer for :func:`answer`."""
    data = body.encode("utf-8")
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + data


def request_target(request: bytes) -> bytes:
    """The request target (path and query) of a request head."""
    return request.split(b" ", 2)[1]


def echo_target(request: bytes) -> bytes:
    """A kept-alive 200 whose body is the request target (for HEAD, only its head)."""
    target = request_target(request)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
    head %= len(target)
    return head if request.startswith(b"HEAD ") else head + target


def keep_alive(
    respond: Callable[[bytes], bytes] = echo_target, answers: int | None = None
) -> Handler:
    """Answer requests one after another on a connection for as long as the client keeps
    it, recording each head in ``server.requests``. After ``answers`` answers on one
    connection, the next request is read and the connection closed without an answer: a
    server closing an idle connection just as the client reuses it."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        answered = 0
        while not server.stopping.is_set():
            request = read_request(conn)
            if not request:
                return
            with server._lock:
                server.requests.append(request)
            if answers is not None and answered >= answers:
                return
            conn.sendall(respond(request))
            answered += 1

    return handler


def _linger(conn: socket.socket, seconds: float = 0.2) -> None:
    """End a connection as real servers do (a lingering close): stop writing, then read what
    the client still sends until it closes, or a moment passes. Closing with unread bytes
    would reset the connection, and the client could lose the answer already sent."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(seconds)
        while conn.recv(65536):
            pass
    except OSError:
        pass


def h2_echo(conn: socket.socket, server: RawServer, goaway_after: int | None = None) -> None:
    """On a TLS :class:`RawServer`: HTTP/2 when the client chose ``h2`` by ALPN, every
    stream answered 200 with ``x-echo: yes`` and its ``:path`` as the body, each request
    recorded as ``b"<stream id> <method> <path>"``; HTTP/1.1 :func:`keep_alive` otherwise.
    With ``goaway_after``, the connection is ended (GOAWAY, then closed) after that many
    answers, as servers end idle or old connections."""
    if not isinstance(conn, ssl.SSLSocket) or conn.selected_alpn_protocol() != "h2":
        keep_alive()(conn, server)
        return
    h2conn = h2.connection.H2Connection(
        h2.config.H2Configuration(client_side=False, header_encoding=None)
    )
    h2conn.initiate_connection()
    conn.sendall(h2conn.data_to_send())
    conn.settimeout(0.05)
    while not server.stopping.is_set():
        try:
            data = conn.recv(65536)
        except TimeoutError:
            continue
        if not data:
            return
        for event in h2conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                fields = {bytes(name): bytes(value) for name, value in event.headers}
                method, path = fields[b":method"], fields[b":path"]
                with server._lock:
                    server.requests.append(b"%d %s %s" % (event.stream_id, method, path))
                head = [
                    (b":status", b"200"),
                    (b"content-type", b"text/plain"),
                    (b"x-echo", b"yes"),
                    (b"content-length", b"%d" % len(path)),
                ]
                if method == b"HEAD":
                    h2conn.send_headers(event.stream_id, head, end_stream=True)
                else:
                    h2conn.send_headers(event.stream_id, head)
                    h2conn.send_data(event.stream_id, path, end_stream=True)
                answered = sum(r.split(b" ")[0].isdigit() for r in server.requests)
                if goaway_after is not None and answered % goaway_after == 0:
                    h2conn.close_connection()
                    conn.sendall(h2conn.data_to_send())
                    _linger(conn)
                    return
            elif isinstance(event, h2.events.ConnectionTerminated):
                return
        conn.sendall(h2conn.data_to_send())


def refusing_proxy(conn: socket.socket, server: RawServer) -> None:
    """An HTTP proxy that refuses every CONNECT tunnel."""
    read_request(conn)
    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


# --------------------------------------------------------------------------- concurrency


class Gauge:
    """Counts requests in progress, the most seen at once, and the total; thread-safe and
    shareable between servers to measure a global limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.active = 0
        self.peak = 0
        self.total = 0

    def __enter__(self) -> Gauge:
        with self._lock:
            self.active += 1
            self.total += 1
            self.peak = max(self.peak, self.active)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with self._lock:
            self.active -= 1


class _SlowHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay: float, gauge: Gauge) -> None:
        super().__init__((LOCALHOST, 0), _SlowHandler)
        self.delay = delay
        self.gauge = gauge


class _SlowHandler(BaseHTTPRequestHandler):
    server: _SlowHTTPServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
        with self.server.gauge:
            time.sleep(self.server.delay)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


class SlowServer:
    """A threaded HTTP server that holds every GET for ``delay`` seconds, measured by
    ``gauge``."""

    def __init__(self, delay: float = 0.2, gauge: Gauge | None = None) -> None:
        self.gauge = gauge or Gauge()
        self._server = _SlowHTTPServer(delay, self.gauge)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/") -> str:
        return f"http://{LOCALHOST}:{self.port}{path}"

    def __enter__(self) -> SlowServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)


# --------------------------------------------------------------------------- TLS


def leaf_context(ca: trustme.CA, *hosts: str, not_after: datetime | None = None) -> ssl.SSLContext:
    """A server context with a certificate for ``hosts`` (default 127.0.0.1 and localhost)
    issued by ``ca``; pass a past ``not_after`` for an expired one."""
    not_before = None
    if not_after is not None:
        not_before = not_after - timedelta(days=30)
    cert = ca.issue_cert(
        *(hosts or (LOCALHOST, "localhost")), not_before=not_before, not_after=not_after
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


def alpn_context(ca: trustme.CA, *protocols: str) -> ssl.SSLContext:
    """A :func:`leaf_context` that offers ``protocols`` by ALPN (say ``"h2", "http/1.1"``)."""
    context = leaf_context(ca)
    context.set_alpn_protocols(list(protocols))
    return context


def expired_context(ca: trustme.CA) -> ssl.SSLContext:
    return leaf_context(ca, not_after=datetime.now(UTC) - timedelta(days=2))


def self_signed_context(ca: trustme.CA) -> ssl.SSLContext:
    """A server presenting a CA's own certificate, which is self-signed."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with ca.cert_pem.tempfile() as certfile, ca.private_key_pem.tempfile() as keyfile:
        context.load_cert_chain(certfile, keyfile)
    return context


@contextmanager
def tls_server(context: ssl.SSLContext) -> Iterator[HTTPServer]:
    """A pytest-httpserver speaking HTTPS on 127.0.0.1 with ``context``."""
    server = HTTPServer(host=LOCALHOST, port=0, ssl_context=context)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()
