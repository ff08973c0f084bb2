"""Opening the evidence store: created and migrated as needed, refused clearly when it cannot
be used (busy, damaged, not a database), and what a run does with it end to end."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest

from citeaudit.archive import WarcArchive, read_payload
from citeaudit.errors import StoreError
from citeaudit.report import load_report
from citeaudit.store import StoreLock, all_histories, database, export_wacz, search, verify_store
from citeaudit.store.database import Store, default_store_dir
from citeaudit.store.runlog import KeptRun
from citeaudit.store.schema import MIGRATIONS
from citeaudit.vocab import Network
from damaged_store import files_of
from history_store import three_runs
from store_samples import RUN, T0, redirected, rows, snapshot, unreachable


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


def test_open_creates_the_store_and_schema(tmp_path: Path) -> None:
    store_dir = tmp_path / "doc" / ".citeaudit"
    with Store.open(store_dir) as store:
        assert store.path == store_dir / "citeaudit.sqlite"
    assert (store_dir / "archive").is_dir()
    db = sqlite3.connect(store_dir / "citeaudit.sqlite")
    try:
        names = {
            r[0]: r[1] for r in db.execute("SELECT name, type FROM sqlite_master WHERE sql != ''")
        }
        tables = {
            name
            for name, kind in names.items()
            if kind == "table" and not name.startswith("page_texts_fts")
        }
        assert tables == {
            "runs",
            "fetches",
            "snapshots",
            "verdicts",
            "page_texts",
            "warc_files",
            "warc_repairs",
            "reports",
            "archived_copies",
        }
        assert names["page_texts_fts"] == "table"  # the FTS5 virtual table
        assert names["latest_status"] == names["snapshot_pages"] == "view"
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 5
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = {
            table: [r[1] for r in db.execute(f"PRAGMA table_info({table})")] for table in tables
        }
    finally:
        db.close()
    assert columns["runs"] == [
        "id",
        "started",
        "finished",
        "sources_file",
        "sources_sha256",
        "tool_version",
        "network",
        "command",
        "resumed",
    ]
    assert columns["snapshots"][1:] == [
        "run_id",
        "source_id",
        "url",
        "warc",
        "offset",
        "length",
        "record_id",
        "date",
        "sha256",
        "content_type",
        "http_status",
        "record_type",
        "payload_digest",
        "refers_to_record_id",
        "refers_to_warc",
        "refers_to_offset",
        "refers_to_length",
        "refers_to_date",
        "metadata_record_id",
    ]
    assert columns["page_texts"] == [
        "id",
        "sha256",
        "snapshot_id",
        "page",
        "label",
        "text",
        "search_text",
    ]
    assert set(columns["verdicts"]) >= {
        "run_id",
        "claim_id",
        "evidence_index",
        "source_id",
        "verdict",
        "judged_on",
        "found_at",
        "passage",
    }


def test_reopening_keeps_data_and_does_not_migrate_again(store: Store) -> None:
    store.close()
    with Store.open(store.dir) as again:
        assert again.snapshots_for("nothing") == []
    assert [r["id"] for r in rows(store.path, "SELECT id FROM runs")] == [RUN]


def test_kept_runs_are_the_runs_with_a_saved_report(store: Store) -> None:
    later = "20260102T000000Z-bbbbbb"
    store.begin_run(later, T0 + timedelta(days=1), "doc/sources.yaml", "cd" * 32, "archive")
    store.begin_run("20260103T000000Z-cccccc", T0 + timedelta(days=2), "x.yaml", "ef" * 32)
    assert store.kept_runs() == []
    store.finish_run(RUN, T0 + timedelta(minutes=1), "online")
    store.save_report(later, T0 + timedelta(days=1), "{}")
    store.save_report(RUN, T0 + timedelta(days=3), "{}")  # saved later, but started first
    assert store.kept_runs() == [
        KeptRun(RUN, T0, "audit", "report/sources.yaml", T0 + timedelta(minutes=1)),
        KeptRun(later, T0 + timedelta(days=1), "archive", "doc/sources.yaml", None),
    ]


def test_foreign_keys_are_enforced(store: Store) -> None:
    """Rows for a run that was never begun are a bug in citeaudit, and surface as one."""
    with pytest.raises(sqlite3.IntegrityError):
        store.record_fetch("no-such-run", "s1", redirected())


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    db = sqlite3.connect(tmp_path / "citeaudit.sqlite")
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer citeaudit"):
        Store.open(tmp_path)


def test_archive_and_store_together(tmp_path: Path) -> None:
    """What a run does: archive the fetch, record it, and later read the text back offline."""
    store_dir = default_store_dir(tmp_path / "sources.yaml")
    result = redirected()
    with Store.open(store_dir) as store, WarcArchive(store_dir, RUN, {}) as archive:
        store.begin_run(RUN, T0, tmp_path / "sources.yaml", "ab" * 32)
        snap = archive.write_fetch(result)
        assert snap is not None
        store.record_fetch(RUN, "annual-report", result)
        store.record_snapshot(RUN, "annual-report", snap)
        store.finish_run(RUN, T0, Network.ONLINE)
    with Store.open(store_dir) as store:
        (latest,) = store.good_snapshots("annual-report")
    assert latest == snap
    assert read_payload(store_dir, latest) == result.content


def test_worker_threads_can_record(store: Store) -> None:
    """A run that fetches in threads records from them through the one connection."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: store.record_fetch(RUN, f"s{n}", unreachable()), range(20)))
    assert len(rows(store.path, "SELECT id FROM fetches")) == 20


