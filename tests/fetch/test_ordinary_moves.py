"""Ordinary moves are ``redirected``, never soft 404s: each fetched through the link engine
from a local server (127.0.0.1 only; ``localhost`` stands for another host name)."""

from __future__ import annotations

import pytest
import trustme
from pytest_httpserver import HTTPServer

from citeaudit.fetch.soft404 import sent_home
from citeaudit.vocab import LinkStatus
from fetching import ca, fetch_one, isolated_network
from servers import leaf_context, tls_server

__all__ = ["ca", "isolated_network"]

ARTICLE = " ".join(["The council approved the new cycle lanes after a long consultation."] * 12)


def article(title: str) -> str:
    return (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{ARTICLE}</p></body></html>"
    )


LINK_LIST = (
    "<!doctype html><html><head><title>Links</title></head><body><h1>Links</h1><ul>"
    '<li><a href="/a">Annual report</a></li>'
    '<li><a href="/notfound">/notfound</a></li>'
    '<li><a href="/gone">Not found</a></li>'
    '<li><a href="/e">http://127.0.0.1/error/404</a></li>'
    "</ul></body></html>"
)


@pytest.mark.parametrize(
    ("start", "end", "body"),
    [
        ("/news/2020/old-title", "/news/2020/new-title", article("New title")),
        ("/reports/annual", "/reports/annual/", article("Annual report")),
        ("/?p=123", "/2021/05/title/", article("Title")),
        ("/old-page", "/aq", article("Antarctic survey")),
        ("/old-page", "/ok", article("Oklahoma")),
        ("/old-page", "/tv", article("Television")),
        ("/old-page", "/uk/", article("UK news")),
        ("/old-page", "/links", LINK_LIST),
    ],
    ids=[
        "renamed",
        "trailing-slash",
        "cms-slug",
        "section-aq",
        "section-ok",
        "section-tv",
        "section-uk",
        "link-list",
    ],
)
def test_ordinary_moves_are_redirected(
    httpserver: HTTPServer, start: str, end: str, body: str
) -> None:
    path, _, query = start.partition("?")
    httpserver.expect_request(path, query_string=query).respond_with_data(
        "", 301, {"Location": end}
    )
    httpserver.expect_request(end).respond_with_data(body, content_type="text/html")

    result = fetch_one(httpserver.url_for(start))

    assert result.status is LinkStatus.REDIRECTED, result.reason
    assert result.reason == "200 OK after 1 redirect (301)"


def test_www_added_is_redirected(httpserver: HTTPServer) -> None:
    """Another host name for the same site (``localhost`` for 127.0.0.1), same path."""
    target = f"http://localhost:{httpserver.port}/news/2020/title"
    start = f"http://127.0.0.1:{httpserver.port}/news/2020/title?from=old"
    # The first handler that fits answers: the old address's (with its query) comes first.
    httpserver.expect_request("/news/2020/title", query_string="from=old").respond_with_data(
        "", 301, {"Location": target}
    )
    httpserver.expect_request("/news/2020/title").respond_with_data(
        article("Title"), content_type="text/html"
    )

    result = fetch_one(start)

    assert result.status is LinkStatus.REDIRECTED, result.reason
    assert result.final_url == target


@pytest.mark.parametrize("path", ["/news/2020/title", "/", "/reports/annual/"])
def test_http_to_https_is_redirected(httpserver: HTTPServer, ca: trustme.CA, path: str) -> None:
    """The same page moved to HTTPS: another scheme and port (a server of its own here),
    same host and path."""
    with ca.cert_pem.tempfile() as bundle, tls_server(leaf_context(ca)) as secure:
        target = secure.url_for(path)
        secure.expect_request(path).respond_with_data(article("Title"), content_type="text/html")
        httpserver.expect_request(path).respond_with_data("", 301, {"Location": target})

        result = fetch_one(httpserver.url_for(path), ca_bundle=bundle)

    assert target.startswith("https://127.0.0.1:")
    assert result.status is LinkStatus.REDIRECTED, result.reason
    assert result.reason == "200 OK after 1 redirect (301)"
    assert result.final_url == target
    assert result.soft_kind is None


def test_a_short_page_of_links_is_not_a_not_found_page(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/links").respond_with_data(LINK_LIST, content_type="text/html")

    assert fetch_one(httpserver.url_for("/links")).status is LinkStatus.OK


def test_the_page_s_own_words_still_say_not_found(httpserver: HTTPServer) -> None:
    body = (
        "<!doctype html><html><body><p>Sorry, this page could not be found.</p>"
        '<p><a href="/">Home</a> <a href="/search">Search</a></p></body></html>'
    )
    httpserver.expect_request("/gone").respond_with_data(body, content_type="text/html")

    assert fetch_one(httpserver.url_for("/gone")).status is LinkStatus.SOFT_404


@pytest.mark.parametrize(
    ("url", "final", "home"),
    [
        ("http://a.org/old-page", "http://a.org/aq", False),
        ("http://a.org/old-page", "http://a.org/ok", False),
        ("http://a.org/old-page", "http://a.org/tv/", False),
        ("http://a.org/old-page", "http://a.org/uk/", False),
        ("http://a.org/old-page", "http://a.org/xx-gb/", False),
        ("http://a.org/fr/page", "http://a.org/fr/", True),
        ("http://a.org/pt_br/pagina", "http://a.org/pt_BR/", True),
        ("http://a.org/en-gb/a/b", "http://a.org/en-GB", True),
        ("http://a.org/old-page", "http://b.org/en/", True),
        ("http://a.org/old-page", "http://a.org/", True),
    ],
)
def test_language_roots(url: str, final: str, home: bool) -> None:
    assert sent_home(url, final) is home
