"""The fetch engine against real servers on 127.0.0.1: no mocked HTTP, no internet."""

from __future__ import annotations

import asyncio
import gzip
import re
import resource
import socket
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from citeaudit.errors import UsageError
from citeaudit.fetch.engine import (
    BROTLI,
    USER_AGENT,
    Failure,
    FetchOptions,
    FetchResult,
    Hop,
    decode_body,
    fetch_all,
    fetch_all_sync,
    network_state,
    parse_size,
    parse_status_codes,
    retry_after_seconds,
)
from citeaudit.vocab import LinkStatus, Network
from servers import (
    Gauge,
    RawServer,
    SlowServer,
    answer,
    endless,
    expired_context,
    html_response,
    leaf_context,
    read_request,
    refusing_proxy,
    reset,
    reset_mid_body,
    self_signed_context,
    silent,
    tls_server,
    trickle,
    unused_port,
)

MIB = 1024 * 1024

# Fast, but with room for a loaded CI machine.
FAST = FetchOptions(backoff_base=0.01, timeout=5.0, connect_timeout=2.0, read_timeout=2.0)


def fetch(urls: list[str], **changes: Any) -> dict[str, FetchResult]:
    return fetch_all_sync(urls, replace(FAST, **changes))


def fetch_one(url: str, **changes: Any) -> FetchResult:
    return fetch([url], **changes)[url]


