"""What each run fetched and kept: fetches, snapshots (where each archived copy is), and the
history of captures that ``citeaudit history`` and the report show.

A snapshot row is only ever written after its WARC record is on disk, so every row points
at a whole record. Rows come back as typed data (:class:`~citeaudit.archive.Snapshot`,
:class:`~citeaudit.fetch.FetchResult`, :class:`Capture`), never as SQL rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from citeaudit.archive import RecordRef, Snapshot
from citeaudit.fetch import FetchResult, Hop
from citeaudit.net import shown_url
from citeaudit.store.connection import StoreConnection, parse_time, time_text
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


class CaptureRecords(StoreConnection):
    """The store's fetches and snapshots."""

    def record_fetch(self, run_id: str, source_id: str, result: FetchResult) -> None:
        """Record what checking a source's URL came to (replacing an earlier try in the run).
        The URL as cited is kept without a user name or password
        (:func:`citeaudit.net.shown_url`); the fetch gives its hops and final URL so already."""
        redirects = json.dumps([{"url": hop.url, "status": hop.status} for hop in result.redirects])
        row = (
            run_id,
            source_id,
            shown_url(result.url),
            str(result.status),
            result.reason,
            result.http_status,
            result.final_url,
            redirects,
            int(result.permanent),
            result.content_type,
            result.sha256,
            int(result.truncated),
            time_text(result.started),
            result.elapsed,
            result.error,
            result.fragment_problem,
        )
        with self._transaction():
            self._db.execute(
                "INSERT INTO fetches (run_id, source_id, url, status, reason, http_status,"
                " final_url, redirects, permanent, content_type, sha256, truncated, fetched,"
                " elapsed, error, fragment_problem)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id, source_id) DO UPDATE SET url = excluded.url,"
                " status = excluded.status, reason = excluded.reason,"
                " http_status = excluded.http_status, final_url = excluded.final_url,"
                " redirects = excluded.redirects, permanent = excluded.permanent,"
                " content_type = excluded.content_type, sha256 = excluded.sha256,"
                " truncated = excluded.truncated, fetched = excluded.fetched,"
                " elapsed = excluded.elapsed, error = excluded.error,"
                " fragment_problem = excluded.fragment_problem",
                row,
            )

    def record_snapshot(self, run_id: str, source_id: str, snapshot: Snapshot) -> int:
        """Record where a source's archived copy is; call after its WARC record is written.

        Returns the snapshot's row id (recording the same one again returns the same id).
        """
        ref = snapshot.refers_to
        row = (
            run_id,
            source_id,
            snapshot.url,
            snapshot.warc,
            snapshot.offset,
            snapshot.length,
            snapshot.record_id,
            time_text(snapshot.date),
            snapshot.sha256,
            snapshot.content_type,
            snapshot.http_status,
            snapshot.record_type,
            snapshot.payload_digest,
            ref.record_id if ref else None,
            ref.warc if ref else None,
            ref.offset if ref else None,
            ref.length if ref else None,
            time_text(ref.date) if ref else None,
            snapshot.metadata_id,
        )
        with self._transaction():
            self._db.execute(
                'INSERT INTO snapshots (run_id, source_id, url, warc, "offset", length,'
                " record_id, date, sha256, content_type, http_status, record_type,"
                " payload_digest, refers_to_record_id, refers_to_warc, refers_to_offset,"
                " refers_to_length, refers_to_date, metadata_record_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (run_id, source_id, record_id) DO NOTHING",
                row,
            )
            found = self._db.execute(
                "SELECT id FROM snapshots WHERE run_id = ? AND source_id = ? AND record_id = ?",
                (run_id, source_id, snapshot.record_id),
            ).fetchone()
        return int(found[0])

    def run_captures(self, run_id: str) -> dict[str, tuple[FetchResult | None, Snapshot]]:
        """What a run already captured, by source: its fetch (without the body, which is in
        the WARC) and its latest snapshot. Sources the run has no snapshot of are left out."""
        with self._errors():
            snaps = self._db.execute(
                f"SELECT source_id, {_SNAPSHOT_COLUMNS} FROM snapshots WHERE run_id = ?"
                " ORDER BY id",
                (run_id,),
            ).fetchall()
            fetch_rows = self._db.execute(
                "SELECT source_id, url, status, reason, http_status, final_url, redirects,"
                " permanent, content_type, truncated, fetched, elapsed, error, fragment_problem"
                " FROM fetches WHERE run_id = ?",
                (run_id,),
            ).fetchall()
        fetches = {str(row[0]): _fetch_result(row[1:]) for row in fetch_rows}
        captured: dict[str, tuple[FetchResult | None, Snapshot]] = {}
        for row in snaps:
            source_id = str(row[0])
            captured[source_id] = (fetches.get(source_id), _snapshot(row[1:]))
        return captured

    def find_original(
        self, url: str, payload_digest: str, *, other_than_run: str | None = None
    ) -> RecordRef | None:
        """The earliest response record of ``url`` with this payload: what a revisit names.

        ``other_than_run`` leaves out that run's own captures (dedup is across runs).
        """
        with self._errors():
            row = self._db.execute(
                'SELECT url, date, warc, "offset", length, record_id FROM snapshots'
                " WHERE url = ? AND payload_digest = ? AND record_type = 'response'"
                " AND run_id IS NOT ? ORDER BY date, id LIMIT 1",
                (url, payload_digest, other_than_run),
            ).fetchone()
        if row is None:
            return None
        return RecordRef(
            url=str(row[0]),
            date=parse_time(str(row[1])),
            warc=str(row[2]),
            offset=int(row[3]),
            length=int(row[4]),
            record_id=str(row[5]),
        )

    def snapshots_for(self, source_id: str) -> list[Snapshot]:
        """Every archived copy of a source, oldest first."""
        with self._errors():
            rows = self._db.execute(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE source_id = ? ORDER BY date, id",
                (source_id,),
            ).fetchall()
        return [_snapshot(row) for row in rows]

    def every_snapshot(self) -> list[tuple[str, Snapshot]]:
        """Every snapshot of every source, with its source's id, in the order recorded."""
        with self._errors():
            rows = self._db.execute(
                f"SELECT source_id, {_SNAPSHOT_COLUMNS} FROM snapshots ORDER BY id"
            ).fetchall()
        return [(str(row[0]), _snapshot(row[1:])) for row in rows]

    def good_snapshots(self, source_id: str) -> list[Snapshot]:
        """Copies of a source worth judging on, newest first: captures whose fetch came back
        ``ok`` or ``redirected`` (so not a soft 404 or a bot wall served with 200)."""
        columns = ", ".join(f"s.{c.strip()}" for c in _SNAPSHOT_COLUMNS.split(","))
        with self._errors():
            rows = self._db.execute(
                f"SELECT {columns} FROM snapshots s JOIN fetches f"
                " ON f.run_id = s.run_id AND f.source_id = s.source_id"
                " WHERE s.source_id = ? AND f.status IN ('ok', 'redirected')"
                " ORDER BY s.date DESC, s.id DESC",
                (source_id,),
            ).fetchall()
        return [_snapshot(row) for row in rows]

    def captures(self) -> list[Capture]:
        """Every run's look at every source, oldest first: each fetch with the copy its run
        kept (if any), and each local file's copy (which is not fetched)."""
        with self._errors():
            rows = self._db.execute(_CAPTURES).fetchall()
        return [_capture(row) for row in rows]


