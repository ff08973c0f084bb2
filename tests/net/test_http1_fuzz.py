"""Whatever bytes a server sends back, a check ends in a result: never an exception, never a
hang. Each example is served by a real server on 127.0.0.1 and fetched through the engine."""

from __future__ import annotations

import socket
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citeaudit.fetch import FetchOptions, fetch_all_sync
from citeaudit.vocab import LinkStatus
from servers import RawServer

FAST = FetchOptions(
    retries=0, timeout=3.0, connect_timeout=1.0, read_timeout=0.5, max_bytes=4096, workers=1
)

_TOKEN = st.sampled_from(
    [
        b"HTTP/1.1 ",
        b"HTTP/1.0 ",
        b"HTTP/2 ",
        b"200 OK",
        b"101 Switching Protocols",
        b"103 Early Hints",
        b"204",
        b"301 Moved",
        b"404 Not Found",
        b"999 Nope",
        b"\r\n",
        b"\n",
        b"\r\n\r\n",
        b": ",
        b"Content-Length: 5",
        b"Content-Length: -1",
        b"Content-Length: 99999999999999999999",
        b"Transfer-Encoding: chunked",
        b"Transfer-Encoding: gzip, chunked",
        b"Content-Encoding: gzip",
        b"Content-Type: text/html; charset=x-unknown",
        b"Location: javascript:alert(1)",
        b"Location: http://[::1",
        b"Set-Cookie: a=b; Domain=..; Path=\xff",
        b"Connection: close, upgrade",
        b"Upgrade: websocket",
        b"Retry-After: \xff",
        b"5\r\nhello\r\n0\r\n\r\n",
        b"ffffffffffffffffff\r\n",
        b"<title>Just a moment...</title>",
        b"\x00",
        b"\xff\xfe",
        b"\x1f\x8b\x08\x00",
    ]
)
ANSWERS = st.one_of(
    st.binary(max_size=300),
    st.lists(st.one_of(_TOKEN, st.binary(max_size=12)), max_size=24).map(b"".join),
)


def answering(payload: bytes) -> RawServer:
    def handler(conn: socket.socket, server: RawServer) -> None:
        conn.settimeout(2)
        try:
            conn.recv(65536)
            conn.sendall(payload)
        except OSError:
            pass

    return RawServer(handler)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(payload=ANSWERS, head=st.booleans())
def test_any_answer_ends_in_a_result(payload: bytes, head: bool) -> None:
    with answering(payload) as server:
        url = server.url("/page")
        results = fetch_all_sync([url], replace(FAST, head_first=head))

    result = results[url]
    assert isinstance(result.status, LinkStatus)
    assert result.reason
    assert len(result.content) <= FAST.max_bytes  # decoded bodies stay capped too
