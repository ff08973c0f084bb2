"""URL rules shared by every HTTP client: what may be fetched, what goes on the wire (as
httpx would send it), and the one host key that per-host limits and messages are about."""

from __future__ import annotations

import httpx
import pytest

from citeaudit.net import urls
from citeaudit.net.urls import (
    host_key,
    host_label,
    host_name,
    strip_fragment,
    url_problem,
)

# --------------------------------------------------------------------------- target()


def httpx_target(url: str) -> tuple[str, str, str, int]:
    """Host header, request target, host and port as httpx would send them."""
    parsed = httpx.URL(url)
    host_header = httpx.Request("GET", url).headers["Host"]
    port = parsed.port or {"http": 80, "https": 443}[parsed.scheme]
    return host_header, parsed.raw_path.decode("ascii"), parsed.raw_host.decode("ascii"), port


@pytest.mark.parametrize(
    ("url", "authority", "path"),
    [
        ("http://example.com", "example.com", "/"),
        ("http://example.com/a", "example.com", "/a"),
        ("http://example.com:80/a", "example.com", "/a"),
        ("https://example.com:443/a", "example.com", "/a"),
        ("http://example.com:8080/a", "example.com:8080", "/a"),
        ("http://example.com:0080/a", "example.com", "/a"),
        ("http://example.com:99999/a", "example.com:99999", "/a"),
        ("https://example.com:80/a", "example.com:80", "/a"),
        ("HTTP://EXAMPLE.Com/A", "example.com", "/A"),
        ("http://example.com?x=1", "example.com", "/?x=1"),
        ("http://example.com/p?q=a/b?c&d=%2F", "example.com", "/p?q=a/b?c&d=%2F"),
        ("http://example.com/%7euser/caf%C3%A9", "example.com", "/%7euser/caf%C3%A9"),
        ("http://example.com/caf\u00e9", "example.com", "/caf%C3%A9"),
        ("http://example.com/a b?c d", "example.com", "/a%20b?c%20d"),
        ("http://example.com/wiki/Foo_(bar)", "example.com", "/wiki/Foo_(bar)"),
        ('http://example.com/a"b<c>', "example.com", "/a%22b%3Cc%3E"),
        ("http://example.com/[x]?y=[1]", "example.com", "/[x]?y=[1]"),
        ("http://example.com/x?q=%zz", "example.com", "/x?q=%zz"),
        ("http://b\u00fccher.example/a b", "xn--bcher-kva.example", "/a%20b"),
        ("http://user:pa%20ss@example.com/x", "example.com", "/x"),
        ("http://[::1]:8080/x", "[::1]:8080", "/x"),
        ("http://[::1]/x", "[::1]", "/x"),
        ("http://127.0.0.1:8000/x?y", "127.0.0.1:8000", "/x?y"),
        ("http://example.com/a/../b", "example.com", "/b"),
        ("http://example.com/./a", "example.com", "/a"),
        ("http://example.com/a/..", "example.com", "/"),
    ],
)
def test_target_is_what_httpx_sends(url: str, authority: str, path: str) -> None:
    where = urls.target(url)

    assert (where.authority, where.path) == (authority, path)
    assert (where.authority, where.path, where.host, where.port) == httpx_target(url)


@pytest.mark.parametrize(
    ("url", "plain"),
    [
        ("http://example.com", True),
        ("https://Example.com:8443/a/b;c?d=e/f?g&h=%2F", True),
        ("http://example.com:65535/", True),
        ("http://example.com:65536/", False),
        ("http://example.com/a b", False),
        ("http://b\u00fccher.example/", False),
        ("http://user@example.com/", False),
        ("http://[::1]/", False),
        ("http://example.com/a#b", False),
        ("ftp://example.com/", False),
    ],
)
def test_plain_url(url: str, plain: bool) -> None:
    assert urls.plain_url(url) is plain


def test_target_keeps_userinfo_apart() -> None:
    where = urls.target("http://user:pa%20ss@example.com:8080/x")

    assert where == urls.Target(
        "http", "example.com", 8080, "example.com:8080", "/x", "user:pa%20ss"
    )


def test_target_refuses_other_schemes() -> None:
    with pytest.raises(httpx.UnsupportedProtocol, match="'ftp://'"):
        urls.target("ftp://example.com/x")


@pytest.mark.parametrize("url", ["http://999.1.1.1/", "http://1.2.3.256:80/x"])
def test_an_impossible_ipv4_address_is_left_to_httpx_to_refuse(url: str) -> None:
    assert not urls.plain_url(url)
    with pytest.raises(httpx.InvalidURL):
        urls.target(url)
    assert (url_problem(url) or "").startswith("malformed URL")


