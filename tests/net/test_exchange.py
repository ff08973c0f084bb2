"""Exchanges as plain data: headers read case-insensitively, kept losslessly as text, and an
answer kept as the exchange a WARC record is written from."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime

from citeaudit.net.exchange import Exchange, Hop, Reply, header, recorded, text_headers

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_a_reply_is_kept_as_the_exchange_sent_and_received() -> None:
    reply = Reply(
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        headers=[(b"Content-Type", b"text/plain"), (b"X-Caf\xe9", b"cr\xe8me")],
        body=b"\x1f\x8braw",
        truncated=True,
    )

    exchange = recorded("GET", "http://example.org/", [("User-Agent", "t/1")], reply, WHEN)

    assert exchange == Exchange(
        method="GET",
        url="http://example.org/",
        request_headers=(("User-Agent", "t/1"),),
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/plain"), ("X-Caf\xe9", "cr\xe8me")),
        body=b"\x1f\x8braw",
        date=WHEN,
        truncated=True,
    )


def test_headers_as_text_lose_no_byte() -> None:
    raw = [(bytes([n]), bytes(range(256))) for n in (65, 200)]

    kept = text_headers(raw)

    assert [(k.encode("latin-1"), v.encode("latin-1")) for k, v in kept] == raw


def test_a_header_is_found_whatever_its_case_and_repeats_are_joined() -> None:
    exchange = Exchange(
        "GET",
        "http://example.org/",
        (),
        "HTTP/1.1",
        200,
        "OK",
        (("Link", "<a>"), ("content-type", "text/html"), ("LINK", "<b>")),
        b"",
        WHEN,
    )

    assert header(exchange, "Content-Type") == "text/html"
    assert header(exchange, "link") == "<a>, <b>"
    assert header(exchange, "location") is None


def test_a_body_is_never_in_a_repr_and_data_survives_pickling() -> None:
    big = b"x" * 10_000
    exchange = Exchange("GET", "http://e/", (), "HTTP/2", 200, "", (), big, WHEN)
    reply = Reply("HTTP/2", 200, "", [], big, False)

    assert "xxxx" not in repr(exchange) and "xxxx" not in repr(reply)
    assert pickle.loads(pickle.dumps(exchange)) == exchange  # worker processes send them
    assert pickle.loads(pickle.dumps(Hop("http://e/", 301))) == Hop("http://e/", 301)


def test_the_exchange_kept_has_no_password_in_its_url_nor_credentials_in_its_headers() -> None:
    reply = Reply("HTTP/1.1", 200, "OK", [], b"ok", False, address="127.0.0.1")
    sent = [("Host", "h.test"), ("Authorization", "Basic YWxpY2U6UzNjcmV0UFc=")]

    exchange = recorded("GET", "http://alice:S3cretPW@h.test/p", sent, reply, WHEN)

    assert exchange.url == "http://h.test/p"
    assert exchange.request_headers == (("Host", "h.test"), ("Authorization", "Basic [redacted]"))
    assert exchange.address == "127.0.0.1"
