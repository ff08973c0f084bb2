"""The fetch engine with worker processes: the same verdicts, and the same limits, as without.

Workers are forked (Linux only), so these tests run on Linux; each compares a run with
workers against a run without on real local servers.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from citeaudit.fetch import Failure, FetchOptions, FetchResult, fetch_all, fetch_all_sync
from citeaudit.fetch.workers import WORKER_MIN_URLS, plan_shares, worker_count
from citeaudit.vocab import LinkStatus
from fetching import FAST, fetch
from servers import Gauge, SlowServer, unused_port

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked: Linux")


def children() -> set[int]:
    """Our live child processes, read from /proc."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s*{os.getpid()}$", text, re.MULTILINE):
            found.add(int(status.parent.name))
    return found


def essentials(result: FetchResult) -> tuple[object, ...]:
    """Everything a report shows of a result, without the times."""
    fragment = result.fragment
    return (
        result.url,
        result.status,
        result.reason,
        result.http_status,
        result.final_url,
        result.redirects,
        result.permanent,
        result.content_type,
        result.sha256,
        result.failure,
        result.soft_kind,
        result.attempts,
        [(e.method, e.url, e.status, e.body) for e in result.exchanges],
        (fragment.found, fragment.problem) if fragment else None,
        result.extra,
    )


def test_worker_count_rules() -> None:
    many = WORKER_MIN_URLS
    assert worker_count(FAST, many - 1) == 1
    assert worker_count(FAST, many) == min(len(os.sched_getaffinity(0)), 4)
    assert worker_count(replace(FAST, workers=1), many) == 1
    assert worker_count(replace(FAST, workers=3), 10) == 3
    assert worker_count(replace(FAST, workers=3), 2) == 2
    # Pacing stays exact in one process.
    assert worker_count(replace(FAST, workers=3, min_interval=0.1), many) == 1


def test_shares_keep_each_host_whole_unless_it_is_most_of_the_run() -> None:
    small = [(f"http://a.test/{i}", False) for i in range(3)]
    small += [(f"http://B.test:80/{i}", True) for i in range(3)]
    big = [(f"https://big.test/{i}", False) for i in range(30)]
    shares = plan_shares([*small, *big, ("http://bad:port/", False)], 3, 12, 4)

    assert sorted(len(s.targets) for s in shares) == [11, 13, 13]  # the big host in thirds
    assert all(s.concurrency == 4 for s in shares)
    for host in ("http://a.test/", "http://B.test:80/"):  # one worker each, whole
        assert sum(any(u.startswith(host) for u, _ in s.targets) for s in shares) == 1
    # The big host is split three ways, its limit of 4 shared so as never to exceed it.
    limits = [s.host_limits.get("big.test:443", 4) for s in shares]
    assert sorted(limits) == [1, 1, 2]
    assert sorted(u for s in shares for u, _ in s.targets) == sorted(
        u for u, _ in [*small, *big, ("http://bad:port/", False)]
    )


def test_workers_give_the_same_verdicts(httpserver: HTTPServer) -> None:
    page = "<!doctype html><title>Annual report</title><h1 id=intro>Annual report</h1>"
    gone = "<!doctype html><title>Page not found</title><h1>Sorry</h1>"
    httpserver.expect_request(re.compile(r"^/ok/\d+$")).respond_with_data(
        page, content_type="text/html"
    )
    httpserver.expect_request("/soft").respond_with_data(gone, content_type="text/html")
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    httpserver.expect_request("/moved").respond_with_response(
        Response(status=301, headers={"Location": "/ok/1"})
    )
    httpserver.expect_request("/teapot").respond_with_data("", status=418)
    dead = f"http://127.0.0.1:{unused_port()}/x"
    urls = [httpserver.url_for(f"/ok/{i}") for i in range(6)]
    urls += [httpserver.url_for(path) for path in ("/soft", "/gone", "/moved", "/teapot", "/none")]
    urls += [
        httpserver.url_for("/ok/1#intro"),
        httpserver.url_for("/ok/2#missing"),
        dead,
        "ftp://example.org/file",
    ]

    alone = fetch(urls, workers=1)
    before = children()
    shared = fetch(urls, workers=2)

    assert children() == before  # the workers are gone
    assert list(shared) == list(alone) == urls
    for url in urls:
        assert essentials(shared[url]) == essentials(alone[url])
    assert shared[httpserver.url_for("/soft")].status is LinkStatus.SOFT_404
    assert shared[httpserver.url_for("/moved")].status is LinkStatus.REDIRECTED
    assert shared[dead].failure is Failure.REFUSED
    missing = shared[httpserver.url_for("/ok/2#missing")].fragment
    assert missing is not None and missing.found is False


