"""The link checker's own HTTP client: lean HTTP/1.1, HTTP/2 handed to httpcore.

httpx and httpcore spend about half a millisecond of CPU on each small request (URL and
header objects, h11's state machine in Python, a pool that scans its connections), ten
times what a compiled checker spends; over thousands of links on a small machine that CPU,
not the network, set the pace. A link check needs little of it: GET or HEAD with a fixed
set of headers, the answer's head, its body read raw up to a cap, connections kept alive
per origin. So a connection here is one asyncio protocol, and the response is parsed by
llhttp (Node.js's parser, through httptools, the binding uvicorn uses).

HTTPS is asyncio's TLS with the run's context; when the server picks HTTP/2 by ALPN, the
connection is handed to httpcore's HTTP/2 implementation (:mod:`citeaudit.net.http2`)
and shared by that origin's requests. Proxies are not handled here: with a proxy
configured the link checker goes through httpx. Errors are raised as httpx's exception
classes, with the OS or TLS error as their cause, so one classifier reads every failure
whichever path it came from.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import httptools
import httpx

from citeaudit.net.addresses import AddressRule, Resolver
from citeaudit.net.connect import AddressRefused, open_connection
from citeaudit.net.exchange import Reply
from citeaudit.net.urls import Target, basic_authorization, target

if TYPE_CHECKING:
    import httpcore

# Idle connections older than this are closed rather than reused (httpx's default).
KEEPALIVE_EXPIRY = 5.0
# An answer's status line and headers (and any informational answers before them) may
# not take more than this: a server sending headers without end cannot exhaust memory.
MAX_HEAD_BYTES = 256 * 1024

_NO_BODY_CODES = frozenset({204, 304})


class _Disconnected(Exception):
    """The connection closed or was reset before any byte of the answer (on a kept-alive
    connection: the server had closed it while idle); ``error`` is the reset, if any."""

    def __init__(self, error: OSError | None = None) -> None:
        super().__init__(error)
        self.error = error


class _Connection(asyncio.Protocol):
    """One HTTP/1.1 connection, one request at a time; the parser calls the ``on_*``
    methods as the answer comes in and :meth:`request` returns it whole."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.address = ""  # the server's address, connected to under the hop's rule
        self.closed = False
        self.early = bytearray()  # bytes that came while no request was waiting
        self.idle_since = 0.0
        self.reusable = False
        self._waiter: asyncio.Future[Reply] | None = None
        self._parser: httptools.HttpResponseParser | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._read_timeout = 0.0
        self._last_read = 0.0
        self._head = False
        self._cap = 0
        self._received = False
        self._head_size = 0
        self._begin()

    def _begin(self) -> None:
        self._status = 0
        self._reason = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._body: list[bytes] = []
        self._size = 0
        self._truncated = False
        self._till_close = False
        self._headers_done = False

    # ---------------------------------------------------------------- asyncio side

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self._waiter is None or self._parser is None:
            self.early += data  # unasked for: the connection will not be used again...
            if len(self.early) > MAX_HEAD_BYTES:
                self.close()  # ...and a server that keeps writing is not listened to
            return
        self._received = True
        self._last_read = self.loop.time()
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._finish(keep=False)
        except httptools.HttpParserCallbackError as exc:
            if not isinstance(exc.__context__, _HeadDone):
                self._fail(httpx.RemoteProtocolError(f"malformed answer: {exc}"))
            elif self._waiter is not None:
                # A HEAD answer ends with its head; the connection stays usable only if
                # nothing came after it (a server that sends a body anyway desyncs it).
                ended = data.endswith((b"\r\n\r\n", b"\n\n"))
                self._finish(keep=ended and self._parser.should_keep_alive())
        except httptools.HttpParserError as exc:
            self._fail(httpx.RemoteProtocolError(f"malformed answer: {exc}"))
        if not self._headers_done and self._waiter is not None:
            self._head_size += len(data)
            if self._head_size > MAX_HEAD_BYTES:
                self._fail(
                    httpx.RemoteProtocolError(
                        f"the answer's head is larger than {MAX_HEAD_BYTES // 1024} KiB"
                    )
                )

    def eof_received(self) -> bool:
        self._closing(None)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._closing(exc)

    def _closing(self, exc: Exception | None) -> None:
        self.closed = True
        if self._waiter is None:
            return
        if self._headers_done and self._till_close and exc is None:
            self._finish(keep=False)  # a body that ends when the connection does
        elif not self._received:
            self._fail(_Disconnected(exc if isinstance(exc, OSError) else None))
        elif isinstance(exc, OSError):
            error = httpx.ReadError(str(exc) or type(exc).__name__)
            error.__cause__ = exc
            self._fail(error)
        elif not self._headers_done:
            self._fail(httpx.RemoteProtocolError("Server disconnected mid-answer."))
        else:
            self._fail(
                httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body: "
                    f"received {self._size} bytes"
                )
            )

    # ---------------------------------------------------------------- parser side

    def on_message_begin(self) -> None:
        if self._waiter is None:  # an answer nobody asked for
            raise _Unasked
        self._begin()

    def on_status(self, status: bytes) -> None:
        self._reason += status

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        assert self._parser is not None
        status = self._status = self._parser.get_status_code()
        if 100 <= status < 200:
            return  # informational: the real answer follows
        self._headers_done = True
        if self._head:
            raise _HeadDone
        if status in _NO_BODY_CODES:
            return
        names = {name.lower() for name, _ in self._headers}
        self._till_close = b"content-length" not in names and b"transfer-encoding" not in names

    def on_body(self, body: bytes) -> None:
        if self._waiter is None:
            return
        size = self._size + len(body)
        if size > self._cap:
            self._body.append(body[: self._cap - self._size])
            self._size = self._cap
            self._truncated = True
            self._finish(keep=False)
            return
        self._body.append(body)
        self._size = size

    def on_message_complete(self) -> None:
        if self._waiter is None or not self._headers_done:
            return  # after a cut-off body, or an informational answer
        assert self._parser is not None
        self._finish(keep=self._parser.should_keep_alive())

    # ---------------------------------------------------------------- requests

    async def request(self, data: bytes, *, head: bool, cap: int, read_timeout: float) -> Reply:
        """Send one request and return its answer; raises httpx errors (or
        :class:`_Disconnected`)."""
        assert self.transport is not None
        waiter = self._waiter = self.loop.create_future()
        self._parser = httptools.HttpResponseParser(self)
        self._head, self._cap, self._received = head, cap, False
        self._head_size = 0
        self.reusable = False
        self._begin()
        self._read_timeout = read_timeout
        self._last_read = self.loop.time()
        self._timer = self.loop.call_at(self._last_read + read_timeout, self._check_time)
        try:
            self.transport.write(data)
            return await waiter
        except BaseException:
            if self._waiter is waiter:  # cancelled (the URL's time is up): answer lost
                self._waiter = None
                self.close()
            raise
        finally:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _check_time(self) -> None:
        """The read timeout: fail if nothing came for ``read_timeout``, else look again
        when it would be reached (one timer per request, not one per chunk)."""
        due = self._last_read + self._read_timeout
        if self.loop.time() >= due - 0.001:
            self._timer = None
            self._fail(httpx.ReadTimeout(f"nothing received for {self._read_timeout:g}s"))
            self.close()
        else:
            self._timer = self.loop.call_at(due, self._check_time)

    def _finish(self, *, keep: bool) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():
            return
        assert self._parser is not None
        version = self._parser.get_http_version()
        reply = Reply(
            http_version=f"HTTP/{version}",
            status=self._status,
            reason=self._reason.decode("latin-1"),
            headers=self._headers,
            body=b"".join(self._body),
            truncated=self._truncated,
            address=self.address,
        )
        self._body = []  # a kept-alive connection must not hold its last body
        self.reusable = keep and not self.closed
        if not self.reusable:
            self.close()
        waiter.set_result(reply)

    def _fail(self, error: BaseException) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(error)
        self.close()

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class _HeadDone(Exception):
    """Stops the parser after a HEAD answer's head: it has no body to wait for."""