def test_default_store_dir() -> None:
    assert default_store_dir(Path("/news/story/sources.yaml")) == Path("/news/story/.citeaudit")
    assert default_store_dir(Path("sources.yaml")) == Path(".citeaudit")


def test_busy_store_while_another_run_writes(store: Store) -> None:
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        store.close()
        started = time.monotonic()
        with pytest.raises(StoreError, match="is busy: another citeaudit run is using it"):
            with Store.open(store.dir, busy_timeout=0.3) as second:
                second.record_fetch(RUN, "s1", redirected())
        waited = time.monotonic() - started
        assert 0.25 <= waited < 5
    finally:
        other.close()


def test_busy_store_while_it_is_being_created(tmp_path: Path) -> None:
    """A store still being set up by another process: opening waits, then says busy."""
    path = tmp_path / "citeaudit.sqlite"
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("PRAGMA journal_mode = WAL")
        other.execute("BEGIN IMMEDIATE")
        other.execute("CREATE TABLE half (x)")
        started = time.monotonic()
        with pytest.raises(StoreError) as caught:
            Store.open(tmp_path, busy_timeout=0.3)
        assert time.monotonic() - started >= 0.25
        assert caught.value.message == (
            f"the store at {tmp_path} is busy: another citeaudit run is using it; "
            "wait for it to finish"
        )
    finally:
        other.close()
    with Store.open(tmp_path) as store:  # once it is free, it opens
        assert store.snapshots_for("x") == []


def test_reading_is_not_blocked_by_a_writer(store: Store) -> None:
    store.record_snapshot(RUN, "s", snapshot(1, T0))
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with Store.open(store.dir, busy_timeout=0.3) as reader:
            assert reader.snapshots_for("s") == [snapshot(1, T0)]
    finally:
        other.close()


def test_a_garbage_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "citeaudit.sqlite"
    garbage = b"these are my notes, not a database\n" * 100
    path.write_bytes(garbage)
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path)
    assert "is not a citeaudit store database" in caught.value.message
    assert str(path) in caught.value.message
    assert caught.value.hint
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "citeaudit.sqlite"]


@pytest.mark.parametrize("create", [True, False])
def test_an_empty_database_file_is_refused_and_left_alone(tmp_path: Path, create: bool) -> None:
    """A 0-byte citeaudit.sqlite (a crash, a full disk, a bad copy) is not silently replaced."""
    (tmp_path / "archive").mkdir()
    path = tmp_path / "citeaudit.sqlite"
    path.write_bytes(b"")
    with pytest.raises(StoreError) as caught:
        Store.open(tmp_path, create=create)
    assert caught.value.message == (
        f"the store database {path} is empty (0 bytes): a crash, a full disk or an "
        "incomplete copy may have left it so; it was left as it is"
    )
    assert caught.value.hint == (
        "move it aside (or restore it from a backup) and run again; delete it only "
        "to start a new, empty store"
    )
    assert caught.value.exit_code == 2
    assert path.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "citeaudit.sqlite"]


def test_a_damaged_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "citeaudit.sqlite"
    damaged = b"SQLite format 3\x00" + bytes(range(256)) * 16
    path.write_bytes(damaged)
    with pytest.raises(StoreError, match="is damaged or not a citeaudit database"):
        Store.open(tmp_path)
    assert path.read_bytes() == damaged


def test_a_store_that_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the store"):
        Store.open(blocker / ".citeaudit")


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="there is no evidence store at") as caught:
        Store.open(tmp_path / "nowhere", create=False)
    assert caught.value.hint and "citeaudit archive" in caught.value.hint
    assert not (tmp_path / "nowhere").exists()


# -- reading only: a store on a CD or in a folder shared read-only ----------------------------

AS_ROOT = os.geteuid() == 0
needs_permissions = pytest.mark.skipif(
    AS_ROOT, reason="run as root, where file permissions are not enforced"
)


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return three_runs(tmp_path_factory.mktemp("three"))


@pytest.fixture
def kept_store(three: Path, tmp_path: Path) -> Path:
    """A copy of a store made by three real runs (the last an audit), of this test's own."""
    return Path(shutil.copytree(three, tmp_path / ".citeaudit"))


