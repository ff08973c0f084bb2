"""The one SQLite connection a store holds, and the rules every store method follows.

Every write is its own transaction, taking the write lock at once and committed before it
returns: a run that is killed keeps every row it had written. SQLite's failures reach the
user as a :class:`~citeaudit.errors.StoreError` that says what to do (wait, move the file
aside), while integrity and programming errors, which are bugs in citeaudit, surface as they
are. The record kinds of the store (runs, captures, page texts, verdicts, archived copies)
each add their methods on top of :class:`StoreConnection`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from citeaudit.archive import utc
from citeaudit.errors import StoreError

DATABASE_NAME = "citeaudit.sqlite"

_SQLITE_HEADER = b"SQLite format 3\x00"
_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED
_DAMAGED_CODES = (11, 26)  # SQLITE_CORRUPT, SQLITE_NOTADB


def time_text(moment: datetime) -> str:
    """Fixed-width UTC text, so times compare correctly as strings."""
    return f"{utc(moment):%Y-%m-%dT%H:%M:%S.%fZ}"


def parse_time(text: str) -> datetime:
    """A time as the store writes it (or any ISO 8601 text), in UTC."""
    return utc(datetime.fromisoformat(text))


class StoreConnection:
    """An open store database, shared by a run's worker threads under one lock."""

    def __init__(self, store_dir: Path, connection: sqlite3.Connection) -> None:
        self.dir = store_dir
        self.path = store_dir / DATABASE_NAME
        self._db = connection
        self._lock = threading.RLock()

    def __enter__(self) -> Self:
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
            raise store_error(exc, self.path) from exc

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


def check_header(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database at all, or empty.

    A missing file is fine: the store is created. An empty one is not (see below).
    """
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read the store database {path}: {exc.strerror}") from exc
    if not head:
        # An empty file is what a crash, a full disk or a bad copy leaves: SQLite would
        # quietly make a new database in it, and the store's history would be gone unseen.
        raise StoreError(
            f"the store database {path} is empty (0 bytes): a crash, a full disk or an "
            "incomplete copy may have left it so; it was left as it is",
            hint="move it aside (or restore it from a backup) and run again; delete it only "
            "to start a new, empty store",
        )
    if head != _SQLITE_HEADER:
        raise StoreError(
            f"{path} is not a citeaudit store database (it is not an SQLite file); "
            "it was left as it is",
            hint="move it aside, or point --store at another folder",
        )


def store_error(exc: sqlite3.Error, path: Path) -> StoreError:
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
