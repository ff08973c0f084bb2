"""The link checker's engine: one URL checked within the run's limits, its redirects
followed by hand so every hop is recorded, every body capped as it is read and as it is
decompressed, only what is worth retrying retried, and every failure turned into a
:class:`~citeaudit.fetch.result.FetchResult`: no URL, however broken, makes it raise.

Politeness is the network layer's one policy (:mod:`citeaudit.net.policy`), per host
(``host:port``): a limit on requests in flight, an optional minimum interval between
request starts, back-off and ``Retry-After`` between attempts. A host that keeps failing
to connect is given up on rather than waited on again and again. Requests go through the
lean client of :mod:`citeaudit.net.http1`, or through httpx when a proxy is configured.

A request is sent once per run: a chain that reaches a URL another chain has asked for
(a source's own URL, or a redirect target another source reached first) waits for that
answer, or takes the one already in, instead of asking the host again. Only requests that
carry no cookie are shared (a cookie makes a request the chain's own), and an answer that
a retry might change (408, 429, 5xx, a network error) is not kept for later chains.

Each hop goes only where the address policy lets it (:mod:`citeaudit.net.addresses`): the
URL the user wrote anywhere but a link-local address, a redirect from a public address
nowhere private; the connection layer checks the address it is about to connect to, and an
answer shared from another chain is checked against this chain's rule before it is taken.
What is kept and shown of a URL never has its user name or password (they are sent).
"""

from __future__ import annotations

import asyncio
import functools
import http.cookiejar
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from citeaudit.fetch.answers import Abandoned, SharedAnswers
from citeaudit.fetch.classify import (
    PERMANENT_CODES,
    REDIRECT_CODES,
    Classification,
    classify_error,
    classify_response,
    describe,
    judge_page,
)
from citeaudit.fetch.options import FetchOptions
from citeaudit.fetch.result import Failure, FetchResult
from citeaudit.fetch.soft404 import SoftKind
from citeaudit.net import (
    AddressRefused,
    AddressRule,
    Exchange,
    Hop,
    HostSlots,
    RetryPolicy,
    address_note,
    check_ca_variables,
    decode_body,
    header,
    host_key,
    http1,
    make_client,
    proxied,
    recorded,
    request_headers,
    retry_after_seconds,
    scrubbed,
    send,
    shown_url,
    tls_context,
)
from citeaudit.net import strip_fragment as strip_fragment
from citeaudit.net import url_problem as url_problem
from citeaudit.vocab import LinkStatus


@dataclass
class _Chain:
    """The hops of one attempt so far; kept even when the attempt fails half-way."""

    method: str
    current: str
    exchanges: list[Exchange] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)


@dataclass(frozen=True)
class _Attempt:
    """One attempt: its verdict, its chain, and whether the last exchange is the answer
    (then ``content`` is its decoded body, for a GET)."""

    verdict: Classification
    chain: _Chain
    answered: bool = False
    error: str | None = None
    retry_after: float | None = None
    content: bytes = b""
    truncated: bool = False
    soft_kind: SoftKind | None = None


@dataclass
class _Progress:
    """What a URL's check has got to, so a total timeout can still say what happened."""

    attempts: int = 0
    last: _Attempt | None = None
    chain: _Chain | None = None
    notes: dict[str, str] = field(default_factory=dict)
    paced: bool = False
    release: Callable[[], None] | None = None


@dataclass(frozen=True)
class _Done:
    """A URL's result, with what its host's failure count needs: the verdict as classified
    (before the attempt count is added to its reason) and whether the host answered."""

    result: FetchResult
    verdict: Classification
    reached: bool


def _cookie_state(cookies: httpx.Cookies) -> tuple[tuple[str, str, str, str | None], ...]:
    return tuple(sorted((c.domain, c.path, c.name, c.value) for c in cookies.jar))


class _NoCookies(http.cookiejar.CookieJar):
    """A jar that keeps nothing: cookies live per redirect chain, never across URLs.

    Its policy accepts no domain, and it does not even read the Set-Cookie headers it
    would refuse (httpx hands it every response, and parsing them costs time).
    """

    def __init__(self) -> None:
        super().__init__(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))

    def extract_cookies(self, response: object, request: object) -> None:
        return None


