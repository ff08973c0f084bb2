"""The SQLite evidence store: schema, round trips, and failing clearly when it cannot be used."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from citeaudit import __version__
from citeaudit.archive.warc import RecordRef, Snapshot, WarcArchive, read_payload
from citeaudit.catalog.entries import Claim, Evidence
from citeaudit.errors import StoreError
from citeaudit.extract import Page
from citeaudit.fetch.engine import Exchange, FetchResult, Hop
from citeaudit.result import new_run_id
from citeaudit.store.database import MIGRATIONS, Store, default_store_dir
from citeaudit.verify.judge import ClaimResult, EvidenceResult
from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
RUN = "20240501T120000Z-0a1b2c"


def redirected() -> FetchResult:
    return FetchResult(
        url="http://example.org/report",
        status=LinkStatus.REDIRECTED,
        reason="moved permanently to https://example.org/reports/2023",
        started=T0,
        http_status=200,
        final_url="https://example.org/reports/2023",
        redirects=(
            Hop("http://example.org/report", 301),
            Hop("https://example.org/report", 302),
        ),
        permanent=True,
        content_type="text/html; charset=utf-8",
        content=b"<p>Emissions fell by 12 per cent.</p>",
        exchanges=(
            Exchange(
                method="GET",
                url="https://example.org/reports/2023",
                request_headers=(("Host", "example.org"),),
                http_version="HTTP/1.1",
                status=200,
                reason="OK",
                response_headers=(("Content-Type", "text/html; charset=utf-8"),),
                body=b"<p>Emissions fell by 12 per cent.</p>",
                date=T0,
            ),
        ),
        elapsed=0.42,
    )


def unreachable() -> FetchResult:
    return FetchResult(
        url="https://gone.example.invalid/",
        status=LinkStatus.UNREACHABLE,
        reason="the host name does not resolve",
        started=T0 + timedelta(seconds=1),
        elapsed=0.01,
        error="[Errno -2] Name or service not known",
    )


def snapshot(n: int, date: datetime) -> Snapshot:
    return Snapshot(
        url="https://example.org/reports/2023",
        warc=f"archive/2024050112000{n}-{RUN}.warc.gz",
        offset=1000 * n,
        length=512 + n,
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
        date=date,
        sha256=f"{n:064x}",
        content_type="text/html; charset=utf-8",
        http_status=200,
    )


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# -- opening and schema --------------------------------------------------------------------


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
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 4
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
    assert columns["page_texts"] == ["id", "sha256", "snapshot_id", "page", "label", "text"]
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
        assert again.latest_snapshot("nothing") is None
    assert [r["id"] for r in rows(store.path, "SELECT id FROM runs")] == [RUN]


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


# -- round trips ---------------------------------------------------------------------------


def test_run_round_trip(store: Store) -> None:
    store.finish_run(RUN, T0 + timedelta(minutes=3), Network.ONLINE)
    (run,) = rows(store.path, "SELECT * FROM runs")
    assert dict(run) == {
        "id": RUN,
        "started": "2024-05-01T12:00:00.000000Z",
        "finished": "2024-05-01T12:03:00.000000Z",
        "sources_file": "report/sources.yaml",
        "sources_sha256": "ab" * 32,
        "tool_version": __version__,
        "network": "online",
        "command": "audit",
        "resumed": 0,
    }


def test_fetch_round_trip(store: Store) -> None:
    store.record_fetch(RUN, "annual-report", redirected())
    store.record_fetch(RUN, "dead-link", unreachable())
    ok, dead = rows(store.path, "SELECT * FROM fetches ORDER BY id")
    assert ok["source_id"] == "annual-report"
    assert ok["url"] == "http://example.org/report"
    assert ok["status"] == "redirected"
    assert ok["http_status"] == 200
    assert ok["final_url"] == "https://example.org/reports/2023"
    assert json.loads(ok["redirects"]) == [
        {"url": "http://example.org/report", "status": 301},
        {"url": "https://example.org/report", "status": 302},
    ]
    assert ok["permanent"] == 1
    assert ok["truncated"] == 0
    assert ok["sha256"] == redirected().sha256
    assert ok["fetched"] == "2024-05-01T12:00:00.000000Z"
    assert ok["elapsed"] == pytest.approx(0.42)
    assert ok["error"] is None
    assert dead["status"] == "unreachable"
    assert dead["http_status"] is None
    assert dead["sha256"] is None
    assert json.loads(dead["redirects"]) == []
    assert dead["error"] == "[Errno -2] Name or service not known"


def test_fetching_a_source_again_in_a_run_replaces_the_row(store: Store) -> None:
    store.record_fetch(RUN, "annual-report", unreachable())
    store.record_fetch(RUN, "annual-report", redirected())
    (row,) = rows(store.path, "SELECT status FROM fetches")
    assert row["status"] == "redirected"


def test_snapshot_round_trip(store: Store) -> None:
    first = snapshot(1, T0)
    second = snapshot(2, T0 + timedelta(days=1))
    store.record_snapshot(RUN, "annual-report", first)
    store.record_snapshot(RUN, "annual-report", second)
    store.record_snapshot(RUN, "other", snapshot(3, T0))
    assert store.snapshots_for("annual-report") == [first, second]
    assert store.snapshots_for("nobody") == []
    got = store.snapshots_for("annual-report")[0]
    assert got.date.tzinfo is not None and got.date == T0
    (row,) = rows(store.path, "SELECT * FROM snapshots WHERE record_id = '" + first.record_id + "'")
    assert row["offset"] == 1000 and row["date"] == "2024-05-01T12:00:00.000000Z"


def test_times_are_stored_in_utc(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    store.record_snapshot(RUN, "s", snapshot(1, datetime(2024, 5, 1, 14, 0, 0, 1, tzinfo=paris)))
    (row,) = rows(store.path, "SELECT date FROM snapshots")
    assert row["date"] == "2024-05-01T12:00:00.000001Z"
    latest = store.latest_snapshot("s")
    assert latest is not None and latest.date == T0 + timedelta(microseconds=1)


def test_latest_snapshot_picks_the_newest(store: Store) -> None:
    assert store.latest_snapshot("annual-report") is None
    newest = snapshot(2, T0 + timedelta(days=30))
    # written out of order, and the older one last: the capture date decides
    store.record_snapshot(RUN, "annual-report", newest)
    store.record_snapshot(RUN, "annual-report", snapshot(1, T0))
    store.record_snapshot(RUN, "annual-report", snapshot(3, T0 + timedelta(days=29)))
    store.record_snapshot(RUN, "another", snapshot(4, T0 + timedelta(days=99)))
    assert store.latest_snapshot("annual-report") == newest


def test_latest_snapshot_across_runs(store: Store) -> None:
    store.record_snapshot(RUN, "s", snapshot(1, T0))
    later = new_run_id(T0 + timedelta(days=7))
    store.begin_run(later, T0 + timedelta(days=7), "report/sources.yaml", "cd" * 32)
    store.record_snapshot(later, "s", snapshot(2, T0 + timedelta(days=7)))
    latest = store.latest_snapshot("s")
    assert latest is not None and latest.record_id == snapshot(2, T0).record_id


def test_verdict_round_trip(store: Store) -> None:
    store.record_verdict(RUN, "c1", 0, "annual-report", Verdict.MISQUOTED, JudgedOn.LIVE)
    store.record_verdict(
        RUN,
        "c1",
        0,
        "annual-report",
        Verdict.VERIFIED,
        JudgedOn.SNAPSHOT,
        found_at="p. 3",
        passage="Emissions fell by 12 per cent.",
    )
    (row,) = rows(store.path, "SELECT * FROM verdicts")
    assert (row["verdict"], row["judged_on"], row["found_at"]) == ("verified", "snapshot", "p. 3")


def test_claim_verdicts_are_recorded_together(store: Store) -> None:
    claim = Claim(
        id="emissions",
        text="Emissions fell by 12 per cent.",
        evidence=(Evidence(source="annual-report", quote="fell by 12"), Evidence(source="memo")),
    )
    result = ClaimResult(
        claim,
        ClaimVerdict.PARTLY_SUPPORTED,
        (
            EvidenceResult(
                claim.evidence[0],
                Verdict.VERIFIED,
                JudgedOn.LIVE,
                found_at="p. 3",
                passage="Emissions fell by 12 per cent in 2023.",
            ),
            EvidenceResult(claim.evidence[1], Verdict.SOURCE_UNAVAILABLE),
        ),
    )
    store.record_verdicts(RUN, result)
    got = rows(store.path, "SELECT * FROM verdicts ORDER BY evidence_index")
    assert [tuple(r)[1:] for r in got] == [
        (
            RUN,
            "emissions",
            0,
            "annual-report",
            "verified",
            "live",
            "p. 3",
            "Emissions fell by 12 per cent in 2023.",
        ),
        (RUN, "emissions", 1, "memo", "source_unavailable", None, None, None),
    ]


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
        latest = store.latest_snapshot("annual-report")
    assert latest == snap
    assert read_payload(store_dir, latest) == result.content


def test_worker_threads_can_record(store: Store) -> None:
    """A run that fetches in threads records from them through the one connection."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: store.record_fetch(RUN, f"s{n}", unreachable()), range(20)))
    assert len(rows(store.path, "SELECT id FROM fetches")) == 20


