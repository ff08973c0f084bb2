"""httpx as citeaudit sets it up (for archives, and for links behind a proxy), against real
servers on 127.0.0.1: no redirect followed, headers kept as received, bodies raw and
capped, the run's headers, timeouts and proxy."""

from __future__ import annotations

import asyncio
import gzip
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import fetching
from citeaudit.fetch import FetchOptions
from citeaudit.net import USER_AGENT, Reply, make_client, send, timeouts
from servers import RawServer, answer, endless, html_response

OPTIONS = FetchOptions(timeout=5.0, connect_timeout=2.0, read_timeout=3.0)

# The shared fixture these tests use (it keeps the machine's proxy settings out).
isolated_network = fetching.isolated_network


def ask(url: str, cap: int = 1 << 20) -> tuple[Reply, list[tuple[str, str]]]:
    async def work() -> tuple[Reply, list[tuple[str, str]]]:
        async with make_client(OPTIONS, keepalive=2) as made:
            return await send(made, made.build_request("GET", url), cap)

    return asyncio.run(work())


def test_the_answer_is_kept_raw_with_the_headers_sent(httpserver: HTTPServer) -> None:
    packed = gzip.compress(b"words " * 100)
    httpserver.expect_request("/z").respond_with_data(packed, 200, {"Content-Encoding": "gzip"})

    reply, sent = ask(httpserver.url_for("/z"))

    assert (reply.status, reply.reason, reply.body, reply.truncated) == (200, "OK", packed, False)
    assert (b"Content-Encoding", b"gzip") in reply.headers
    assert ("User-Agent", USER_AGENT) in sent
    assert dict(sent)["Accept-Encoding"].startswith("gzip, deflate")


def test_no_redirect_is_followed_and_an_unparsable_location_is_kept(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/odd").respond_with_response(
        Response(status=301, headers={"Location": "javascript:alert(1)"})
    )

    reply, _ = ask(httpserver.url_for("/odd"))

    assert reply.status == 301
    assert (b"Location", b"javascript:alert(1)") in reply.headers
    assert len(httpserver.log) == 1


def test_the_body_is_cut_at_the_cap() -> None:
    with RawServer(endless(64 << 20)) as server:
        reply, _ = ask(server.url("/huge"), cap=100_000)

    assert len(reply.body) == 100_000 and reply.truncated


def test_a_jar_that_keeps_nothing_sends_no_cookie_back(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/set").respond_with_data("", 200, {"Set-Cookie": "a=1; Path=/"})
    httpserver.expect_request("/get").respond_with_data("ok")
    closed = CookieJar(DefaultCookiePolicy(allowed_domains=[]))

    async def twice(cookies: CookieJar | None) -> None:
        async with make_client(OPTIONS, keepalive=2, cookies=cookies) as made:
            for path in ("/set", "/get"):
                await send(made, made.build_request("GET", httpserver.url_for(path)), 1000)

    asyncio.run(twice(closed))
    asyncio.run(twice(None))

    cookies = [r.headers.get("Cookie") for r, _ in httpserver.log if r.path == "/get"]
    assert cookies == [None, "a=1"]  # httpx's own jar keeps them: the caller chooses


def test_a_proxy_from_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    with RawServer(answer(html_response("<p>via proxy</p>"))) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        reply, _ = ask("http://unreachable.invalid/page")
        (request,) = proxy.requests

    assert reply.body == b"<p>via proxy</p>"
    assert request.startswith(b"GET http://unreachable.invalid/page HTTP/1.1\r\n")


def test_timeouts_are_the_run_s() -> None:
    assert timeouts(OPTIONS) == httpx.Timeout(5.0, connect=2.0, read=3.0, write=3.0, pool=5.0)