@pytest.fixture(autouse=True)
def _no_proxy_no_system_ca(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not depend on (or leak to) the machine's proxy and CA settings."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


def requests_to(server: HTTPServer, path: str) -> int:
    return sum(1 for request, _ in server.log if request.path == path)


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


def test_user_agent_is_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ua").respond_with_data("ok")
    fetch_one(httpserver.url_for("/ua"))
    fetch_one(httpserver.url_for("/ua"), user_agent="custom-agent/1")

    agents = [request.headers["User-Agent"] for request, _ in httpserver.log]
    assert agents == [USER_AGENT, "custom-agent/1"]
    assert USER_AGENT.startswith("citeaudit/")


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


# --------------------------------------------------------------------------- status codes


@pytest.mark.parametrize(
    ("code", "headers", "status", "reason"),
    [
        (404, {}, LinkStatus.NOT_FOUND, "404 Not Found"),
        (410, {}, LinkStatus.NOT_FOUND, "410 Gone"),
        (401, {}, LinkStatus.BLOCKED, "401 Unauthorized (login required)"),
        (403, {}, LinkStatus.BLOCKED, "403 Forbidden (access refused)"),
        (
            403,
            {"cf-mitigated": "challenge"},
            LinkStatus.BLOCKED,
            "403 Forbidden: Cloudflare bot challenge",
        ),
        (451, {}, LinkStatus.BLOCKED, "451 Unavailable For Legal Reasons"),
        (999, {}, LinkStatus.BLOCKED, "999"),
        (406, {}, LinkStatus.BLOCKED, "406 Not Acceptable"),
        (400, {}, LinkStatus.BLOCKED, "400 Bad Request (the server refused the request)"),
        (414, {}, LinkStatus.INVALID_URL, "414 Request-URI Too Long"),
        (408, {}, LinkStatus.TIMEOUT, "408 Request Timeout"),
        (304, {}, LinkStatus.SERVER_ERROR, "304 Not Modified with no redirect to follow"),
        (302, {}, LinkStatus.SERVER_ERROR, "302 Found with no redirect to follow"),
    ],
)
def test_status_codes_are_classified(
    httpserver: HTTPServer, code: int, headers: dict[str, str], status: LinkStatus, reason: str
) -> None:
    httpserver.expect_request("/x").respond_with_data("body", code, headers)

    result = fetch_one(httpserver.url_for("/x"), retries=0)

    assert result.status is status
    assert result.reason.startswith(reason)
    assert result.http_status == code
    assert result.failure is None


@pytest.mark.parametrize("code", [404, 410, 403])
def test_not_found_and_refusals_are_not_retried(httpserver: HTTPServer, code: int) -> None:
    httpserver.expect_request("/gone").respond_with_data("", code)

    result = fetch_one(httpserver.url_for("/gone"), retries=3)

    assert result.attempts == 1
    assert requests_to(httpserver, "/gone") == 1


# --------------------------------------------------------------------------- retries


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


def test_retry_after_parsing() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)

    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(later, now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


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


def test_decode_body_variants() -> None:
    text = b"some text " * 50
    deflater = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = deflater.compress(text) + deflater.flush()

    assert decode_body(text, None, MIB) == (text, False, None)
    assert decode_body(text, "identity", MIB) == (text, False, None)
    assert decode_body(zlib.compress(text), "deflate", MIB) == (text, False, None)
    assert decode_body(raw_deflate, "deflate", MIB) == (text, False, None)
    two_members = gzip.compress(b"one ") + gzip.compress(b"two")
    assert decode_body(two_members, "gzip", MIB) == (b"one two", False, None)
    assert decode_body(gzip.compress(gzip.compress(text)), "gzip, gzip", MIB)[0] == text
    assert decode_body(gzip.compress(text), "gzip", 10) == (text[:10], True, None)

    content, truncated, error = decode_body(b"not gzip at all", "gzip", MIB)
    assert (content, truncated) == (b"not gzip at all", False)
    assert error is not None and "corrupt gzip" in error

    content, _, error = decode_body(b"\x28\xb5\x2f\xfd", "zstd", MIB)
    assert content == b"\x28\xb5\x2f\xfd"
    assert error is not None and "zstd" in error


@pytest.mark.skipif(BROTLI, reason="a capped brotli decoder is installed")
def test_brotli_without_a_decoder_is_left_raw_and_said_so(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/br").respond_with_data(
        b"\x0b\x02\x80hi\x03", 200, {"Content-Encoding": "br"}
    )

    result = fetch_one(httpserver.url_for("/br"))

    assert result.status is LinkStatus.OK
    assert result.content == b"\x0b\x02\x80hi\x03"
    assert result.error is not None and "'br'" in result.error
    (request, _) = httpserver.log[0]
    assert "br" not in request.headers["Accept-Encoding"]


# --------------------------------------------------------------------------- network errors


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


def test_connection_refused() -> None:
    port = unused_port()

    result = fetch_one(f"http://127.0.0.1:{port}/", retries=2)

    assert result.status is LinkStatus.UNREACHABLE
    assert result.failure is Failure.REFUSED
    assert result.reason == f"connection refused by 127.0.0.1:{port}"
    assert result.attempts == 1
    assert result.error is not None and "ConnectionRefusedError" in result.error


def test_dns_failure() -> None:
    result = fetch_one("http://nonexistent.invalid/page")

    assert result.status is LinkStatus.UNREACHABLE
    assert result.failure is Failure.DNS
    assert result.reason.startswith("DNS lookup failed for nonexistent.invalid")


def test_proxy_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    with RawServer(refusing_proxy) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url())
        result = fetch_one("https://nonexistent.invalid/")

    assert result.status is LinkStatus.UNREACHABLE
    assert result.failure is Failure.PROXY
    assert result.reason.startswith("proxy refused")


# --------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_server(ca: trustme.CA) -> Iterator[HTTPServer]:
    with tls_server(leaf_context(ca)) as server:
        server.expect_request("/").respond_with_data("secure")
        yield server


def test_unknown_ca_is_a_tls_error(https_server: HTTPServer) -> None:
    result = fetch_one(https_server.url_for("/"))

    assert result.status is LinkStatus.TLS_ERROR
    assert result.failure is Failure.TLS
    assert "unknown CA" in result.reason


