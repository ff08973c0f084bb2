"""Fetch every source URL and classify what came back.

The data types here are the contract with the archive, extract and verify stages: a
:class:`FetchResult` keeps each HTTP exchange as it happened (one per redirect hop) so the
archive can write faithful WARC records, and the decoded body of the final answer so the
extractor never downloads twice.

The engine below follows redirects by hand (so every hop is recorded), caps every body it
reads and every body it decompresses (so a huge or hostile answer cannot exhaust memory),
retries only what is worth retrying, and turns every failure into a :class:`FetchResult`:
no URL, however broken, makes :func:`fetch_all` raise.

A 2xx is not taken at its word: :mod:`citeaudit.fetch.soft404` reads the page for not-found
pages, parked domains, deep links sent home and bot walls, and :mod:`citeaudit.fetch.anchors`
checks each URL's ``#fragment`` against the page. Politeness is per host (``host:port``):
a limit on requests in flight, an optional minimum interval between request starts, and a
host that keeps failing to connect is given up on rather than waited on again and again.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import errno
import functools
import hashlib
import http
import http.cookiejar
import importlib
import os
import pickle
import random
import re
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
import urllib.request
import warnings
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from types import ModuleType
from typing import Any, NoReturn, TypeVar
from urllib.parse import urljoin, urlsplit

import httpx

from citeaudit import __version__
from citeaudit.errors import UsageError
from citeaudit.fetch import soft404
from citeaudit.fetch.anchors import FragmentCheck, PageAnchors, not_checked, url_fragment
from citeaudit.fetch.soft404 import SoftKind
from citeaudit.net import http1
from citeaudit.vocab import LinkStatus, Network

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Exchange:
    """One request and its response as sent and received: one per redirect hop.

    ``body`` is the payload as it came over the wire (content-encoding kept, transfer
    encoding removed), which is what a WARC response record holds.
    """

    method: str
    url: str
    request_headers: Headers
    http_version: str
    status: int
    reason: str
    response_headers: Headers
    # Never in repr(): asyncio puts the result of asyncio.run()'s task in an error message
    # it builds (and drops) on the way out, and a 100 MB body would be rendered in full.
    body: bytes = field(repr=False)
    date: datetime
    truncated: bool = False


@dataclass(frozen=True)
class Hop:
    """One redirect on the way to the final URL: ``url`` answered with ``status`` (3xx)."""

    url: str
    status: int


class Failure(StrEnum):
    """Why no usable answer came back, for code to test (``reason`` is for people).

    ``None`` on a :class:`FetchResult` means the server answered and ``http_status`` says how.
    """

    INVALID_URL = "invalid_url"
    BAD_REDIRECT = "bad_redirect"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    RETRY_AFTER_TOO_LONG = "retry_after_too_long"
    DNS = "dns"
    NO_ROUTE = "no_route"
    REFUSED = "refused"
    RESET = "reset"
    PROXY = "proxy"
    TLS = "tls"
    PROTOCOL = "protocol"
    CONNECT_TIMEOUT = "connect_timeout"
    READ_TIMEOUT = "read_timeout"
    WRITE_TIMEOUT = "write_timeout"
    POOL_TIMEOUT = "pool_timeout"
    TOTAL_TIMEOUT = "total_timeout"
    NETWORK = "network"


@dataclass(frozen=True)
class FetchResult:
    """What checking one URL came to; failures are data here, not exceptions.

    ``fragment`` is the check of the URL's ``#fragment`` against the page (None when the URL
    has none), ``fragment_problem`` its problem in words; neither changes ``status``.
    ``soft_kind`` says which page rule made the status ``soft_404`` or a bot-wall
    ``blocked``. ``insecure`` is True when an HTTPS URL was fetched without verifying its
    certificate.
    """

    url: str
    status: LinkStatus
    reason: str
    started: datetime
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    permanent: bool = False
    content_type: str | None = None
    content: bytes = field(default=b"", repr=False)  # see Exchange.body
    truncated: bool = False
    exchanges: tuple[Exchange, ...] = ()
    elapsed: float = 0.0
    error: str | None = None
    fragment_problem: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    failure: Failure | None = None
    attempts: int = 0
    fragment: FragmentCheck | None = None
    soft_kind: SoftKind | None = None
    insecure: bool = False

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the decoded body of the final answer, when there was one."""
        if not self.exchanges:
            return None
        return hashlib.sha256(self.content).hexdigest()


# --------------------------------------------------------------------------- options

