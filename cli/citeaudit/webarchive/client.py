"""HTTP with public web archives (TimeGates, TimeMaps, mementos, Save Page Now).

One small async client built from the run's :class:`~citeaudit.fetch.FetchOptions`, so an
archive is asked with the same User-Agent, timeouts, proxies, CA bundle and body cap as any
source, under the same politeness policy as the link checker (:mod:`citeaudit.net.policy`):
requests to one host are limited to ``per_host`` at a time and spaced by
``min_interval``, and a 429 or a 502/503/504 is retried after its ``Retry-After`` (up to
``retry_after_cap``) or a back-off, as are timeouts and dropped connections. No redirect is
followed for us (the caller decides which to follow), and every body is cut at the cap,
before and after decompression. Whatever goes wrong becomes an :class:`ArchiveUnavailable`
with the reason in words: an archive being down or slow is a fact to report, never a crash.

The address policy is the link checker's (:mod:`citeaudit.net.addresses`): a URL the client
is asked for goes anywhere but a link-local address, unless an answer named it (as its
``Location``, ``Content-Location`` or in its ``Link`` header): then it is a hop from that
answer's address, and a public answer cannot send the client into private space. What is
kept of an exchange has no user name or password in its URL, nor credentials in its headers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from urllib.parse import urljoin

import httpx

from citeaudit.fetch import FetchOptions, classify_error, status_line
from citeaudit.net import (
    AddressKind,
    AddressRule,
    Exchange,
    HostSlots,
    RetryPolicy,
    decode_body,
    header,
    host_label,
    make_client,
    parse_links,
    recorded,
    retry_after_seconds,
    scrubbed,
    send,
    shown_url,
    url_problem,
)

#: Statuses worth asking again after a pause: rate limits and an overloaded archive.
RETRY_CODES = frozenset({429, 502, 503, 504})


class ArchiveUnavailable(Exception):
    """An archive could not be asked or did not answer usefully; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    """One response as received: ``exchange`` holds the raw body (for a WARC record),
    ``content`` the decoded one, both cut at the cap (``truncated`` then). ``sent_to`` is
    the URL as requested (with its credentials, if it had any; ``url`` is as shown)."""

    exchange: Exchange
    content: bytes = field(repr=False)
    truncated: bool = False
    sent_to: str | None = field(default=None, repr=False)

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
        return urljoin(self.sent_to or self.url, value.strip()) if value else None

    @property
    def line(self) -> str:
        """``"404 Not Found"``: the status in words."""
        return status_line(self.status, self.exchange.reason)


class ArchiveClient:
    """Polite, capped HTTP with archives; use as ``async with``."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self._hosts = HostSlots(options.per_host, options.min_interval)
        self._retries = RetryPolicy.of(options)
        self._client = make_client(
            options,
            keepalive=options.per_host,
            classify=options.address_classifier,
            resolve=options.resolver,
        )
        # URLs an answer named, and the kind of the address it came from ("most public"
        # kept): asking for one is a hop from there.
        self._named_by: dict[str, AddressKind] = {}

    async def __aenter__(self) -> ArchiveClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()

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
            raise ArchiveUnavailable(scrubbed(problem, url))
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
        options, retries = self.options, self._retries
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._hosts.slot(url):
                    await self._hosts.pace(url)  # the wait for a turn is not timed
                    async with asyncio.timeout(options.timeout):
                        answer = await self._once(method, url, headers, data, cap)
            except TimeoutError:
                if not retries.may_retry(attempt):
                    raise ArchiveUnavailable(
                        f"{host_label(url)} gave no complete answer within the "
                        f"{options.timeout:g}s time limit"
                    ) from None
                await asyncio.sleep(retries.backoff(attempt))
                continue
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                verdict = classify_error(exc, shown_url(url), options)
                if verdict.retryable and retries.may_retry(attempt):
                    await asyncio.sleep(retries.backoff(attempt))
                    continue
                raise ArchiveUnavailable(verdict.reason) from None
            if answer.status not in RETRY_CODES or answer.header("memento-datetime"):
                return answer  # an archived 503 is the copy's status, not the archive's
            asked = retry_after_seconds(answer.header("retry-after"))
            if asked is not None and retries.too_long(asked):
                raise ArchiveUnavailable(
                    f"{host_label(url)} answered {answer.line} and asked to wait "
                    f"{asked:.0f}s, more than the {retries.retry_after_cap:g}s limit"
                )
            if not retries.may_retry(attempt):
                tries = f" (after {attempt} attempts)" if attempt > 1 else ""
                raise ArchiveUnavailable(f"{host_label(url)} answered {answer.line}{tries}")
            await asyncio.sleep(retries.wait(attempt, asked))

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
        rule = AddressRule(self.options.address_classifier, self._named_by.get(url))
        reply, sent = await send(self._client, request, cap, rule)
        exchange = recorded(method, url, sent, reply, date)
        content, more, _error = decode_body(reply.body, header(exchange, "content-encoding"), cap)
        answer = Answer(exchange, content, reply.truncated or more, sent_to=url)
        self._note_named(answer, rule.after(reply.address).came_from or AddressKind.PUBLIC)
        return answer

    def _note_named(self, answer: Answer, kind: AddressKind) -> None:
        """Remember the URLs an answer names, as hops from its address."""
        base = answer.sent_to or answer.url
        named = [answer.header("location"), answer.header("content-location")]
        named += [link.url for link in parse_links(answer.header("link"))]
        for found in filter(None, named):
            where = urljoin(base, found.strip())
            if self._named_by.get(where) is not AddressKind.PUBLIC:
                self._named_by[where] = kind