# --------------------------------------------------------------------------- url_problem()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("", "empty URL"),
        ("   ", "empty URL"),
        ("not a url", "no http:// or https:// scheme"),
        ("example.org/page", "no http:// or https:// scheme"),
        ("ftp://x", "ftp: URLs cannot be checked, only http: and https:"),
        ("javascript:alert(1)", "javascript: URLs cannot be checked"),
        ("http://", "no host name"),
        ("http://exa mple.org/", "invalid characters in the host name"),
        ("http://exa%20mple.org/", "invalid characters in the host name"),
        ("http://[::1/", "malformed URL"),
        ("http://127.0.0.1:99999/", "malformed URL"),
        ("http://example.org:port/", "malformed URL"),
    ],
)
def test_url_problem_says_why_a_url_cannot_be_fetched(url: str, words: str) -> None:
    problem = url_problem(url)

    assert problem is not None and words in problem


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org",
        "https://example.org/a/b?c=d",
        "http://b\u00fccher.example/stra\u00dfe",
        "http://example.org/a b",
        "http://user:pass@example.org/",
        "http://[::1]:8080/x",
    ],
)
def test_url_problem_passes_urls_httpx_can_send(url: str) -> None:
    assert url_problem(url) is None
    httpx.URL(url)  # and httpx agrees


def test_strip_fragment_keeps_what_goes_on_the_wire() -> None:
    assert strip_fragment("http://example.org/a#b") == "http://example.org/a"
    assert strip_fragment(" http://example.org/a#b#c ") == "http://example.org/a"
    assert strip_fragment("http://example.org/a?q=1") == "http://example.org/a?q=1"


# --------------------------------------------------------------------------- host key


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("http://example.org/", "example.org:80"),
        ("https://example.org/", "example.org:443"),
        ("http://example.org:80/a", "example.org:80"),
        ("HTTPS://Example.ORG:443/a", "example.org:443"),
        ("http://example.org:8080/", "example.org:8080"),
        ("https://example.org:80/", "example.org:80"),
        ("http://reader:secret@example.org/", "example.org:80"),
        ("http://b\u00fccher.example/a b", "b\u00fccher.example:80"),
        ("http://[::1]:8080/x", "::1:8080"),
        ("http://127.0.0.1:8000/x?y", "127.0.0.1:8000"),
    ],
)
def test_host_key_is_host_and_port_however_the_url_writes_them(url: str, key: str) -> None:
    assert host_key(url) == key


def test_one_host_written_many_ways_has_one_key() -> None:
    ways = [
        "http://example.org/a",
        "http://example.org:80/b",
        "HTTP://EXAMPLE.org/c",
        "http://user@example.org/d",
        "http://example.org/e f",  # not plain: parsed, not matched
    ]
    assert {host_key(url) for url in ways} == {"example.org:80"}


def test_host_key_of_a_malformed_url_is_empty_not_an_error() -> None:
    assert host_key("http://example.org:port/") == ""
    assert host_key("http://[::1/") == ""


def test_host_name_is_the_host_alone() -> None:
    assert host_name("https://Example.org:8443/a") == "example.org"
    assert host_name("http://[::1]:80/") == "::1"
    assert host_name("not a url") == "not a url"


def test_host_label_names_a_service_as_written_without_credentials() -> None:
    assert host_label("https://web.archive.org/web/") == "web.archive.org"
    assert host_label("http://127.0.0.1:8080/web/") == "127.0.0.1:8080"
    assert host_label("http://reader:s3cret@archive.example:81/x") == "archive.example:81"
    assert host_label("no-scheme") == "no-scheme"


# --------------------------------------------------------------------------- shown, not sent


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://alice:S3cretPW@127.0.0.1:8080/page", "http://127.0.0.1:8080/page"),
        ("https://alice@example.org/a", "https://example.org/a"),  # a user name goes too
        ("https://ghp_token123@example.org/", "https://example.org/"),
        ("http://:pw@example.org/", "http://example.org/"),
        ("http://a%40b:p%3Aw@example.org/x?y#z", "http://example.org/x?y#z"),
        ("http://a@b:c@example.org/", "http://example.org/"),  # the last @ ends it
        ("http://example.org/a@b?c=d@e#f@g", "http://example.org/a@b?c=d@e#f@g"),
        ("http://example.org/", "http://example.org/"),
        ("mailto:someone@example.org", "mailto:someone@example.org"),
    ],
)
def test_the_url_as_shown_has_no_user_name_or_password(url: str, shown: str) -> None:
    assert urls.shown_url(url) == shown


def test_credentials_are_redacted_in_the_headers_kept() -> None:
    kept = urls.redacted_headers(
        [
            ("Host", "example.org"),
            ("Authorization", "Basic YWxpY2U6UzNjcmV0UFc="),
            ("proxy-authorization", "Bearer abc"),
            ("Cookie", "a=b"),
        ]
    )
    assert kept == (
        ("Host", "example.org"),
        ("Authorization", "Basic [redacted]"),
        ("proxy-authorization", "Bearer [redacted]"),
        ("Cookie", "a=b"),
    )
    assert urls.redacted_headers(kept) == kept  # redacting twice changes nothing


def test_a_message_loses_the_user_name_and_password_of_its_url() -> None:
    url = "http://alice:S3cretPW@host.test:99999/"
    assert urls.scrubbed(f"malformed URL {url!r}: port out of range", url) == (
        "malformed URL 'http://host.test:99999/': port out of range"
    )
    assert urls.scrubbed("nothing to take out", "http://host.test/") == "nothing to take out"


def test_basic_authorization_undoes_percent_escapes() -> None:
    assert urls.basic_authorization("us%40er:p%3Ass") == "Basic dXNAZXI6cDpzcw=="
