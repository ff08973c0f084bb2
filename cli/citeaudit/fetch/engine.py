"""Check every source URL and classify what came back: the link checker's entry point.

Each distinct fragment-free URL is fetched once (:mod:`citeaudit.fetch.fetcher`, in
worker processes for a large run: :mod:`citeaudit.fetch.workers`), and each URL as given
gets its result, with its ``#fragment`` checked against the page
(:mod:`citeaudit.fetch.anchors`). A page that a redirect chain reaches and another source
names (or another chain reached) is requested once too: the fetcher shares one answer
between the chains, each keeping its own hops. Worker processes share answers only within
each worker (a host's URLs go to one worker, unless the host is split between them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import replace

from citeaudit.fetch import soft404
from citeaudit.fetch.anchors import FragmentCheck, PageAnchors, not_checked, url_fragment
from citeaudit.fetch.fetcher import Fetcher
from citeaudit.fetch.options import FetchOptions
from citeaudit.fetch.result import FetchResult
from citeaudit.fetch.workers import Workers, plan_shares, worker_count
from citeaudit.net import strip_fragment


async def fetch_all(
    urls: Sequence[str],
    options: FetchOptions | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    *,
    bodies: bool = True,
) -> dict[str, FetchResult]:
    """Check every URL, each distinct fragment-free URL (and each redirect target) fetched once.

    Results are keyed by each URL exactly as given (fragment included), in input order;
    ``on_result`` is called once per distinct given URL as soon as its fetch finishes.
    With ``bodies`` False, the results returned keep no body (``content`` and each
    exchange's body are empty, so their ``sha256`` is not the body's): only ``on_result``
    sees each body, so a caller that keeps each as it comes (the archive) never holds them
    all at once.
    """
    options = options or FetchOptions()
    given = list(dict.fromkeys(urls))
    by_target: dict[str, list[str]] = {}
    for url in given:
        by_target.setdefault(strip_fragment(url), []).append(url)
    results: dict[str, FetchResult] = {}
    if not given:
        return results
    fetcher = Fetcher(options)
    # A page whose fragments are to be checked needs its body, even in HEAD-first mode.
    targets = [
        (target, options.head_first and not _any_fragment(given))
        for target, given in by_target.items()
    ]
    workers = worker_count(options, len(targets))
    pool: Workers | None = None
    # Tasks not yet done: a done task (holding its result, body and all) is let go at once.
    tasks: set[asyncio.Task[FetchResult]] = set()
    try:
        if workers > 1:
            shares = plan_shares(targets, workers, options.concurrency, options.per_host)
            pool = await Workers.start(fetcher, shares)
            stream = pool.results()
        else:
            for target, head in targets:
                task = asyncio.create_task(fetcher.check(target, head_first=head))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            stream = _as_they_come(tasks)
        async for done in stream:
            page: PageAnchors | None = None
            for url in by_target[done.url]:
                check: FragmentCheck | None = None
                fragment = url_fragment(url)
                if fragment:
                    check, page = _check_fragment(done, fragment, page)
                results[url] = replace(
                    done,
                    url=url,
                    extra=dict(done.extra),
                    fragment=check,
                    fragment_problem=check.problem if check else None,
                )
                if on_result is not None:
                    on_result(results[url])
                if not bodies:
                    results[url] = _without_body(results[url])
            del done, page
    finally:
        left = list(tasks)
        for task in left:
            task.cancel()
        await asyncio.gather(*left, return_exceptions=True)
        if pool is not None:
            await pool.aclose()
        await fetcher.aclose()
    return {url: results[url] for url in given}


async def _as_they_come(tasks: set[asyncio.Task[FetchResult]]) -> AsyncIterator[FetchResult]:
    for next_done in asyncio.as_completed(tasks):
        yield await next_done


def _without_body(result: FetchResult) -> FetchResult:
    """The result with its body let go: the exchanges keep their heads only."""
    exchanges = tuple(replace(exchange, body=b"") for exchange in result.exchanges)
    return replace(result, content=b"", exchanges=exchanges)


def _any_fragment(urls: Iterable[str]) -> bool:
    return any(url_fragment(url) for url in urls)


def _check_fragment(
    result: FetchResult, fragment: str, page: PageAnchors | None
) -> tuple[FragmentCheck, PageAnchors | None]:
    """Check one URL's fragment against its fetched page, parsing the page once."""
    if not result.status.alive:
        return not_checked(fragment, f"the link is {result.status}"), page
    if not soft404.is_html(result.content_type, result.content or None):
        return not_checked(fragment, "not an HTML page"), page
    if not result.content:
        return not_checked(fragment, "the page's body was not read"), page
    page = page or PageAnchors(result.content, result.content_type, result.truncated)
    return page.check(fragment), page


def fetch_all_sync(
    urls: Sequence[str],
    options: FetchOptions | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
    *,
    bodies: bool = True,
) -> dict[str, FetchResult]:
    """:func:`fetch_all` for callers without an event loop (the CLI)."""
    return asyncio.run(fetch_all(urls, options, on_result, bodies=bodies))
