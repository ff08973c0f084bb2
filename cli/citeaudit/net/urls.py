"""URL rules every HTTP client of citeaudit follows: which URLs may be fetched, what goes on
the wire, what is stored and shown (never a password), and the one host key that per-host
limits, pacing and failure counts are about.

Most URLs are plain (``https://example.org/a/b?c``) and are settled here with one regular
expression; anything else goes through httpx's URL parser, imported only then, so naming
these rules loads no HTTP client.
"""

from __future__ import annotations

import base64
import functools
import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}

# Everything a URL may hold unescaped, as httpx sends it; anything else goes through
# httpx.URL to be normalised (IDN hosts to punycode, spaces and other bytes escaped).
_PLAIN = re.compile(
    r"(https?)://([a-z0-9.-]+)(?::(\d{1,5}))?"
    r"((?:/(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*)*)"
    r"(\?(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*)?",
    re.IGNORECASE,
)
_IPV4_STYLE = re.compile(r"\d+\.\d+\.\d+\.\d+")
_HTTP_SCHEMES = ("http", "https")
_BAD_HOST_CHARS = set('<>"{}|\\^`%')


def _plain(url: str) -> re.Match[str] | None:
    match = _PLAIN.fullmatch(url)
    if match is None or (match[3] and int(match[3]) > 65535) or "/." in match[4]:
        return None  # a port out of range, or dot segments to resolve as httpx does
    host = match[2]
    if _IPV4_STYLE.fullmatch(host) and not _possible_ipv4(host):
        return None  # for httpx to refuse, as it refuses 999.1.1.1
    return match


@functools.lru_cache(maxsize=1024)
def _possible_ipv4(host: str) -> bool:
    """Whether four dotted numbers make an IPv4 address (asked of every URL of a run, of
    few hosts: kept)."""
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def plain_url(url: str) -> bool:
    """Whether a URL is an http(s) URL in the plain form that needs no normalising (a
    host of letters, digits, dots and dashes, a port in range, nothing to escape)."""
    return _plain(url) is not None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a request goes and what it asks for, as bytes go on the wire."""

    scheme: str
    host: str
    port: int
    authority: str  # the Host header: the port only when it is not the default
    path: str  # the request target: path and query
    userinfo: str = ""


def target(url: str) -> Target:
    """Split a fragment-free http(s) URL the way httpx would send it; raises httpx's
    InvalidURL or UnsupportedProtocol, which the link checker's classifier reads."""
    match = _plain(url)
    if match is not None:
        scheme, host, port, path, query = match.groups()
        scheme, host = scheme.lower(), host.lower()
        default = DEFAULT_PORTS[scheme]
        number = int(port) if port else default
        authority = host if number == default else f"{host}:{number}"
        return Target(scheme, host, number, authority, (path or "/") + (query or ""))
    import httpx

    parsed = httpx.URL(url)
    scheme = parsed.scheme
    if scheme not in DEFAULT_PORTS:
        raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{scheme}://'")
    host = parsed.raw_host.decode("ascii")
    number = parsed.port or DEFAULT_PORTS[scheme]
    shown = f"[{host}]" if ":" in host else host
    authority = shown if parsed.port is None else f"{shown}:{number}"
    userinfo = parsed.userinfo.decode("ascii")
    return Target(scheme, host, number, authority, parsed.raw_path.decode("ascii"), userinfo)


# Where a URL's authority (``user:password@host:port``) ends: ``\`` too, as browsers read it.
_AUTHORITY_END = re.compile(r"[/?#\\]")
#: What stands for the credentials of an Authorization header that is kept.
REDACTED = "[redacted]"
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})


def shown_url(url: str) -> str:
    """The URL as stored and shown: without its user name and password (the user name
    goes too, since a token is often written there, ``https://TOKEN@host/``). Everything
    else is kept as written; what is sent is the URL itself."""
    if "@" not in url:
        return url  # nearly every URL: nothing to take out
    start = url.find("://")
    if start < 0:
        return url
    start += 3
    match = _AUTHORITY_END.search(url, start)
    end = match.start() if match else len(url)
    at = url.rfind("@", start, end)
    return url if at < 0 else url[:start] + url[at + 1 :]


def scrubbed(text: str, url: str) -> str:
    """``text`` (a message about ``url``) with the URL's user name and password taken out
    wherever they appear, as :func:`shown_url` takes them out of the URL."""
    shown = shown_url(url)
    if shown == url:
        return text
    start = url.find("://") + 3
    userinfo = url[start : start + len(url) - len(shown)]  # "user:password@"
    return text.replace(userinfo, "")


def basic_authorization(userinfo: str) -> str:
    """The Authorization header of a URL's ``user:password`` (percent-escapes undone)."""
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    return f"Basic {token}"


def redacted_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Request headers as kept: credentials replaced by :data:`REDACTED`, their scheme
    kept (``Basic [redacted]``), so a record says credentials were sent but not which."""
    return tuple(
        (name, _redacted(value)) if name.lower() in _CREDENTIAL_HEADERS else (name, value)
        for name, value in headers
    )


def _redacted(value: str) -> str:
    scheme, _, credentials = value.strip().partition(" ")
    return f"{scheme} {REDACTED}" if credentials else REDACTED


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None: checked first so nothing odd is ever sent."""
    if plain_url(url):
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
    import httpx

    try:
        httpx.URL(url)
    except httpx.InvalidURL as exc:
        return f"malformed URL {url!r}: {exc}"
    return None


def strip_fragment(url: str) -> str:
    """The URL as sent on the wire: servers never see the #fragment."""
    return url.strip().split("#", 1)[0]


@functools.lru_cache(maxsize=4096)  # asked several times for each URL
def host_key(url: str) -> str:
    """``host:port`` of a URL (the port given or the scheme's, the host in lower case): the
    unit that per-host limits, pacing, failure counts and messages are about, for every
    client alike. Empty for a URL too malformed to name a host."""
    match = _plain(url)
    if match is not None:
        port = int(match[3] or 0) or DEFAULT_PORTS[match[1].lower()]
        return f"{match[2].lower()}:{port}"
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return ""
    return f"{parts.hostname or ''}:{port}"


def host_name(url: str) -> str:
    """The host name alone (what a certificate or a DNS lookup is about)."""
    try:
        return urlsplit(url).hostname or url
    except ValueError:
        return url


def host_label(url: str) -> str:
    """``host[:port]`` as the URL writes it, for messages that name a service (an archive):
    never its user name or password."""
    try:
        netloc = urlsplit(url).netloc
    except ValueError:
        return url
    return netloc.rpartition("@")[2] or url