MIB = 1024 * 1024
USER_AGENT = f"citeaudit/{__version__} (+https://github.com/citeaudit/citeaudit)"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class FetchOptions:
    """How hard and how politely to fetch; every limit exists so one bad server cannot stall
    or flood the run.

    ``min_interval``: least seconds between the starts of two requests to one host (0:
    no pause). ``host_failures``: after this many URLs of one host in a row fail to get an
    answer (refused, DNS, TLS, timeouts, resets), the host's other URLs are not tried but
    given the same status at once (0: never give up on a host). ``workers``: processes
    that make the requests (see :func:`worker_count`): 0 chooses (one per core, up to
    4, for runs of 100 URLs or more, on Linux), 1 uses none. ``accept``: HTTP codes the
    user counts as fine (``--accept``): each link keeps its real status, but is no finding.
    """

    concurrency: int = 128
    per_host: int = 4
    timeout: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    max_bytes: int = 100 * MIB
    max_redirects: int = 10
    retries: int = 2
    retry_after_cap: float = 60.0
    user_agent: str = USER_AGENT
    insecure: bool = False
    head_first: bool = False
    backoff_base: float = 0.5
    ca_bundle: str | None = None
    min_interval: float = 0.0
    host_failures: int = 3
    workers: int = 0
    accept: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        """Reject limits that cannot work, before any connection is made."""
        if self.concurrency < 1 or self.per_host < 1:
            raise UsageError("concurrency and per-host limits must be at least 1")
        if self.min_interval < 0 or self.host_failures < 0:
            raise UsageError("the minimum interval and host failure limit cannot be negative")
        if self.workers < 0:
            raise UsageError("the number of worker processes cannot be negative")
        if min(self.timeout, self.connect_timeout, self.read_timeout) <= 0:
            raise UsageError("timeouts must be positive")
        if self.max_bytes < 1:
            raise UsageError("the body size limit must be at least 1 byte")
        if self.max_redirects < 0 or self.retries < 0:
            raise UsageError("redirect and retry limits cannot be negative")
        if self.retry_after_cap < 0 or self.backoff_base < 0:
            raise UsageError("retry delays cannot be negative")


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?", re.IGNORECASE)
_UNITS = {"b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3, "tb": 1000**4}
_UNITS.update({f"{u[0]}ib": 1024 ** (i + 1) for i, u in enumerate(("kb", "mb", "gb", "tb"))})


def parse_size(text: str) -> int:
    """A byte count written as ``50MB``, ``1GiB``, ``1.5 GB`` or ``1000000`` (bytes).

    KB, MB, GB are powers of 1000; KiB, MiB, GiB powers of 1024, as their names say.
    """
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise UsageError(
            f"cannot read {text!r} as a size",
            hint="give a number of bytes, or one with a unit: 500KB, 50MB, 1GiB",
        )
    size = int(float(match.group(1)) * _UNITS[(match.group(2) or "b").lower()])
    if size < 1:
        raise UsageError(f"the size {text!r} is less than one byte")
    return size


def parse_status_codes(text: str) -> frozenset[int]:
    """HTTP status codes written as ``403,429`` or with ranges, ``500-599``."""
    codes: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError:
            low = high = 0
        if not 100 <= low <= high <= 999:
            raise UsageError(
                f"cannot read {part!r} as an HTTP status code",
                hint="give codes from 100 to 999 separated by commas, e.g. 403,429 or 500-599",
            )
        codes.update(range(low, high + 1))
    return frozenset(codes)


# --------------------------------------------------------------------------- URLs

_HTTP_SCHEMES = ("http", "https")
_BAD_HOST_CHARS = set('<>"{}|\\^`%')


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None: checked first so nothing odd is ever sent."""
    if http1.plain_url(url):
        return None  # the common case, settled without parsing
    if not url.strip():
        return "empty URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"malformed URL {url!r}: {exc}"
    scheme = parts.scheme.lower()
    if scheme and scheme not in _HTTP_SCHEMES:
        return f"{scheme}: URLs cannot be checked, only http: and https:"
    if not scheme or "://" not in url:
        return f"not a URL: {url!r} has no http:// or https:// scheme"
    host = parts.hostname
    if not host:
        return f"malformed URL {url!r}: no host name"
    if any(c.isspace() or ord(c) < 0x20 or c in _BAD_HOST_CHARS for c in host):
        return f"malformed URL {url!r}: invalid characters in the host name"
    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        return f"malformed URL {url!r}: {exc}"
    return None


def strip_fragment(url: str) -> str:
    """The URL as sent on the wire: servers never see the #fragment."""
    return url.strip().split("#", 1)[0]


@functools.lru_cache(maxsize=4096)  # asked several times for each URL
def _host_port(url: str) -> str:
    """``host:port`` of a URL, the unit that per-host limits and messages are about."""
    plain = http1.host_port(url)
    if plain is not None:
        return plain
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{parts.hostname or ''}:{port}"


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


# --------------------------------------------------------------------------- classification


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


def header(exchange: Exchange, name: str) -> str | None:
    """One response header (repeats joined by commas), case-insensitively."""
    wanted = name.lower()
    values = [v for k, v in exchange.response_headers if k.lower() == wanted]
    return ", ".join(values) if values else None


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
    judged = soft404.judge(
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
    host, where = _host(url), _host_port(url)
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
    where = _host_port(url)
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
    where = _host_port(url)
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


def _describe(exc: BaseException) -> str:
    """The technical detail for ``FetchResult.error``: the exception chain, each distinct
    message once (httpx repeats the one below it)."""
    parts: list[str] = []
    for cause in _causes(exc):
        message = str(cause) or type(cause).__name__
        if not parts or not parts[-1].endswith(message):
            parts.append(f"{type(cause).__name__}: {message}")
    return " <- ".join(parts)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date); None if absent or
    unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


# --------------------------------------------------------------------------- decoding


def _optional_module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


_brotli = _optional_module("brotli")
# Only a brotli new enough to cap its output is used: without a cap a tiny body can
# expand without bound.
BROTLI = _brotli is not None and hasattr(_brotli.Decompressor(), "can_accept_more_data")
ACCEPT_ENCODING = "gzip, deflate, br" if BROTLI else "gzip, deflate"


def _inflate(data: bytes, wbits: int, cap: int) -> tuple[bytes, bool]:
    """zlib/gzip-decode at most ``cap`` bytes; True when there was more (a bomb, say)."""
    out = bytearray()
    while data:
        decoder = zlib.decompressobj(wbits)
        pending = data
        while pending and not decoder.eof:
            out += decoder.decompress(pending, cap + 1 - len(out))
            if len(out) > cap:
                return bytes(out[:cap]), True
            pending = decoder.unconsumed_tail
        # A gzip body may hold several members; anything else after the end is ignored.
        data = decoder.unused_data if decoder.eof else b""
        if not data.startswith(b"\x1f\x8b"):
            break
    return bytes(out), False


def _unbrotli(data: bytes, cap: int) -> tuple[bytes, bool]:
    assert _brotli is not None
    decoder = _brotli.Decompressor()
    out = bytearray(decoder.process(data, max_output_length=cap + 1))
    while len(out) <= cap and not decoder.is_finished():
        more = decoder.process(b"", max_output_length=cap + 1 - len(out))
        if not more:
            break
        out += more
    return bytes(out[:cap]), len(out) > cap


def _decode_one(coding: str, data: bytes, cap: int) -> tuple[bytes, bool]:
    if coding in ("gzip", "x-gzip"):
        return _inflate(data, 32 + zlib.MAX_WBITS, cap)
    if coding == "deflate":
        try:
            return _inflate(data, 32 + zlib.MAX_WBITS, cap)
        except zlib.error:  # servers often send raw deflate without the zlib wrapper
            return _inflate(data, -zlib.MAX_WBITS, cap)
    if coding == "br" and BROTLI:
        return _unbrotli(data, cap)
    raise LookupError(coding)


def decode_body(
    raw: bytes, content_encoding: str | None, cap: int
) -> tuple[bytes, bool, str | None]:
    """Undo Content-Encoding with output capped at ``cap``.

    Returns (content, truncated, error). On an encoding we cannot undo the raw bytes come
    back with the error saying so, rather than a guess.
    """
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    data, truncated = raw, False
    for coding in reversed([c for c in codings if c and c != "identity"]):
        try:
            data, cut = _decode_one(coding, data, cap)
        except LookupError:
            return raw, False, f"content left encoded: cannot decode Content-Encoding {coding!r}"
        except zlib.error as exc:
            return raw, False, f"content left encoded: corrupt {coding} body ({exc})"
        except Exception as exc:  # brotli.error has no common base we can name
            if _brotli is not None and isinstance(exc, _brotli.error):
                return raw, False, f"content left encoded: corrupt br body ({exc})"
            raise
        truncated = truncated or cut
    return data, truncated, None


# --------------------------------------------------------------------------- the engine


@dataclass
class _Chain:
    """The hops of one attempt so far; kept even when the attempt fails half-way."""

    method: str
    current: str
    exchanges: list[Exchange] = field(default_factory=list)
    hops: list[Hop] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
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
    last: _Outcome | None = None
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


def _no_cookies() -> http.cookiejar.CookieJar:
    return _NoCookies()


def _sets_cookies(headers: Iterable[tuple[bytes, bytes]]) -> bool:
    """Whether a response sets any cookie (the only headers a cookie jar reads)."""
    return any(name.lower() in (b"set-cookie", b"set-cookie2") for name, _ in headers)


_RAW_HEADERS = "citeaudit.raw_headers"


async def _hide_location(response: httpx.Response) -> None:
    """Response hook: take Location out of httpx's sight, keeping the headers as received.

    Even with redirects off, httpx builds the follow-up request for every redirect and
    raises (losing the response) on a Location it cannot parse, such as ``javascript:``.
    We follow redirects ourselves and judge every target, so httpx need not see it.
    """
    if response.status_code in REDIRECT_CODES and "location" in response.headers:
        response.extensions[_RAW_HEADERS] = list(response.headers.raw)
        del response.headers["location"]


def _location(raw_headers: Iterable[tuple[bytes, bytes]]) -> str | None:
    """The first Location header; UTF-8 when it decodes so, as browsers read it."""
    for name, value in raw_headers:
        if name.lower() == b"location":
            try:
                return value.decode("utf-8")
            except UnicodeDecodeError:
                return value.decode("latin-1")
    return None


def _latin1(pairs: Iterable[tuple[bytes, bytes]]) -> Headers:
    return tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs)


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


