"""The store's connection: times as sortable UTC text, writes all or nothing, and SQLite's
failures in words a user can act on."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from citeaudit.errors import StoreError
from citeaudit.store.connection import (
    DATABASE_NAME,
    StoreConnection,
    check_header,
    parse_time,
    store_error,
    time_text,
)
from store_samples import T0


def test_times_are_fixed_width_utc_text() -> None:
    paris = timezone(timedelta(hours=2))
    assert time_text(T0) == "2024-05-01T12:00:00.000000Z"
    assert time_text(datetime(2024, 5, 1, 14, 0, 0, 1, tzinfo=paris)) == (
        "2024-05-01T12:00:00.000001Z"
    )
    assert time_text(datetime(2024, 5, 1, 12, 0)) == time_text(T0)  # naive is UTC
    assert parse_time(time_text(T0)) == T0 and parse_time(time_text(T0)).tzinfo is not None
    earlier, later = time_text(T0), time_text(T0 + timedelta(microseconds=1))
    assert earlier < later


def test_a_failed_write_is_rolled_back(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / DATABASE_NAME, isolation_level=None)
    connection.execute("CREATE TABLE t (x INTEGER NOT NULL)")
    with StoreConnection(tmp_path, connection) as store:
        with pytest.raises(sqlite3.IntegrityError), store._transaction():
            store._db.execute("INSERT INTO t VALUES (1)")
            store._db.execute("INSERT INTO t VALUES (NULL)")  # a bug: surfaces as it is
        with store._transaction():
            store._db.execute("INSERT INTO t VALUES (2)")
    check = sqlite3.connect(tmp_path / DATABASE_NAME)
    try:
        assert check.execute("SELECT x FROM t").fetchall() == [(2,)]
    finally:
        check.close()


def test_sqlite_failures_say_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / DATABASE_NAME
    busy = sqlite3.OperationalError("database is locked")
    busy.sqlite_errorcode = 5
    assert store_error(busy, path).message == (
        f"the store at {tmp_path} is busy: another citeaudit run is using it; wait for it to finish"
    )
    damaged = sqlite3.DatabaseError("file is not a database")
    damaged.sqlite_errorcode = 26
    error = store_error(damaged, path)
    assert "is damaged or not a citeaudit database" in error.message and error.hint
    other = store_error(sqlite3.OperationalError("disk I/O error"), path)
    assert other.message == f"the store database {path} cannot be used: disk I/O error"


def test_check_header(tmp_path: Path) -> None:
    check_header(tmp_path / "absent.sqlite")  # not there yet: it will be created
    (tmp_path / "empty.sqlite").write_bytes(b"")
    with pytest.raises(StoreError, match=r"is empty \(0 bytes\)") as caught:
        check_header(tmp_path / "empty.sqlite")
    assert caught.value.hint and "move it aside" in caught.value.hint
    (tmp_path / "notes.sqlite").write_text("my notes")
    with pytest.raises(StoreError, match="is not a citeaudit store database"):
        check_header(tmp_path / "notes.sqlite")
