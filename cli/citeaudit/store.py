"""The evidence store: one SQLite database of what each run found, beside the WARC files.

``<store>/citeaudit.sqlite`` records runs, fetches, snapshots (where each source's archived
copy is) and verdicts, in plain tables a journalist can open in Datasette or any SQLite tool.
Times are ISO 8601 UTC text (``2024-05-01T12:00:00.000000Z``), so they sort as text and
SQLite's date functions read them. Every ``record_*`` call is its own transaction, committed
before it returns: a run that is killed keeps every row it had written, just as its WARC
file keeps every record, and a snapshot row is only ever written after its WARC record.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from citeaudit import __version__
from citeaudit.archive import ARCHIVE_DIR, Snapshot, utc
from citeaudit.errors import StoreError
from citeaudit.fetch import FetchResult

if TYPE_CHECKING:  # verify pulls in the extractors; the store only needs the type
    from citeaudit.verify import ClaimResult

STORE_DIR_NAME = ".citeaudit"
DATABASE_NAME = "citeaudit.sqlite"
#: How long to wait for another process's write to finish before giving up, in seconds.
DEFAULT_BUSY_TIMEOUT = 5.0

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
]


def default_store_dir(sources_file: Path) -> Path:
    """``.citeaudit`` beside the sources file, so the evidence travels with the document."""
    return Path(sources_file).parent / STORE_DIR_NAME


def new_run_id(now: datetime | None = None) -> str:
    """A short id that sorts by start time: ``20240501T120000Z-1a2b3c``."""
    moment = utc(now or datetime.now(UTC))
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


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
    def open(cls, store_dir: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> Store:
        """Open (creating and migrating as needed) the store in ``store_dir``.

        Waits up to ``busy_timeout`` seconds for another run's write to finish. A file that
        is not a citeaudit database is reported and left exactly as it is.
        """
        store_dir = Path(store_dir)
        path = store_dir / DATABASE_NAME
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
        self, run_id: str, started: datetime, sources_file: Path | str, sources_sha256: str
    ) -> None:
        """Record that a run started, before anything it finds is recorded."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version)"
                " VALUES (?, ?, ?, ?, ?)",
                (run_id, _time(started), str(sources_file), sources_sha256, __version__),
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

    def record_snapshot(self, run_id: str, source_id: str, snapshot: Snapshot) -> None:
        """Record where a source's archived copy is; call after its WARC record is written."""
        with self._transaction():
            self._db.execute(
                'INSERT INTO snapshots (run_id, source_id, url, warc, "offset", length,'
                " record_id, date, sha256, content_type, http_status)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
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
                ),
            )

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

    # -- reading ---------------------------------------------------------------------------

    def snapshots_for(self, source_id: str) -> list[Snapshot]:
        """Every archived copy of a source, oldest first."""
        with self._errors():
            rows = self._db.execute(
                'SELECT url, warc, "offset", length, record_id, date, sha256, content_type,'
                " http_status FROM snapshots WHERE source_id = ? ORDER BY date, id",
                (source_id,),
            ).fetchall()
        return [_snapshot(row) for row in rows]

    def latest_snapshot(self, source_id: str) -> Snapshot | None:
        """The most recently captured copy of a source, from any run."""
        with self._errors():
            row = self._db.execute(
                'SELECT url, warc, "offset", length, record_id, date, sha256, content_type,'
                " http_status FROM snapshots WHERE source_id = ?"
                " ORDER BY date DESC, id DESC LIMIT 1",
                (source_id,),
            ).fetchone()
        return None if row is None else _snapshot(row)


_UPSERT_VERDICT = (
    "INSERT INTO verdicts (run_id, claim_id, evidence_index, source_id, verdict,"
    " judged_on, found_at, passage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (run_id, claim_id, evidence_index) DO UPDATE SET"
    " source_id = excluded.source_id, verdict = excluded.verdict,"
    " judged_on = excluded.judged_on, found_at = excluded.found_at,"
    " passage = excluded.passage"
)


def _snapshot(row: tuple[object, ...]) -> Snapshot:
    url, warc, offset, length, record_id, date, sha256, content_type, http_status = row
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
    )


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