class _Unasked(Exception):
    """Stops the parser at an answer that came without a request."""


@dataclass
class _Origin:
    """The connections of one scheme://host:port."""

    idle: list[_Connection] = field(default_factory=list)
    h2: httpcore.AsyncHTTP2Connection | None = None
    h2_address: str = ""
    # While the first TLS connection finds out whether the server speaks HTTP/2, the
    # origin's other requests wait on this rather than open connections they may not need.
    h2_opening: asyncio.Future[None] | None = None
    alpn_known: bool = False
    busy: int = 0  # requests in flight


Key = tuple[str, str, int]


class Client:
    """Requests over kept-alive connections, a few per origin, a bounded number of origins.

    ``context`` makes the TLS context, on the first HTTPS connection (loading the CA
    store takes tens of milliseconds an all-HTTP run need not spend); the client sets its
    ALPN, so it must be the client's own. ``headers`` go with every
    request after ``Host``; ``keep_per_origin`` idle
    connections are kept per origin and idle connections of at most ``keep_origins``
    origins (least recently used beyond that are closed). ``resolve`` looks names up
    (None: the system's resolver); every request's :class:`AddressRule` is applied to the
    address it would go to, new connection or kept one, before a byte is sent.
    """

    def __init__(
        self,
        *,
        context: Callable[[], ssl.SSLContext],
        headers: Sequence[tuple[str, str]],
        connect_timeout: float,
        read_timeout: float,
        keep_per_origin: int,
        keep_origins: int,
        resolve: Resolver | None = None,
    ) -> None:
        self._make_context = context
        self._resolve = resolve
        self._context: ssl.SSLContext | None = None
        self._headers = list(headers)
        self._fixed = "".join(f"{name}: {value}\r\n" for name, value in headers)
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._keep_per_origin = keep_per_origin
        self._keep_origins = keep_origins
        self._origins: OrderedDict[Key, _Origin] = OrderedDict()

    async def request(
        self,
        method: str,
        url: str,
        cap: int,
        extra: Sequence[tuple[str, str]] = (),
        rule: AddressRule | None = None,
    ) -> tuple[Reply, list[tuple[str, str]]]:
        """Send ``method url`` and return the answer and the headers that were sent (a
        URL's user name and password as Basic credentials); ``rule`` says which addresses
        it may go to (None: the rule of a URL the user wrote)."""
        where = target(url)
        sent = [("Host", where.authority), *self._headers, *extra]
        if where.userinfo:
            sent.append(("Authorization", basic_authorization(where.userinfo)))
        key = (where.scheme, where.host, where.port)
        origin = self._origins.get(key)
        if origin is None:
            origin = self._origins[key] = _Origin()
        else:
            self._origins.move_to_end(key)
        origin.busy += 1
        try:
            return await self._send(key, origin, where, method, sent, cap, rule or _FIRST), sent
        finally:
            origin.busy -= 1
            if len(self._origins) > self._keep_origins:
                await self._forget_oldest()

    async def _send(
        self,
        key: Key,
        origin: _Origin,
        where: Target,
        method: str,
        sent: list[tuple[str, str]],
        cap: int,
        rule: AddressRule,
    ) -> Reply:
        if origin.h2 is not None:
            answer = await self._over_h2(origin, where, method, sent, cap, rule)
            if answer is not None:
                return answer
        data = self._request_bytes(method, where, sent)
        for _ in range(2):
            connection, reused = await self._connection(origin, where, rule)
            if connection is None:  # the server chose HTTP/2
                answer = await self._over_h2(origin, where, method, sent, cap, rule)
                if answer is not None:
                    return answer
                continue
            try:
                reply = await connection.request(
                    data, head=method == "HEAD", cap=cap, read_timeout=self._read_timeout
                )
            except _Disconnected as gone:
                if reused:
                    continue  # the server had closed it while idle: once more, afresh
                if gone.error is not None:
                    reset = gone.error
                    raise httpx.ReadError(str(reset) or type(reset).__name__) from reset
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response."
                ) from None
            if connection.reusable:
                self._keep(key, origin, connection)
            else:
                connection.close()
            return reply
        raise httpx.RemoteProtocolError("Server disconnected without sending a response.")

    def _request_bytes(self, method: str, where: Target, sent: list[tuple[str, str]]) -> bytes:
        head = f"{method} {where.path} HTTP/1.1\r\nHost: {where.authority}\r\n{self._fixed}"
        for name, value in sent[1 + len(self._headers) :]:
            head += f"{name}: {value}\r\n"
        try:
            return (head + "\r\n").encode("latin-1")
        except UnicodeEncodeError as exc:
            raise httpx.LocalProtocolError(f"a header cannot be sent as it is: {exc}") from exc

    async def _connection(
        self, origin: _Origin, where: Target, rule: AddressRule
    ) -> tuple[_Connection | None, bool]:
        """An idle connection still fit for use, or a new one (None: it speaks HTTP/2,
        and ``origin.h2`` holds it). A kept connection to an address the rule refuses is
        left idle, and the request refused."""
        now = time.monotonic()
        while origin.idle:
            connection = origin.idle.pop()
            if (
                not connection.closed
                and not connection.early
                and now - connection.idle_since < KEEPALIVE_EXPIRY
            ):
                _check(rule, connection.address, origin.idle, connection)
                return connection, True
            connection.close()
        if origin.h2_opening is not None:  # another request is finding out: wait for it
            await asyncio.shield(origin.h2_opening)
            if origin.h2 is not None:
                return None, False
        return await self._open(origin, where, rule), False

    async def _open(self, origin: _Origin, where: Target, rule: AddressRule) -> _Connection | None:
        loop = asyncio.get_running_loop()
        tls = where.scheme == "https"
        opening = None
        if tls and not origin.alpn_known and origin.h2_opening is None:
            opening = origin.h2_opening = loop.create_future()
        try:
            transport, connection = await self._connect(loop, where, tls, rule)
            origin.alpn_known = True
            ssl_object = transport.get_extra_info("ssl_object") if tls else None
            if ssl_object is not None and ssl_object.selected_alpn_protocol() == "h2":
                self._to_h2(origin, where, transport, connection)
                return None
            return connection
        finally:
            if opening is not None:
                origin.h2_opening = None
                opening.set_result(None)

    async def _connect(
        self, loop: asyncio.AbstractEventLoop, where: Target, tls: bool, rule: AddressRule
    ) -> tuple[asyncio.Transport, _Connection]:
        try:
            async with asyncio.timeout(self._connect_timeout):
                transport, connection, address = await open_connection(
                    lambda: _Connection(loop),
                    where.host,
                    where.port,
                    rule,
                    resolve=self._resolve,
                    tls=self._tls() if tls else None,
                    server_hostname=where.host,
                )
                connection.address = address
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"no connection within {self._connect_timeout:g}s") from exc
        except socket.gaierror as exc:
            raise httpx.ConnectError(str(exc)) from exc
        except ssl.SSLError as exc:
            raise httpx.ConnectError(str(exc)) from exc
        except OSError as exc:
            failed = OSError("All connection attempts failed")
            failed.__cause__ = exc
            raise httpx.ConnectError(str(failed)) from failed
        return transport, connection

    def _tls(self) -> ssl.SSLContext:
        if self._context is None:
            self._context = self._make_context()
            self._context.set_alpn_protocols(["h2", "http/1.1"])  # the server chooses
        return self._context

    def _to_h2(
        self,
        origin: _Origin,
        where: Target,
        transport: asyncio.Transport,
        connection: _Connection,
    ) -> None:
        """Give a connection on which the server chose HTTP/2 to httpcore (imported on
        the first such connection: an all-HTTP/1.1 run never needs it)."""
        from citeaudit.net import http2

        # The server's first frames may be here already, in ``connection.early``.
        shared = http2.adopt(where, transport, bytes(connection.early), KEEPALIVE_EXPIRY)
        if origin.h2 is not None:
            transport.close()  # another request got there first: share its connection
            return
        origin.h2, origin.h2_address = shared, connection.address

    async def _over_h2(
        self,
        origin: _Origin,
        where: Target,
        method: str,
        sent: list[tuple[str, str]],
        cap: int,
        rule: AddressRule,
    ) -> Reply | None:
        """Send over the origin's HTTP/2 connection; None when it can take no more
        requests (closed, expired, or told to go away): a new connection is opened."""
        from citeaudit.net import http2

        connection = origin.h2
        if connection is None or not connection.is_available() or connection.has_expired():
            origin.h2 = None  # closed, failed, out of stream ids, or idle too long
            if connection is not None:
                await connection.aclose()
            return None
        _check(rule, origin.h2_address)
        try:
            return await http2.request(
                connection,
                where,
                method,
                sent,
                cap,
                connect_timeout=self._connect_timeout,
                read_timeout=self._read_timeout,
                address=origin.h2_address,
            )
        except http2.Unavailable:
            if origin.h2 is connection:  # (another request may have replaced it already)
                origin.h2 = None
            if connection.is_idle():  # else its other streams finish first
                await connection.aclose()
            return None

    def _keep(self, key: Key, origin: _Origin, connection: _Connection) -> None:
        """Put a connection back among the idle ones, within the limits."""
        if self._origins.get(key) is not origin or len(origin.idle) >= self._keep_per_origin:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        origin.idle.append(connection)

    async def _forget_oldest(self) -> None:
        """Close the connections (HTTP/1.1 and HTTP/2) of the least recently used origins
        with nothing in flight, down to ``keep_origins``: a run over thousands of hosts
        keeps a bounded number of sockets open."""
        excess = len(self._origins) - self._keep_origins
        for key in list(self._origins):  # oldest first
            if excess <= 0:
                break
            origin = self._origins[key]
            if origin.busy or origin.h2_opening is not None:
                continue
            del self._origins[key]
            excess -= 1
            for idle in origin.idle:
                idle.close()
            if origin.h2 is not None:
                await origin.h2.aclose()

    async def aclose(self) -> None:
        for origin in self._origins.values():
            for connection in origin.idle:
                connection.close()
            origin.idle.clear()
            if origin.h2 is not None:
                await origin.h2.aclose()
        self._origins.clear()


_FIRST = AddressRule()


def _check(
    rule: AddressRule,
    address: str,
    idle: list[_Connection] | None = None,
    connection: _Connection | None = None,
) -> None:
    """Refuse a request on a kept connection whose address the rule refuses (the
    connection is put back among the idle ones: another chain may use it)."""
    reason = rule.refusal(address)
    if reason is not None:
        if idle is not None and connection is not None:
            idle.append(connection)
        raise AddressRefused(reason, address)