def _proxied() -> bool:
    """Whether the environment names an HTTP(S) proxy, as httpx reads it."""
    found = urllib.request.getproxies()
    return any(found.get(scheme) for scheme in ("http", "https", "all"))


def _check_ca_variables() -> None:
    """Stop at once when SSL_CERT_FILE or SSL_CERT_DIR names nothing (cheap: the CAs
    themselves are loaded when the first HTTPS connection needs them)."""
    for name, exists in (("SSL_CERT_FILE", os.path.isfile), ("SSL_CERT_DIR", os.path.isdir)):
        path = os.environ.get(name)
        if path and not exists(path):
            raise UsageError(
                f"cannot load the CA certificates: {name} names {path}, which does not exist",
                hint="check --ca-bundle, SSL_CERT_FILE and SSL_CERT_DIR",
            )


def tls_context(options: FetchOptions) -> ssl.SSLContext:
    """The TLS settings of a run (``--insecure``, ``--ca-bundle``, ``SSL_CERT_FILE``), shared
    by every client that talks for it; a CA file that cannot be read is the user's to fix."""
    verify: ssl.SSLContext | bool = not options.insecure
    try:
        if options.ca_bundle and not options.insecure:
            verify = ssl.create_default_context(cafile=options.ca_bundle)
        return httpx.create_ssl_context(verify=verify, trust_env=True)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(
            f"cannot load the CA certificates: {exc}",
            hint="check --ca-bundle, SSL_CERT_FILE and SSL_CERT_DIR",
        ) from exc


