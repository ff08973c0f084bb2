"""How hard and how politely to fetch: the options of a link check (also those of the
web-archive client, which asks archives with the same limits), and the parsers of the
sizes and status codes users write on the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeaudit.errors import UsageError
from citeaudit.net import USER_AGENT, Classifier, Resolver, classify_address

MIB = 1024 * 1024


@dataclass(frozen=True)
class FetchOptions:
    """How hard and how politely to fetch; every limit exists so one bad server cannot stall
    or flood the run.

    ``min_interval``: least seconds between the starts of two requests to one host (0:
    no pause). ``host_failures``: after this many URLs of one host in a row fail to get an
    answer (refused, DNS, TLS, timeouts, resets), the host's other URLs are not tried but
    given the same status at once (0: never give up on a host). ``workers``: processes
    that make the requests (see :func:`~citeaudit.fetch.workers.worker_count`): 0 chooses
    (one per core, up to 4, for runs of 100 URLs or more, on Linux), 1 uses none.
    ``accept``: HTTP codes the user counts as fine (``--accept``): each link keeps its
    real status, but is no finding. ``address_classifier`` says which addresses are
    public, private or link-local (see :mod:`citeaudit.net.addresses`), ``resolver`` looks
    host names up (None: the system's resolver): both there for tests to inject.
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
    address_classifier: Classifier = classify_address
    resolver: Resolver | None = None

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