def _sets_cookies(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a response sets any cookie (the only headers a cookie jar reads)."""
    return any(name.lower() in (b"set-cookie", b"set-cookie2") for name, _ in headers)


def _location(raw_headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The first Location header; UTF-8 when it decodes so, as browsers read it."""
    for name, value in raw_headers:
        if name.lower() == b"location":
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return value.decode("latin-1")
    return None


# Failures that say a host cannot be reached at all, whichever of its URLs is asked for.
_HOST_FAILURES = frozenset(
    {
        Failure.DNS,
        Failure.NO_ROUTE,
        Failure.REFUSED,
        Failure.RESET,
        Failure.PROXY,
        Failure.TLS,
        Failure.NETWORK,
        Failure.CONNECT_TIMEOUT,
        Failure.READ_TIMEOUT,
        Failure.TOTAL_TIMEOUT,
    }
)


def _raw_headers(exchange: Exchange) -> list[tuple[bytes, bytes]]:
    """An exchange's response headers as received (they were decoded as Latin-1)."""
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in exchange.response_headers]


class Fetcher:
    """One shared client and the limits around it; ``check`` never raises for a URL."""

    def __init__(
        self,
        options: FetchOptions,
        host_limits: dict[str, int] | None = None,
        parent: Fetcher | None = None,
    ) -> None:
        """``host_limits``: per-host limits that differ from ``options.per_host``, by
        ``host:port`` (a worker's share of a host split between workers); ``parent``:
        the fetcher whose client to use (a worker process uses its parent's)."""
        self.options = options
        self._global = asyncio.Semaphore(options.concurrency)
        self._hosts = HostSlots(options.per_host, options.min_interval, host_limits)
        self._retries = RetryPolicy.of(options)
        self._failing: dict[str, tuple[int, Classification]] = {}
        # Answers shared between the run's redirect chains (one request per URL).
        self._answers = SharedAnswers()
        self._client: httpx.AsyncClient | None = None
        self._wire: http1.Client | None = None
        if parent is not None:
            self._client, self._wire = parent._client, parent._wire
        elif proxied():
            # Through a proxy every request goes to one host, the proxy, and httpx knows
            # how to talk to proxies; otherwise our own lean client does the requests.
            self._client = make_client(
                options,
                keepalive=options.concurrency,
                http2=True,
                cookies=_NoCookies(),
                classify=options.address_classifier,
                resolve=options.resolver,
            )
        else:
            # One TLS context for every connection, made when the first HTTPS URL comes
            # (loading CAs takes tens of ms); a --ca-bundle is loaded at once, and CA
            # paths from the environment are looked for, so that a wrong one stops the
            # run before it starts.
            check_ca_variables()
            context = tls_context(options) if options.ca_bundle else None
            self._wire = http1.Client(
                context=(lambda: context) if context else functools.partial(tls_context, options),
                headers=list(request_headers(options).items()),
                connect_timeout=options.connect_timeout,
                read_timeout=options.read_timeout,
                keep_per_origin=options.per_host,
                keep_origins=options.concurrency,
                resolve=options.resolver,
            )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._wire is not None:
            await self._wire.aclose()

    async def check(self, url: str, *, head_first: bool | None = None) -> FetchResult:
        """Fetch one fragment-free URL within its limits; every failure becomes a result.

        ``head_first`` overrides the option (a page whose fragments are to be checked
        needs its body)."""
        started = datetime.now(UTC)
        problem = url_problem(url)
        if problem is not None:
            return FetchResult(
                url=url,
                status=LinkStatus.INVALID_URL,
                reason=scrubbed(problem, url),
                started=started,
                failure=Failure.INVALID_URL,
            )
        head = self.options.head_first if head_first is None else head_first
        slot = self._hosts.slot(url)
        held: list[asyncio.Semaphore] = []

        def release() -> None:
            """Free the slots as soon as the final answer is in: reading the page is no
            longer a request in flight, and the host's next URL can go meanwhile."""
            self._failing.pop(host_key(url), None)  # the host answered
            while held:
                held.pop().release()

        try:
            # Host slot first, so URLs queued behind a busy host do not hold global slots.
            await slot.acquire()
            held.append(slot)
            given_up = self._given_up(url, started)
            if given_up is not None:
                return given_up
            await self._global.acquire()
            held.append(self._global)
            # The wait for the host's turn is not counted against the URL's time limit.
            await self._hosts.pace(url)
            done = await self.run(url, head, release)
            self._note_host(url, done)
            return done.result
        finally:
            while held:
                held.pop().release()

    async def run(self, url: str, head: bool, release: Callable[[], None] | None = None) -> _Done:
        """Fetch one URL whose turn has come (its limits and pacing are the caller's);
        ``release`` is called once its final answer has been read, if it is a 2xx to a
        GET (an answer that cannot lead to a retry)."""
        progress = _Progress(paced=True, release=release)
        started = datetime.now(UTC)
        clock = time.monotonic()
        deadline = asyncio.timeout(self.options.timeout)
        try:
            async with deadline:
                outcome = await self._fetch(url, progress, deadline, head)
        except TimeoutError:
            if not deadline.expired():
                raise
            outcome = self._out_of_time(url, progress)
        result = self._result(url, outcome, progress, started, time.monotonic() - clock)
        reached = outcome.answered or bool(outcome.chain.hops)
        return _Done(result, outcome.verdict, reached)

    def _given_up(self, url: str, started: datetime) -> FetchResult | None:
        """A result at once for a URL whose host failed too often in a row, or None."""
        limit = self.options.host_failures
        count, verdict = self._failing.get(host_key(url), (0, None))
        if limit == 0 or count < limit or verdict is None:
            return None
        reason = (
            f"{verdict.reason} (not tried: {count} URLs in a row on {host_key(url)} "
            "failed this way)"
        )
        return FetchResult(
            url=url,
            status=verdict.status,
            reason=reason,
            started=started,
            failure=verdict.failure,
            extra={"skipped": f"{host_key(url)} failed {count} times in a row"},
        )

    def _note_host(self, url: str, done: _Done) -> None:
        """Count a failure to reach the URL's own host; any answer from it resets the count."""
        key = host_key(url)
        if done.verdict.failure in _HOST_FAILURES and not done.reached:
            count, _ = self._failing.get(key, (0, done.verdict))
            self._failing[key] = (count + 1, done.verdict)
        else:
            self._failing.pop(key, None)

    async def _fetch(
        self, url: str, progress: _Progress, deadline: asyncio.Timeout, head_first: bool
    ) -> _Attempt:
        cookies = httpx.Cookies()
        if head_first:
            head = await self._attempt(url, "HEAD", cookies, progress)
            if head.answered and head.verdict.status.alive:
                progress.attempts = 1
                return head
            progress.notes["head"] = f"HEAD gave {head.verdict.reason}; fell back to GET"
        while True:
            progress.attempts += 1
            outcome = await self._attempt(url, "GET", cookies, progress)
            progress.last = outcome
            if not outcome.verdict.retryable or not self._retries.may_retry(progress.attempts):
                return outcome
            delay, excuse = self._next_delay(outcome, progress.attempts, deadline)
            if excuse is not None:
                return excuse
            await asyncio.sleep(delay)

    def _next_delay(
        self, outcome: _Attempt, attempt: int, deadline: asyncio.Timeout
    ) -> tuple[float, _Attempt | None]:
        """How long to wait before the next attempt, or the outcome to give up with."""
        asked = outcome.retry_after
        verdict = outcome.verdict
        if asked is not None and self._retries.too_long(asked):
            reason = (
                f"{verdict.reason}; the server asked to wait {asked:.0f}s, more than the "
                f"{self._retries.retry_after_cap:g}s limit, so it was not retried"
            )
            failure = Failure.RETRY_AFTER_TOO_LONG
            return 0.0, replace(outcome, verdict=replace(verdict, reason=reason, failure=failure))
        delay = self._retries.wait(attempt, asked)
        when = deadline.when()
        left = float("inf") if when is None else when - asyncio.get_running_loop().time()
        if delay >= left:
            reason = f"{verdict.reason}; no time left to wait {delay:.1f}s for another attempt"
            return 0.0, replace(outcome, verdict=replace(verdict, reason=reason))
        return delay, None

    async def _attempt(
        self, url: str, method: str, cookies: httpx.Cookies, progress: _Progress
    ) -> _Attempt:
        """Follow one redirect chain to its end; errors become the outcome's verdict."""
        chain = _Chain(method, url)
        progress.chain = chain
        try:
            stop = await self._follow(chain, cookies, progress)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            verdict = classify_error(exc, shown_url(chain.current), self.options)
            return _Attempt(verdict, chain, error=describe(exc))
        if stop is not None:
            return _Attempt(stop, chain)
        final = chain.exchanges[-1]
        if method == "GET" and 200 <= final.status < 300 and progress.release is not None:
            progress.release()  # a 2xx is never retried: nothing more goes to the host
            progress.release = None
            # Let the host's next URL (woken just now) send its request before this page
            # is read: when many answers come at once, requests go out first.
            await asyncio.sleep(0)
        content: bytes | None = None
        truncated, decode_error = final.truncated, None
        if method == "GET":
            content, cut, decode_error = decode_body(
                final.body, header(final, "content-encoding"), self.options.max_bytes
            )
            truncated = truncated or cut
        verdict, kind = judge_page(
            shown_url(url), final, classify_response(final, chain.hops), content
        )
        return _Attempt(
            verdict,
            chain,
            answered=True,
            error=decode_error,
            retry_after=retry_after_seconds(header(final, "retry-after")),
            content=content or b"",
            truncated=truncated,
            soft_kind=kind,
        )

    async def _follow(
        self, chain: _Chain, cookies: httpx.Cookies, progress: _Progress
    ) -> Classification | None:
        """Send, and follow redirects by hand so each hop is recorded; returns a verdict
        only when the chain has to stop at a redirect (bad target, loop, too many). Each
        hop's address rule follows from the address of the answer that redirected to it."""
        path = [shown_url(chain.current)]
        seen = {(chain.current, _cookie_state(cookies))}
        rule = AddressRule(self.options.address_classifier)
        while True:
            exchange, location = await self._exchange(
                chain.method, chain.current, cookies, progress, rule
            )
            chain.exchanges.append(exchange)
            if exchange.status not in REDIRECT_CODES or not location:
                return None
            rule = rule.after(exchange.address)
            chain.hops.append(Hop(exchange.url, exchange.status))
            target = strip_fragment(urljoin(chain.current, location.strip()))
            path.append(shown_url(target))
            if (problem := url_problem(target)) is not None:
                reason = f"redirect from {exchange.url} to {target} refused: {problem}"
                reason = scrubbed(reason, target)
                return Classification(LinkStatus.INVALID_URL, reason, Failure.BAD_REDIRECT)
            if len(chain.hops) > self.options.max_redirects:
                reason = (
                    f"too many redirects: more than {self.options.max_redirects}, "
                    f"the last from {exchange.url} to {shown_url(target)}"
                )
                return Classification(LinkStatus.SERVER_ERROR, reason, Failure.TOO_MANY_REDIRECTS)
            state = (target, _cookie_state(cookies))
            if state in seen:
                reason = "redirect loop: " + " -> ".join(path)
                return Classification(LinkStatus.SERVER_ERROR, reason, Failure.REDIRECT_LOOP)
            seen.add(state)
            chain.current = target

    async def _exchange(
        self,
        method: str,
        url: str,
        cookies: httpx.Cookies,
        progress: _Progress,
        rule: AddressRule,
    ) -> tuple[Exchange, str | None]:
        """One request and its response, body read raw up to the cap; the chain's cookie
        jar takes what the response sets, whether this chain sent it or another."""
        if cookies.jar:  # the request carries the chain's cookies: it is the chain's own
            exchange, raw = await self._send(method, url, cookies, progress, rule)
        else:
            exchange, raw = await self._shared(method, url, cookies, progress, rule)
        if _sets_cookies(raw):
            cookies.extract_cookies(
                httpx.Response(exchange.status, headers=raw, request=httpx.Request(method, url))
            )
        return exchange, _location(raw)

    async def _shared(
        self,
        method: str,
        url: str,
        cookies: httpx.Cookies,
        progress: _Progress,
        rule: AddressRule,
    ) -> tuple[Exchange, list[tuple[bytes, bytes]]]:
        """A cookie-free request, sent only if no other chain of the run has sent it.

        A retry sends again (the answer it retries may have been shared) and its answer
        replaces the one kept. A failure reaches the chains waiting for it (but a refused
        address, which is the refusing chain's own); later chains send the request again.
        An answer from another chain is taken only if this chain's rule allows its address.
        """
        key = (method, url)
        if progress.attempts <= 1:
            while (pending := self._answers.pending(key)) is not None:
                try:
                    # Shielded: a waiter whose own time runs out must not cancel the request.
                    exchange = await asyncio.shield(pending)
                except Abandoned:
                    continue
                if exchange.address and (refusal := rule.refusal(exchange.address)):
                    raise AddressRefused(refusal, exchange.address)
                progress.paced = False  # nothing was sent, so the turn waited for is unused
                return exchange, _raw_headers(exchange)
        future = self._answers.start(key)
        try:
            exchange, raw = await self._send(method, url, cookies, progress, rule)
        except BaseException as exc:
            shared = exc if isinstance(exc, (httpx.HTTPError, httpx.InvalidURL)) else None
            if isinstance(exc, AddressRefused):
                shared = None  # this chain's rule: a waiter with its own may be allowed
            self._answers.failed(key, future, shared)
            raise
        self._answers.answered(key, future, exchange)
        return exchange, raw

    async def _send(
        self,
        method: str,
        url: str,
        cookies: httpx.Cookies,
        progress: _Progress,
        rule: AddressRule,
    ) -> tuple[Exchange, list[tuple[bytes, bytes]]]:
        """Send one request in the host's turn; the exchange and its raw response headers."""
        if progress.paced:
            progress.paced = False  # the first request's turn was waited for in check()
        else:
            await self._hosts.pace(url)
        date = datetime.now(UTC)
        extra: list[tuple[str, str]] = []
        if cookies.jar:  # the chain's cookies; an empty jar would add nothing
            probe = httpx.Request(method, url)
            cookies.set_cookie_header(probe)
            extra = [("Cookie", v) for v in probe.headers.get_list("cookie")]
        if self._client is not None:  # through a proxy
            request = self._client.build_request(method, url, headers=extra)
            reply, sent = await send(self._client, request, self.options.max_bytes, rule)
        else:
            assert self._wire is not None
            reply, sent = await self._wire.request(method, url, self.options.max_bytes, extra, rule)
        return recorded(method, url, sent, reply, date), reply.headers

    def _out_of_time(self, url: str, progress: _Progress) -> _Attempt:
        reason = f"no complete answer within the {self.options.timeout:g}s time limit"
        if progress.last is not None:
            reason += f" (last attempt: {progress.last.verdict.reason})"
        chain = progress.chain or _Chain("GET", url)
        verdict = Classification(LinkStatus.TIMEOUT, reason, Failure.TOTAL_TIMEOUT)
        return _Attempt(verdict, chain, error=f"total timeout after {self.options.timeout:g}s")

    def _result(
        self, url: str, outcome: _Attempt, progress: _Progress, started: datetime, elapsed: float
    ) -> FetchResult:
        """Assemble the result; the body is decoded only for a final GET answer."""
        chain, verdict = outcome.chain, outcome.verdict
        reason = scrubbed(scrubbed(verdict.reason, url), chain.current)
        if progress.attempts > 1:
            reason += f" (after {progress.attempts} attempts)"
        exchanges = tuple(chain.exchanges)
        last = exchanges[-1] if exchanges else None
        hops = tuple(chain.hops)
        visited = (url, chain.current, *(h.url for h in hops))
        notes = dict(progress.notes)
        first = exchanges[0].address if exchanges else None
        if first and (note := address_note(url, first, self.options.address_classifier)):
            notes["address"] = note  # what check says of a URL to a private address
        return FetchResult(
            url=url,
            status=verdict.status,
            reason=reason,
            started=started,
            http_status=last.status if last is not None else None,
            final_url=shown_url(chain.current),
            redirects=hops,
            permanent=bool(hops) and all(h.status in PERMANENT_CODES for h in hops),
            content_type=header(last, "content-type") if last is not None else None,
            content=outcome.content,
            truncated=outcome.truncated or (last is not None and last.truncated),
            exchanges=exchanges,
            elapsed=elapsed,
            error=outcome.error and scrubbed(scrubbed(outcome.error, url), chain.current),
            extra=notes,
            failure=verdict.failure,
            attempts=progress.attempts,
            soft_kind=outcome.soft_kind,
            insecure=self.options.insecure and any(u.lower().startswith("https:") for u in visited),
        )