# -- helpers -------------------------------------------------------------------------------


def test_default_store_dir() -> None:
    assert default_store_dir(Path("/news/story/sources.yaml")) == Path("/news/story/.citeaudit")
    assert default_store_dir(Path("sources.yaml")) == Path(".citeaudit")


def test_new_run_id_is_short_and_sortable() -> None:
    first = new_run_id(T0)
    second = new_run_id(T0 + timedelta(seconds=1))
    assert re.fullmatch(r"20240501T120000Z-[0-9a-f]{6}", first)
    assert first < second
    assert len({new_run_id(T0) for _ in range(50)}) > 1
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", new_run_id())


# -- failing clearly -----------------------------------------------------------------------


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
        assert store.latest_snapshot("x") is None


def test_reading_is_not_blocked_by_a_writer(store: Store) -> None:
    store.record_snapshot(RUN, "s", snapshot(1, T0))
    other = sqlite3.connect(store.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with Store.open(store.dir, busy_timeout=0.3) as reader:
            assert reader.latest_snapshot("s") == snapshot(1, T0)
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


# -- migrations ----------------------------------------------------------------------------


def test_a_first_schema_store_is_migrated_with_its_data(tmp_path: Path) -> None:
    """A store written by the first release: its rows survive, and gain the new columns."""
    path = tmp_path / "citeaudit.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version)"
        " VALUES (?, '2024-05-01T12:00:00.000000Z', 'sources.yaml', 'ab', '0.1.0')",
        (RUN,),
    )
    db.execute(
        'INSERT INTO snapshots (run_id, source_id, url, warc, "offset", length, record_id,'
        " date, sha256, content_type, http_status) VALUES (?, 's', 'https://example.org/',"
        " 'archive/a.warc.gz', 10, 20, '<urn:uuid:1>', '2024-05-01T12:00:00.000000Z', 'cd',"
        " 'text/html', 200)",
        (RUN,),
    )
    db.close()
    with Store.open(tmp_path) as store:
        (snap,) = store.snapshots_for("s")
        assert (snap.record_id, snap.offset, snap.record_type) == ("<urn:uuid:1>", 10, "response")
        assert snap.payload_digest is None and snap.refers_to is None
        # the same record may now be recorded for a second source
        store.record_snapshot(RUN, "s2", snap)
        assert store.snapshots_for("s2") == [snap]
    (run,) = rows(path, "SELECT command, resumed FROM runs")
    assert (run["command"], run["resumed"]) == ("audit", 0)


