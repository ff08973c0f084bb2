"""What checking one URL came to, as plain data: the contract with the archive, extract,
verify and store stages.

A :class:`FetchResult` keeps each HTTP exchange as it happened (one per redirect hop) so
the archive can write faithful WARC records, and the decoded body of the final answer so
the extractor never downloads twice. This module imports no HTTP client and no part of the
engine, so any stage can name these types for free.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from citeaudit.net import Exchange as Exchange
from citeaudit.net import Headers as Headers
from citeaudit.net import Hop as Hop
from citeaudit.vocab import LinkStatus

if TYPE_CHECKING:
    from citeaudit.fetch.anchors import FragmentCheck
    from citeaudit.fetch.soft404 import SoftKind


class Failure(StrEnum):
    """Why no usable answer came back, for code to test (``reason`` is for people).

    ``None`` on a :class:`FetchResult` means the server answered and ``http_status`` says how.
    """

    INVALID_URL = "invalid_url"
    BAD_REDIRECT = "bad_redirect"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    # Refused by the address policy: a redirect from a public address into a private one,
    # or a link-local address (see citeaudit.net.addresses). Nothing was sent there.
    ADDRESS = "address"
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

    ``url`` is the URL as given (the key callers look results up by, with any password in
    it); every other URL here (``final_url``, the hops, the exchanges) and every reason is
    as stored and shown, without user name or password (:func:`citeaudit.net.shown_url`).
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
