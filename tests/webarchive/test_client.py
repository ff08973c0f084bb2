"""The web-archive client against real servers on 127.0.0.1: what it sends, what it keeps,
and the politeness policy it shares with the link checker (per-host slots, back-off,
Retry-After, capped reads), as the servers see it."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from citeaudit.fetch import FetchOptions
from citeaudit.net import USER_AGENT
from citeaudit.webarchive import Answer, ArchiveClient, ArchiveUnavailable
from loopbacks import (
    LINK_LOCAL_IP,
    PRIVATE_IP,
    PUBLIC_IP,
    LoopbackServer,
    page,
    pretend,
    response,
    serve,
)
from servers import RawServer, SlowServer, answer, read_request, unused_port

T = TypeVar("T")
QUICK = FetchOptions(timeout=5, retries=1, backoff_base=0.01)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


def with_client(options: FetchOptions, work: Callable[[ArchiveClient], Awaitable[T]]) -> T:
    async def main() -> T:
        async with ArchiveClient(options) as client:
            return await work(client)

    return asyncio.run(main())


def get(url: str, options: FetchOptions = QUICK, cap: int | None = None) -> Answer:
    return with_client(options, lambda client: client.request("GET", url, cap=cap))


def failure(url: str, options: FetchOptions = QUICK) -> str:
    with pytest.raises(ArchiveUnavailable) as caught:
        get(url, options)
    return caught.value.reason


# --------------------------------------------------------------------------- answers


def test_an_answer_keeps_the_exchange_raw_and_the_content_decoded(httpserver: HTTPServer) -> None:
    text = b"an archived page " * 50
    packed = gzip.compress(text)
    httpserver.expect_request("/web/x").respond_with_data(
        packed, 200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}
    )

    got = get(httpserver.url_for("/web/x"))

    assert (got.status, got.line, got.url) == (200, "200 OK", httpserver.url_for("/web/x"))
    assert got.content == text and not got.truncated
    assert got.exchange.body == packed
    assert got.header("CONTENT-TYPE") == "text/html"
    assert ("User-Agent", USER_AGENT) in got.exchange.request_headers
    (request, _) = httpserver.log[0]
    assert request.headers["User-Agent"] == USER_AGENT


def test_a_redirect_is_not_followed_and_its_location_is_kept(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gate").respond_with_response(
        Response(status=302, headers={"Location": "/web/2020/x"})
    )
    httpserver.expect_request("/odd").respond_with_response(
        Response(status=302, headers={"Location": "javascript:alert(1)"})
    )

    moved = get(httpserver.url_for("/gate"))
    odd = get(httpserver.url_for("/odd"))

    assert moved.status == 302 and moved.location == httpserver.url_for("/web/2020/x")
    assert ("Location", "/web/2020/x") in moved.exchange.response_headers
    assert odd.header("location") == "javascript:alert(1)"  # httpx would have refused it
    assert len(httpserver.log) == 2


def test_a_body_is_cut_at_the_cap_before_and_after_decompression(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"a" * 5000)
    bomb = gzip.compress(b"\0" * (4 * 1024 * 1024))
    httpserver.expect_request("/bomb").respond_with_data(bomb, 200, {"Content-Encoding": "gzip"})

    big = get(httpserver.url_for("/big"), cap=1000)
    exploded = get(httpserver.url_for("/bomb"), cap=64 * 1024)
    capped = get(httpserver.url_for("/big"), replace(QUICK, max_bytes=100), cap=1000)

    assert (len(big.exchange.body), big.truncated, big.exchange.truncated) == (1000, True, True)
    assert len(exploded.content) == 64 * 1024 and exploded.truncated
    assert not exploded.exchange.truncated  # the wire body was whole; its decoding was cut
    assert len(capped.exchange.body) == 100  # the run's cap bounds any asked for


def test_a_url_that_cannot_be_fetched_is_refused_before_any_request() -> None:
    assert failure("file:///etc/passwd") == "file: URLs cannot be checked, only http: and https:"


def test_a_refused_connection_is_reported_in_words() -> None:
    port = unused_port()
    assert failure(f"http://127.0.0.1:{port}/web/") == f"connection refused by 127.0.0.1:{port}"


# --------------------------------------------------------------------------- retries


def test_an_overloaded_archive_is_retried_then_answers(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/web/x").respond_with_data("busy", 503)
    httpserver.expect_ordered_request("/web/x").respond_with_data("copy")

    got = get(httpserver.url_for("/web/x"))

    assert (got.status, got.content) == (200, b"copy")
    assert len(httpserver.log) == 2


def test_an_archived_error_is_the_copy_s_status_not_retried(httpserver: HTTPServer) -> None:
    memento = {"Memento-Datetime": "Wed, 01 Jan 2020 00:00:00 GMT"}
    httpserver.expect_request("/web/x").respond_with_data("was down", 503, memento)

    got = get(httpserver.url_for("/web/x"), replace(QUICK, retries=3))

    assert got.status == 503
    assert len(httpserver.log) == 1


def test_a_server_error_other_than_overload_is_not_retried(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/web/x").respond_with_data("broken", 500)

    got = get(httpserver.url_for("/web/x"), replace(QUICK, retries=3))

    assert got.status == 500
    assert len(httpserver.log) == 1


def test_a_rate_limit_that_never_lifts_is_reported_with_the_attempts(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/web/x").respond_with_data("slow down", 429)
    where = f"{httpserver.host}:{httpserver.port}"

    reason = failure(httpserver.url_for("/web/x"), replace(QUICK, retries=2))

    assert reason == f"{where} answered 429 Too Many Requests (after 3 attempts)"
    assert len(httpserver.log) == 3


def test_retry_after_is_honoured_before_the_next_attempt(httpserver: HTTPServer) -> None:
    stamps: list[float] = []

    def throttle_once(request: Request) -> Response:
        stamps.append(time.monotonic())
        if len(stamps) == 1:
            return Response("slow down", status=429, headers={"Retry-After": "1"})
        return Response("copy")

    httpserver.expect_request("/web/x").respond_with_handler(throttle_once)

    got = get(httpserver.url_for("/web/x"), replace(QUICK, backoff_base=0.0))

    assert got.content == b"copy"
    assert len(stamps) == 2
    assert stamps[1] - stamps[0] >= 0.99  # the second asked for: a lower bound only


def test_a_retry_after_longer_than_the_cap_is_reported_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/web/x").respond_with_data("later", 429, {"Retry-After": "3600"})
    where = f"{httpserver.host}:{httpserver.port}"

    reason = failure(httpserver.url_for("/web/x"), replace(QUICK, retries=3))

    assert reason == (
        f"{where} answered 429 Too Many Requests and asked to wait 3600s, more than the 60s limit"
    )
    assert len(httpserver.log) == 1


def test_an_unreadable_retry_after_is_ignored_not_a_crash() -> None:
    """ "²" is a digit to str.isdigit() but not to float(): it used to raise ValueError out of
    the client (and out of the link checker) instead of being read as no Retry-After."""
    throttled = (
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: \xb2\r\nContent-Length: 0\r\n\r\n"
    )
    with RawServer(answer(throttled)) as server:
        reason = failure(server.url("/web/x"), replace(QUICK, retries=1))
        connections = server.connections

    assert reason == f"127.0.0.1:{server.port} answered 503 Service Unavailable (after 2 attempts)"
    assert connections == 2


def test_a_stalled_archive_is_asked_again_only_after_a_back_off() -> None:
    """A timed-out attempt used to be retried at once, the stalled archive asked again with
    no pause; now it is backed off from like any other retried failure. The server stamps
    each connection: the second comes at least ``backoff_base`` after the first timed out,
    which itself is after the first connection arrived (a lower bound the code guarantees)."""
    stamps: list[float] = []
    lock = threading.Lock()

    def stall(conn: object, server: RawServer) -> None:
        with lock:
            stamps.append(time.monotonic())
        assert hasattr(conn, "recv")
        read_request(conn)  # type: ignore[arg-type]
        server.stopping.wait(10)

    options = FetchOptions(timeout=0.2, retries=1, backoff_base=0.6)
    with RawServer(stall) as server:
        reason = failure(server.url("/web/"), options)

    assert reason == f"127.0.0.1:{server.port} gave no complete answer within the 0.2s time limit"
    assert len(stamps) == 2
    assert stamps[1] - stamps[0] >= 0.6


# --------------------------------------------------------------------------- hosts


def test_requests_to_one_host_keep_the_per_host_limit() -> None:
    with SlowServer(delay=0.1) as server:
        urls = [server.url(f"/{i}") for i in range(6)]

        async def ask_all(client: ArchiveClient) -> list[Answer]:
            return await asyncio.gather(*(client.request("GET", u) for u in urls))

        answers = with_client(replace(QUICK, per_host=2), ask_all)

    assert [a.status for a in answers] == [200] * 6
    assert server.gauge.total == 6
    assert server.gauge.peak <= 2


def test_one_host_written_two_ways_shares_one_limit() -> None:
    """The archive client keyed its per-host slots by the URL's network location as
    written, so ``user@host:port`` and ``host:port`` were two hosts with a limit each; now
    both clients key hosts by ``host:port`` alone."""
    with SlowServer(delay=0.2) as server:
        plain = server.url("/a")
        with_user = plain.replace("http://", "http://reader@")

        async def ask_both(client: ArchiveClient) -> list[Answer]:
            return list(
                await asyncio.gather(client.request("GET", plain), client.request("GET", with_user))
            )

        answers = with_client(replace(QUICK, per_host=1), ask_both)

    assert [a.status for a in answers] == [200, 200]
    assert server.gauge.total == 2
    assert server.gauge.peak == 1


def test_messages_name_the_archive_without_its_credentials(httpserver: HTTPServer) -> None:
    """An archive URL with a user name and password used to be named in full, password
    included, in the reason a report shows."""
    httpserver.expect_request("/web/x").respond_with_data("down", 503)
    url = httpserver.url_for("/web/x").replace("http://", "http://reader:s3cret@")

    reason = failure(url, replace(QUICK, retries=0))

    assert reason == f"{httpserver.host}:{httpserver.port} answered 503 Service Unavailable"
    assert "s3cret" not in reason and "reader" not in reason


# --------------------------------------------------------------------------- addresses
# 127.0.0.1 stands for a public address, 127.0.0.2 for a private one, 127.0.0.3 for a
# link-local one (see loopbacks.py).

GUARDED = replace(QUICK, address_classifier=pretend)


def test_an_archive_cannot_send_the_client_into_private_space() -> None:
    """A URL a public archive's answer names (Location, Link) is a hop from a public
    address; a private archive the user named is theirs to ask."""
    with LoopbackServer(PRIVATE_IP, page()) as private:
        inside = private.url("/web/2020/x")
        links = f'<{private.url("/web/2019/x")}>; rel="memento"'
        answers = {"/web/x": response("302 Found", {"Location": inside, "Link": links})}
        with LoopbackServer(PUBLIC_IP, serve(answers)) as archive:

            async def work(client: ArchiveClient) -> tuple[Answer, list[str]]:
                first = await client.request("GET", archive.url("/web/x"))
                reasons = []
                for url in (first.location or "", private.url("/web/2019/x")):
                    with pytest.raises(ArchiveUnavailable) as caught:
                        await client.request("GET", url)
                    reasons.append(caught.value.reason)
                return first, reasons

            first, reasons = with_client(GUARDED, work)
        assert private.accepted() == 0
        assert get(private.url("/web/own"), GUARDED).status == 200  # asked for directly
    assert first.status == 302
    assert (
        reasons
        == [f"redirected from a public address to a private one ({PRIVATE_IP}): not followed"] * 2
    )


def test_a_link_local_archive_is_never_asked() -> None:
    with LoopbackServer(LINK_LOCAL_IP, page()) as metadata:
        reason = failure(metadata.url("/web/x"), GUARDED)
        assert metadata.accepted() == 0
    assert reason.startswith(f"{LINK_LOCAL_IP} is a link-local address")


def test_an_archive_url_s_credentials_are_sent_but_not_kept() -> None:
    with LoopbackServer(PUBLIC_IP, page()) as archive:
        url = f"http://user:S3cretPW@{PUBLIC_IP}:{archive.port}/web/x"
        got = get(url, GUARDED)
    (request,) = archive.requests
    assert b"Authorization: Basic dXNlcjpTM2NyZXRQVw==" in request
    assert got.url == archive.url("/web/x")
    assert ("Authorization", "Basic [redacted]") in got.exchange.request_headers
