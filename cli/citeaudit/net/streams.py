"""One connection as an httpcore network stream, on asyncio's own transports.

httpcore's default backend goes through anyio, whose stream layers cost a third of the CPU
of a small request. :class:`AsyncioStream` does what it does (same timeouts, same
exceptions, the OS error kept as the cause) directly on an asyncio protocol. The link
checker's own client (:mod:`citeaudit.net.http1`) hands a TLS connection here when the
server chose HTTP/2 (:mod:`citeaudit.net.http2`), for httpcore's HTTP/2 implementation to
drive; and httpx's connections are opened here (:class:`GuardedBackend`), so that they too
go only to addresses the request's rule allows (:mod:`citeaudit.net.addresses`).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from typing import Any, NoReturn, cast

import httpcore

from citeaudit.net.addresses import CURRENT_RULE, AddressRule, Classifier, Resolver
from citeaudit.net.connect import AddressRefused, open_connection

# A connection stops reading from the network when this much is waiting to be read.
READ_HIGH_WATER = 1024 * 1024


class StreamProtocol(asyncio.Protocol):
    """The receiving end of one connection: bytes wait here until httpcore reads them."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.paused_reading = False
        self.paused_writing = False
        self._waiter: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > READ_HIGH_WATER and self.transport is not None:
            self.transport.pause_reading()
            self.paused_reading = True
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self.paused_writing = False
        self._wake()

    def pause_writing(self) -> None:
        self.paused_writing = True

    def resume_writing(self) -> None:
        self.paused_writing = False
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def wait(self) -> None:
        self._waiter = asyncio.get_running_loop().create_future()
        await self._waiter


def _raise_from(error: BaseException, kind: type[Exception]) -> NoReturn:
    """Raise ``kind`` caused by ``error``, raised while handling it: httpcore re-raises
    some errors ``from None``, which drops the cause but keeps the context, and the OS
    error must stay in the chain for the classifier to name it."""
    try:
        raise error
    except BaseException as exc:
        raise kind(exc) from exc


class AsyncioStream(httpcore.AsyncNetworkStream):
    """httpcore's view of one connection whose bytes arrive in a :class:`StreamProtocol`;
    ``address`` is the server's. A request written on it (a kept connection httpx reuses)
    is checked first against the rule of the request being sent, when there is one."""

    def __init__(
        self, transport: asyncio.Transport, protocol: StreamProtocol, address: str = ""
    ) -> None:
        self._transport = transport
        self._protocol = protocol
        self.address = address

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.buffer and not protocol.eof:
            try:
                async with asyncio.timeout(timeout):
                    while not protocol.buffer and not protocol.eof:
                        await protocol.wait()
            except TimeoutError as exc:
                raise httpcore.ReadTimeout(exc) from exc
        if protocol.buffer:
            data = bytes(protocol.buffer[:max_bytes])
            del protocol.buffer[:max_bytes]
            if protocol.paused_reading and len(protocol.buffer) <= READ_HIGH_WATER // 4:
                protocol.paused_reading = False
                self._transport.resume_reading()
            return data
        if isinstance(protocol.error, OSError):
            _raise_from(protocol.error, httpcore.ReadError)
        return b""

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        rule = CURRENT_RULE.get()
        if rule is not None and self.address:
            reason = rule.refusal(self.address)
            if reason is not None:
                raise AddressRefused(reason, self.address)
        protocol = self._protocol
        if protocol.error is not None:
            _raise_from(protocol.error, httpcore.WriteError)
        if self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(buffer)
        if protocol.paused_writing:
            try:
                async with asyncio.timeout(timeout):
                    while protocol.paused_writing:
                        await protocol.wait()
            except TimeoutError as exc:
                raise httpcore.WriteTimeout(exc) from exc

    async def aclose(self) -> None:
        self._transport.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        """TLS over this connection (httpx's HTTPS connections are opened plain first)."""
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._protocol, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(exc) from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpcore.ConnectError(exc) from exc
        if transport is None:  # pragma: no cover - only for a transport already closing
            raise httpcore.ConnectError("the connection closed before TLS")
        self._protocol.transport = transport
        return AsyncioStream(transport, self._protocol, self.address)

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":  # an idle connection the server closed (or wrote to)
            return bool(self._protocol.buffer) or self._protocol.eof
        names = {
            "ssl_object": "ssl_object",
            "client_addr": "sockname",
            "server_addr": "peername",
            "socket": "socket",
        }
        return self._transport.get_extra_info(names[info]) if info in names else None


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's connections opened by :func:`~citeaudit.net.connect.open_connection`:
    names resolved once (by ``resolve``, None: the system), and only addresses allowed by
    the rule of the request being sent (``CURRENT_RULE``; a URL the user wrote when none
    is set) connected to."""

    def __init__(self, classify: Classifier, resolve: Resolver | None = None) -> None:
        self._first = AddressRule(classify)
        self._resolve = resolve

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        rule = CURRENT_RULE.get() or self._first
        try:
            async with asyncio.timeout(timeout):
                transport, protocol, address = await open_connection(
                    StreamProtocol, host, port, rule, resolve=self._resolve
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(exc) from exc
        except OSError as exc:  # socket.gaierror among them: the classifier reads the cause
            raise httpcore.ConnectError(exc) from exc
        return AsyncioStream(transport, protocol, address)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - never asked: no uds is set
        raise httpcore.ConnectError(socket.gaierror(f"no Unix sockets here: {path}"))

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
