"""The one politeness policy (per-host slots, pacing, back-off, Retry-After, capped reads),
as real servers on 127.0.0.1 see it; timings are asserted only as lower bounds the code
guarantees."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from citeaudit.fetch import FetchOptions
from citeaudit.net import HostSlots, RetryPolicy, host_key, read_capped, retry_after_seconds
from servers import RawServer, SlowServer, endless

MIB = 1024 * 1024


async def _get_all(slots: HostSlots, urls: list[str]) -> list[int]:
    """GET every URL at once, each in its host's turn as ``slots`` gives it."""
    async with httpx.AsyncClient(trust_env=False) as client:

        async def one(url: str) -> int:
            async with slots.slot(url):
                await slots.pace(url)
                return (await client.get(url)).status_code

        return await asyncio.gather(*(one(url) for url in urls))


# --------------------------------------------------------------------------- Retry-After


def test_retry_after_parsing() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)

    assert retry_after_seconds("120", now) == 120.0
    assert retry_after_seconds(later, now) == 90.0
    assert retry_after_seconds(format_datetime(now - timedelta(hours=1), usegmt=True), now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


@pytest.mark.parametrize("value", ["\xb2", "\xb9", "\xb3", "\uff11\uff12", "1.5", "-3", ""])
def test_retry_after_reads_only_ascii_digits_as_seconds(value: str) -> None:
    """Superscript and full-width digits are digits to str.isdigit() but not to float():
    they used to raise ValueError out of whichever client read the header."""
    assert retry_after_seconds(value) is None


def test_retry_after_seconds_with_spaces_and_a_date_without_a_zone() -> None:
    now = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

    assert retry_after_seconds(" 7 ", now) == 7.0
    assert retry_after_seconds("Thu, 01 Jan 2026 12:01:00", now) == 60.0  # read as UTC
    assert retry_after_seconds("Thu, 01 Jan 99999 12:01:00 GMT", now) is None


# --------------------------------------------------------------------------- back-off


def test_the_back_off_doubles_with_jitter_of_up_to_one_base() -> None:
    policy = RetryPolicy(retries=3, backoff_base=0.5, retry_after_cap=60.0)
    random.seed(7)
    for attempt in range(1, 5):
        floor = 0.5 * 2 ** (attempt - 1)
        waits = [policy.backoff(attempt) for _ in range(200)]
        assert all(floor <= w <= floor + 0.5 for w in waits), attempt
        assert len(set(waits)) > 1  # jittered, so waiters do not come back at once


def test_a_zero_base_means_no_wait() -> None:
    assert RetryPolicy(retries=1, backoff_base=0.0, retry_after_cap=60.0).backoff(3) == 0.0


def test_retries_are_counted_from_the_first_attempt() -> None:
    policy = RetryPolicy(retries=2, backoff_base=0.0, retry_after_cap=60.0)

    assert [policy.may_retry(attempt) for attempt in (1, 2, 3)] == [True, True, False]
    assert not RetryPolicy(retries=0, backoff_base=0.0, retry_after_cap=1.0).may_retry(1)


def test_retry_after_is_waited_as_asked_up_to_the_cap() -> None:
    policy = RetryPolicy(retries=2, backoff_base=0.5, retry_after_cap=60.0)

    assert policy.wait(1, 3.0) == 3.0
    assert policy.wait(1, 0.0) == 0.0
    assert 0.5 <= policy.wait(1, None) <= 1.0
    assert (policy.too_long(None), policy.too_long(60.0), policy.too_long(60.5)) == (
        False,
        False,
        True,
    )


def test_the_policy_is_read_from_the_run_s_options() -> None:
    policy = RetryPolicy.of(FetchOptions(retries=5, backoff_base=0.25, retry_after_cap=9.0))

    assert (policy.retries, policy.backoff_base, policy.retry_after_cap) == (5, 0.25, 9.0)


# --------------------------------------------------------------------------- per-host slots


def test_requests_to_one_host_keep_its_limit() -> None:
    with SlowServer(delay=0.1) as server:
        urls = [server.url(f"/{i}") for i in range(6)]
        statuses = asyncio.run(_get_all(HostSlots(per_host=2), urls))

    assert statuses == [200] * 6
    assert server.gauge.total == 6
    assert server.gauge.peak <= 2


def test_one_host_written_several_ways_has_one_limit() -> None:
    with SlowServer(delay=0.1) as server:
        plain = server.url("/a")
        urls = [
            plain,
            plain.replace("http://", "http://reader@"),
            plain.replace("http://", "HTTP://"),
        ]
        assert len({host_key(url) for url in urls}) == 1
        statuses = asyncio.run(_get_all(HostSlots(per_host=1), urls))

    assert statuses == [200] * 3
    assert server.gauge.peak == 1


def test_a_host_s_own_limit_overrides_the_default() -> None:
    with SlowServer(delay=0.1) as server:
        urls = [server.url(f"/{i}") for i in range(4)]
        slots = HostSlots(per_host=8, limits={host_key(urls[0]): 1})
        statuses = asyncio.run(_get_all(slots, urls))

    assert statuses == [200] * 4
    assert server.gauge.peak == 1


def test_pacing_spaces_a_host_s_request_starts(httpserver: HTTPServer) -> None:
    """Starts are booked ``min_interval`` apart from the first, so the last request cannot
    reach the server sooner than three intervals after the first was booked."""
    stamps: list[float] = []

    def stamp(request: Request) -> Response:
        stamps.append(time.monotonic())
        return Response("ok")

    httpserver.expect_request("/p").respond_with_handler(stamp)
    urls = [httpserver.url_for("/p")] * 4
    booked = time.monotonic()
    statuses = asyncio.run(_get_all(HostSlots(per_host=4, min_interval=0.2), urls))

    assert statuses == [200] * 4
    assert len(stamps) == 4
    assert max(stamps) - booked >= 3 * 0.2


def test_no_interval_books_nothing(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/p").respond_with_data("ok")
    slots = HostSlots(per_host=1, min_interval=0.0)

    statuses = asyncio.run(_get_all(slots, [httpserver.url_for("/p")] * 3))

    assert statuses == [200] * 3
    assert slots._next_start == {}


# --------------------------------------------------------------------------- capped reads


async def _read_from(url: str, cap: int) -> tuple[bytes, bool]:
    async with (
        httpx.AsyncClient(trust_env=False) as client,
        client.stream("GET", url) as response,
    ):
        return await read_capped(response.aiter_raw(), cap)


def test_a_huge_body_is_read_only_up_to_the_cap() -> None:
    with RawServer(endless(256 * MIB)) as server:
        body, truncated = asyncio.run(_read_from(server.url("/huge"), MIB))

    assert truncated and body == b"\0" * MIB


def test_a_body_within_the_cap_is_read_whole(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/small").respond_with_data(b"x" * 1000)

    assert asyncio.run(_read_from(httpserver.url_for("/small"), 1000)) == (b"x" * 1000, False)
    assert asyncio.run(_read_from(httpserver.url_for("/small"), 999)) == (b"x" * 999, True)


def test_reading_stops_at_the_chunk_that_passes_the_cap() -> None:
    pulled: list[bytes] = []

    async def chunks() -> AsyncIterator[bytes]:
        for chunk in (b"ab", b"cd", b"ef"):
            pulled.append(chunk)
            yield chunk

    assert asyncio.run(read_capped(chunks(), 3)) == (b"abc", True)
    assert pulled == [b"ab", b"cd"]  # the rest was never asked for
    assert asyncio.run(read_capped(chunks(), 6)) == (b"abcdef", False)
