"""Fetch every source URL and classify what came back.

The data types here are the contract with the archive, extract and verify stages: a
:class:`FetchResult` keeps each HTTP exchange as it happened (one per redirect hop) so the
archive can write faithful WARC records, and the decoded body of the final answer so the
extractor never downloads twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime

from citeaudit.vocab import LinkStatus

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
    body: bytes
    date: datetime
    truncated: bool = False


@dataclass(frozen=True)
class Hop:
    """One redirect on the way to the final URL."""

    url: str
    status: int


@dataclass(frozen=True)
class FetchResult:
    """What checking one URL came to; failures are data here, not exceptions."""

    url: str
    status: LinkStatus
    reason: str
    started: datetime
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    permanent: bool = False
    content_type: str | None = None
    content: bytes = b""
    truncated: bool = False
    exchanges: tuple[Exchange, ...] = ()
    elapsed: float = 0.0
    error: str | None = None
    fragment_problem: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str | None:
        """SHA-256 of the decoded body of the final answer, when there was one."""
        if not self.exchanges:
            return None
        return hashlib.sha256(self.content).hexdigest()
