"""The evidence store: one SQLite database of what each run found, beside the WARC files.

``<store>/citeaudit.sqlite`` records runs, fetches, snapshots (where each source's archived
copy is), the text of every page with a full-text index, verdicts, copies in public web
archives, and the WARC files with any repair made to them (:mod:`citeaudit.store.schema`).
:class:`Store` opens it, creating and migrating it as needed, and gathers the methods of
each kind of record; every ``record_*`` call is its own transaction, committed before it
returns, and a snapshot row is only ever written after its WARC record.

The commands that only read (report, history, search, export, verify-store) open it with
:meth:`Store.read`: read-only, writing nothing at all, so a store on a CD or in a folder
shared read-only works as well as one's own.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from citeaudit.archive import ARCHIVE_DIR
from citeaudit.errors import StoreError
from citeaudit.store.archived_copies import ArchivedCopyRecords
from citeaudit.store.captures import CaptureRecords
from citeaudit.store.connection import DATABASE_NAME, check_header, store_error
from citeaudit.store.lock import ReadLock
from citeaudit.store.pagetexts import PageTextRecords
from citeaudit.store.runlog import RunRecords
from citeaudit.store.schema import MIGRATIONS, statements
from citeaudit.store.verdicts import VerdictRecords

STORE_DIR_NAME = ".citeaudit"
#: How long to wait for another process's write to finish before giving up, in seconds.
DEFAULT_BUSY_TIMEOUT = 5.0


def default_store_dir(sources_file: Path) -> Path:
    """``.citeaudit`` beside the sources file, so the evidence travels with the document."""
    return Path(sources_file).parent / STORE_DIR_NAME


class Store(RunRecords, CaptureRecords, PageTextRecords, VerdictRecords, ArchivedCopyRecords):
    """An open evidence store; use :meth:`open`, and close it (or use ``with``)."""

    @classmethod
    def open(
        cls, store_dir: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, create: bool = True
    ) -> Store:
        """Open (creating and migrating as needed) the store in ``store_dir``.

        Waits up to ``busy_timeout`` seconds for another run's write to finish. A file that
        is not a citeaudit database is reported and left exactly as it is. With ``create``
        false, the store must exist and is only read: it is opened with :meth:`read`.
        """
        store_dir = Path(store_dir)
        path = store_dir / DATABASE_NAME
        if not create:
            return cls.read(store_dir, busy_timeout=busy_timeout)
        try:
            (store_dir / ARCHIVE_DIR).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {store_dir}: {exc.strerror}") from exc
        check_header(path)
        try:
            # One connection, shared by the run's worker threads under a lock.
            connection = sqlite3.connect(
                path, timeout=busy_timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            raise store_error(exc, path) from exc
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
            # Texts kept before their search text existed get it now: no SQL can compute
            # it (migration 5). Nothing to do costs one look-up, and writes nothing.
            store.mend_page_texts()
        except BaseException:
            connection.close()
            raise
        return store

    @classmethod
    def read(
        cls,
        store_dir: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        lock_wait: float | None = None,
    ) -> Store:
        """Open the existing store in ``store_dir`` only to read it, writing nothing: no
        lock file, no journal files, no migration, no repair.

        While no run writes the store, a shared lock keeps runs out until :meth:`close`, and
        the database is read as an immutable file (no -wal or -shm file is needed, so
        read-only media work); while a run writes, it is read alongside it. ``lock_wait``:
        wait that long for a writing run to finish and refuse if it has not, for reads that
        need the WARC files still (a run appends to them); None reads alongside it.

        A store made by an older citeaudit is upgraded first when it can be written (as
        any opening always did), and refused when it cannot.
        """
        store_dir = Path(store_dir)
        path = store_dir / DATABASE_NAME
        if not path.is_file():
            raise StoreError(
                f"there is no evidence store at {store_dir}",
                hint="run 'citeaudit archive' or 'citeaudit audit' first, "
                "or point --store at the folder that holds citeaudit.sqlite",
            )
        check_header(path)
        guard = ReadLock(store_dir, wait=lock_wait or 0.0).acquire()
        if guard.busy and lock_wait is not None:
            raise StoreError(
                f"the store at {store_dir} is busy: a citeaudit run{guard.holder} is "
                "writing it; wait for it to finish",
            )
        writable = os.access(store_dir, os.W_OK) and os.access(path, os.W_OK)
        try:
            store = cls(store_dir, _read_only(path, guard, writable, busy_timeout))
        except BaseException:
            guard.release()
            raise
        store._guard = guard
        try:
            if store._needs_upgrade():
                if not writable:
                    raise StoreError(
                        f"the store at {store_dir} was made by an older citeaudit: open it "
                        "once with write access (any audit) to upgrade it",
                        hint="or copy the folder somewhere you can write, and point --store "
                        "at the copy",
                    )
                store.close()
                return cls.open(store_dir, busy_timeout=busy_timeout)
        except BaseException:
            store.close()
            raise
        return store

    _guard: ReadLock | None = None

    def close(self) -> None:
        """Close the connection, and let runs write again when only reading."""
        try:
            super().close()
        finally:
            if self._guard is not None:
                self._guard.release()

    def _needs_upgrade(self) -> bool:
        """Whether opening the store to write would change it: a schema to migrate, or
        texts kept before search text existed. A newer schema is refused."""
        with self._errors():
            version = self._user_version()
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"the store at {self.dir} was written by a newer citeaudit "
                    f"(schema {version}, this one knows {len(MIGRATIONS)})",
                    hint="upgrade citeaudit to use this store",
                )
            if version < len(MIGRATIONS):
                return True
            return self.has_unmended_texts()

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
                for statement in statements(MIGRATIONS[number]):
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")

    def _user_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])


def _read_only(
    path: Path, guard: ReadLock, writable: bool, busy_timeout: float
) -> sqlite3.Connection:
    """A connection that cannot write, to the database at ``path``.

    Immutable (no locking, no journal files read or made) when nothing can change it: the
    read lock is held, or there is no run and the folder cannot be written; and when no
    ``-wal`` file holds commits a killed run left (an immutable reader would not see them).
    Otherwise read-only in the usual way, which needs the ``-shm`` file of a WAL database.
    """
    wal = path.with_name(f"{path.name}-wal")
    try:
        pending = wal.stat().st_size > 0
    except OSError:
        pending = False
    quiet = guard.held or (not guard.busy and not writable)
    modes = ["immutable=1"] if quiet and not pending else ["mode=ro"]
    if modes == ["mode=ro"] and not pending and not guard.busy:
        modes.append("immutable=1")  # no -shm can be made here, and none is needed
    failure: sqlite3.Error | None = None
    for mode in modes:
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?{mode}",
                uri=True,
                timeout=busy_timeout,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            failure = exc
            continue
        try:
            connection.execute("PRAGMA query_only = ON")
            connection.execute("PRAGMA user_version").fetchone()
        except sqlite3.Error as exc:
            connection.close()
            failure = exc
            continue
        return connection
    assert failure is not None
    if pending and not writable:
        raise StoreError(
            f"the store at {path.parent} cannot be read here: its last writes are still in "
            f"{wal.name}, which can only be read with write access to the folder",
            hint="open it once with write access (any citeaudit command), or copy the "
            "folder somewhere you can write",
        ) from failure
    raise store_error(failure, path) from failure
