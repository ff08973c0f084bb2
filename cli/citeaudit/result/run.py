"""The result of a run, as plain data: what every report format renders."""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from citeaudit.vocab import ClaimVerdict, LinkStatus, Network

if TYPE_CHECKING:  # only named here: `check` needs neither warcio nor the quote finder
    from citeaudit.archive import Snapshot
    from citeaudit.catalog import Document, Source
    from citeaudit.fetch import FetchResult
    from citeaudit.verify import ClaimResult
    from citeaudit.webarchive import ArchivedCopy


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
    # SHA-256 of the sources file's bytes the run read (None when no run was recorded, as
    # for `check`): `report` compares it with the file now, to say when it has changed.
    sources_sha256: str | None = None


def new_run_id(now: datetime | None = None) -> str:
    """A short id that sorts by start time: ``20240501T120000Z-1a2b3c`` (a naive ``now`` is
    taken to be UTC already)."""
    moment = now or datetime.now(UTC)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


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
    #: Why the source's local file cannot be read (missing, a folder, too big): a finding.
    problem: str | None = None

    @property
    def status(self) -> LinkStatus | None:
        """The link status, or None for a source with nothing to fetch."""
        return self.fetch.status if self.fetch else None

    @property
    def robust_link(self) -> str | None:
        """The Robust Links ``<a>`` element for this source (see
        :func:`citeaudit.webarchive.robustlinks.robust_link`): with the archived copy found near the
        accessed date, else the one Save Page Now made; None when the source has no URL."""
        from citeaudit.webarchive import robust_link

        copy = self.archived if self.archived is not None and self.archived.found else None
        if copy is None and self.saved is not None and self.saved.found:
            copy = self.saved
        return robust_link(self.source, copy)


@dataclass(frozen=True)
class AuditResult:
    """Everything a report needs: the run, each source, each claim."""

    run: RunInfo
    document: Document | None
    sources: tuple[SourceResult, ...]
    claims: tuple[ClaimResult, ...] = ()

    def source_counts(self) -> Counter[str]:
        """How many sources ended in each link status ('local_file' for a local file,
        'no_copy' for a source with neither URL nor file)."""
        return Counter(
            str(s.status) if s.status else "local_file" if s.source.file else "no_copy"
            for s in self.sources
        )

    def claim_counts(self) -> Counter[ClaimVerdict]:
        """How many claims ended in each verdict."""
        return Counter(c.verdict for c in self.claims)
