"""One connection as an httpcore network stream, on asyncio's own transports.

httpcore's default backend goes through anyio, whose stream layers cost a third of the CPU
of a small request. :class:`AsyncioStream` does what it does (same timeouts, same
exceptions, the OS error kept as the cause) directly on an asyncio protocol. The link
checker's own client (:mod:`citeaudit.net.http1`) hands a TLS connection here when the
server chose HTTP/2 (:mod:`citeaudit.net.http2`), for httpcore's HTTP/2 implementation to
drive.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any, NoReturn, cast

import httpcore

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
    """httpcore's view of one connection whose bytes arrive in a :class:`StreamProtocol`."""

    def __init__(self, transport: asyncio.Transport, protocol: StreamProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

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
        raise httpcore.ConnectError("TLS is set up when the connection is opened")

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