def test_trusted_ca_via_option(https_server: HTTPServer, ca: trustme.CA) -> None:
    with ca.cert_pem.tempfile() as bundle:
        result = fetch_one(https_server.url_for("/"), ca_bundle=bundle)

    assert result.status is LinkStatus.OK
    assert result.content == b"secure"


def test_trusted_ca_via_ssl_cert_file(
    https_server: HTTPServer, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ca.cert_pem.tempfile() as bundle:
        monkeypatch.setenv("SSL_CERT_FILE", bundle)
        result = fetch_one(https_server.url_for("/"))

    assert result.status is LinkStatus.OK


def test_insecure_skips_verification(https_server: HTTPServer) -> None:
    assert fetch_one(https_server.url_for("/"), insecure=True).status is LinkStatus.OK


def test_missing_ca_bundle_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="CA certificates"):
        fetch_one("https://nonexistent.invalid/", ca_bundle="/nonexistent/ca.pem")


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_a_ca_path_from_the_environment_that_names_nothing_stops_the_run_at_once(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CAs are loaded when the first HTTPS connection needs them, but a wrong path is
    found before any request, even on a run with no HTTPS URL."""
    monkeypatch.setenv(variable, "/nonexistent/ca")
    with pytest.raises(UsageError, match=f"{variable} names /nonexistent/ca"):
        fetch_one("http://127.0.0.1:9/")


@pytest.mark.parametrize(
    ("make_context", "trust_ca", "words"),
    [
        (self_signed_context, False, "self-signed certificate"),
        (expired_context, True, "certificate has expired"),
        (
            lambda ca: leaf_context(ca, "example.org"),
            True,
            "certificate is for a different host name "
            "(IP address mismatch, certificate is not valid for '127.0.0.1')",
        ),
        (
            leaf_context,
            False,
            "certificate issued by an unknown CA (unable to get local issuer certificate)",
        ),
    ],
    ids=["self-signed", "expired", "wrong-host", "unknown-ca"],
)
def test_certificate_problems_in_words(
    ca: trustme.CA, make_context: Any, trust_ca: bool, words: str
) -> None:
    with ca.cert_pem.tempfile() as bundle, tls_server(make_context(ca)) as server:
        server.expect_request("/").respond_with_data("secure")
        result = fetch_one(server.url_for("/"), ca_bundle=bundle if trust_ca else None)

    assert result.status is LinkStatus.TLS_ERROR
    assert result.failure is Failure.TLS
    assert result.reason == f"TLS certificate of 127.0.0.1: {words}"
    assert result.attempts == 1  # a bad certificate is not retried


def test_wrong_host_by_name_with_a_certificate_for_another(
    ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A certificate for www.example.org served for localhost: the name, not the IP."""
    with ca.cert_pem.tempfile() as bundle, tls_server(leaf_context(ca, "www.example.org")) as s:
        s.expect_request("/").respond_with_data("secure")
        url = f"https://localhost:{s.port}/"
        result = fetch_one(url, ca_bundle=bundle)

    assert result.status is LinkStatus.TLS_ERROR
    assert result.reason == (
        "TLS certificate of localhost: certificate is for a different host name "
        "(Hostname mismatch, certificate is not valid for 'localhost')"
    )


def test_insecure_is_recorded_on_the_result(https_server: HTTPServer) -> None:
    secure = fetch_one(https_server.url_for("/"))
    insecure = fetch_one(https_server.url_for("/"), insecure=True)

    assert (secure.status, secure.insecure) == (LinkStatus.TLS_ERROR, False)
    assert (insecure.status, insecure.insecure) == (LinkStatus.OK, True)


# --------------------------------------------------------------------------- URLs and fragments


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


def test_fragments_are_stripped_for_fetching_and_kept_as_keys(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc").respond_with_data("doc")
    base = httpserver.url_for("/doc")
    urls = [f"{base}#intro", f"{base}#results", base, f"{base}#intro"]
    seen: list[str] = []

    results = fetch_all_sync(urls, FAST, on_result=lambda r: seen.append(r.url))

    assert list(results) == [f"{base}#intro", f"{base}#results", base]
    assert sorted(seen) == sorted(results)
    assert requests_to(httpserver, "/doc") == 1
    for key, result in results.items():
        assert result.url == key
        assert result.final_url == base
        assert result.status is LinkStatus.OK


def test_empty_input() -> None:
    assert fetch([]) == {}


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


def test_head_first_still_gets_a_page_whose_fragment_is_checked(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/doc").respond_with_data(
        '<h2 id="intro">Intro</h2>', content_type="text/html"
    )
    base = httpserver.url_for("/doc")

    results = fetch([f"{base}#intro", base], head_first=True)

    assert [request.method for request, _ in httpserver.log] == ["GET"]
    check = results[f"{base}#intro"].fragment
    assert check is not None and check.found is True
    assert results[f"{base}#intro"].fragment_problem is None


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


def test_on_result_errors_propagate(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("ok")

    def explode(result: FetchResult) -> None:
        raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError, match="progress bar broke"):
        fetch_all_sync([httpserver.url_for("/p")], FAST, on_result=explode)


async def _fetch_in_running_loop(url: str) -> FetchResult:
    return (await fetch_all([url], FAST))[url]


def test_fetch_all_is_awaitable(httpserver: HTTPServer) -> None:

    httpserver.expect_request("/p").respond_with_data("ok")

    result = asyncio.run(_fetch_in_running_loop(httpserver.url_for("/p")))

    assert result.status is LinkStatus.OK


# --------------------------------------------------------------------------- network state


def _result(status: LinkStatus, failure: Failure | None) -> FetchResult:
    return FetchResult("http://x/", status, "r", datetime.now(UTC), failure=failure)


def test_network_state_rules() -> None:
    dns = _result(LinkStatus.UNREACHABLE, Failure.DNS)
    refused = _result(LinkStatus.UNREACHABLE, Failure.REFUSED)
    ok = _result(LinkStatus.OK, None)
    invalid = _result(LinkStatus.INVALID_URL, Failure.INVALID_URL)

    assert network_state([]) is Network.ONLINE
    assert network_state([dns, dns]) is Network.OFFLINE
    assert network_state([dns, invalid]) is Network.OFFLINE
    assert network_state([invalid]) is Network.ONLINE
    assert network_state([dns, ok]) is Network.ONLINE
    assert network_state([dns, refused]) is Network.ONLINE


def test_network_state_from_real_fetches(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/up").respond_with_data("ok")
    dead = ["http://nonexistent.invalid/", "https://also-nonexistent.invalid/x"]

    assert network_state(fetch(dead).values()) is Network.OFFLINE
    mixed = fetch([*dead, httpserver.url_for("/up")])
    assert network_state(mixed.values()) is Network.ONLINE


def test_bad_options_are_usage_errors() -> None:
    with pytest.raises(UsageError):
        FetchOptions(concurrency=0)
    with pytest.raises(UsageError):
        FetchOptions(timeout=0)
    with pytest.raises(UsageError):
        FetchOptions(min_interval=-1)
    with pytest.raises(UsageError):
        FetchOptions(host_failures=-1)


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("1000", 1000),
        ("50MB", 50_000_000),
        ("50mb", 50_000_000),
        ("1GiB", 1024**3),
        ("1.5 GB", 1_500_000_000),
        ("64KiB", 65536),
        ("7B", 7),
    ],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "big", "1K", "5XB", "0", "-1MB"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(UsageError):
        parse_size(text)


def test_parse_status_codes() -> None:
    assert parse_status_codes("403,429") == {403, 429}
    assert parse_status_codes(" 403 , 500-502 ") == {403, 500, 501, 502}
    for bad in ("x", "99", "1000", "502-500", "4o4"):
        with pytest.raises(UsageError):
            parse_status_codes(bad)
