"""What the store remembers of each source: every capture and status, and when it broke.

A source that answers today may be gone next month; the store keeps every run's fetch, so
the history shows when a link first failed (the start of its current run of failures) and
when it last answered, which is what a reader of an old document needs to know.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from citeaudit.archive.warc import utc
from citeaudit.errors import UsageError
from citeaudit.fetch.engine import strip_fragment
from citeaudit.store.database import Store
from citeaudit.vocab import LinkStatus


@dataclass(frozen=True)
class Capture:
    """One run's look at a source: the fetch (none for a local file) and the copy kept."""

    run_id: str
    source_id: str
    date: datetime
    url: str
    status: LinkStatus | None  # None for a local file, which is not fetched
    reason: str
    http_status: int | None
    final_url: str | None
    #: ``response`` (a new copy), ``revisit`` (unchanged since an earlier copy),
    #: ``resource`` (a local file), or None (nothing came back to keep).
    record_type: str | None
    warc: str | None
    record_id: str | None
    sha256: str | None

    @property
    def failed(self) -> bool:
        """Whether this fetch is evidence of rot (refusals such as 403 are not)."""
        return self.status is not None and self.status.rotted

    @property
    def answered(self) -> bool:
        """Whether the source answered with its content (or is a local file)."""
        return self.status is None or self.status.alive


@dataclass(frozen=True)
class SourceHistory:
    """Every capture of one source, oldest first."""

    source_id: str
    captures: tuple[Capture, ...]

    @property
    def url(self) -> str:
        """The URL as cited most recently."""
        return self.captures[-1].url

    @property
    def latest(self) -> Capture:
        return self.captures[-1]

    @property
    def last_answered(self) -> Capture | None:
        """The most recent capture in which the source answered."""
        return next((c for c in reversed(self.captures) if c.answered), None)

    @property
    def first_failed(self) -> Capture | None:
        """When the current run of failures began; None if the latest look did not fail."""
        first: Capture | None = None
        for capture in reversed(self.captures):
            if not capture.failed:
                break
            first = capture
        return first

    @property
    def ever_failed(self) -> Capture | None:
        """The first failure ever recorded, even if the source answered again since."""
        return next((c for c in self.captures if c.failed), None)

    @property
    def copies(self) -> int:
        """How many captures kept a copy (new or unchanged)."""
        return sum(1 for c in self.captures if c.record_type is not None)


_CAPTURES = """
    SELECT f.run_id, f.source_id, f.fetched AS date, f.url, f.status, f.reason,
        f.http_status, f.final_url, s.record_type, s.warc, s.record_id, s.sha256
    FROM fetches f
    LEFT JOIN snapshots s ON s.id = (
        SELECT max(t.id) FROM snapshots t WHERE t.run_id = f.run_id AND t.source_id = f.source_id
    )
    UNION ALL
    SELECT s.run_id, s.source_id, s.date, s.url, NULL, '', NULL, NULL, s.record_type, s.warc,
        s.record_id, s.sha256
    FROM snapshots s
    WHERE NOT EXISTS (
        SELECT 1 FROM fetches f WHERE f.run_id = s.run_id AND f.source_id = s.source_id
    )
    ORDER BY date, run_id, source_id
"""


def _capture(row: sqlite3.Row) -> Capture:
    get = row.__getitem__
    status = get("status")
    http_status = get("http_status")
    return Capture(
        run_id=str(get("run_id")),
        source_id=str(get("source_id")),
        date=utc(datetime.fromisoformat(str(get("date")))),
        url=str(get("url")),
        status=None if status is None else LinkStatus(str(status)),
        reason=str(get("reason") or ""),
        http_status=None if http_status is None else int(http_status),
        final_url=get("final_url"),
        record_type=get("record_type"),
        warc=get("warc"),
        record_id=get("record_id"),
        sha256=get("sha256"),
    )


def all_histories(store_dir: Path) -> list[SourceHistory]:
    """Every source the store has seen, each with its captures, in order of source id."""
    with Store.open(store_dir, create=False) as store:
        rows = store.query(_CAPTURES)
    by_source: dict[str, list[Capture]] = {}
    for row in rows:
        capture = _capture(row)
        by_source.setdefault(capture.source_id, []).append(capture)
    return [SourceHistory(sid, tuple(caps)) for sid, caps in sorted(by_source.items())]


def history(store_dir: Path, key: str) -> list[SourceHistory]:
    """The history of the source with id ``key``, or of every source cited at URL ``key``
    (as cited, or where its redirects ended; a #fragment is ignored)."""
    everything = all_histories(store_dir)
    exact = [h for h in everything if h.source_id == key]
    if exact:
        return exact
    wanted = strip_fragment(key)
    found = [
        h
        for h in everything
        if any(
            strip_fragment(c.url) == wanted
            or (c.final_url and strip_fragment(c.final_url) == wanted)
            for c in h.captures
        )
    ]
    if not found:
        raise UsageError(
            f"no source with the id or URL {key!r} in the store at {store_dir}",
            hint="run 'citeaudit history' with no argument to list every source in the store",
        )
    return found
