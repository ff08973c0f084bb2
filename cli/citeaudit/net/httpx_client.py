"""httpx, set up the one way citeaudit uses it: for the web-archive client, and for the
link checker when a proxy is configured (its own client does not speak to proxies).

Redirects are never followed for us (the caller records and judges each hop), bodies are
read raw up to a cap, and the headers come back as they were received.
"""

from __future__ import annotations

from http.cookiejar import CookieJar

import httpx

from citeaudit.net.exchange import Reply
from citeaudit.net.policy import read_capped
from citeaudit.net.requests import ClientSettings, request_headers
from citeaudit.net.tls import tls_context

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


def make_client(
    settings: ClientSettings,
    *,
    keepalive: int,
    http2: bool = False,
    cookies: CookieJar | None = None,
) -> httpx.AsyncClient:
    """An httpx client with the run's TLS, proxies (from the environment), headers and
    timeouts, that follows no redirect; ``keepalive`` idle connections are kept, and
    ``cookies`` is the jar (httpx keeps cookies across requests by default)."""
    return httpx.AsyncClient(
        http2=http2,
        verify=tls_context(settings),
        trust_env=True,
        follow_redirects=False,
        cookies=cookies,
        event_hooks={"response": [_hide_location]},
        headers=request_headers(settings),
        timeout=timeouts(settings),
        limits=httpx.Limits(
            max_connections=settings.concurrency, max_keepalive_connections=keepalive
        ),
    )


async def send(
    client: httpx.AsyncClient, request: httpx.Request, cap: int
) -> tuple[Reply, list[tuple[str, str]]]:
    """Send ``request`` and read its answer, the body raw up to ``cap`` bytes; returns the
    answer and the headers that were sent."""
    response = await client.send(request, stream=True)
    try:
        body, truncated = await read_capped(response.aiter_raw(), cap)
    finally:
        await response.aclose()
    sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    reply = Reply(
        http_version=response.http_version,
        status=response.status_code,
        reason=response.reason_phrase,
        headers=list(response.extensions.get(_RAW_HEADERS, response.headers.raw)),
        body=body,
        truncated=truncated,
    )
    return reply, sent
