"""The link checker's politeness, as real servers on 127.0.0.1 see it: the per-host and
global limits on requests in flight, the least interval between request starts, and hosts
given up on after failures in a row."""

from __future__ import annotations

import re
import socket
import time

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import fetching
from citeaudit.fetch import (
    Failure,
)
from citeaudit.vocab import LinkStatus
from fetching import fetch, fetch_one
from servers import (
    Gauge,
    RawServer,
    SlowServer,
    read_request,
    reset,
    silent,
    unused_port,
)

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network


# --------------------------------------------------------------------------- concurrency


def test_per_host_limit_is_respected() -> None:
    with SlowServer(delay=0.15) as server:
        urls = [server.url(f"/{i}") for i in range(9)]
        results = fetch(urls, concurrency=16, per_host=3)

    assert all(r.status is LinkStatus.OK for r in results.values())
    assert server.gauge.total == 9
    assert 2 <= server.gauge.peak <= 3


def test_global_limit_is_respected() -> None:
    gauge = Gauge()
    with SlowServer(0.15, gauge) as one, SlowServer(0.15, gauge) as two:
        urls = [s.url(f"/{i}") for s in (one, two) for i in range(4)]
        results = fetch(urls, concurrency=2, per_host=4)

    assert all(r.status is LinkStatus.OK for r in results.values())
    assert gauge.total == 8
    assert gauge.peak == 2


# --------------------------------------------------------------------------- pacing


def test_min_interval_spaces_request_starts_per_host(httpserver: HTTPServer) -> None:
    """Request starts are stamped at the server; with --min-interval each host's requests
    start at least that far apart (less a tolerance for the server's own clock reading),
    while another host (another port) keeps its own schedule."""
    stamps: list[float] = []

    def stamp(request: Request) -> Response:
        stamps.append(time.monotonic())
        return Response("ok")

    httpserver.expect_request(re.compile(r"^/p/\d+$")).respond_with_handler(stamp)
    interval = 0.3
    with SlowServer(delay=0.0) as other:
        urls = [httpserver.url_for(f"/p/{i}") for i in range(4)] + [other.url("/x")]
        results = fetch(urls, per_host=4, min_interval=interval)

    assert all(r.status is LinkStatus.OK for r in results.values())
    assert len(stamps) == 4
    gaps = [b - a for a, b in zip(stamps, stamps[1:], strict=False)]
    assert min(gaps) >= interval - 0.1, gaps
    assert other.gauge.total == 1


def test_min_interval_applies_to_retries_and_redirect_hops(httpserver: HTTPServer) -> None:
    stamps: list[float] = []

    def stamp(request: Request) -> Response:
        stamps.append(time.monotonic())
        if request.path == "/a":
            return Response("", 302, {"Location": "/b"})
        return Response("ok")

    httpserver.expect_request(re.compile("^/[ab]$")).respond_with_handler(stamp)

    result = fetch_one(httpserver.url_for("/a"), min_interval=0.3)

    assert result.status is LinkStatus.REDIRECTED
    assert len(stamps) == 2
    assert stamps[1] - stamps[0] >= 0.2


# --------------------------------------------------------------------------- failing hosts


def test_a_host_that_keeps_refusing_is_given_up_on(httpserver: HTTPServer) -> None:
    """Several ports as several hosts: the dead one is tried three times, its other URLs
    fail at once with the same status and a reason that says so; the live one is fine."""
    httpserver.expect_request(re.compile(r"^/ok/\d$")).respond_with_data("fine")
    port = unused_port()
    dead = [f"http://127.0.0.1:{port}/{i}" for i in range(6)]
    live = [httpserver.url_for(f"/ok/{i}") for i in range(3)]

    results = fetch(dead + live, per_host=1)

    tried = [results[u] for u in dead[:3]]
    skipped = [results[u] for u in dead[3:]]
    assert all(r.status is LinkStatus.OK for r in (results[u] for u in live))
    for result in tried:
        assert (result.status, result.failure) == (LinkStatus.UNREACHABLE, Failure.REFUSED)
        assert result.reason == f"connection refused by 127.0.0.1:{port}"
        assert result.attempts == 1
    for result in skipped:
        assert (result.status, result.failure) == (LinkStatus.UNREACHABLE, Failure.REFUSED)
        assert result.reason == (
            f"connection refused by 127.0.0.1:{port} (not tried: 3 URLs in a row on "
            f"127.0.0.1:{port} failed this way)"
        )
        assert result.attempts == 0 and result.exchanges == ()


def test_a_silent_host_does_not_hold_up_the_run() -> None:
    """Without the limit, six URLs on a silent host at two a time would wait three rounds
    of timeouts; with it, two rounds, and the last two are never sent."""
    with RawServer(silent) as server:
        urls = [server.url(f"/{i}") for i in range(6)]
        results = fetch(urls, per_host=2, read_timeout=0.3, retries=0)
        connections = server.connections

    assert connections == 4
    assert all(r.status is LinkStatus.TIMEOUT for r in results.values())
    skipped = [r for r in results.values() if r.attempts == 0]
    assert len(skipped) == 2
    for result in skipped:
        assert result.failure is Failure.READ_TIMEOUT
        assert result.reason.endswith("failed this way)")
        assert "not tried: " in result.reason


def test_host_failures_zero_never_gives_up() -> None:
    port = unused_port()
    dead = [f"http://127.0.0.1:{port}/{i}" for i in range(5)]

    results = fetch(dead, per_host=1, host_failures=0)

    assert all(r.attempts == 1 for r in results.values())
    assert all("not tried" not in r.reason for r in results.values())


def test_an_answer_resets_the_count_of_failures(httpserver: HTTPServer) -> None:
    """Only failures *in a row* count: a host that answers in between is not given up on."""
    flaky = iter([True, True, False, True, True, False, True, True])

    def maybe_reset(conn: socket.socket, server: RawServer) -> None:
        if next(flaky):
            reset(conn, server)
        else:
            read_request(conn)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")

    with RawServer(maybe_reset) as server:
        urls = [server.url(f"/{i}") for i in range(8)]
        results = fetch(urls, per_host=1, retries=0, concurrency=1)

    assert all(r.attempts == 1 for r in results.values())
    assert sum(r.status is LinkStatus.OK for r in results.values()) == 2
