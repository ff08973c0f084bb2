"""HTTP with public web archives (TimeGates, TimeMaps, mementos, Save Page Now).

One small async client built from the run's :class:`~citeaudit.fetch.engine.FetchOptions`, so an
archive is asked with the same User-Agent, timeouts, proxies, CA bundle and body cap as any
source: no redirect is followed for us (the caller decides which to follow), every body is
cut at the cap, before and after decompression, requests to one host are limited to
``per_host`` at a time and spaced by ``min_interval``, and a 429 or a 502/503/504 is retried
after its ``Retry-After`` (up to ``retry_after_cap``) or a backoff. Whatever goes wrong
becomes an :class:`ArchiveUnavailable` with the reason in words: an archive being down or
slow is a fact to report, never a crash.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from citeaudit.fetch.engine import (
    Exchange,
    FetchOptions,
    classify_error,
    decode_body,
    header,
    request_headers,
    retry_after_seconds,
    status_line,
    timeouts,
    tls_context,
    url_problem,
)

#: Statuses worth asking again after a pause: rate limits and an overloaded archive.
RETRY_CODES = frozenset({429, 502, 503, 504})
_RAW_HEADERS = "citeaudit.archive.raw_headers"


class ArchiveUnavailable(Exception):
    """An archive could not be asked or did not answer usefully; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """One response as received: ``exchange`` holds the raw body (for a WARC record),
    ``content`` the decoded one, both cut at the cap (``truncated`` then)."""

    exchange: Exchange
    content: bytes = field(repr=False)
    truncated: bool = False

    @property
    def status(self) -> int:
        return self.exchange.status

    @property
    def url(self) -> str:
        return self.exchange.url

    def header(self, name: str) -> str | None:
        """One response header (repeats joined by commas), case-insensitively."""
        return header(self.exchange, name)

    @property
    def location(self) -> str | None:
        """Where a redirect points, made absolute; None when there is no Location."""
        value = self.header("location")
        return urljoin(self.url, value.strip()) if value else None

    @property
    def line(self) -> str:
        """``"404 Not Found"``: the status in words."""
        return status_line(self.status, self.exchange.reason)


async def _keep_location(response: httpx.Response) -> None:
    """Take Location out of httpx's sight (it would parse it, and raise on a bad one);
    the headers as received are kept for us."""
    if "location" in response.headers:
        response.extensions[_RAW_HEADERS] = list(response.headers.raw)
        del response.headers["location"]


def _latin1(pairs: list[tuple[bytes, bytes]]) -> tuple[tuple[str, str], ...]:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs)


def host_of(url: str) -> str:
    """``host[:port]`` of a URL, as messages name an archive."""
    parts = urlsplit(url)
    return parts.netloc or url


class ArchiveClient:
    """Polite, capped HTTP with archives; use as ``async with``."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}
        self._client = self._make_client()

    def _make_client(self) -> httpx.AsyncClient:
        options = self.options
        return httpx.AsyncClient(
            verify=tls_context(options),
            trust_env=True,
            follow_redirects=False,
            event_hooks={"response": [_keep_location]},
            headers=request_headers(options),
            timeout=timeouts(options),
            limits=httpx.Limits(
                max_connections=options.concurrency,
                max_keepalive_connections=options.per_host,
            ),
        )

    async def __aenter__(self) -> ArchiveClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

    def _slot(self, url: str) -> asyncio.Semaphore:
        key = host_of(url).lower()
        if key not in self._hosts:
            self._hosts[key] = asyncio.Semaphore(self.options.per_host)
        return self._hosts[key]

    async def _pace(self, url: str) -> None:
        interval = self.options.min_interval
        if interval <= 0:
            return
        key = host_of(url).lower()
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(key, now))
        self._next_start[key] = start + interval
        if start > now:
            await asyncio.sleep(start - now)

    async def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        cap: int | None = None,
    ) -> Answer:
        """One request, retried on a rate limit, an overloaded archive, a timeout or a
        dropped connection (each attempt within the run's time limit for one URL); raises
        ArchiveUnavailable."""
        problem = url_problem(url)
        if problem is not None:
            raise ArchiveUnavailable(problem)
        limit = min(cap or self.options.max_bytes, self.options.max_bytes)
        return await self._attempts(method, url, headers, data, limit)

    async def _attempts(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        cap: int,
    ) -> Answer:
        options = self.options
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._slot(url):
                    await self._pace(url)  # the wait for a turn is not timed
                    async with asyncio.timeout(options.timeout):
                        answer = await self._once(method, url, headers, data, cap)
            except TimeoutError:
                if attempt <= options.retries:
                    continue
                raise ArchiveUnavailable(
                    f"{host_of(url)} gave no complete answer within the "
                    f"{options.timeout:g}s time limit"
                ) from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                verdict = classify_error(exc, url, options)
                if verdict.retryable and attempt <= options.retries:
                    await asyncio.sleep(self._backoff(attempt))
                    continue
                raise ArchiveUnavailable(verdict.reason) from None
            if answer.status not in RETRY_CODES or answer.header("memento-datetime"):
                return answer  # an archived 503 is the copy's status, not the archive's
            asked = retry_after_seconds(answer.header("retry-after"))
            if asked is not None and asked > options.retry_after_cap:
                raise ArchiveUnavailable(
                    f"{host_of(url)} answered {answer.line} and asked to wait {asked:.0f}s, "
                    f"more than the {options.retry_after_cap:g}s limit"
                )
            if attempt > options.retries:
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise ArchiveUnavailable(f"{host_of(url)} answered {answer.line}{tries}")
            await asyncio.sleep(asked if asked is not None else self._backoff(attempt))

    def _backoff(self, attempt: int) -> float:
        base = self.options.backoff_base
        return float(base * 2 ** (attempt - 1) + random.uniform(0, base))

    async def _once(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        data: Mapping[str, str] | None,
        cap: int,
    ) -> Answer:
        request = self._client.build_request(method, url, headers=headers, data=data)
        date = datetime.now(UTC)
        response = await self._client.send(request, stream=True)
        try:
            body, cut = await _read_capped(response, cap)
        finally:
            await response.aclose()
        raw = response.extensions.get(_RAW_HEADERS, response.headers.raw)
        exchange = Exchange(
            method=method,
            url=url,
            request_headers=_latin1(list(request.headers.raw)),
            http_version=response.http_version,
            status=response.status_code,
            reason=response.reason_phrase,
            response_headers=_latin1(list(raw)),
            body=body,
            date=date,
            truncated=cut,
        )
        content, more, _error = decode_body(body, header(exchange, "content-encoding"), cap)
        return Answer(exchange, content, cut or more)


async def _read_capped(response: httpx.Response, cap: int) -> tuple[bytes, bool]:
    """The body as on the wire, stopping at ``cap`` bytes."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_raw():
        if size + len(chunk) > cap:
            chunks.append(chunk[: cap - size])
            return b"".join(chunks), True
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks), False
