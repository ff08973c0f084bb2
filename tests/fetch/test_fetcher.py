"""One URL's check, as the link checker's engine makes it, against real servers on
127.0.0.1: the exchange kept hop by hop, redirects followed by hand, what is retried and
how, bodies capped and decoded, timeouts and resets, HEAD first, and URLs as sent."""

from __future__ import annotations

import gzip
import re
import resource
import sys
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import fetching
from citeaudit.fetch import (
    MIB,
    Failure,
    Hop,
)
from citeaudit.net import BROTLI, USER_AGENT
from citeaudit.vocab import LinkStatus
from fetching import fetch, fetch_one, requests_to
from servers import (
    RawServer,
    answer,
    endless,
    html_response,
    reset,
    reset_mid_body,
    silent,
    trickle,
)

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network


# --------------------------------------------------------------------------- success


def test_ok_records_the_exchange(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(
        "<p>hello</p>", content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/page")

    result = fetch_one(url)

    assert result.status is LinkStatus.OK
    assert result.reason == "200 OK"
    assert (result.http_status, result.final_url, result.attempts) == (200, url, 1)
    assert result.content == b"<p>hello</p>"
    assert result.content_type == "text/html; charset=utf-8"
    assert not result.truncated and result.failure is None and result.error is None
    assert result.redirects == () and not result.permanent
    (exchange,) = result.exchanges
    assert (exchange.method, exchange.url, exchange.status, exchange.reason) == (
        "GET",
        url,
        200,
        "OK",
    )
    assert exchange.http_version == "HTTP/1.0"  # what a non-threaded werkzeug speaks
    assert exchange.body == b"<p>hello</p>"
    assert ("User-Agent", USER_AGENT) in exchange.request_headers
    assert any(k.lower() == "content-type" for k, _ in exchange.response_headers)
    assert exchange.date.tzinfo is not None
    assert result.sha256 is not None


# --------------------------------------------------------------------------- redirects


def test_temporary_redirect_chain_is_recorded_hop_by_hop(httpserver: HTTPServer) -> None:
    a, b, c = (httpserver.url_for(p) for p in ("/a", "/b", "/c"))
    httpserver.expect_request("/a").respond_with_data("", 301, {"Location": b})
    httpserver.expect_request("/b").respond_with_data("", 302, {"Location": "c"})  # relative
    httpserver.expect_request("/c").respond_with_data("final")

    result = fetch_one(a)

    assert result.status is LinkStatus.REDIRECTED
    assert result.reason == "200 OK after 2 redirects (301, 302)"
    assert result.redirects == (Hop(a, 301), Hop(b, 302))
    assert not result.permanent
    assert result.final_url == c
    assert [(e.url, e.status) for e in result.exchanges] == [(a, 301), (b, 302), (c, 200)]
    assert result.content == b"final"


def test_permanent_redirect_chain(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", 301, {"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", 308, {"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data("final")

    result = fetch_one(httpserver.url_for("/a"))

    assert result.status is LinkStatus.REDIRECTED
    assert [h.status for h in result.redirects] == [301, 308]
    assert result.permanent


@pytest.mark.parametrize(
    ("location", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("javascript:alert(1)", "javascript"),
        ("data:text/plain,hello", "data"),
        ("ftp://127.0.0.1/x", "ftp"),
    ],
)
def test_redirect_to_non_http_scheme_is_refused(
    httpserver: HTTPServer, location: str, scheme: str
) -> None:
    httpserver.expect_request("/a").respond_with_data("moved", 302, {"Location": location})

    result = fetch_one(httpserver.url_for("/a"))

    assert result.status is LinkStatus.INVALID_URL
    assert result.failure is Failure.BAD_REDIRECT
    assert f"{scheme}:" in result.reason
    assert result.content == b""
    assert [e.status for e in result.exchanges] == [302]
    assert len(httpserver.log) == 1


def test_redirect_loop(httpserver: HTTPServer) -> None:
    a, b = httpserver.url_for("/a"), httpserver.url_for("/b")
    httpserver.expect_request("/a").respond_with_data("", 302, {"Location": b})
    httpserver.expect_request("/b").respond_with_data("", 302, {"Location": a})

    result = fetch_one(a)

    assert result.status is LinkStatus.SERVER_ERROR
    assert result.failure is Failure.REDIRECT_LOOP
    assert result.reason == f"redirect loop: {a} -> {b} -> {a}"
    assert len(httpserver.log) == 2


def test_too_many_redirects(httpserver: HTTPServer) -> None:
    def onward(request: Request) -> Response:
        step = int(request.path.rsplit("/", 1)[1])
        return Response("", 302, {"Location": f"/r/{step + 1}"})

    httpserver.expect_request(re.compile(r"^/r/\d+$")).respond_with_handler(onward)

    result = fetch_one(httpserver.url_for("/r/0"), max_redirects=3)

    assert result.status is LinkStatus.SERVER_ERROR
    assert result.failure is Failure.TOO_MANY_REDIRECTS
    assert "too many redirects" in result.reason
    assert len(result.exchanges) == 4


def test_cookie_setting_redirect_to_itself_is_not_a_loop(httpserver: HTTPServer) -> None:
    def consent(request: Request) -> Response:
        if request.cookies.get("consent") == "yes":
            return Response("the article")
        return Response("", 302, {"Location": "/article", "Set-Cookie": "consent=yes; Path=/"})

    httpserver.expect_request("/article").respond_with_handler(consent)

    result = fetch_one(httpserver.url_for("/article"))

    assert result.status is LinkStatus.REDIRECTED
    assert result.content == b"the article"


def test_cookies_do_not_leak_between_urls(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/set").respond_with_data("", 200, {"Set-Cookie": "a=1; Path=/"})
    httpserver.expect_request("/get").respond_with_data("ok")

    fetch_one(httpserver.url_for("/set"))
    fetch_one(httpserver.url_for("/get"))

    assert all("Cookie" not in request.headers for request, _ in httpserver.log)


# --------------------------------------------------------------------------- retries


@pytest.mark.parametrize("code", [404, 410, 403])
def test_not_found_and_refusals_are_not_retried(httpserver: HTTPServer, code: int) -> None:
    httpserver.expect_request("/gone").respond_with_data("", code)

    result = fetch_one(httpserver.url_for("/gone"), retries=3)

    assert result.attempts == 1
    assert requests_to(httpserver, "/gone") == 1


def test_429_with_retry_after_zero_then_ok(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/r").respond_with_data("", 429, {"Retry-After": "0"})
    httpserver.expect_request("/r").respond_with_data("fine")

    result = fetch_one(httpserver.url_for("/r"))

    assert result.status is LinkStatus.OK
    assert result.reason == "200 OK (after 2 attempts)"
    assert result.attempts == 2
    assert requests_to(httpserver, "/r") == 2


def test_429_always_is_rate_limited(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r").respond_with_data("", 429)

    result = fetch_one(httpserver.url_for("/r"), retries=2)

    assert result.status is LinkStatus.RATE_LIMITED
    assert result.reason == "429 Too Many Requests (after 3 attempts)"
    assert requests_to(httpserver, "/r") == 3


def test_retry_after_over_the_cap_gives_up_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r").respond_with_data("", 429, {"Retry-After": "3600"})

    result = fetch_one(httpserver.url_for("/r"), retry_after_cap=60.0)

    assert result.status is LinkStatus.RATE_LIMITED
    assert result.failure is Failure.RETRY_AFTER_TOO_LONG
    assert "3600s" in result.reason and "60s limit" in result.reason
    assert requests_to(httpserver, "/r") == 1
    assert result.elapsed < 2


def test_retry_after_longer_than_the_time_left_gives_up(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/r").respond_with_data("", 503, {"Retry-After": "30"})

    result = fetch_one(httpserver.url_for("/r"), timeout=2.0)

    assert result.status is LinkStatus.SERVER_ERROR
    assert "no time left" in result.reason
    assert requests_to(httpserver, "/r") == 1


def test_503_then_ok(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/s").respond_with_data("", 503)
    httpserver.expect_request("/s").respond_with_data("back")

    result = fetch_one(httpserver.url_for("/s"))

    assert result.status is LinkStatus.OK
    assert result.content == b"back"
    assert requests_to(httpserver, "/s") == 2


def test_500_always_is_server_error_with_the_attempt_count(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/s").respond_with_data("", 500)

    result = fetch_one(httpserver.url_for("/s"), retries=2)

    assert result.status is LinkStatus.SERVER_ERROR
    assert result.reason == "500 Internal Server Error (after 3 attempts)"
    assert result.attempts == 3
    assert requests_to(httpserver, "/s") == 3


def _http_date(offset: timedelta) -> str:
    return format_datetime(datetime.now(UTC) + offset, usegmt=True)


def test_retry_after_as_a_past_http_date_is_retried_at_once(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/d").respond_with_data(
        "", 503, {"Retry-After": _http_date(-timedelta(minutes=5))}
    )
    httpserver.expect_request("/d").respond_with_data("back")

    result = fetch_one(httpserver.url_for("/d"))

    assert result.status is LinkStatus.OK
    assert result.reason == "200 OK (after 2 attempts)"
    assert requests_to(httpserver, "/d") == 2


def test_retry_after_as_a_far_http_date_is_not_waited_for(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/d").respond_with_data(
        "", 429, {"Retry-After": _http_date(timedelta(hours=2))}
    )

    result = fetch_one(httpserver.url_for("/d"), retry_after_cap=60.0)

    assert result.status is LinkStatus.RATE_LIMITED
    assert result.failure is Failure.RETRY_AFTER_TOO_LONG
    assert re.fullmatch(
        r"429 Too Many Requests; the server asked to wait 7[12]\d\ds, more than the 60s "
        r"limit, so it was not retried",
        result.reason,
    )
    assert requests_to(httpserver, "/d") == 1


def test_retry_after_in_seconds_is_waited_for(httpserver: HTTPServer) -> None:
    httpserver.expect_oneshot_request("/s").respond_with_data("", 429, {"Retry-After": "1"})
    httpserver.expect_request("/s").respond_with_data("fine")

    result = fetch_one(httpserver.url_for("/s"))

    assert (result.status, result.reason) == (LinkStatus.OK, "200 OK (after 2 attempts)")
    assert result.elapsed >= 1.0  # the asked-for second was waited: a lower bound only


def test_an_unreadable_retry_after_is_ignored_not_a_crash() -> None:
    """``Retry-After: ²`` (a digit to str.isdigit, not to float) used to raise ValueError out
    of fetch_all, which promises a result for every URL; now it is no Retry-After at all."""
    throttled = (
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: \xb2\r\nContent-Length: 0\r\n\r\n"
    )
    with RawServer(answer(throttled)) as server:
        result = fetch_one(server.url("/s"), retries=1)
        connections = server.connections

    assert result.status is LinkStatus.SERVER_ERROR
    assert result.reason == "503 Service Unavailable (after 2 attempts)"
    assert connections == 2


# --------------------------------------------------------------------------- bodies


def test_gzip_body_is_decoded_but_kept_raw_in_the_exchange(httpserver: HTTPServer) -> None:
    text = b"hello world " * 100
    packed = gzip.compress(text)
    httpserver.expect_request("/z").respond_with_data(packed, 200, {"Content-Encoding": "gzip"})

    result = fetch_one(httpserver.url_for("/z"))

    assert result.content == text
    assert result.exchanges[-1].body == packed
    assert not result.truncated


def test_gzip_bomb_is_cut_at_the_cap(httpserver: HTTPServer) -> None:
    bomb = gzip.compress(b"\0" * (10 * MIB), compresslevel=9)
    assert len(bomb) < 100_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, 200, {"Content-Encoding": "gzip"})

    result = fetch_one(httpserver.url_for("/bomb"), max_bytes=MIB)

    assert result.truncated
    assert len(result.content) == MIB
    assert result.exchanges[-1].body == bomb
    assert not result.exchanges[-1].truncated


def test_body_over_the_cap_is_truncated(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/big").respond_with_data(b"a" * (2 * MIB))

    result = fetch_one(httpserver.url_for("/big"), max_bytes=MIB)

    assert result.status is LinkStatus.OK
    assert result.truncated and result.exchanges[-1].truncated
    assert len(result.exchanges[-1].body) == MIB
    assert len(result.content) == MIB


def test_a_coding_without_a_decoder_is_left_raw_and_said_so(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/zstd").respond_with_data(
        b"\x28\xb5\x2f\xfd", 200, {"Content-Encoding": "zstd"}
    )

    result = fetch_one(httpserver.url_for("/zstd"))

    assert result.status is LinkStatus.OK
    assert result.content == b"\x28\xb5\x2f\xfd"
    assert result.error is not None and "'zstd'" in result.error
    (request, _) = httpserver.log[0]
    assert "zstd" not in request.headers["Accept-Encoding"]
    assert ("br" in request.headers["Accept-Encoding"]) is BROTLI


def test_a_1_gib_body_is_streamed_and_cut_at_the_cap() -> None:
    """The server streams 1 GiB from a generator; the client stops at the cap."""
    cap = 8 * MIB
    with RawServer(endless(1024 * MIB)) as server:
        result = fetch_one(server.url("/huge.bin"), max_bytes=cap)

    assert result.status is LinkStatus.OK
    assert result.reason == "200 OK"
    assert result.truncated and result.exchanges[-1].truncated
    assert len(result.content) == cap
    assert len(result.exchanges[-1].body) == cap
    # A sanity bound, not a measurement: holding the whole body would need over 1 GiB.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_bytes = peak if sys.platform == "darwin" else peak * 1024
    assert peak_bytes < 1024 * MIB


# --------------------------------------------------------------------------- timeouts and resets


def test_slow_headers_time_out_and_are_retried() -> None:
    with RawServer(silent) as server:
        result = fetch_one(server.url(), read_timeout=0.3, retries=1)
        connections = server.connections

    assert result.status is LinkStatus.TIMEOUT
    assert result.failure is Failure.READ_TIMEOUT
    assert result.reason.startswith("read timeout: 127.0.0.1:")
    assert result.reason.endswith("sent nothing for 0.3s (after 2 attempts)")
    assert connections == 2


def test_trickling_body_hits_the_total_timeout() -> None:
    with RawServer(trickle(0.05)) as server:
        result = fetch_one(server.url(), timeout=0.6, read_timeout=5.0)

    assert result.status is LinkStatus.TIMEOUT
    assert result.failure is Failure.TOTAL_TIMEOUT
    assert "0.6s time limit" in result.reason
    assert result.elapsed < 2


def test_connection_reset_is_unreachable_and_retried() -> None:
    with RawServer(reset) as server:
        result = fetch_one(server.url(), retries=2)
        connections = server.connections

    assert result.status is LinkStatus.UNREACHABLE
    assert result.failure is Failure.RESET
    assert "reset" in result.reason or "closed" in result.reason
    assert connections == 3


def test_reset_mid_body() -> None:
    with RawServer(reset_mid_body(1000)) as server:
        result = fetch_one(server.url(), retries=1)
        connections = server.connections

    assert result.status is LinkStatus.UNREACHABLE
    assert result.failure is Failure.RESET
    assert result.reason == f"connection reset by 127.0.0.1:{server.port} (after 2 attempts)"
    assert connections == 2


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "no http:// or https:// scheme"),
        ("ftp://x", "ftp: URLs cannot be checked"),
        ("mailto:someone@example.org", "mailto: URLs cannot be checked"),
        ("http://", "no host name"),
        ("", "empty URL"),
        ("http://exa mple.org/", "invalid characters"),
        ("http://[::1/", "malformed URL"),
        ("http://127.0.0.1:99999/", "malformed URL"),
    ],
)
def test_invalid_urls_are_never_fetched(url: str, words: str) -> None:
    result = fetch_one(url)

    assert result.status is LinkStatus.INVALID_URL
    assert result.failure is Failure.INVALID_URL
    assert words in result.reason
    assert result.exchanges == () and result.attempts == 0


def test_idn_host_goes_on_the_wire_as_punycode(monkeypatch: pytest.MonkeyPatch) -> None:
    """``bücher.test`` cannot resolve here, so a recording HTTP proxy stands in for it:
    what the client asks the proxy for is exactly what it would send to the host."""
    with RawServer(answer(html_response("<title>Bücher</title><p>ok</p>"))) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url())
        url = "http://bücher.test/katalog/straße"
        result = fetch_one(url)
        (request,) = proxy.requests

    assert result.status is LinkStatus.OK
    assert result.url == url and result.final_url == url
    head = request.decode("ascii")
    assert head.startswith("GET http://xn--bcher-kva.test/katalog/stra%C3%9Fe HTTP/1.1\r\n")
    assert "\r\nHost: xn--bcher-kva.test\r\n" in head


def test_spaces_are_encoded_and_parentheses_sent_as_they_are() -> None:
    """The business case's URL: parentheses are legal in a path and must reach the server
    unchanged; a space is not and goes as %20; an existing escape is not escaped again."""
    with RawServer(answer(html_response("<p>a page</p>"))) as server:
        name = "SIM_and_High_Intensity_Network_-_Business_Case_(Commissioner)_v4"
        urls = [
            server.url(f"/img/resources/{name}.html"),
            server.url("/a file (draft).html"),
            server.url("/already%20escaped%28x%29.html"),
        ]
        results = fetch(urls, concurrency=1)
        lines = sorted(r.split(b"\r\n", 1)[0].decode() for r in server.requests)

    assert all(r.status is LinkStatus.OK for r in results.values())
    assert lines == sorted(
        [
            f"GET /img/resources/{name}.html HTTP/1.1",
            "GET /a%20file%20(draft).html HTTP/1.1",
            "GET /already%20escaped%28x%29.html HTTP/1.1",
        ]
    )


# --------------------------------------------------------------------------- head_first


def test_head_first_success_reads_no_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/h", method="HEAD").respond_with_data("", 200)

    result = fetch_one(httpserver.url_for("/h"), head_first=True)

    assert result.status is LinkStatus.OK
    assert result.content == b""
    assert [e.method for e in result.exchanges] == ["HEAD"]
    assert len(httpserver.log) == 1


def test_head_first_falls_back_to_get(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/h", method="HEAD").respond_with_data("", 405)
    httpserver.expect_request("/h", method="GET").respond_with_data("got it")

    result = fetch_one(httpserver.url_for("/h"), head_first=True)

    assert result.status is LinkStatus.OK
    assert result.content == b"got it"
    assert [e.method for e in result.exchanges] == ["GET"]
    assert "405" in result.extra["head"]
