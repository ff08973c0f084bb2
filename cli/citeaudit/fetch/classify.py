"""What an answer, or a failure to get one, means for a link: a status and a reason in
words, from the HTTP code alone (:func:`classify_response`), from what the page says
(:func:`judge_page`, by :mod:`citeaudit.fetch.soft404`), or from the exception raised on the
way (:func:`classify_error`), whichever client raised it.
"""

from __future__ import annotations

import errno
import http
import socket
import ssl
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import httpx

from citeaudit.fetch import soft404
from citeaudit.fetch.options import FetchOptions
from citeaudit.fetch.result import Failure
from citeaudit.fetch.soft404 import SoftKind
from citeaudit.net import AddressRefused, Exchange, Hop, header, host_key, host_name
from citeaudit.vocab import LinkStatus


@dataclass(frozen=True)
class Classification:
    """A status with its reason in words; ``retryable`` says a later try might differ."""

    status: LinkStatus
    reason: str
    failure: Failure | None = None
    retryable: bool = False


REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})

# 4xx (and LinkedIn's 999) answers that mean "we will not serve you", not "no such page".
_REFUSALS = {
    401: "login required",
    403: "access refused",
    405: "method refused, often a bot filter",
    406: "request refused as not acceptable, often a bot filter",
    407: "proxy login required",
    451: "unavailable for legal reasons",
    999: "non-standard refusal of automated requests",
}


def status_line(code: int, phrase: str) -> str:
    """``"404 Not Found"``: the standard phrase so reports read the same whatever the
    server's spelling; the server's own only for codes the standard lacks."""
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        pass
    return f"{code} {phrase}".strip()


def _success(line: str, hops: Sequence[Hop]) -> Classification:
    if not hops:
        return Classification(LinkStatus.OK, line)
    codes = ", ".join(str(h.status) for h in hops)
    noun = "redirect" if len(hops) == 1 else "redirects"
    return Classification(LinkStatus.REDIRECTED, f"{line} after {len(hops)} {noun} ({codes})")


def _client_error(code: int, line: str) -> Classification:
    """4xx: only 404/410 say the page is gone; the rest say the server would not serve us."""
    if code in (404, 410):
        return Classification(LinkStatus.NOT_FOUND, line)
    if code == 429:
        return Classification(LinkStatus.RATE_LIMITED, line, retryable=True)
    if code == 408:
        return Classification(
            LinkStatus.TIMEOUT, f"{line} (the server gave up waiting for us)", retryable=True
        )
    if code == 414:
        return Classification(
            LinkStatus.INVALID_URL, f"{line} (the server refuses a URL this long)"
        )
    why = _REFUSALS.get(code, "the server refused the request")
    return Classification(LinkStatus.BLOCKED, f"{line} ({why})")


def classify_response(final: Exchange, hops: Sequence[Hop]) -> Classification:
    """Turn the last answer of a redirect chain into a status, by its code alone (what the
    page says is :func:`judge_page`'s business)."""
    code = final.status
    line = status_line(code, final.reason)
    if 200 <= code < 300:
        return _success(line, hops)
    if 400 <= code < 500 or code in _REFUSALS:
        return _client_error(code, line)
    if 500 <= code < 600:
        return Classification(LinkStatus.SERVER_ERROR, line, retryable=True)
    if 300 <= code < 400:
        return Classification(LinkStatus.SERVER_ERROR, f"{line} with no redirect to follow")
    return Classification(LinkStatus.SERVER_ERROR, f"unexpected status {line}")


def _judged_codes(code: int) -> bool:
    """Answers whose page is read: a 2xx may be a soft 404 or a bot wall; a 403, 429 or 5xx
    may be a bot wall (which must not be retried as a server error or a rate limit)."""
    return 200 <= code < 300 or code in (403, 429) or 500 <= code < 600


def judge_page(
    url: str, final: Exchange, verdict: Classification, content: bytes | None
) -> tuple[Classification, SoftKind | None]:
    """Refine the verdict on ``url``'s final answer by what its page says (see
    :mod:`citeaudit.fetch.soft404`); ``content`` is the decoded body, None for a HEAD."""
    if not _judged_codes(final.status):
        return verdict, None
    judged = soft404.judge_answer(
        url,
        final.url,
        final.status,
        final.response_headers,
        header(final, "content-type"),
        content,
    )
    if judged is None:
        return verdict, None
    line = status_line(final.status, final.reason)
    base = verdict.reason if 200 <= final.status < 300 else line
    return Classification(judged.status, f"{base}: {judged.reason}"), judged.kind


_E = TypeVar("_E", bound=BaseException)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it was raised from: httpx wraps the OS error twice."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _cause(exc: BaseException, kind: type[_E]) -> _E | None:
    return next((c for c in _causes(exc) if isinstance(c, kind)), None)


