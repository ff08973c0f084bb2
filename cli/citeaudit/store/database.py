"""The evidence store: one SQLite database of what each run found, beside the WARC files.

``<store>/citeaudit.sqlite`` records runs, fetches, snapshots (where each source's archived
copy is), the text of every page with a full-text index, verdicts, and the WARC files with
any repair made to them, in plain tables a journalist can open in Datasette or any SQLite
tool (the views ``latest_status`` and ``snapshot_pages`` join them up).
Times are ISO 8601 UTC text (``2024-05-01T12:00:00.000000Z``), so they sort as text and
SQLite's date functions read them. Every ``record_*`` call is its own transaction, committed
before it returns: a run that is killed keeps every row it had written, just as its WARC
file keeps every record, and a snapshot row is only ever written after its WARC record.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from citeaudit import __version__
from citeaudit.archive.wacz import ReplayPage
from citeaudit.archive.warc import ARCHIVE_DIR, RecordRef, Snapshot, utc
from citeaudit.errors import StoreError
from citeaudit.fetch.engine import FetchResult, Hop
from citeaudit.vocab import LinkStatus

if TYPE_CHECKING:  # verify pulls in the extractors; the store only needs the types
    from citeaudit.extract import Page
    from citeaudit.verify.judge import ClaimResult
    from citeaudit.webarchive.copy import ArchivedCopy

STORE_DIR_NAME = ".citeaudit"
DATABASE_NAME = "citeaudit.sqlite"
#: How long to wait for another process's write to finish before giving up, in seconds.
DEFAULT_BUSY_TIMEOUT = 5.0
#: An interrupted run started longer ago than this is not resumed: a new run starts.
RESUME_WINDOW = timedelta(hours=24)

_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGED_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB

# Numbered migrations: MIGRATIONS[n] takes a database from user_version n to n + 1. Append
# only; never edit one that has shipped. Comments stay in the schema Datasette shows.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY,                 -- run id: UTC start time and a random suffix
        started TEXT NOT NULL,               -- when the run began (UTC)
        finished TEXT,                       -- when it ended; empty if it was interrupted
        sources_file TEXT NOT NULL,          -- the sources file that was audited
        sources_sha256 TEXT NOT NULL,        -- SHA-256 of that file, as it was read
        tool_version TEXT NOT NULL,          -- citeaudit version that did the run
        network TEXT                         -- online or offline
    );

    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,             -- the source's id in the sources file
        url TEXT NOT NULL,                   -- the URL as cited
        status TEXT NOT NULL,                -- ok, redirected, not_found, blocked, timeout, ...
        reason TEXT NOT NULL,                -- why, in words
        http_status INTEGER,                 -- final HTTP status code, if any answer came
        final_url TEXT,                      -- where redirects ended
        redirects TEXT NOT NULL DEFAULT '[]',  -- JSON list of {"url", "status"} hops
        permanent INTEGER NOT NULL DEFAULT 0 CHECK (permanent IN (0, 1)),  -- moved for good
        content_type TEXT,
        sha256 TEXT,                         -- SHA-256 of the decoded body
        truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),  -- body cut off
        fetched TEXT NOT NULL,               -- when the fetch began (UTC)
        elapsed REAL NOT NULL,               -- seconds it took
        error TEXT,                          -- technical detail of a failure
        fragment_problem TEXT,               -- the #fragment cited is not on the page
        UNIQUE (run_id, source_id)
    );

    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,
        url TEXT NOT NULL,                   -- the URL (or file:// URI) the copy is of
        warc TEXT NOT NULL,                  -- WARC file, relative to the store folder
        "offset" INTEGER NOT NULL,           -- where the record starts in that file (bytes)
        length INTEGER NOT NULL,             -- how long its gzip member is (bytes)
        record_id TEXT NOT NULL UNIQUE,      -- WARC-Record-ID
        date TEXT NOT NULL,                  -- when the copy was captured (UTC)
        sha256 TEXT NOT NULL,                -- SHA-256 of the decoded body
        content_type TEXT,
        http_status INTEGER                  -- empty for local files
    );
    CREATE INDEX snapshots_by_source ON snapshots (source_id, date);

    CREATE TABLE verdicts (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        claim_id TEXT NOT NULL,
        evidence_index INTEGER NOT NULL,     -- which evidence of the claim, from 0
        source_id TEXT,
        verdict TEXT NOT NULL,               -- verified, misquoted, not_in_source, ...
        judged_on TEXT,                      -- live, snapshot or archive copy
        found_at TEXT,                       -- where the passage was found (page, section)
        passage TEXT,                        -- the passage as found in the source
        UNIQUE (run_id, claim_id, evidence_index)
    );
    """,
    # 2: revisits and metadata records, page texts with full-text search, resumable runs,
    # WARC files and their repairs. Snapshots are rebuilt: several sources may share one
    # record (URLs that differ only in their #fragment), so record_id is no longer unique.
    """
    ALTER TABLE runs ADD COLUMN command TEXT NOT NULL DEFAULT 'audit';  -- audit or archive
    ALTER TABLE runs ADD COLUMN resumed INTEGER NOT NULL DEFAULT 0;  -- times it was resumed

    CREATE TABLE snapshots_v2 (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,             -- the source's id in the sources file
        url TEXT NOT NULL,                   -- the URL (or file:// URI) the copy is of
        warc TEXT NOT NULL,                  -- WARC file, relative to the store folder
        "offset" INTEGER NOT NULL,           -- where the record starts in that file (bytes)
        length INTEGER NOT NULL,             -- how long its gzip member is (bytes)
        record_id TEXT NOT NULL,             -- WARC-Record-ID of the record
        date TEXT NOT NULL,                  -- when the copy was captured (UTC)
        sha256 TEXT NOT NULL,                -- SHA-256 of the decoded body
        content_type TEXT,
        http_status INTEGER,                 -- empty for local files
        record_type TEXT NOT NULL DEFAULT 'response'
            CHECK (record_type IN ('response', 'revisit', 'resource')),
            -- revisit: unchanged since an earlier capture, whose record holds the body
        payload_digest TEXT,                 -- WARC-Payload-Digest: SHA-1 of the body as sent
        refers_to_record_id TEXT,            -- revisit: the earlier record holding the body
        refers_to_warc TEXT,                 -- revisit: that record's WARC file
        refers_to_offset INTEGER,            -- revisit: where that record starts
        refers_to_length INTEGER,            -- revisit: how long that record is
        refers_to_date TEXT,                 -- revisit: when that record was captured (UTC)
        metadata_record_id TEXT,             -- the metadata record: who cites this capture
        UNIQUE (run_id, source_id, record_id)
    );
    INSERT INTO snapshots_v2 (id, run_id, source_id, url, warc, "offset", length, record_id,
        date, sha256, content_type, http_status)
        SELECT id, run_id, source_id, url, warc, "offset", length, record_id, date, sha256,
        content_type, http_status FROM snapshots;
    DROP TABLE snapshots;
    ALTER TABLE snapshots_v2 RENAME TO snapshots;
    CREATE INDEX snapshots_by_source ON snapshots (source_id, date);
    CREATE INDEX snapshots_by_payload ON snapshots (url, payload_digest);
    CREATE INDEX snapshots_by_sha256 ON snapshots (sha256);
    CREATE INDEX fetches_by_source ON fetches (source_id, fetched);

    CREATE TABLE page_texts (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL,                -- the body this text is of (snapshots.sha256):
                                             -- kept once however many snapshots share it
        snapshot_id INTEGER NOT NULL REFERENCES snapshots (id),  -- first snapshot read
        page INTEGER NOT NULL,               -- page number from 1 (1 for a page of HTML)
        label TEXT NOT NULL,                 -- the page number as printed, e.g. "iv" or "12"
        text TEXT NOT NULL,                  -- the page's text
        UNIQUE (sha256, page)
    );
    CREATE VIRTUAL TABLE page_texts_fts USING fts5 (
        text, content = 'page_texts', content_rowid = 'id', tokenize = 'porter unicode61'
    );
    CREATE TRIGGER page_texts_insert AFTER INSERT ON page_texts BEGIN
        INSERT INTO page_texts_fts (rowid, text) VALUES (new.id, new.text);
    END;
    CREATE TRIGGER page_texts_delete AFTER DELETE ON page_texts BEGIN
        INSERT INTO page_texts_fts (page_texts_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
    END;
    CREATE TRIGGER page_texts_update AFTER UPDATE ON page_texts BEGIN
        INSERT INTO page_texts_fts (page_texts_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
        INSERT INTO page_texts_fts (rowid, text) VALUES (new.id, new.text);
    END;

    CREATE TABLE warc_files (
        name TEXT PRIMARY KEY,               -- WARC file, relative to the store folder
        run_id TEXT REFERENCES runs (id),    -- the run that wrote it
        opened TEXT NOT NULL,                -- when writing began (UTC)
        closed TEXT,                         -- when it was closed, or found complete after
                                             -- its run was killed; empty while written
        bytes INTEGER                        -- its size then
    );

    CREATE TABLE warc_repairs (
        id INTEGER PRIMARY KEY,
        warc TEXT NOT NULL,                  -- the WARC file whose end was repaired
        repaired TEXT NOT NULL,              -- when (UTC)
        kept_bytes INTEGER NOT NULL,         -- it now ends after its last whole record
        cut_bytes INTEGER NOT NULL,          -- bytes of an unfinished record cut off its end
        moved_to TEXT                        -- where those bytes were kept, in the store
    );

    -- Every page of every snapshot, with the source and date: texts are kept once per body.
    CREATE VIEW snapshot_pages AS
        SELECT s.id AS snapshot_id, s.run_id, s.source_id, s.url, s.date, s.record_type,
            p.page, p.label, p.text
        FROM snapshots s JOIN page_texts p ON p.sha256 = s.sha256;

    -- Each source's latest link status, when it last answered, and how many captures.
    CREATE VIEW latest_status AS
        SELECT f.source_id, f.url, f.status, f.reason, f.http_status, f.fetched, f.run_id,
            (SELECT max(g.fetched) FROM fetches g WHERE g.source_id = f.source_id
                AND g.status IN ('ok', 'redirected')) AS last_ok,
            (SELECT count(*) FROM snapshots s WHERE s.source_id = f.source_id) AS captures
        FROM fetches f
        WHERE f.id = (SELECT g.id FROM fetches g WHERE g.source_id = f.source_id
            ORDER BY g.fetched DESC, g.id DESC LIMIT 1);
    """,
    # 3: each audit's report, so `citeaudit report` renders it again without the network.
    """
    CREATE TABLE reports (
        run_id TEXT PRIMARY KEY REFERENCES runs (id),
        created TEXT NOT NULL,               -- when the report was saved (UTC)
        report TEXT NOT NULL                 -- the JSON report (the --format json contract)
    );
    """,
    # 4: copies of sources in public web archives (Memento look-ups near the accessed date)
    # and captures asked of Save Page Now; a memento judged on is kept in our WARC.
    """
    CREATE TABLE archived_copies (
        id INTEGER PRIMARY KEY,
        run_id TEXT NOT NULL REFERENCES runs (id),
        source_id TEXT NOT NULL,             -- the source's id in the sources file
        url TEXT NOT NULL,                   -- the source's URL, as cited
        kind TEXT NOT NULL CHECK (kind IN ('lookup', 'saved')),
            -- lookup: found by asking TimeGates; saved: captured by Save Page Now
        sought TEXT,                         -- lookup: the moment sought near (UTC)
        archive TEXT NOT NULL,               -- the TimeGate (or SPN endpoint) that had it;
                                             -- when none had it, every one asked
        found INTEGER CHECK (found IN (0, 1)),  -- 1: a copy; 0: none (the archives said);
                                             -- empty: unknown (an archive failed)
        memento_url TEXT,                    -- the copy as the archive shows it
        raw_url TEXT,                        -- the unrewritten copy that was fetched
        memento_date TEXT,                   -- when the archive captured it (UTC)
        http_status INTEGER,                 -- the archived HTTP status
        note TEXT,                           -- copies skipped, or why none was found
        warc TEXT,                           -- where the memento is kept: WARC file,
        "offset" INTEGER,                    --   its record's offset and length,
        length INTEGER,
        record_id TEXT,                      --   WARC-Record-ID (filed under url, dated
                                             --   memento_date, WARC-Source-URI raw_url)
        sha256 TEXT,                         -- SHA-256 of the decoded body
        content_type TEXT,
        metadata_record_id TEXT,             -- the metadata record: who cites it
        recorded TEXT NOT NULL,              -- when this row was written (UTC)
        UNIQUE (run_id, source_id, kind)
    );
    CREATE INDEX archived_copies_by_source ON archived_copies (source_id, kind, recorded);
    """,
]


