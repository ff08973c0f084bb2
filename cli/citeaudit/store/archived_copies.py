"""Copies of sources in public web archives: each Memento look-up near the accessed date and
each Save Page Now capture, and where a memento judged on is kept in our own WARC files."""

from __future__ import annotations

from datetime import UTC, datetime

from citeaudit.archive import Snapshot
from citeaudit.net import shown_url
from citeaudit.store.connection import StoreConnection, parse_time, time_text
from citeaudit.webarchive import ArchivedCopy


class ArchivedCopyRecords(StoreConnection):
    """The store's look-ups in public web archives."""

    def record_archived_copy(
        self, run_id: str, source_id: str, url: str, kind: str, copy: ArchivedCopy
    ) -> None:
        """Record a Memento look-up (``kind`` ``lookup``) or a Save Page Now capture
        (``saved``) for a source, replacing one recorded before in the run; call after the
        memento's WARC record (``copy.snapshot``) is written."""
        snap = copy.snapshot
        row = (
            run_id,
            source_id,
            shown_url(url),  # no user name or password is kept
            kind,
            time_text(copy.sought) if copy.sought else None,
            copy.timegate,
            None if copy.found is None else int(copy.found),
            copy.url,
            copy.raw_url,
            time_text(copy.date) if copy.date else None,
            copy.http_status,
            copy.note,
            snap.warc if snap else None,
            snap.offset if snap else None,
            snap.length if snap else None,
            snap.record_id if snap else None,
            snap.sha256 if snap else None,
            snap.content_type if snap else None,
            snap.metadata_id if snap else None,
            time_text(datetime.now(UTC)),
        )
        columns = (
            "run_id, source_id, url, kind, sought, archive, found, memento_url, raw_url,"
            ' memento_date, http_status, note, warc, "offset", length, record_id, sha256,'
            " content_type, metadata_record_id, recorded"
        )
        updates = ", ".join(f"{c.strip()} = excluded.{c.strip()}" for c in columns.split(",")[3:])
        with self._transaction():
            self._db.execute(
                f"INSERT INTO archived_copies ({columns})"
                f" VALUES ({', '.join('?' * len(row))})"
                f" ON CONFLICT (run_id, source_id, kind) DO UPDATE SET {updates}",
                row,
            )

    def every_kept_memento(self) -> list[tuple[str, Snapshot]]:
        """Where every public archive's copy kept in our WARC files is, with the id of the
        source it is a copy of, in the order recorded."""
        with self._errors():
            rows = self._db.execute(
                'SELECT source_id, url, warc, "offset", length, record_id,'
                " coalesce(memento_date, recorded),"
                " sha256, content_type, http_status, metadata_record_id FROM archived_copies"
                " WHERE record_id IS NOT NULL ORDER BY id"
            ).fetchall()
        kept = []
        for row in rows:
            (source_id, url, warc, offset, length, record_id, date, sha256) = row[:8]
            (content_type, status, metadata_id) = row[8:]
            snapshot = Snapshot(
                url=str(url),
                warc=str(warc),
                offset=int(offset),
                length=int(length),
                record_id=str(record_id),
                date=parse_time(str(date)),
                sha256=str(sha256),
                content_type=content_type,
                http_status=status,
                metadata_id=metadata_id,
            )
            kept.append((str(source_id), snapshot))
        return kept

    def kept_mementos(self, source_id: str) -> list[ArchivedCopy]:
        """The public archives' copies of a source kept in our WARC files by earlier
        look-ups, latest look-up first, each with its ``snapshot`` (to read it back)."""
        with self._errors():
            rows = self._db.execute(
                "SELECT archive, memento_url, raw_url, memento_date, http_status, sought, url,"
                ' warc, "offset", length, record_id, sha256, content_type, metadata_record_id'
                " FROM archived_copies WHERE source_id = ? AND kind = 'lookup' AND found = 1"
                " AND record_id IS NOT NULL ORDER BY recorded DESC, id DESC",
                (source_id,),
            ).fetchall()
        kept = []
        for row in rows:
            (archive, memento, raw, date, status, sought, url) = row[:7]
            (warc, offset, length, record_id, sha256, content_type, metadata_id) = row[7:]
            moment = parse_time(str(date))
            snapshot = Snapshot(
                url=str(url),
                warc=str(warc),
                offset=int(offset),
                length=int(length),
                record_id=str(record_id),
                date=moment,
                sha256=str(sha256),
                content_type=content_type,
                http_status=status,
                metadata_id=metadata_id,
            )
            kept.append(
                ArchivedCopy(
                    timegate=str(archive),
                    found=True,
                    url=memento,
                    raw_url=raw,
                    date=moment,
                    http_status=status,
                    sought=parse_time(str(sought)) if sought else None,
                    snapshot=snapshot,
                )
            )
        return kept