def tls_problem(err: ssl.SSLCertVerificationError) -> str:
    """OpenSSL's verify message in words a user can act on."""
    message = (err.verify_message or str(err)).strip()
    lowered = message.lower()
    known = (
        ("expired", "certificate has expired"),
        ("not yet valid", "certificate is not valid yet"),
        ("self-signed", "self-signed certificate"),
        ("self signed", "self-signed certificate"),
        ("mismatch", "certificate is for a different host name"),
        ("local issuer", "certificate issued by an unknown CA"),
        ("unable to get issuer", "certificate issued by an unknown CA"),
        ("first certificate", "incomplete certificate chain"),
        ("revoked", "certificate has been revoked"),
    )
    for needle, words in known:
        if needle in lowered:
            return words if lowered == words else f"{words} ({message.rstrip('.')})"
    return message


def _connect_error(exc: httpx.HTTPError, url: str) -> Classification:
    """A connection that never got as far as an HTTP request."""
    host, where = host_name(url), host_key(url)
    if (cert := _cause(exc, ssl.SSLCertVerificationError)) is not None:
        return Classification(
            LinkStatus.TLS_ERROR, f"TLS certificate of {host}: {tls_problem(cert)}", Failure.TLS
        )
    if (tls := _cause(exc, ssl.SSLError)) is not None:
        detail = tls.reason or str(tls)
        return Classification(
            LinkStatus.TLS_ERROR, f"TLS handshake with {host} failed: {detail}", Failure.TLS
        )
    if (dns := _cause(exc, socket.gaierror)) is not None:
        return Classification(
            LinkStatus.UNREACHABLE, f"DNS lookup failed for {host} ({dns.strerror})", Failure.DNS
        )
    if _cause(exc, ConnectionRefusedError) is not None:
        return Classification(
            LinkStatus.UNREACHABLE, f"connection refused by {where}", Failure.REFUSED
        )
    if _cause(exc, ConnectionResetError) is not None:
        return Classification(
            LinkStatus.UNREACHABLE, f"connection reset by {where}", Failure.RESET, retryable=True
        )
    os_error = _cause(exc, OSError)
    if os_error is not None and os_error.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return Classification(LinkStatus.UNREACHABLE, f"no route to {where}", Failure.NO_ROUTE)
    return Classification(
        LinkStatus.UNREACHABLE, f"could not connect to {where}: {exc}", Failure.NETWORK
    )


def _timeout_error(exc: httpx.TimeoutException, url: str, options: FetchOptions) -> Classification:
    where = host_key(url)
    if isinstance(exc, httpx.ConnectTimeout):
        reason = (
            f"connect timeout: {where} did not accept a connection in {options.connect_timeout:g}s"
        )
        failure = Failure.CONNECT_TIMEOUT
    elif isinstance(exc, httpx.ReadTimeout):
        reason = f"read timeout: {where} sent nothing for {options.read_timeout:g}s"
        failure = Failure.READ_TIMEOUT
    elif isinstance(exc, httpx.WriteTimeout):
        reason = f"write timeout: {where} took no data for {options.read_timeout:g}s"
        failure = Failure.WRITE_TIMEOUT
    else:
        reason = f"pool timeout: no free connection to {where} in {options.timeout:g}s"
        failure = Failure.POOL_TIMEOUT
    return Classification(LinkStatus.TIMEOUT, reason, failure, retryable=True)


def classify_error(exc: Exception, url: str, options: FetchOptions) -> Classification:
    """Turn an httpx exception raised while fetching ``url`` into a status."""
    where = host_key(url)
    if isinstance(exc, AddressRefused):  # before any connection: not the host's doing
        return Classification(LinkStatus.BLOCKED, exc.reason, Failure.ADDRESS)
    if isinstance(exc, httpx.TimeoutException):
        return _timeout_error(exc, url, options)
    if isinstance(exc, httpx.ProxyError):
        return Classification(
            LinkStatus.UNREACHABLE, f"proxy refused the connection to {where}: {exc}", Failure.PROXY
        )
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL, httpx.LocalProtocolError)):
        return Classification(
            LinkStatus.INVALID_URL, f"cannot request {url!r}: {exc}", Failure.INVALID_URL
        )
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(exc, url)
    if isinstance(exc, httpx.RemoteProtocolError):
        if "without sending" in str(exc) or "disconnected" in str(exc).lower():
            reason = f"connection closed by {where} before a complete answer"
            return Classification(LinkStatus.UNREACHABLE, reason, Failure.RESET, retryable=True)
        reason = f"{where} broke the HTTP protocol: {exc}"
        return Classification(LinkStatus.SERVER_ERROR, reason, Failure.PROTOCOL, retryable=True)
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        if _cause(exc, ConnectionResetError) or _cause(exc, BrokenPipeError):
            reason = f"connection reset by {where}"
        else:
            reason = f"connection to {where} broke: {exc or type(exc).__name__}"
        return Classification(LinkStatus.UNREACHABLE, reason, Failure.RESET, retryable=True)
    return Classification(
        LinkStatus.UNREACHABLE, f"network error with {where}: {exc}", Failure.NETWORK
    )


def describe(exc: BaseException) -> str:
    """The technical detail for ``FetchResult.error``: the exception chain, each distinct
    message once (httpx repeats the one below it)."""
    parts: list[str] = []
    for cause in _causes(exc):
        message = str(cause) or type(cause).__name__
        if not parts or not parts[-1].endswith(message):
            parts.append(f"{type(cause).__name__}: {message}")
    return " <- ".join(parts)