def default_store_dir(sources_file: Path) -> Path:
    """``.citeaudit`` beside the sources file, so the evidence travels with the document."""
    return Path(sources_file).parent / STORE_DIR_NAME


def _time(moment: datetime) -> str:
    """Fixed-width UTC text, so times compare correctly as strings."""
    return f"{utc(moment):%Y-%m-%dT%H:%M:%S.%fZ}"


def _parse_time(text: str) -> datetime:
    return utc(datetime.fromisoformat(text))


class Store:
    """An open evidence store; use :meth:`open`, and close it (or use ``with``)."""

    def __init__(self, store_dir: Path, connection: sqlite3.Connection) -> None:
        self.dir = store_dir
        self.path = store_dir / DATABASE_NAME
        self._db = connection
        self._lock = threading.RLock()

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls, store_dir: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, create: bool = True
    ) -> Store:
        """Open (creating and migrating as needed) the store in ``store_dir``.

        Waits up to ``busy_timeout`` seconds for another run's write to finish. A file that
        is not a citeaudit database is reported and left exactly as it is. With ``create``
        false, a store that does not exist yet is an error, and nothing is created.
        """
        store_dir = Path(store_dir)
        path = store_dir / DATABASE_NAME
        if not create and not path.is_file():
            raise StoreError(
                f"there is no evidence store at {store_dir}",
                hint="run 'citeaudit archive' or 'citeaudit audit' first, "
                "or point --store at the folder that holds citeaudit.sqlite",
            )
        try:
            (store_dir / ARCHIVE_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {store_dir}: {exc.strerror}") from exc
        _check_header(path)
        try:
            # One connection, shared by the run's worker threads under a lock.
            connection = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise _store_error(exc, path) from exc
        store = cls(store_dir, connection)
        try:
            with store._errors():
                connection.execute("PRAGMA foreign_keys = ON")
                mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() == "wal":
                    # Durable against a killed process; only a power cut may lose the
                    # last commits, and never leaves the database inconsistent.
                    connection.execute("PRAGMA synchronous = NORMAL")
                store._migrate()
        except BaseException:
            connection.close()
            raise
        return store

    def _migrate(self) -> None:
        """Bring the schema up to date, one numbered migration at a time."""
        if self._user_version() == len(MIGRATIONS):
            return  # no write lock needed just to read a store
        with self._transaction():
            version = self._user_version()
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"the store at {self.dir} was written by a newer citeaudit "
                    f"(schema {version}, this one knows {len(MIGRATIONS)})",
                    hint="upgrade citeaudit to use this store",
                )
            for number in range(version, len(MIGRATIONS)):
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    def _user_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- context manager -------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; every write was committed already."""
        with self._lock:
            self._db.close()

    # -- transactions and errors -----------------------------------------------------------

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Turn SQLite's failures into a :class:`StoreError` a user can act on.

        Integrity and programming errors are bugs in citeaudit and are left to surface.
        """
        try:
            with self._lock:
                yield
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError):
            raise
        except sqlite3.Error as exc:
            raise _store_error(exc, self.path) from exc

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction, taking the write lock at once (so waiting is up front)."""
        with self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- writing ---------------------------------------------------------------------------

    def begin_run(
        self,
        run_id: str,
        started: datetime,
        sources_file: Path | str,
        sources_sha256: str,
        command: str = "audit",
    ) -> None:
        """Record that a run started, before anything it finds is recorded."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version,"
                " command) VALUES (?, ?, ?, ?, ?, ?)",
                (run_id, _time(started), str(sources_file), sources_sha256, __version__, command),
            )

    def resumable_run(
        self,
        command: str,
        sources_sha256: str,
        now: datetime,
        window: timedelta = RESUME_WINDOW,
    ) -> str | None:
        """The run to resume: the latest run of ``command`` on this very sources file, if it
        was interrupted (never finished) and started within ``window`` of ``now``."""
        with self._errors():
            row = self._db.execute(
                "SELECT id, started, finished FROM runs WHERE command = ? AND sources_sha256 = ?"
                " ORDER BY started DESC, id DESC LIMIT 1",
                (command, sources_sha256),
            ).fetchone()
        if row is None or row[2] is not None:
            return None
        if _parse_time(str(row[1])) < utc(now) - window:
            return None
        return str(row[0])

    def mark_resumed(self, run_id: str) -> int:
        """Count one more resumption of an interrupted run; how many there have been."""
        with self._transaction():
            self._db.execute("UPDATE runs SET resumed = resumed + 1 WHERE id = ?", (run_id,))
            row = self._db.execute("SELECT resumed FROM runs WHERE id = ?", (run_id,)).fetchone()
        return int(row[0]) if row else 0

    def run_started(self, run_id: str) -> datetime:
        """When a run began."""
        with self._errors():
            row = self._db.execute("SELECT started FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id} in the store at {self.dir}")
        return _parse_time(str(row[0]))

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
            date=_parse_time(str(row[1])),
            warc=str(row[2]),
            offset=int(row[3]),
            length=int(row[4]),
            record_id=str(row[5]),
        )

    # -- WARC files ------------------------------------------------------------------------

    def record_warc_opened(self, name: str, run_id: str, opened: datetime) -> None:
        """Record that a WARC file is being written (until :meth:`record_warc_closed`)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO warc_files (name, run_id, opened) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET closed = NULL, bytes = NULL",
                (name, run_id, _time(opened)),
            )

    def record_warc_closed(self, name: str, closed: datetime, size: int) -> None:
        """Record that a WARC file is complete: closed, or checked after its run was killed."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO warc_files (name, opened, closed, bytes) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET closed = excluded.closed,"
                " bytes = excluded.bytes",
                (name, _time(closed), _time(closed), size),
            )

    def closed_warcs(self) -> dict[str, int]:
        """The WARC files known to be complete, with their size when last checked."""
        with self._errors():
            rows = self._db.execute(
                "SELECT name, bytes FROM warc_files WHERE closed IS NOT NULL"
            ).fetchall()
        return {str(name): int(size or 0) for name, size in rows}

    def record_repair(
        self, warc: str, repaired: datetime, kept: int, cut: int, moved_to: str | None
    ) -> None:
        """Record that the unfinished end of a WARC file was cut off (and kept aside)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO warc_repairs (warc, repaired, kept_bytes, cut_bytes, moved_to)"
                " VALUES (?, ?, ?, ?, ?)",
                (warc, _time(repaired), kept, cut, moved_to),
            )

    def finish_run(self, run_id: str, finished: datetime, network: str) -> None:
        """Record that a run ended; a run without ``finished`` was interrupted."""
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET finished = ?, network = ? WHERE id = ?",
                (_time(finished), str(network), run_id),
            )

    def record_fetch(self, run_id: str, source_id: str, result: FetchResult) -> None:
        """Record what checking a source's URL came to (replacing an earlier try in the run)."""
        redirects = json.dumps([{"url": hop.url, "status": hop.status} for hop in result.redirects])
        row = (
            run_id,
            source_id,
            result.url,
            str(result.status),
            result.reason,
            result.http_status,
            result.final_url,
            redirects,
            int(result.permanent),
            result.content_type,
            result.sha256,
            int(result.truncated),
            _time(result.started),
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
            _time(snapshot.date),
            snapshot.sha256,
            snapshot.content_type,
            snapshot.http_status,
            snapshot.record_type,
            snapshot.payload_digest,
            ref.record_id if ref else None,
            ref.warc if ref else None,
            ref.offset if ref else None,
            ref.length if ref else None,
            _time(ref.date) if ref else None,
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

    def has_pages(self, sha256: str) -> bool:
        """Whether the text of this body (by its SHA-256) is kept already."""
        with self._errors():
            row = self._db.execute(
                "SELECT 1 FROM page_texts WHERE sha256 = ? LIMIT 1", (sha256,)
            ).fetchone()
        return row is not None

    def record_pages(self, snapshot_id: int, sha256: str, pages: Iterable[Page]) -> int:
        """Keep the text of each page of a body, once per body; how many pages were added.

        The control characters U+0001 and U+0002 are dropped: search marks matches with them.
        """
        rows = [
            (sha256, snapshot_id, page.number, page.label, _unmarked(page.text)) for page in pages
        ]
        with self._transaction():
            cursor = self._db.executemany(
                "INSERT INTO page_texts (sha256, snapshot_id, page, label, text)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256, page) DO NOTHING",
                rows,
            )
            return max(cursor.rowcount, 0)

    def replay_pages(self) -> list[ReplayPage]:
        """One page per capture of a source that answered, oldest first, as a replay tool
        lists them (titled by the ids of the sources captured there)."""
        pages = []
        for row in self.query(_REPLAY_PAGES):
            record = str(row["record_id"]).strip("<>").removeprefix("urn:uuid:")
            pages.append(
                ReplayPage(
                    url=str(row["url"]),
                    date=_parse_time(str(row["date"])),
                    record_id=record,
                    title=", ".join(sorted(str(row["sources"]).split(","))),
                )
            )
        return pages

    def query(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        """Run a read-only query (history and search use it); rows are indexable by name."""
        with self._errors():
            cursor = self._db.execute(sql, tuple(params))
            cursor.row_factory = sqlite3.Row
            return list(cursor.fetchall())

    def record_verdict(
        self,
        run_id: str,
        claim_id: str,
        evidence_index: int,
        source_id: str | None,
        verdict: str,
        judged_on: str | None = None,
        found_at: str | None = None,
        passage: str | None = None,
    ) -> None:
        """Record what one piece of evidence came to (replacing an earlier one in the run)."""
        row = (run_id, claim_id, evidence_index, source_id, str(verdict))
        row_end = (None if judged_on is None else str(judged_on), found_at, passage)
        with self._transaction():
            self._db.execute(_UPSERT_VERDICT, row + row_end)

    def record_verdicts(self, run_id: str, claim: ClaimResult) -> None:
        """Record the verdict on each piece of a claim's evidence, all or none."""
        rows = [
            (
                run_id,
                claim.claim.id,
                index,
                result.evidence.source,
                str(result.verdict),
                None if result.judged_on is None else str(result.judged_on),
                result.found_at,
                result.passage,
            )
            for index, result in enumerate(claim.evidence)
        ]
        with self._transaction():
            self._db.executemany(_UPSERT_VERDICT, rows)

    def save_report(self, run_id: str, created: datetime, report: str) -> None:
        """Keep a run's JSON report (replacing one saved before for that run)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO reports (run_id, created, report) VALUES (?, ?, ?)"
                " ON CONFLICT (run_id) DO UPDATE SET created = excluded.created,"
                " report = excluded.report",
                (run_id, _time(created), report),
            )

    def load_report(self, run_id: str | None = None) -> tuple[str, str] | None:
        """A run's saved JSON report as ``(run_id, report)``: the latest run's when
        ``run_id`` is None; None when there is no such report."""
        query = "SELECT run_id, report FROM reports"
        params: tuple[str, ...] = ()
        if run_id is not None:
            query, params = query + " WHERE run_id = ?", (run_id,)
        with self._errors():
            row = self._db.execute(
                query + " ORDER BY created DESC, run_id DESC LIMIT 1", params
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    # -- reading ---------------------------------------------------------------------------

    def snapshots_for(self, source_id: str) -> list[Snapshot]:
        """Every archived copy of a source, oldest first."""
        with self._errors():
            rows = self._db.execute(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE source_id = ? ORDER BY date, id",
                (source_id,),
            ).fetchall()
        return [_snapshot(row) for row in rows]

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

    def latest_snapshot(self, source_id: str) -> Snapshot | None:
        """The most recently captured copy of a source, from any run."""
        with self._errors():
            row = self._db.execute(
                f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE source_id = ?"
                " ORDER BY date DESC, id DESC LIMIT 1",
                (source_id,),
            ).fetchone()
        return None if row is None else _snapshot(row)

    # -- public web archives ---------------------------------------------------------------

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
            url,
            kind,
            _time(copy.sought) if copy.sought else None,
            copy.timegate,
            None if copy.found is None else int(copy.found),
            copy.url,
            copy.raw_url,
            _time(copy.date) if copy.date else None,
            copy.http_status,
            copy.note,
            snap.warc if snap else None,
            snap.offset if snap else None,
            snap.length if snap else None,
            snap.record_id if snap else None,
            snap.sha256 if snap else None,
            snap.content_type if snap else None,
            snap.metadata_id if snap else None,
            _time(datetime.now(UTC)),
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

    def kept_mementos(self, source_id: str) -> list[ArchivedCopy]:
        """The public archives' copies of a source kept in our WARC files by earlier
        look-ups, latest look-up first, each with its ``snapshot`` (to read it back)."""
        from citeaudit.webarchive.copy import ArchivedCopy

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
            moment = _parse_time(str(date))
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
                    sought=_parse_time(str(sought)) if sought else None,
                    snapshot=snapshot,
                )
            )
        return kept


_REPLAY_PAGES = """
    SELECT s.url, s.date, s.record_id, group_concat(DISTINCT s.source_id) AS sources
    FROM snapshots s
    WHERE (s.http_status BETWEEN 200 AND 299 OR s.record_type = 'resource')
    GROUP BY s.url, s.date
    ORDER BY s.date, s.url
"""

_UPSERT_VERDICT = (
    "INSERT INTO verdicts (run_id, claim_id, evidence_index, source_id, verdict,"
    " judged_on, found_at, passage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (run_id, claim_id, evidence_index) DO UPDATE SET"
    " source_id = excluded.source_id, verdict = excluded.verdict,"
    " judged_on = excluded.judged_on, found_at = excluded.found_at,"
    " passage = excluded.passage"
)


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
            date=_parse_time(str(ref_date)),
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
        date=_parse_time(str(date)),
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
        started=_parse_time(str(fetched)),
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


def _unmarked(text: str) -> str:
    return text.replace("\x01", "").replace("\x02", "")


def _statements(script: str) -> list[str]:
    """Split a migration into statements, so it runs inside our transaction.

    ``executescript`` would commit first; migrations must be all or nothing.
    """
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


def _check_header(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database at all."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read the store database {path}: {exc.strerror}") from exc
    if head and head != _SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a citeaudit store database (it is not an SQLite file); "
            "it was left as it is",
            hint="move it aside, or point --store at another folder",
        )


def _store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """The message for an SQLite failure, in terms of what the user can do about it."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in _BUSY_CODES:
        return StoreError(
            f"the store at {path.parent} is busy: another citeaudit run is using it; "
            "wait for it to finish"
        )
    if code in _DAMAGED_CODES:
        return StoreError(
            f"the store database {path} is damaged or not a citeaudit database ({exc}); "
            "it was left as it is",
            hint="move it aside to start a new store; the WARC files in archive/ are separate",
        )
    return StoreError(f"the store database {path} cannot be used: {exc}")