# -- revisits, page texts, resumption, WARC files ------------------------------------------


def test_a_snapshot_shared_by_two_sources(store: Store) -> None:
    """URLs that differ only in their #fragment share one record: both sources point at it."""
    first = store.record_snapshot(RUN, "a", snapshot(1, T0))
    second = store.record_snapshot(RUN, "b", snapshot(1, T0))
    assert first != second
    assert store.record_snapshot(RUN, "a", snapshot(1, T0)) == first  # recorded once


def test_revisit_snapshot_round_trip(store: Store) -> None:
    original = snapshot(1, T0)
    ref = RecordRef(original.url, T0, original.warc, original.offset, original.length, "<o>")
    revisit = Snapshot(
        **{
            **snapshot(2, T0 + timedelta(days=1)).__dict__,
            "record_type": "revisit",
            "payload_digest": "sha1:ABC",
            "refers_to": ref,
            "metadata_id": "<urn:uuid:meta>",
        }
    )
    store.record_snapshot(RUN, "s", revisit)
    assert store.latest_snapshot("s") == revisit


def test_find_original_is_the_earliest_response_of_other_runs(store: Store) -> None:
    def with_digest(n: int, date: datetime, kind: str = "response") -> Snapshot:
        return Snapshot(
            **{**snapshot(n, date).__dict__, "payload_digest": "sha1:SAME", "record_type": kind}
        )

    url = snapshot(1, T0).url
    assert store.find_original(url, "sha1:SAME") is None
    store.record_snapshot(RUN, "s", with_digest(2, T0 + timedelta(days=2)))
    store.record_snapshot(RUN, "s", with_digest(1, T0 + timedelta(days=1)))
    store.record_snapshot(RUN, "s", with_digest(3, T0, kind="revisit"))
    found = store.find_original(url, "sha1:SAME")
    assert found == RecordRef(
        url,
        T0 + timedelta(days=1),
        snapshot(1, T0).warc,
        snapshot(1, T0).offset,
        snapshot(1, T0).length,
        snapshot(1, T0).record_id,
    )
    assert store.find_original(url, "sha1:OTHER") is None
    assert store.find_original("https://elsewhere.example/", "sha1:SAME") is None
    assert store.find_original(url, "sha1:SAME", other_than_run=RUN) is None