def request_headers(options: FetchOptions) -> dict[str, str]:
    """The headers every request of a run sends: who we are and what we accept."""
    return {
        "User-Agent": options.user_agent,
        "Accept": ACCEPT,
        "Accept-Encoding": ACCEPT_ENCODING,
    }


def timeouts(options: FetchOptions) -> httpx.Timeout:
    """The connect, read and write timeouts of one request (the total is kept apart)."""
    return httpx.Timeout(
        options.timeout,
        connect=options.connect_timeout,
        read=options.read_timeout,
        write=options.read_timeout,
        pool=options.timeout,
    )


class _Fetcher:
    """One shared client and the limits around it; ``check`` never raises for a URL."""

    def __init__(
        self,
        options: FetchOptions,
        host_limits: dict[str, int] | None = None,
        parent: _Fetcher | None = None,
    ) -> None:
        """``host_limits``: per-host limits that differ from ``options.per_host``, by
        ``host:port`` (a worker's share of a host split between workers); ``parent``:
        the fetcher whose client to use (a worker process uses its parent's)."""
        self.options = options
        self._global = asyncio.Semaphore(options.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._host_limits = host_limits or {}
        self._next_start: dict[str, float] = {}
        self._failing: dict[str, tuple[int, Classification]] = {}
        self._client: httpx.AsyncClient | None = None
        self._wire: http1.Client | None = None
        if parent is not None:
            self._client, self._wire = parent._client, parent._wire
        elif _proxied():
            # Through a proxy every request goes to one host, the proxy, and httpx knows
            # how to talk to proxies; otherwise our own lean client does the requests.
            self._client = self._make_client()
        else:
            # One TLS context for every connection, made when the first HTTPS URL comes
            # (loading CAs takes tens of ms); a --ca-bundle is loaded at once, and CA
            # paths from the environment are looked for, so that a wrong one stops the
            # run before it starts.
            _check_ca_variables()
            context = tls_context(options) if options.ca_bundle else None
            self._wire = http1.Client(
                context=(lambda: context) if context else functools.partial(tls_context, options),
                headers=list(request_headers(options).items()),
                connect_timeout=options.connect_timeout,
                read_timeout=options.read_timeout,
                keep_per_origin=options.per_host,
                keep_origins=options.concurrency,
            )

    def _make_client(self) -> httpx.AsyncClient:
        options = self.options
        return httpx.AsyncClient(
            http2=True,
            verify=tls_context(options),
            trust_env=True,
            follow_redirects=False,
            cookies=_no_cookies(),
            event_hooks={"response": [_hide_location]},
            headers=request_headers(options),
            timeout=timeouts(options),
            limits=httpx.Limits(
                max_connections=options.concurrency,
                max_keepalive_connections=options.concurrency,
            ),
        )

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
        if self._wire is not None:
            await self._wire.aclose()

    def _host_slot(self, url: str) -> asyncio.Semaphore:
        key = _host_port(url).lower()
        if key not in self._hosts:
            limit = self._host_limits.get(key, self.options.per_host)
            self._hosts[key] = asyncio.Semaphore(limit)
        return self._hosts[key]

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
                reason=problem,
                started=started,
                failure=Failure.INVALID_URL,
            )
        head = self.options.head_first if head_first is None else head_first
        slot = self._host_slot(url)
        held: list[asyncio.Semaphore] = []

        def release() -> None:
            """Free the slots as soon as the final answer is in: reading the page is no
            longer a request in flight, and the host's next URL can go meanwhile."""
            self._failing.pop(_host_port(url).lower(), None)  # the host answered
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
            await self._pace(url)
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

    async def _pace(self, url: str) -> None:
        """Wait for the host's next free start time (``min_interval`` after the last one
        booked), booking it before sleeping so that waiters queue in order."""
        interval = self.options.min_interval
        if interval <= 0:
            return
        key = _host_port(url).lower()
        loop = asyncio.get_running_loop()
        now = loop.time()
        start = max(now, self._next_start.get(key, now))
        self._next_start[key] = start + interval
        if start > now:
            await asyncio.sleep(start - now)

    def _given_up(self, url: str, started: datetime) -> FetchResult | None:
        """A result at once for a URL whose host failed too often in a row, or None."""
        limit = self.options.host_failures
        count, verdict = self._failing.get(_host_port(url).lower(), (0, None))
        if limit == 0 or count < limit or verdict is None:
            return None
        reason = (
            f"{verdict.reason} (not tried: {count} URLs in a row on {_host_port(url)} "
            "failed this way)"
        )
        return FetchResult(
            url=url,
            status=verdict.status,
            reason=reason,
            started=started,
            failure=verdict.failure,
            extra={"skipped": f"{_host_port(url)} failed {count} times in a row"},
        )

    def _note_host(self, url: str, done: _Done) -> None:
        """Count a failure to reach the URL's own host; any answer from it resets the count."""
        key = _host_port(url).lower()
        if done.verdict.failure in _HOST_FAILURES and not done.reached:
            count, _ = self._failing.get(key, (0, done.verdict))
            self._failing[key] = (count + 1, done.verdict)
        else:
            self._failing.pop(key, None)

    async def _fetch(
        self, url: str, progress: _Progress, deadline: asyncio.Timeout, head_first: bool
    ) -> _Outcome:
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
            if not outcome.verdict.retryable or progress.attempts > self.options.retries:
                return outcome
            delay, excuse = self._next_delay(outcome, progress.attempts, deadline)
            if excuse is not None:
                return excuse
            await asyncio.sleep(delay)

    def _next_delay(
        self, outcome: _Outcome, attempt: int, deadline: asyncio.Timeout
    ) -> tuple[float, _Outcome | None]:
        """How long to wait before the next attempt, or the outcome to give up with."""
        cap = self.options.retry_after_cap
        asked = outcome.retry_after
        verdict = outcome.verdict
        if asked is not None and asked > cap:
            reason = (
                f"{verdict.reason}; the server asked to wait {asked:.0f}s, more than the "
                f"{cap:g}s limit, so it was not retried"
            )
            failure = Failure.RETRY_AFTER_TOO_LONG
            return 0.0, replace(outcome, verdict=replace(verdict, reason=reason, failure=failure))
        if asked is not None:
            delay = asked
        else:
            base = self.options.backoff_base
            delay = base * 2 ** (attempt - 1) + random.uniform(0, base)
        when = deadline.when()
        left = float("inf") if when is None else when - asyncio.get_running_loop().time()
        if delay >= left:
            reason = f"{verdict.reason}; no time left to wait {delay:.1f}s for another attempt"
            return 0.0, replace(outcome, verdict=replace(verdict, reason=reason))
        return delay, None

    async def _attempt(
        self, url: str, method: str, cookies: httpx.Cookies, progress: _Progress
    ) -> _Outcome:
        """Follow one redirect chain to its end; errors become the outcome's verdict."""
        chain = _Chain(method, url)
        progress.chain = chain
        try:
            stop = await self._follow(chain, cookies, progress)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            verdict = classify_error(exc, chain.current, self.options)
            return _Outcome(verdict, chain, error=_describe(exc))
        if stop is not None:
            return _Outcome(stop, chain)
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
        verdict, kind = judge_page(url, final, classify_response(final, chain.hops), content)
        return _Outcome(
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
        only when the chain has to stop at a redirect (bad target, loop, too many)."""
        path = [chain.current]
        seen = {(chain.current, _cookie_state(cookies))}
        while True:
            exchange, location = await self._exchange(
                chain.method, chain.current, cookies, progress
            )
            chain.exchanges.append(exchange)
            if exchange.status not in REDIRECT_CODES or not location:
                return None
            chain.hops.append(Hop(chain.current, exchange.status))
            target = strip_fragment(urljoin(chain.current, location.strip()))
            path.append(target)
            problem = url_problem(target)
            if problem is not None:
                reason = f"redirect from {chain.current} to {target} refused: {problem}"
                return Classification(LinkStatus.INVALID_URL, reason, Failure.BAD_REDIRECT)
            if len(chain.hops) > self.options.max_redirects:
                reason = (
                    f"too many redirects: more than {self.options.max_redirects}, "
                    f"the last from {chain.current} to {target}"
                )
                return Classification(LinkStatus.SERVER_ERROR, reason, Failure.TOO_MANY_REDIRECTS)
            state = (target, _cookie_state(cookies))
            if state in seen:
                reason = "redirect loop: " + " -> ".join(path)
                return Classification(LinkStatus.SERVER_ERROR, reason, Failure.REDIRECT_LOOP)
            seen.add(state)
            chain.current = target

    async def _exchange(
        self, method: str, url: str, cookies: httpx.Cookies, progress: _Progress
    ) -> tuple[Exchange, str | None]:
        """One request and its response, body read raw up to the cap."""
        if progress.paced:
            progress.paced = False  # the first request's turn was waited for in check()
        else:
            await self._pace(url)
        date = datetime.now(UTC)
        extra: list[tuple[str, str]] = []
        if cookies.jar:  # the chain's cookies; an empty jar would add nothing
            probe = httpx.Request(method, url)
            cookies.set_cookie_header(probe)
            extra = [("Cookie", v) for v in probe.headers.get_list("cookie")]
        if self._wire is None:
            reply, sent = await self._through_httpx(method, url, extra)
        else:
            reply, sent = await self._wire.request(method, url, self.options.max_bytes, extra)
        if _sets_cookies(reply.headers):
            cookies.extract_cookies(
                httpx.Response(
                    reply.status, headers=reply.headers, request=httpx.Request(method, url)
                )
            )
        exchange = Exchange(
            method=method,
            url=url,
            request_headers=tuple(sent),
            http_version=reply.http_version,
            status=reply.status,
            reason=reply.reason,
            response_headers=_latin1(reply.headers),
            body=reply.body,
            date=date,
            truncated=reply.truncated,
        )
        return exchange, _location(reply.headers)

    async def _through_httpx(
        self, method: str, url: str, extra: list[tuple[str, str]]
    ) -> tuple[http1.Reply, list[tuple[str, str]]]:
        """One request through httpx (when a proxy is configured), as the client's would be."""
        assert self._client is not None
        request = self._client.build_request(method, url, headers=extra)
        response = await self._client.send(request, stream=True)
        try:
            body, truncated = await self._read_capped(response)
        finally:
            await response.aclose()
        sent = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        reply = http1.Reply(
            http_version=response.http_version,
            status=response.status_code,
            reason=response.reason_phrase,
            headers=list(response.extensions.get(_RAW_HEADERS, response.headers.raw)),
            body=body,
            truncated=truncated,
        )
        return reply, sent

    async def _read_capped(self, response: httpx.Response) -> tuple[bytes, bool]:
        """The body as on the wire (content-encoding kept), stopping at ``max_bytes``."""
        cap = self.options.max_bytes
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_raw():
            if size + len(chunk) > cap:
                chunks.append(chunk[: cap - size])
                return b"".join(chunks), True
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks), False

    def _out_of_time(self, url: str, progress: _Progress) -> _Outcome:
        reason = f"no complete answer within the {self.options.timeout:g}s time limit"
        if progress.last is not None:
            reason += f" (last attempt: {progress.last.verdict.reason})"
        chain = progress.chain or _Chain("GET", url)
        verdict = Classification(LinkStatus.TIMEOUT, reason, Failure.TOTAL_TIMEOUT)
        return _Outcome(verdict, chain, error=f"total timeout after {self.options.timeout:g}s")

    def _result(
        self, url: str, outcome: _Outcome, progress: _Progress, started: datetime, elapsed: float
    ) -> FetchResult:
        """Assemble the result; the body is decoded only for a final GET answer."""
        chain, verdict = outcome.chain, outcome.verdict
        reason = verdict.reason
        if progress.attempts > 1:
            reason += f" (after {progress.attempts} attempts)"
        exchanges = tuple(chain.exchanges)
        last = exchanges[-1] if exchanges else None
        hops = tuple(chain.hops)
        visited = (url, chain.current, *(h.url for h in hops))
        return FetchResult(
            url=url,
            status=verdict.status,
            reason=reason,
            started=started,
            http_status=last.status if last is not None else None,
            final_url=chain.current,
            redirects=hops,
            permanent=bool(hops) and all(h.status in PERMANENT_CODES for h in hops),
            content_type=header(last, "content-type") if last is not None else None,
            content=outcome.content,
            truncated=outcome.truncated or (last is not None and last.truncated),
            exchanges=exchanges,
            elapsed=elapsed,
            error=outcome.error,
            extra=dict(progress.notes),
            failure=verdict.failure,
            attempts=progress.attempts,
            soft_kind=outcome.soft_kind,
            insecure=self.options.insecure and any(u.lower().startswith("https:") for u in visited),
        )


