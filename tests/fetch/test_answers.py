"""Answers shared between redirect chains: one request per URL, within a memory budget."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

import httpx
import pytest

from citeaudit.fetch import answers, fetch_all_sync
from citeaudit.fetch.answers import Abandoned, SharedAnswers, kept_for_others
from citeaudit.net import Exchange
from citeaudit.vocab import LinkStatus
from fetching import FAST
from localsite import LocalSite


def exchange(status: int, size: int) -> Exchange:
    return Exchange(
        method="GET",
        url="http://127.0.0.1/x",
        http_version="HTTP/1.1",
        status=status,
        reason="",
        request_headers=(),
        response_headers=(),
        body=b"x" * size,
        date=datetime(2026, 5, 1, tzinfo=UTC),
    )


def test_what_is_kept_and_what_is_let_go() -> None:
    async def run() -> None:
        shared = SharedAnswers(budget=250)
        for n in range(3):
            key = ("GET", f"/p{n}")
            shared.answered(key, shared.start(key), exchange(200, 100))
        assert shared.pending(("GET", "/p0")) is None  # the oldest, past the budget
        assert shared.pending(("GET", "/p2")) is not None
        busy = ("GET", "/busy")
        shared.answered(busy, shared.start(busy), exchange(503, 10))
        assert shared.pending(busy) is None  # a retry might change it: not kept
        gone = ("GET", "/gone")
        future = shared.start(gone)
        shared.failed(gone, future, httpx.ConnectError("refused"))
        assert shared.pending(gone) is None
        given_up = shared.start(gone)
        shared.failed(gone, given_up, None)
        with pytest.raises(Abandoned):
            given_up.result()

    asyncio.run(run())
    assert kept_for_others(exchange(404, 0)) and not kept_for_others(exchange(429, 0))


def test_answers_kept_for_later_chains_stay_within_a_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Answers are kept so a chain reaching a URL another source names is not fetched twice,
    but never every body of the run: past the budget the oldest go (and are asked again)."""
    page = ("text/html", b"<p>" + b"x" * 4000 + b"</p>")
    pages = {f"/p{n}": page for n in range(6)}
    moved = {"/old": "/p0"}  # fetched after every /pN (one at a time): /p0 is the oldest
    for budget, expected in ((10**9, 1), (10_000, 2)):
        monkeypatch.setattr(answers, "SHARED_ANSWERS_BUDGET", budget)
        with LocalSite(pages, moved=moved) as site:
            urls = [site.url(p) for p in pages] + [site.url("/old")]
            results = fetch_all_sync(urls, replace(FAST, concurrency=1))
            assert results[site.url("/old")].status is LinkStatus.REDIRECTED
            assert site.fetched()["/p0"] == expected, budget