def test_page_texts_are_kept_once_per_body_and_searchable(store: Store) -> None:
    first = store.record_snapshot(RUN, "report", snapshot(1, T0))
    pages = [
        Page(1, "i", "Contents"),
        Page(2, "1", "The teams were commissioned directly by NHS England."),
    ]
    assert not store.has_pages(snapshot(1, T0).sha256)
    assert store.record_pages(first, snapshot(1, T0).sha256, pages) == 2
    assert store.has_pages(snapshot(1, T0).sha256)
    # the same body again (a later, unchanged capture): nothing added
    later = Snapshot(**{**snapshot(2, T0 + timedelta(days=1)).__dict__, "sha256": f"{1:064x}"})
    second = store.record_snapshot(RUN, "report", later)
    assert store.record_pages(second, later.sha256, pages) == 0
    assert len(rows(store.path, "SELECT id FROM page_texts")) == 2
    # the view joins every snapshot to its pages
    joined = rows(store.path, "SELECT snapshot_id, page, label FROM snapshot_pages ORDER BY 1, 2")
    assert [tuple(r) for r in joined] == [
        (first, 1, "i"),
        (first, 2, "1"),
        (second, 1, "i"),
        (second, 2, "1"),
    ]
    # full text, with porter stemming: "commission" finds "commissioned"
    found = rows(
        store.path,
        "SELECT p.label FROM page_texts_fts JOIN page_texts p ON p.id = page_texts_fts.rowid"
        " WHERE page_texts_fts MATCH 'commission'",
    )
    assert [r["label"] for r in found] == ["1"]


