"""What an answer or a failure means for a link: status codes, network errors and TLS
problems put in words, through real servers on 127.0.0.1 and on the classifier itself."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import trustme
from pytest_httpserver import HTTPServer

import fetching
from citeaudit.fetch import (
    PERMANENT_CODES,
    REDIRECT_CODES,
    Classification,
    Exchange,
    Failure,
    FetchOptions,
    Hop,
    SoftKind,
    classify_error,
    classify_response,
    judge_page,
    status_line,
    tls_problem,
)
from citeaudit.net import AddressRefused
from citeaudit.vocab import LinkStatus
from fetching import fetch_one
from servers import (
    RawServer,
    expired_context,
    leaf_context,
    refusing_proxy,
    self_signed_context,
    tls_server,
    unused_port,
)

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network
ca = fetching.ca
https_server = fetching.https_server


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


# --------------------------------------------------------------------------- network errors


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


def test_unknown_ca_is_a_tls_error(https_server: HTTPServer) -> None:
    result = fetch_one(https_server.url_for("/"))

    assert result.status is LinkStatus.TLS_ERROR
    assert result.failure is Failure.TLS
    assert "unknown CA" in result.reason


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


# --------------------------------------------------------------------------- the classifier


def _answer(status: int, reason: str = "") -> Exchange:
    when = datetime(2026, 1, 1, tzinfo=UTC)
    html = (("Content-Type", "text/html"),)
    return Exchange("GET", "http://e/a/b", (), "HTTP/1.1", status, reason, html, b"", when)


def test_status_lines_use_the_standard_phrase() -> None:
    assert status_line(404, "Nope") == "404 Not Found"
    assert status_line(999, "Request denied") == "999 Request denied"
    assert status_line(599, "") == "599"


def test_a_response_is_classified_by_its_code_alone() -> None:
    hops = [Hop("http://e/a", 301), Hop("http://e/b", 302)]

    assert classify_response(_answer(200), []) == Classification(LinkStatus.OK, "200 OK")
    assert classify_response(_answer(200), hops).reason == "200 OK after 2 redirects (301, 302)"
    assert classify_response(_answer(503), []) == Classification(
        LinkStatus.SERVER_ERROR, "503 Service Unavailable", retryable=True
    )
    assert classify_response(_answer(429), []).retryable
    assert classify_response(_answer(999), []).status is LinkStatus.BLOCKED
    assert classify_response(_answer(600, "Odd"), []).reason == "unexpected status 600 Odd"
    assert REDIRECT_CODES == {301, 302, 303, 307, 308} and PERMANENT_CODES == {301, 308}


def test_a_page_is_judged_only_for_the_codes_worth_reading() -> None:
    url = "http://e/a/b"
    sorry = b"<!doctype html><title>Page not found</title><h1>Sorry</h1>"
    ok = classify_response(_answer(200), [])
    gone = classify_response(_answer(404), [])

    soft, kind = judge_page(url, _answer(200), ok, sorry)
    assert (soft.status, kind) == (LinkStatus.SOFT_404, SoftKind.NOT_FOUND_PAGE)
    assert soft.reason.startswith("200 OK: the page says it was not found")
    assert judge_page(url, _answer(200), ok, b"<p>An article.</p>") == (ok, None)
    assert judge_page(url, _answer(404), gone, sorry) == (gone, None)  # a 404 says it all
    assert judge_page(url, _answer(200), ok, None) == (ok, None)  # a HEAD: nothing to read


def test_tls_problems_in_words() -> None:
    def error(message: str) -> ssl.SSLCertVerificationError:
        err = ssl.SSLCertVerificationError(1, message)
        err.verify_message = message
        return err

    assert tls_problem(error("certificate has expired")) == "certificate has expired"
    assert tls_problem(error("self signed certificate in certificate chain")) == (
        "self-signed certificate (self signed certificate in certificate chain)"
    )
    assert tls_problem(error("something new")) == "something new"


def test_an_error_is_classified_through_its_causes() -> None:
    options = FetchOptions(read_timeout=3)
    url = "http://e.test:8080/x"
    reset = httpx.ReadError("boom")
    reset.__cause__ = ConnectionResetError(104, "reset")

    assert classify_error(reset, url, options) == Classification(
        LinkStatus.UNREACHABLE, "connection reset by e.test:8080", Failure.RESET, retryable=True
    )
    assert classify_error(httpx.ReadTimeout("slow"), url, options).reason == (
        "read timeout: e.test:8080 sent nothing for 3s"
    )
    assert classify_error(httpx.UnsupportedProtocol("x"), url, options).failure is (
        Failure.INVALID_URL
    )


def test_a_refused_address_is_blocked_in_the_policy_s_words_and_not_retried() -> None:
    reason = "redirected from a public address to a private one (10.0.0.5): not followed"
    refused = AddressRefused(reason, "10.0.0.5")

    verdict = classify_error(refused, "http://10.0.0.5/admin", FetchOptions())

    assert verdict == Classification(LinkStatus.BLOCKED, reason, Failure.ADDRESS)
    assert not verdict.retryable
