"""The link checker's entry point against real servers on 127.0.0.1: each distinct
fragment-free URL fetched once, every URL as given keyed to its result, callbacks, and use
from a running event loop."""

from __future__ import annotations

import asyncio

import pytest
from pytest_httpserver import HTTPServer

import fetching
from citeaudit.fetch import (
    FetchResult,
    fetch_all,
    fetch_all_sync,
)
from citeaudit.vocab import LinkStatus
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