def test_control_markers_are_dropped_from_page_texts(store: Store) -> None:
    snap_id = store.record_snapshot(RUN, "s", snapshot(1, T0))
    store.record_pages(snap_id, "ab", [Page(1, "1", "a\x01b\x02c")])
    (row,) = rows(store.path, "SELECT text FROM page_texts")
    assert row["text"] == "abc"


def test_resumable_run(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        assert store.resumable_run("archive", "ab", T0) is None
        store.begin_run(RUN, T0, "sources.yaml", "ab", "archive")
        assert store.resumable_run("archive", "ab", T0 + timedelta(hours=1)) == RUN
        assert store.resumable_run("audit", "ab", T0 + timedelta(hours=1)) is None  # other command
        assert store.resumable_run("archive", "cd", T0 + timedelta(hours=1)) is None  # other file
        assert store.resumable_run("archive", "ab", T0 + timedelta(hours=25)) is None  # too old
        assert store.mark_resumed(RUN) == 1
        assert store.run_started(RUN) == T0
        store.finish_run(RUN, T0 + timedelta(hours=1), Network.ONLINE)
        assert store.resumable_run("archive", "ab", T0 + timedelta(hours=2)) is None  # finished


def test_run_captures(store: Store) -> None:
    store.record_fetch(RUN, "annual-report", redirected())
    store.record_snapshot(RUN, "annual-report", snapshot(1, T0))
    store.record_fetch(RUN, "dead-link", unreachable())  # no snapshot: not captured
    store.record_snapshot(RUN, "letter", snapshot(2, T0))  # a local file: no fetch
    captured = store.run_captures(RUN)
    assert set(captured) == {"annual-report", "letter"}
    fetch, snap = captured["annual-report"]
    assert snap == snapshot(1, T0)
    assert fetch is not None
    expected = redirected()
    assert (fetch.status, fetch.final_url, fetch.redirects, fetch.permanent) == (
        expected.status,
        expected.final_url,
        expected.redirects,
        True,
    )
    assert fetch.started == T0 and fetch.elapsed == pytest.approx(0.42)
    assert captured["letter"][0] is None


def test_warc_files_are_tracked(store: Store) -> None:
    store.record_warc_opened("archive/a.warc.gz", RUN, T0)
    assert store.closed_warcs() == {}
    store.record_warc_closed("archive/a.warc.gz", T0, 1234)
    assert store.closed_warcs() == {"archive/a.warc.gz": 1234}
    store.record_repair("archive/a.warc.gz", T0, 1000, 234, "repaired/a.warc.gz.1000.partial")
    (row,) = rows(store.path, "SELECT * FROM warc_repairs")
    assert (row["kept_bytes"], row["cut_bytes"]) == (1000, 234)


def test_latest_status_view(store: Store) -> None:
    later = new_run_id(T0 + timedelta(days=7))
    store.record_fetch(RUN, "s", redirected())
    store.begin_run(later, T0 + timedelta(days=7), "sources.yaml", "ab" * 32)
    gone = FetchResult(
        url="http://example.org/report",
        status=LinkStatus.NOT_FOUND,
        reason="404 Not Found",
        started=T0 + timedelta(days=7),
        http_status=404,
    )
    store.record_fetch(later, "s", gone)
    (row,) = rows(store.path, "SELECT * FROM latest_status")
    assert (row["source_id"], row["status"], row["run_id"]) == ("s", "not_found", later)
    assert row["last_ok"] == "2024-05-01T12:00:00.000000Z"


def test_reading_a_store_that_does_not_exist_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="there is no evidence store at") as caught:
        Store.open(tmp_path / "nowhere", create=False)
    assert caught.value.hint and "citeaudit archive" in caught.value.hint
    assert not (tmp_path / "nowhere").exists()
