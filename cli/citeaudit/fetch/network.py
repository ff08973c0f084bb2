"""Whether a run was offline: then dead links say nothing about the sources, and the
report says so instead of condemning them."""

from __future__ import annotations

from collections.abc import Iterable

from citeaudit.fetch.result import Failure, FetchResult
from citeaudit.vocab import LinkStatus, Network

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