_SNAPSHOT_COLUMNS = (
    'url, warc, "offset", length, record_id, date, sha256, content_type, http_status,'
    " record_type, payload_digest, refers_to_record_id, refers_to_warc, refers_to_offset,"
    " refers_to_length, refers_to_date, metadata_record_id"
)


def _snapshot(row: Sequence[object]) -> Snapshot:
    (url, warc, offset, length, record_id, date, sha256, content_type, http_status) = row[:9]
    (kind, digest, ref_id, ref_warc, ref_offset, ref_length, ref_date, metadata_id) = row[9:]
    ref = None
    if ref_id is not None:
        ref = RecordRef(
            url=str(url),
            date=parse_time(str(ref_date)),
            warc=str(ref_warc),
            offset=int(str(ref_offset)),
            length=int(str(ref_length)),
            record_id=str(ref_id),
        )
    return Snapshot(
        url=str(url),
        warc=str(warc),
        offset=int(str(offset)),
        length=int(str(length)),
        record_id=str(record_id),
        date=parse_time(str(date)),
        sha256=str(sha256),
        content_type=None if content_type is None else str(content_type),
        http_status=None if http_status is None else int(str(http_status)),
        record_type=str(kind),
        payload_digest=None if digest is None else str(digest),
        refers_to=ref,
        metadata_id=None if metadata_id is None else str(metadata_id),
    )


def _fetch_result(row: Sequence[object]) -> FetchResult:
    """A fetch as recorded, without its body and exchanges (they are in the WARC)."""
    (url, status, reason, http_status, final_url, redirects, permanent, content_type) = row[:8]
    (truncated, fetched, elapsed, error, fragment_problem) = row[8:]
    hops = tuple(Hop(str(h["url"]), int(h["status"])) for h in json.loads(str(redirects)))
    return FetchResult(
        url=str(url),
        status=LinkStatus(str(status)),
        reason=str(reason),
        started=parse_time(str(fetched)),
        http_status=None if http_status is None else int(str(http_status)),
        final_url=None if final_url is None else str(final_url),
        redirects=hops,
        permanent=bool(permanent),
        content_type=None if content_type is None else str(content_type),
        truncated=bool(truncated),
        elapsed=float(str(elapsed)),
        error=None if error is None else str(error),
        fragment_problem=None if fragment_problem is None else str(fragment_problem),
    )


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


def _capture(row: Sequence[object]) -> Capture:
    (run_id, source_id, date, url, status, reason, http_status, final_url) = row[:8]
    (record_type, warc, record_id, sha256) = row[8:]
    return Capture(
        run_id=str(run_id),
        source_id=str(source_id),
        date=parse_time(str(date)),
        url=str(url),
        status=None if status is None else LinkStatus(str(status)),
        reason=str(reason or ""),
        http_status=None if http_status is None else int(str(http_status)),
        final_url=None if final_url is None else str(final_url),
        record_type=None if record_type is None else str(record_type),
        warc=None if warc is None else str(warc),
        record_id=None if record_id is None else str(record_id),
        sha256=None if sha256 is None else str(sha256),
    )