def _read_everything(store: Path, out: Path) -> None:
    """What report, history, search, export and verify-store read."""
    with Store.read(store) as opened:
        assert len(opened.kept_runs()) == 1
        assert opened.search_pages('"teams"', 5)
    assert load_report(store).claims == []
    assert [h.source_id for h in all_histories(store)] == ["p0", "p1"]
    assert search(store, "commissioned")[0].source_ids == ("p1",)
    assert export_wacz(store, out).pages == 2
    assert verify_store(store).ok


def test_reading_writes_nothing(kept_store: Path, tmp_path: Path) -> None:
    """No -wal or -shm file made, the lock file untouched (held shared, never written), no
    change to any file, however it is read; and the connection cannot write."""
    before = files_of(kept_store)
    assert "lock" in before and not any(name.endswith(("-wal", "-shm")) for name in before)
    _read_everything(kept_store, tmp_path / "out.wacz")
    with Store.read(kept_store) as opened, pytest.raises(StoreError, match="cannot be used"):
        opened.record_fetch("run", "p0", redirected())
    assert files_of(kept_store) == before


@needs_permissions
def test_a_store_that_can_only_be_read(kept_store: Path, tmp_path: Path) -> None:
    before = files_of(kept_store)
    folders = [kept_store, kept_store / "archive"]
    for path in [*folders, *kept_store.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        with pytest.raises(StoreError):  # as things were: a run cannot write it
            Store.open(kept_store)
        _read_everything(kept_store, tmp_path / "out.wacz")
    finally:
        for path in folders:
            path.chmod(path.stat().st_mode | 0o200)
    after = files_of(kept_store)
    assert {name: seen[:2] for name, seen in after.items()} == {
        name: seen[:2] for name, seen in before.items()
    }


def test_a_killed_runs_last_writes_are_read(kept_store: Path) -> None:
    """A run killed before its writes reached the database file left them in the -wal
    file: a reader reads them there (an immutable reader would not see them)."""
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from citeaudit.store.database import Store\n"
        "store = Store.open(Path(sys.argv[1]))\n"
        "store.save_report('killed-run', __import__('datetime').datetime(2024, 5, 1), '{}')\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    db = sqlite3.connect(kept_store / "citeaudit.sqlite")
    (started,) = db.execute("SELECT started FROM runs").fetchone()
    db.execute(
        "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version)"
        " VALUES ('killed-run', ?, 'sources.yaml', 'ab', '0')",
        (started,),
    )
    db.commit()
    db.close()
    done = subprocess.run([sys.executable, "-c", code, str(kept_store)], check=False)
    assert done.returncode == -signal.SIGKILL
    wal = kept_store / "citeaudit.sqlite-wal"
    assert wal.stat().st_size > 0
    with Store.read(kept_store) as opened:
        assert "killed-run" in [run.id for run in opened.kept_runs()]
    if AS_ROOT:
        return  # where permissions are enforced: read there from a folder that cannot be written
    for path in [kept_store, *kept_store.iterdir()]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        with Store.read(kept_store) as opened:
            assert "killed-run" in [run.id for run in opened.kept_runs()]
    finally:
        kept_store.chmod(0o755)


@pytest.fixture
def older_store(tmp_path: Path) -> Path:
    """A store of schema 4, as an older citeaudit left it."""
    db = sqlite3.connect(tmp_path / "citeaudit.sqlite", isolation_level=None)
    for number in range(4):
        db.executescript(MIGRATIONS[number])
    db.execute("PRAGMA user_version = 4")
    db.close()
    return tmp_path


def test_an_older_store_is_upgraded_when_it_can_be_written(older_store: Path) -> None:
    with Store.read(older_store) as opened:
        assert opened.kept_runs() == []
    (version,) = rows(older_store / "citeaudit.sqlite", "PRAGMA user_version")
    assert version["user_version"] == len(MIGRATIONS)


def test_an_older_store_that_cannot_be_written_is_refused(
    older_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = older_store / "citeaudit.sqlite"
    data = path.read_bytes()
    if AS_ROOT:  # root may write anything: the folder is taken at its word instead
        monkeypatch.setattr(database.os, "access", lambda *args, **kwargs: False)
    else:
        older_store.chmod(0o555)
        path.chmod(0o444)
    try:
        with pytest.raises(StoreError) as caught:
            Store.read(older_store)
    finally:
        older_store.chmod(0o755)
        path.chmod(0o644)
    assert caught.value.message == (
        f"the store at {older_store} was made by an older citeaudit: open it once with write "
        "access (any audit) to upgrade it"
    )
    assert caught.value.exit_code == 2
    assert path.read_bytes() == data
    assert sorted(p.name for p in older_store.iterdir()) == ["citeaudit.sqlite"]


def test_reading_alongside_a_run(kept_store: Path) -> None:
    """A run holds the store: history, search and report read alongside it, at once."""
    with StoreLock(kept_store, "archive"):
        started = time.monotonic()
        with Store.read(kept_store) as opened:
            assert len(opened.kept_runs()) == 1
        assert time.monotonic() - started < 2
