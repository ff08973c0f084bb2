"""Answers shared between redirect chains of one run, within a memory budget.

Two sources may reach one URL (one by a redirect): the request is sent once, and a chain
that reaches it later takes the answer in hand, or waits for the one in flight. Answers a
retry might change are not kept, and past the budget the oldest kept answers are let go
(a later chain then asks again), so a run never holds every body it fetched.
"""

from __future__ import annotations

import asyncio

from citeaudit.net import Exchange

#: The most bytes of answers kept for chains that may reach the same URL later.
SHARED_ANSWERS_BUDGET = 64 * 1024 * 1024

Key = tuple[str, str]  # method, URL


class Abandoned(Exception):
    """The request another chain was waiting for was given up (its own time ran out): the
    waiter sends it itself."""


def kept_for_others(exchange: Exchange) -> bool:
    """Whether a later chain may take this answer as its own: not one a retry might change."""
    code = exchange.status
    return code not in (408, 429) and not 500 <= code < 600


class SharedAnswers:
    """Each cookie-free request of the run, by method and URL: its answer, or the future
    answer while it is in flight."""

    def __init__(self, budget: int | None = None) -> None:
        self._budget = budget
        self._answers: dict[Key, asyncio.Future[Exchange]] = {}
        self._kept: dict[Key, int] = {}  # answers kept, oldest first: their body sizes
        self._kept_bytes = 0

    def pending(self, key: Key) -> asyncio.Future[Exchange] | None:
        """The answer to this request, in hand or in flight, if another chain sent it."""
        return self._answers.get(key)

    def start(self, key: Key) -> asyncio.Future[Exchange]:
        """Say this chain is sending the request: later chains wait for its answer."""
        future: asyncio.Future[Exchange] = asyncio.get_running_loop().create_future()
        self._answers[key] = future
        return future

    def failed(
        self, key: Key, future: asyncio.Future[Exchange], shared: BaseException | None
    ) -> None:
        """The request failed: waiting chains get ``shared`` (else send it themselves), and
        later chains send it again."""
        if self._answers.get(key) is future:
            del self._answers[key]
            self._kept_bytes -= self._kept.pop(key, 0)
        future.set_exception(shared or Abandoned())
        future.exception()  # no chain may be waiting: nothing to report unretrieved

    def answered(self, key: Key, future: asyncio.Future[Exchange], exchange: Exchange) -> None:
        """The answer came: kept for later chains (within the budget) unless a retry might
        change it."""
        if self._answers.get(key) is future:
            if kept_for_others(exchange):
                self._keep(key, len(exchange.body))
            else:
                del self._answers[key]
        future.set_result(exchange)

    def _keep(self, key: Key, size: int) -> None:
        budget = SHARED_ANSWERS_BUDGET if self._budget is None else self._budget
        self._kept_bytes += size - self._kept.pop(key, 0)
        self._kept[key] = size
        while self._kept_bytes > budget and len(self._kept) > 1:
            oldest = next(iter(self._kept))
            self._kept_bytes -= self._kept.pop(oldest)
            pending = self._answers.get(oldest)
            if pending is not None and pending.done():
                del self._answers[oldest]
