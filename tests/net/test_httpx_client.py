"""httpx as citeaudit sets it up (for archives, and for links behind a proxy), against real
servers on 127.0.0.1: no redirect followed, headers kept as received, bodies raw and
capped, the run's headers, timeouts and proxy."""

from __future__ import annotations

import asyncio
import gzip
import time
from dataclasses import replace
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Response

import fetching
from citeaudit.fetch import FetchOptions
from citeaudit.net import (
    USER_AGENT,
    AddressRefused,
    AddressRule,
    Reply,
    Resolver,
    make_client,
    send,
    timeouts,
)
from loopbacks import LINK_LOCAL_IP, PRIVATE_IP, PUBLIC_IP, LoopbackServer, page, pretend, resolver
from servers import RawServer, answer, endless, html_response, keep_alive, request_target

OPTIONS = FetchOptions(timeout=5.0, connect_timeout=2.0, read_timeout=3.0)

# The shared fixture these tests use (it keeps the machine's proxy settings out).
isolated_network = fetching.isolated_network
ca = fetching.ca
https_server = fetching.https_server


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


# --------------------------------------------------------------------------- address rule
# 127.0.0.1 stands for a public address, 127.0.0.2 for a private one, 127.0.0.3 for a
# link-local one (see loopbacks.py).

GUARDED = FetchOptions(
    timeout=5.0, connect_timeout=2.0, read_timeout=3.0, address_classifier=pretend
)
FIRST = AddressRule(pretend)
AFTER_PUBLIC = FIRST.after(PUBLIC_IP)


def ask_all(
    *asks: tuple[str, AddressRule], resolve: Resolver | None = None, options: FetchOptions = GUARDED
) -> list[Reply | AddressRefused]:
    """Each URL asked in turn on one client, under its rule: the reply, or the refusal."""

    async def work() -> list[Reply | AddressRefused]:
        made = make_client(
            options, keepalive=2, classify=options.address_classifier, resolve=resolve
        )
        got: list[Reply | AddressRefused] = []
        async with made:
            for url, rule in asks:
                try:
                    got.append((await send(made, made.build_request("GET", url), 1000, rule))[0])
                except AddressRefused as refused:
                    got.append(refused)
        return got

    return asyncio.run(work())


def test_httpx_connects_to_no_address_the_rule_refuses() -> None:
    with LoopbackServer(LINK_LOCAL_IP, page()) as server:
        (refused,) = ask_all((server.url(), FIRST))
        assert server.accepted() == 0
    assert isinstance(refused, AddressRefused) and "link-local" in refused.reason


def test_httpx_checks_the_address_a_name_resolves_to() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as server:
        resolve = resolver({"inside.test": [[PRIVATE_IP]]})
        url = f"http://inside.test:{server.port}/"
        allowed, refused = ask_all((url, FIRST), (url, AFTER_PUBLIC), resolve=resolve)
        assert server.accepted() == 1  # the second request opened nothing
    assert isinstance(allowed, Reply) and allowed.address == PRIVATE_IP
    assert isinstance(refused, AddressRefused)
    assert refused.reason == (
        f"redirected from a public address to a private one ({PRIVATE_IP}): not followed"
    )


def test_a_kept_httpx_connection_takes_no_request_its_address_refuses() -> None:
    with LoopbackServer(PRIVATE_IP, keep_alive()) as server:
        first, refused, again = ask_all(
            (server.url("/a"), FIRST), (server.url("/b"), AFTER_PUBLIC), (server.url("/c"), FIRST)
        )
    assert isinstance(first, Reply) and isinstance(again, Reply)
    assert isinstance(refused, AddressRefused)
    # Nothing of /b was written; httpx drops a connection a request failed on, so /c
    # came on a new one.
    assert [request_target(r) for r in server.requests] == [b"/a", b"/c"]
    assert server.connections == 2


def test_https_through_httpx_is_opened_by_the_guarded_backend(
    https_server: HTTPServer, ca: trustme.CA, tmp_path: Path
) -> None:
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    options = replace(GUARDED, ca_bundle=str(bundle))
    (reply,) = ask_all((https_server.url_for("/"), FIRST), options=options)
    assert isinstance(reply, Reply)
    assert (reply.status, reply.body, reply.address) == (200, b"secure", PUBLIC_IP)


def test_behind_a_proxy_the_address_is_checked_before_the_proxy_is_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The proxy connects, so the check is on our own look-up, before the request leaves."""
    with RawServer(answer(html_response("<p>via proxy</p>"))) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        resolve = resolver({"inside.test": [[PRIVATE_IP]], "outside.test": [[PUBLIC_IP]]})
        literal, named, public = ask_all(
            (f"http://{LINK_LOCAL_IP}:9/", FIRST),
            ("http://inside.test/", AFTER_PUBLIC),
            ("http://outside.test/", AFTER_PUBLIC),
            resolve=resolve,
        )
        time.sleep(0.2)
        asked = list(proxy.requests)
    assert isinstance(literal, AddressRefused) and isinstance(named, AddressRefused)
    assert isinstance(public, Reply) and public.address == PUBLIC_IP
    assert len(asked) == 1 and asked[0].startswith(b"GET http://outside.test/ HTTP/1.1\r\n")