def test_workers_keep_the_per_host_and_global_limits() -> None:
    with SlowServer(0.1) as one, SlowServer(0.1) as two:
        urls = [s.url(f"/{i}") for s in (one, two) for i in range(8)]
        per_host = fetch(urls, concurrency=16, per_host=2, workers=2)

    assert all(r.status is LinkStatus.OK for r in per_host.values())
    assert (one.gauge.total, two.gauge.total) == (8, 8)
    assert one.gauge.peak <= 2 and two.gauge.peak <= 2

    gauge = Gauge()
    with SlowServer(0.1, gauge) as one, SlowServer(0.1, gauge) as two:
        urls = [s.url(f"/{i}") for s in (one, two) for i in range(4)]
        limited = fetch(urls, concurrency=3, per_host=4, workers=2)

    assert all(r.status is LinkStatus.OK for r in limited.values())
    assert gauge.total == 8
    assert gauge.peak <= 3


def test_per_host_limit_with_workers() -> None:
    with SlowServer(delay=0.1) as server:
        urls = [server.url(f"/{i}") for i in range(9)]
        results = fetch(urls, concurrency=16, per_host=3, workers=3)

    assert all(r.status is LinkStatus.OK for r in results.values())
    assert server.gauge.total == 9
    assert server.gauge.peak <= 3


def test_a_failing_host_is_given_up_on_with_workers(httpserver: HTTPServer) -> None:
    httpserver.expect_request(re.compile(r"^/ok/\d$")).respond_with_data("fine")
    port = unused_port()
    dead = [f"http://127.0.0.1:{port}/{i}" for i in range(6)]
    live = [httpserver.url_for(f"/ok/{i}") for i in range(3)]

    results = fetch(dead + live, per_host=1, workers=2)

    assert all(results[u].status is LinkStatus.OK for u in live)
    assert [results[u].attempts for u in dead] == [1, 1, 1, 0, 0, 0]
    assert all(results[u].failure is Failure.REFUSED for u in dead)
    assert results[dead[-1]].reason == (
        f"connection refused by 127.0.0.1:{port} (not tried: 3 URLs in a row on "
        f"127.0.0.1:{port} failed this way)"
    )


def test_an_interrupted_run_leaves_no_worker_behind() -> None:
    async def interrupted(urls: list[str]) -> None:
        await asyncio.wait_for(fetch_all(urls, replace(FAST, workers=2)), timeout=0.3)

    before = children()
    with SlowServer(delay=2.0) as one, SlowServer(delay=2.0) as two:
        urls = [s.url(f"/{i}") for s in (one, two) for i in range(3)]
        with pytest.raises(TimeoutError):
            asyncio.run(interrupted(urls))

    assert children() == before


def test_a_burst_of_results_all_reach_the_parent() -> None:
    """Workers that finish in a burst (every host refusing) still deliver every result:
    a worker flushes its last frames before it exits."""
    port = unused_port()
    urls = [f"http://127.0.0.{i % 50 + 1}:{port}/p/{i}" for i in range(2000)]
    for _ in range(5):
        results = fetch_all_sync(urls, FetchOptions(concurrency=128, workers=2))
        assert len(results) == 2000
        assert {r.status for r in results.values()} == {LinkStatus.UNREACHABLE}


def test_a_worker_fetches_a_page_its_own_chains_reach_once(httpserver: HTTPServer) -> None:
    """A host's URLs go to one worker (unless the host is split between workers), so a
    redirect to another URL of the same site is answered once there too; workers do not
    share answers with each other."""
    httpserver.expect_request("/old").respond_with_data("", 301, {"Location": "/report.pdf"})
    httpserver.expect_request("/report.pdf").respond_with_data(
        b"%PDF-1.4 report", content_type="application/pdf"
    )
    httpserver.expect_request("/other").respond_with_data("other")
    old, report = httpserver.url_for("/old"), httpserver.url_for("/report.pdf")
    other = f"http://127.0.0.1:{httpserver.port}/other"  # another host: another worker
    assert len(plan_shares([(old, False), (report, False), (other, False)], 2, 8, 1)) == 2

    results = fetch([old, report, other], workers=2, per_host=1)

    assert sum(1 for request, _ in httpserver.log if request.path == "/report.pdf") == 1
    assert results[old].status is LinkStatus.REDIRECTED
    assert results[report].status is LinkStatus.OK
    assert results[other].status is LinkStatus.OK
