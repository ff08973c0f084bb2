"""The result of a run, as plain data: what every report format renders."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from citeaudit.archive import Snapshot
from citeaudit.fetch import FetchResult
from citeaudit.model import Document, Source
from citeaudit.verify import ClaimResult
from citeaudit.vocab import ClaimVerdict, LinkStatus, Network


@dataclass(frozen=True)
class RunInfo:
    """When and on what a run happened."""

    id: str
    started: datetime
    finished: datetime
    sources_file: str
    network: Network
    store: str | None = None
    # HTTP codes the user counts as fine (--accept): reported as they are, never findings.
    accept: frozenset[int] = frozenset()
    # TLS certificates were not verified (--insecure).
    insecure: bool = False


@dataclass(frozen=True)
class ArchivedCopy:
    """A public web archive's copy of a source (a Memento), or why none was found.

    ``url`` is the memento as the archive shows it; ``raw_url`` the unrewritten bytes
    (Wayback's ``id_`` form) that were fetched, kept and judged on. ``found`` is False when
    the archive answered but had nothing, None when it could not be asked (``note`` says
    why: a timeout, a rate limit): unknown, never "never archived".
    """

    timegate: str
    found: bool | None
    url: str | None = None
    raw_url: str | None = None
    date: datetime | None = None
    http_status: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class SourceResult:
    """One source: its fetch (None when it has no URL), the snapshot kept of it, and the
    public archive's copy when one was looked up."""

    source: Source
    fetch: FetchResult | None = None
    snapshot: Snapshot | None = None
    note: str | None = None
    archived: ArchivedCopy | None = None
    saved: ArchivedCopy | None = None  # what Save Page Now archived on this run (--save)

    @property
    def status(self) -> LinkStatus | None:
        """The link status, or None for a source with nothing to fetch."""
        return self.fetch.status if self.fetch else None


@dataclass(frozen=True)
class AuditResult:
    """Everything a report needs: the run, each source, each claim."""

    run: RunInfo
    document: Document | None
    sources: tuple[SourceResult, ...]
    claims: tuple[ClaimResult, ...] = ()

    def source_counts(self) -> Counter[str]:
        """How many sources ended in each link status ('no_copy' for those with none)."""
        return Counter(str(s.status) if s.status else "no_copy" for s in self.sources)

    def claim_counts(self) -> Counter[ClaimVerdict]:
        """How many claims ended in each verdict."""
        return Counter(c.verdict for c in self.claims)


def accepted(item: SourceResult, codes: frozenset[int]) -> bool:
    """Whether the user chose to count this source's HTTP answer as fine (``--accept``).

    Only a status decided by the code itself can be accepted: a soft 404 is judged on the
    page, and a failure (a redirect loop, say) is not the code's doing.
    """
    fetch = item.fetch
    return (
        fetch is not None
        and fetch.http_status in codes
        and fetch.failure is None
        and fetch.status is not LinkStatus.SOFT_404
        and not fetch.status.alive
    )


def findings(result: AuditResult) -> list[str]:
    """What makes a run fail (exit code 1): rotted links, claims that do not stand.

    Links that were refused (``blocked``, ``rate_limited``) are not proof of rot and are
    not findings; nor are claims that nothing could check (``unverifiable``), nor links
    whose HTTP code the user accepted (``RunInfo.accept``).
    """
    found: list[str] = []
    if result.run.network is Network.OFFLINE:
        found.append("the network looks unreachable: no source could be checked")
        return found
    found.extend(
        f"source {s.source.id}: {s.status}"
        for s in result.sources
        if s.status is not None and s.status.rotted and not accepted(s, result.run.accept)
    )
    found.extend(
        f"claim {c.claim.id}: {c.verdict}"
        for c in result.claims
        if c.verdict in (ClaimVerdict.UNSUPPORTED, ClaimVerdict.PARTLY_SUPPORTED)
    )
    return found
