"""httpx, set up the one way citeaudit uses it: for the web-archive client, and for the
link checker when a proxy is configured (its own client does not speak to proxies).

Redirects are never followed for us (the caller records and judges each hop), bodies are
read raw up to a cap, and the headers come back as they were received.

Each request goes only where its address rule allows (:mod:`citeaudit.net.addresses`).
Without a proxy, httpx's connections are opened by :class:`~citeaudit.net.streams.
GuardedBackend`, which checks the very address it connects to, and a kept connection is
checked before a request is written on it. Behind a proxy the proxy resolves the name and
connects, so the check can only be on our own lookup of the name, made before the request
is handed to the proxy: a literal address is checked exactly, a name by what our resolver
says (every address it gives must pass), and a name our resolver cannot look up is left to
the proxy (behind some proxies only the proxy can resolve names).
"""

from __future__ import annotations

import ssl
from http.cookiejar import CookieJar
from typing import Any

import httpcore
import httpx

from citeaudit.net.addresses import CURRENT_RULE, AddressRule, Classifier, Resolver
from citeaudit.net.addresses import classify_address as classify_address
from citeaudit.net.connect import AddressRefused, addresses_of
from citeaudit.net.exchange import Reply
from citeaudit.net.policy import read_capped
from citeaudit.net.requests import ClientSettings, request_headers
from citeaudit.net.streams import AsyncioStream, GuardedBackend
from citeaudit.net.tls import proxied, tls_context

_RAW_HEADERS = "citeaudit.raw_headers"


def timeouts(settings: ClientSettings) -> httpx.Timeout:
    """The connect, read and write timeouts of one request (the total is kept apart)."""
    return httpx.Timeout(
        settings.timeout,
        connect=settings.connect_timeout,
        read=settings.read_timeout,
        write=settings.read_timeout,
        pool=settings.timeout,
    )


async def _hide_location(response: httpx.Response) -> None:
    """Response hook: take Location out of httpx's sight, keeping the headers as received.

    Even with redirects off, httpx builds the follow-up request for every redirect and
    raises (losing the response) on a Location it cannot parse, such as ``javascript:``.
    We follow redirects ourselves and judge every target, so httpx need not see it.
    """
    if "location" in response.headers:
        response.extensions[_RAW_HEADERS] = list(response.headers.raw)
        del response.headers["location"]


class GuardedClient(httpx.AsyncClient):
    """An httpx client that knows its address policy: ``classify`` addresses, ``resolve``
    names (None: the system), and whether a ``proxy`` connects for it (then each request
    is checked on a look-up of ours before it is sent)."""

    def __init__(
        self, *, classify: Classifier, resolve: Resolver | None, proxy: bool, **settings: Any
    ) -> None:
        super().__init__(**settings)
        self.classify = classify
        self.resolve = resolve
        self.proxy = proxy


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport, its connections opened by :class:`GuardedBackend`."""

    def __init__(
        self, context: ssl.SSLContext, http2: bool, limits: httpx.Limits, backend: GuardedBackend
    ) -> None:
        super().__init__(verify=context, http2=http2, limits=limits)
        # httpx takes no network backend, httpcore's pool does: the pool is replaced.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            http1=True,
            http2=http2,
            network_backend=backend,
        )


def make_client(
    settings: ClientSettings,
    *,
    keepalive: int,
    http2: bool = False,
    cookies: CookieJar | None = None,
    classify: Classifier = classify_address,
    resolve: Resolver | None = None,
) -> GuardedClient:
    """An httpx client with the run's TLS, proxies (from the environment), headers and
    timeouts, that follows no redirect; ``keepalive`` idle connections are kept, and
    ``cookies`` is the jar (httpx keeps cookies across requests by default). ``classify``
    and ``resolve`` are the address policy's (the system's resolver when None)."""
    context = tls_context(settings)
    limits = httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=keepalive)
    proxy = proxied()
    # A transport of our own would turn off httpx's proxies from the environment.
    transport = (
        None
        if proxy
        else _GuardedTransport(context, http2, limits, GuardedBackend(classify, resolve))
    )
    return GuardedClient(
        classify=classify,
        resolve=resolve,
        proxy=proxy,
        transport=transport,
        http2=http2,
        verify=context,
        trust_env=True,
        follow_redirects=False,
        cookies=cookies,
        event_hooks={"response": [_hide_location]},
        headers=request_headers(settings),
        timeout=timeouts(settings),
        limits=limits,
    )


async def _looked_up(
    client: GuardedClient, request: httpx.Request, rule: AddressRule
) -> str | None:
    """Behind a proxy: the request's host checked on our own look-up, every address it
    gives (raises AddressRefused); the first, or None when the name did not resolve."""
    try:
        found = await addresses_of(request.url.host, request.url.port or 0, client.resolve)
    except OSError:
        return None  # only the proxy can resolve it: it decides
    for address in found:
        reason = rule.refusal(address)
        if reason is not None:
            raise AddressRefused(reason, address)
    return found[0] if found else None


async def send(
    client: httpx.AsyncClient, request: httpx.Request, cap: int, rule: AddressRule | None = None
) -> tuple[Reply, list[tuple[str, str]]]:
    """Send ``request`` and read its answer, the body raw up to ``cap`` bytes; returns the
    answer and the headers that were sent. ``rule`` says which addresses the request may go
    to (None: the rule of a URL the user wrote)."""
    guarded = client if isinstance(client, GuardedClient) else None
    rule = rule or AddressRule(guarded.classify if guarded else classify_address)
    address = None
    if guarded is not None and guarded.proxy:
        address = await _looked_up(guarded, request, rule)
    token = CURRENT_RULE.set(rule)
    try:
        response = await client.send(request, stream=True)
        try:
            body, truncated = await read_capped(response.aiter_raw(), cap)
        finally:
            await response.aclose()
    finally:
        CURRENT_RULE.reset(token)
    stream = response.extensions.get("network_stream")
    if isinstance(stream, AsyncioStream):
        address = stream.address
    sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    reply = Reply(
        http_version=response.http_version,
        status=response.status_code,
        reason=response.reason_phrase,
        headers=list(response.extensions.get(_RAW_HEADERS, response.headers.raw)),
        body=body,
        truncated=truncated,
        address=address,
    )
    return reply, sent
