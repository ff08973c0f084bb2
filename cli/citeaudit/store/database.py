"""The evidence store: one SQLite database of what each run found, beside the WARC files.

``<store>/citeaudit.sqlite`` records runs, fetches, snapshots (where each source's archived
copy is), the text of every page with a full-text index, verdicts, copies in public web
archives, and the WARC files with any repair made to them (:mod:`citeaudit.store.schema`).
:class:`Store` opens it, creating and migrating it as needed, and gathers the methods of
each kind of record; every ``record_*`` call is its own transaction, committed before it
returns, and a snapshot row is only ever written after its WARC record.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from citeaudit.archive import ARCHIVE_DIR
from citeaudit.errors import StoreError
from citeaudit.store.archived_copies import ArchivedCopyRecords
from citeaudit.store.captures import CaptureRecords
from citeaudit.store.connection import DATABASE_NAME, check_header, store_error
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
