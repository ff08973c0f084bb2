"""One connection as an httpcore network stream on asyncio's transports, against a real
TCP server on 127.0.0.1: reads, writes, end of stream, resets and timeouts."""

from __future__ import annotations

import asyncio
import socket
import struct

import httpcore
import pytest

from citeaudit.net.streams import READ_HIGH_WATER, AsyncioStream, StreamProtocol
from servers import RawServer, read_request, silent


async def _open(server: RawServer) -> tuple[AsyncioStream, StreamProtocol]:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_connection(StreamProtocol, "127.0.0.1", server.port)
    return AsyncioStream(transport, protocol), protocol


def echo_then_close(conn: socket.socket, server: RawServer) -> None:
    conn.sendall(read_request(conn).upper())


def test_bytes_written_and_read_back_then_the_end() -> None:
    async def work() -> list[bytes]:
        stream, _ = await _open(server)
        await stream.write(b"hello\r\n\r\n", timeout=2)
        got = [await stream.read(4, timeout=2)]
        while chunk := await stream.read(65536, timeout=2):
            got.append(chunk)
        got.append(await stream.read(10, timeout=2))  # at the end: empty, again
        await stream.aclose()
        return got

    with RawServer(echo_then_close) as server:
        got = asyncio.run(work())

    assert b"".join(got) == b"HELLO\r\n\r\n"
    assert got[0] == b"HELL" and got[-1] == b""


def test_silence_is_a_read_timeout() -> None:
    async def work() -> None:
        stream, _ = await _open(server)
        await stream.write(b"GET / HTTP/1.1\r\n\r\n")
        try:
            await stream.read(10, timeout=0.2)
        finally:
            await stream.aclose()

    with RawServer(silent) as server, pytest.raises(httpcore.ReadTimeout):
        asyncio.run(work())


def test_a_reset_is_a_read_error_with_the_os_error_as_its_cause() -> None:
    def reset_at_once(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    async def work() -> None:
        stream, protocol = await _open(server)
        await stream.write(b"GET / HTTP/1.1\r\n\r\n")
        async with asyncio.timeout(10):  # the reset arrives
            while not protocol.eof:
                await protocol.wait()
        await stream.read(10, timeout=2)

    with RawServer(reset_at_once) as server, pytest.raises(httpcore.ReadError) as caught:
        asyncio.run(work())

    assert isinstance(caught.value.__cause__, ConnectionResetError)


def test_writing_to_a_closed_connection_is_a_write_error() -> None:
    async def work() -> None:
        stream, _ = await _open(server)
        await stream.aclose()
        await stream.write(b"too late")

    with RawServer(silent) as server, pytest.raises(httpcore.WriteError):
        asyncio.run(work())


def test_a_full_buffer_pauses_reading_until_it_is_drained() -> None:
    size = 4 * READ_HIGH_WATER

    def flood(conn: socket.socket, server: RawServer) -> None:
        read_request(conn)
        conn.sendall(b"z" * size)

    async def work() -> tuple[bool, int, bool]:
        stream, protocol = await _open(server)
        await stream.write(b"GET / HTTP/1.1\r\n\r\n")
        async with asyncio.timeout(10):  # the buffer fills
            while not protocol.paused_reading:
                await protocol.wait()
        paused, buffered = protocol.paused_reading, len(protocol.buffer)
        total = 0
        while chunk := await stream.read(65536, timeout=2):
            total += len(chunk)
        await stream.aclose()
        return paused, total, buffered <= size

    with RawServer(flood) as server:
        paused, total, bounded = asyncio.run(work())

    assert paused and bounded
    assert total == size  # reading resumed once the buffer was drained


def test_extra_info_answers_what_httpcore_asks() -> None:
    async def work() -> tuple[object, object, object]:
        stream, protocol = await _open(server)
        readable_before = stream.get_extra_info("is_readable")
        await stream.write(b"GET / HTTP/1.1\r\n\r\n")
        async with asyncio.timeout(10):  # the answer arrives
            while not protocol.buffer and not protocol.eof:
                await protocol.wait()
        peer = stream.get_extra_info("server_addr")
        readable = stream.get_extra_info("is_readable")
        await stream.aclose()
        return readable_before, readable, peer

    with RawServer(echo_then_close) as server:
        before, after, peer = asyncio.run(work())

    assert (before, after) == (False, True)
    assert peer == ("127.0.0.1", server.port)
