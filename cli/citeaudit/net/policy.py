"""The one HTTP politeness policy of a run, for every client that talks for it (the link
checker, the web-archive client): a limit on requests in flight to one host, a least
interval between request starts on one host, back-off with jitter between attempts, the
server's ``Retry-After`` honoured up to a cap, and bodies read up to a cap.

Hosts are told apart by :func:`~citeaudit.net.urls.host_key` (``host:port``), so two ways
of writing one host share its limits.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import re
from collections.abc import AsyncIterable, Mapping
from datetime import UTC, datetime
from typing import Protocol

from citeaudit.net.urls import host_key

_DELTA_SECONDS = re.compile(r"[0-9]+")


class PolicySettings(Protocol):
    """The options the policy is made from (the link checker's ``FetchOptions`` has them)."""

    @property
    def per_host(self) -> int: ...
    @property
    def min_interval(self) -> float: ...
    @property
    def retries(self) -> int: ...
    @property
    def backoff_base(self) -> float: ...
    @property
    def retry_after_cap(self) -> float: ...


class HostSlots:
    """Each host's turn: at most ``per_host`` requests in flight to it (``limits`` overrides
    that for some hosts, by host key), and request starts at least ``min_interval`` apart."""

    def __init__(
        self, per_host: int, min_interval: float = 0.0, limits: Mapping[str, int] | None = None
    ) -> None:
        self.per_host = per_host
        self.min_interval = min_interval
        self._limits = dict(limits or {})
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._next_start: dict[str, float] = {}

    def slot(self, url: str) -> asyncio.Semaphore:
        """The semaphore whose holders are the requests in flight to ``url``'s host."""
        key = host_key(url)
        slot = self._slots.get(key)
        if slot is None:
            slot = self._slots[key] = asyncio.Semaphore(self._limits.get(key, self.per_host))
        return slot

    async def pace(self, url: str) -> None:
        """Wait for the host's next free start time (``min_interval`` after the last one
        booked), booking it before sleeping so that waiters queue in order."""
        interval = self.min_interval
        if interval <= 0:
            return
        key = host_key(url)
        now = asyncio.get_running_loop().time()
        start = max(now, self._next_start.get(key, now))
        self._next_start[key] = start + interval
        if start > now:
            await asyncio.sleep(start - now)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or HTTP-date); None if absent or
    unreadable."""
    if value is None:
        return None
    text = value.strip()
    if _DELTA_SECONDS.fullmatch(text):  # ASCII digits only: "²" is a digit to str.isdigit
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryPolicy:
    """When to try again: up to ``retries`` more attempts, each after the server's
    ``Retry-After`` when it gave one (no more than ``retry_after_cap``), else after an
    exponential back-off from ``backoff_base`` with jitter (so that many waiters do not
    come back at once)."""

    def __init__(self, retries: int, backoff_base: float, retry_after_cap: float) -> None:
        self.retries = retries
        self.backoff_base = backoff_base
        self.retry_after_cap = retry_after_cap

    @classmethod
    def of(cls, settings: PolicySettings) -> RetryPolicy:
        return cls(settings.retries, settings.backoff_base, settings.retry_after_cap)

    def may_retry(self, attempt: int) -> bool:
        """Whether attempt number ``attempt`` (from 1) may be followed by another."""
        return attempt <= self.retries

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after attempt number ``attempt`` failed: base * 2^(attempt-1),
        plus up to base again of jitter."""
        base = self.backoff_base
        return float(base * 2 ** (attempt - 1) + random.uniform(0, base))

    def too_long(self, asked: float | None) -> bool:
        """Whether the server asked for a longer wait than we are willing to give."""
        return asked is not None and asked > self.retry_after_cap

    def wait(self, attempt: int, asked: float | None) -> float:
        """Seconds to wait before the next attempt: what the server asked, else the
        back-off (check :meth:`too_long` first)."""
        return asked if asked is not None else self.backoff(attempt)


async def read_capped(chunks: AsyncIterable[bytes], cap: int) -> tuple[bytes, bool]:
    """A body from its chunks as they come, stopping at ``cap`` bytes; True when it had
    more (the rest is not read)."""
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        if size + len(chunk) > cap:
            parts.append(chunk[: cap - size])
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False