# --------------------------------------------------------------------------- worker processes

# Below this many distinct URLs a run is over before worker processes would pay off.
WORKER_MIN_URLS = 100
MAX_AUTO_WORKERS = 4
_FRAME = struct.Struct("!I")


def worker_count(options: FetchOptions, targets: int) -> int:
    """How many worker processes a run of ``targets`` distinct URLs uses (1: none).

    Workers are forked, so only on Linux (macOS system libraries are not safe to use
    after a fork); and not with ``min_interval``, whose pacing stays exact in one process.
    """
    if sys.platform != "linux" or options.min_interval > 0 or targets < 2:
        return 1
    if options.workers:
        return min(options.workers, targets)
    if targets < WORKER_MIN_URLS:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), MAX_AUTO_WORKERS))


@dataclass
class Share:
    """What one worker process checks: its URLs (with HEAD-first or not), its part of
    the global limit, and the per-host limits of hosts it shares with other workers."""

    targets: list[tuple[str, bool]] = field(default_factory=list)
    concurrency: int = 1
    host_limits: dict[str, int] = field(default_factory=dict)


def _host_key(url: str) -> str:
    try:
        return _host_port(url).lower()
    except ValueError:  # a malformed URL: judged as such wherever it goes
        return ""


def plan_shares(
    targets: Sequence[tuple[str, bool]], workers: int, concurrency: int, per_host: int
) -> list[Share]:
    """Deal the URLs out to ``workers`` processes, host by host.

    All the URLs of a host go to one worker, which then applies the per-host limit, the
    pacing and the failure count to that host as one process would. A host with more
    than a worker's fair share of the URLs (a run against one site) is split between
    workers, its per-host limit divided between them so that together they never exceed
    it. The global limit is divided evenly. Workers with nothing to do are left out.
    """
    hosts: dict[str, list[tuple[str, bool]]] = {}
    for target in targets:
        hosts.setdefault(_host_key(target[0]), []).append(target)
    fair = len(targets) / workers
    pieces: list[tuple[str, list[tuple[str, bool]], int]] = []  # host, URLs, limit
    for host, urls in hosts.items():
        parts = min(workers, per_host) if host and len(urls) > fair else 1
        for index in range(parts):
            limit = per_host // parts + (1 if index < per_host % parts else 0)
            pieces.append((host, urls[index::parts], limit))
    shares = [Share(concurrency=max(1, concurrency // workers)) for _ in range(workers)]
    limits: list[dict[str, int]] = [{} for _ in range(workers)]
    for host, urls, limit in sorted(pieces, key=lambda piece: -len(piece[1])):
        least = min(range(workers), key=lambda w: len(shares[w].targets))
        shares[least].targets.extend(urls)
        limits[least][host] = limits[least].get(host, 0) + limit
    for share, assigned in zip(shares, limits, strict=True):
        share.host_limits = {h: n for h, n in assigned.items() if h and n != per_host}
    return [share for share in shares if share.targets]


async def _send_frame(writer: asyncio.StreamWriter, data: bytes) -> None:
    writer.write(_FRAME.pack(len(data)) + data)
    await writer.drain()


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    (size,) = _FRAME.unpack(await reader.readexactly(_FRAME.size))
    return await reader.readexactly(size)


class _Workers:
    """Worker processes, each checking its share of the URLs with the whole engine.

    Parsing HTTP and judging pages in Python costs more CPU time than one core has at a
    few thousand links a second, so a large run is split between processes, host by
    host (see :func:`plan_shares`): each worker applies the limits to its hosts itself,
    with no round trip to the parent between one request to a host and the next. The
    parent sends each worker its share and reads back each result, pickled, over a
    socket pair, as it comes. Workers are forked before any request is made, with the
    parent's client (no connection open yet), and end with ``os._exit`` so that nothing
    of the parent's (buffered output, open files, the store) is flushed or closed twice.
    """

    def __init__(self, pids: list[int], streams: list[tuple[Any, Any]]) -> None:
        self._pids = pids
        self._streams: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = streams

    @classmethod
    async def start(cls, fetcher: _Fetcher, shares: list[Share]) -> _Workers:
        pairs = [socket.socketpair() for _ in shares]
        pids: list[int] = []
        for index, share in enumerate(shares):
            with warnings.catch_warnings():
                # Python 3.12+ warns about forking while other threads run (a progress bar,
                # a test server): the child runs only this engine and touches no lock
                # they could hold (no logging handler, no standard stream).
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # pragma: no cover - the child; coverage cannot follow a fork
                # Keep only our own end: a copy of another worker's socket held here
                # would keep that worker from seeing its socket close.
                for other, (first, second) in enumerate(pairs):
                    first.close()
                    if other != index:
                        second.close()
                _worker_main(pairs[index][1], fetcher, share)
            pids.append(pid)
        streams = []
        for ours, theirs in pairs:
            theirs.close()
            streams.append(await asyncio.open_connection(sock=ours))
        return cls(pids, streams)

    async def results(self) -> AsyncIterator[FetchResult]:
        """Every worker's results, as they come."""
        queue: asyncio.Queue[FetchResult | BaseException | None] = asyncio.Queue()

        async def listen(reader: asyncio.StreamReader) -> None:
            try:
                while True:
                    kind, payload = pickle.loads(await _read_frame(reader))
                    if kind == "end":
                        break
                    if kind == "error":
                        raise RuntimeError(f"a fetch worker failed:\n{payload}")
                    queue.put_nowait(payload)
            except (asyncio.IncompleteReadError, ConnectionError):
                queue.put_nowait(RuntimeError("a fetch worker process stopped unexpectedly"))
            except BaseException as exc:
                queue.put_nowait(exc)
            else:
                queue.put_nowait(None)

        listeners = [asyncio.create_task(listen(reader)) for reader, _ in self._streams]
        try:
            finished = 0
            while finished < len(listeners):
                item = await queue.get()
                if item is None:
                    finished += 1
                elif isinstance(item, BaseException):
                    raise item
                else:
                    yield item
        finally:
            for listener in listeners:
                listener.cancel()
            await asyncio.gather(*listeners, return_exceptions=True)

    async def aclose(self) -> None:
        for _, writer in self._streams:
            writer.close()
        for pid in self._pids:
            await _reap(pid)


async def _reap(pid: int) -> None:
    """Wait for a worker to exit (it does as soon as its socket closes), killing it if it
    has not within a few seconds."""
    for _ in range(1000):
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return
        await asyncio.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _worker_main(
    sock: socket.socket, parent: _Fetcher, share: Share
) -> NoReturn:  # pragma: no cover
    """The whole life of a worker process, after the fork: check, then ``os._exit``."""
    code = 0
    try:
        # The fork copied the parent's running event loop: forget it and start afresh.
        asyncio.events._set_running_loop(None)
        if threading.current_thread() is threading.main_thread():
            signal.set_wakeup_fd(-1)
            # Ctrl-C is the parent's to handle: it closes our socket, and we stop.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        options = replace(parent.options, concurrency=share.concurrency, workers=1)
        fetcher = _Fetcher(options, share.host_limits, parent)
        asyncio.run(_serve(sock, fetcher, share))
    except BaseException:
        code = 1
    finally:
        os._exit(code)


async def _serve(sock: socket.socket, fetcher: _Fetcher, share: Share) -> None:  # pragma: no cover
    """Check the share and send each result to the parent as soon as it is in; stop at
    once if the parent closes the socket (it was interrupted, or it died)."""
    reader, writer = await asyncio.open_connection(sock=sock)
    tasks = [
        asyncio.create_task(fetcher.check(url, head_first=head)) for url, head in share.targets
    ]

    async def send_all() -> None:
        try:
            for next_done in asyncio.as_completed(tasks):
                result = await next_done
                frame = pickle.dumps(("result", result), pickle.HIGHEST_PROTOCOL)
                await _send_frame(writer, frame)
            await _send_frame(writer, pickle.dumps(("end", None)))
        except Exception:
            await _send_frame(writer, pickle.dumps(("error", traceback.format_exc())))

    work = asyncio.create_task(send_all())
    gone = asyncio.create_task(reader.read(1))
    try:
        await asyncio.wait({work, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in [work, gone, *tasks]:
            task.cancel()
        await asyncio.gather(work, gone, *tasks, return_exceptions=True)
        await fetcher.aclose()
        writer.close()
        # close() only starts flushing what is buffered; the process ends with os._exit
        # right after, so wait until the last results (and "end") have left.
        with contextlib.suppress(OSError):
            await writer.wait_closed()


# --------------------------------------------------------------------------- public API


async def fetch_all(
    urls: Sequence[str],
    options: FetchOptions | None = None,
    on_result: Callable[[FetchResult], None] | None = None,
) -> dict[str, FetchResult]:
    """Check every URL, each distinct fragment-free URL fetched once.

    Results are keyed by each URL exactly as given (fragment included), in input order;
    ``on_result`` is called once per distinct given URL as soon as its fetch finishes.
    """
    options = options or FetchOptions()
    given = list(dict.fromkeys(urls))
    by_target: dict[str, list[str]] = {}
    for url in given:
        by_target.setdefault(strip_fragment(url), []).append(url)
    results: dict[str, FetchResult] = {}
    if not given:
        return results
    fetcher = _Fetcher(options)
    # A page whose fragments are to be checked needs its body, even in HEAD-first mode.
    targets = [
        (target, options.head_first and not _any_fragment(given))
        for target, given in by_target.items()
    ]
    workers = worker_count(options, len(targets))
    pool: _Workers | None = None
    tasks: list[asyncio.Task[FetchResult]] = []
    try:
        if workers > 1:
            shares = plan_shares(targets, workers, options.concurrency, options.per_host)
            pool = await _Workers.start(fetcher, shares)
            stream = pool.results()
        else:
            tasks = [asyncio.create_task(fetcher.check(t, head_first=h)) for t, h in targets]
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
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if pool is not None:
            await pool.aclose()
        await fetcher.aclose()
    return {url: results[url] for url in given}


async def _as_they_come(tasks: list[asyncio.Task[FetchResult]]) -> AsyncIterator[FetchResult]:
    for next_done in asyncio.as_completed(tasks):
        yield await next_done


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
) -> dict[str, FetchResult]:
    """:func:`fetch_all` for callers without an event loop (the CLI)."""
    return asyncio.run(fetch_all(urls, options, on_result))


_OFFLINE_FAILURES = frozenset({Failure.DNS, Failure.NO_ROUTE})


def network_state(results: Iterable[FetchResult]) -> Network:
    """OFFLINE when every URL that was tried failed before reaching any server (no name
    resolved, no route): then dead links say nothing about the sources."""
    tried = [r for r in results if r.failure is not Failure.INVALID_URL]
    if tried and all(
        r.status is LinkStatus.UNREACHABLE and r.failure in _OFFLINE_FAILURES for r in tried
    ):
        return Network.OFFLINE
    return Network.ONLINE
