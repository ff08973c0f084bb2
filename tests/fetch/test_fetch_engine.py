"""The link checker's entry point against real servers on 127.0.0.1: each distinct
fragment-free URL fetched once, and each page once however many redirect chains reach it,
every URL as given keyed to its result, callbacks, and use from a running event loop."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
import weakref
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import fetching
from citeaudit.fetch import (
    FetchResult,
    Hop,
    fetch_all,
    fetch_all_sync,
)
from citeaudit.vocab import LinkStatus
from documents import make_pdf
from fetching import FAST, fetch, requests_to

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network


# --------------------------------------------------------------------------- URLs and fragments


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


# --------------------------------------------------------------------------- callers


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


# --------------------------------------------------------------------------- shared answers


class Site:
    """A threaded server on 127.0.0.1 (so a slow answer is in flight while a chain that
    reaches it runs): each path a status, headers, body and delay; requests counted."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes, float]]) -> None:
        self.requests: Counter[str] = Counter()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
                site.requests[self.path] += 1
                status, headers, body, delay = routes[self.path]
                time.sleep(delay)
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                """Keep test output quiet."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def __enter__(self) -> Site:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)


PDF = {"Content-Type": "application/pdf"}


@pytest.mark.parametrize("in_flight", [True, False], ids=["in-flight", "already-in"])
def test_a_redirect_to_another_url_of_the_run_takes_its_answer(in_flight: bool) -> None:
    """One request for the page, whether the other source's request was still in flight
    when the chain reached it, or already answered; each URL keeps its own result."""
    pdf = make_pdf(["The annual report."])
    routes = {
        "/old": (301, {"Location": "/report.pdf"}, b"", 0.0),
        "/report.pdf": (200, PDF, pdf, 0.5 if in_flight else 0.0),
    }
    with Site(routes) as site:
        old, report = site.url("/old"), site.url("/report.pdf")
        # One at a time, the redirect (first in the list) is followed before the other starts.
        results = fetch([old, report], concurrency=4 if in_flight else 1)

    assert site.requests == {"/old": 1, "/report.pdf": 1}
    moved, direct = results[old], results[report]
    assert moved.status is LinkStatus.REDIRECTED, moved.reason
    assert moved.redirects == (Hop(old, 301),)
    assert moved.final_url == report
    assert moved.content == pdf
    assert [e.url for e in moved.exchanges] == [old, report]
    assert direct.status is LinkStatus.OK, direct.reason
    assert (direct.redirects, direct.final_url, direct.content) == ((), report, pdf)
    assert moved.exchanges[-1] == direct.exchanges[0]


def test_two_chains_to_one_page_fetch_it_once() -> None:
    """A page no source names, reached by two redirect chains at once."""
    routes = {
        "/a": (301, {"Location": "/page"}, b"", 0.0),
        "/b": (302, {"Location": "/page"}, b"", 0.0),
        "/page": (200, PDF, b"%PDF-1.4 page", 0.3),
    }
    with Site(routes) as site:
        a, b = site.url("/a"), site.url("/b")
        results = fetch([a, b])

    assert site.requests == {"/a": 1, "/b": 1, "/page": 1}
    assert [results[a].status, results[b].status] == [LinkStatus.REDIRECTED] * 2
    assert results[a].redirects == (Hop(a, 301),)
    assert results[b].redirects == (Hop(b, 302),)
    assert results[a].content == results[b].content == b"%PDF-1.4 page"


def test_an_answer_a_retry_might_change_is_not_taken_by_a_later_chain(
    httpserver: HTTPServer,
) -> None:
    """A 503 is that moment's answer: a chain that gets there later asks again."""
    answers = iter([Response("busy", 503), Response("report", 200)])
    httpserver.expect_request("/report").respond_with_handler(lambda request: next(answers))
    httpserver.expect_request("/old").respond_with_data("", 301, {"Location": "/report"})
    report, old = httpserver.url_for("/report"), httpserver.url_for("/old")

    results = fetch([report, old], concurrency=1, retries=0)

    assert requests_to(httpserver, "/report") == 2
    assert results[report].status is LinkStatus.SERVER_ERROR
    assert results[old].status is LinkStatus.REDIRECTED


def test_a_request_with_the_chain_s_cookies_is_its_own(httpserver: HTTPServer) -> None:
    """A chain that was given a cookie sends it on: that request is not another's."""
    httpserver.expect_request("/login").respond_with_data(
        "", 302, {"Location": "/page", "Set-Cookie": "session=1; Path=/"}
    )
    httpserver.expect_request("/page").respond_with_data("page")
    page, login = httpserver.url_for("/page"), httpserver.url_for("/login")

    results = fetch([page, login], concurrency=1)

    sent = [request.headers.get("Cookie") for request, _ in httpserver.log]
    assert sent == [None, None, "session=1"]
    assert results[login].status is LinkStatus.REDIRECTED
    assert results[page].status is LinkStatus.OK


def test_without_bodies_each_body_is_handed_on_then_let_go(httpserver: HTTPServer) -> None:
    """``on_result`` sees each body whole; with ``bodies=False`` the engine then keeps none
    of it, so a run that archives each body as it comes never holds them all."""
    for n in range(3):
        httpserver.expect_request(f"/p{n}").respond_with_data(f"body {n} " * 1000)
    urls = [httpserver.url_for(f"/p{n}") for n in range(3)]
    seen: dict[str, bytes] = {}
    handed: list[weakref.ref[FetchResult]] = []

    def keep(result: FetchResult) -> None:
        seen[result.url] = result.content
        handed.append(weakref.ref(result))

    results = fetch_all_sync(urls, FAST, keep, bodies=False)

    assert seen == {url: f"body {n} ".encode() * 1000 for n, url in enumerate(urls)}
    for result in results.values():
        assert result.status is LinkStatus.OK and result.exchanges
        assert result.content == b"" and all(e.body == b"" for e in result.exchanges)
    gc.collect()
    assert [ref() for ref in handed] == [None, None, None]
