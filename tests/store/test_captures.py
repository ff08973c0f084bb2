"""Fetches and snapshots: what each run fetched and where its copies are, read back as typed
data, and every look at a source in order for its history."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from citeaudit.archive import RecordRef, Snapshot
from citeaudit.fetch import FetchResult
from citeaudit.result import new_run_id
from citeaudit.store.database import Store
from citeaudit.vocab import LinkStatus
from store_samples import RUN, T0, redirected, rows, snapshot, unreachable


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


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
    (got,) = store.snapshots_for("s")
    assert got.date == T0 + timedelta(microseconds=1)


def test_snapshots_are_in_order_of_capture(store: Store) -> None:
    assert store.snapshots_for("annual-report") == []
    newest = snapshot(2, T0 + timedelta(days=30))
    # written out of order, and the older one last: the capture date decides
    store.record_snapshot(RUN, "annual-report", newest)
    store.record_snapshot(RUN, "annual-report", snapshot(1, T0))
    store.record_snapshot(RUN, "annual-report", snapshot(3, T0 + timedelta(days=29)))
    store.record_snapshot(RUN, "another", snapshot(4, T0 + timedelta(days=99)))
    assert store.snapshots_for("annual-report")[-1] == newest
    assert [s.date for s in store.snapshots_for("annual-report")] == [
        T0,
        T0 + timedelta(days=29),
        T0 + timedelta(days=30),
    ]


def test_snapshots_across_runs(store: Store) -> None:
    store.record_snapshot(RUN, "s", snapshot(1, T0))
    later = new_run_id(T0 + timedelta(days=7))
    store.begin_run(later, T0 + timedelta(days=7), "report/sources.yaml", "cd" * 32)
    store.record_snapshot(later, "s", snapshot(2, T0 + timedelta(days=7)))
    latest = store.snapshots_for("s")[-1]
    assert latest.record_id == snapshot(2, T0).record_id


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
    assert store.snapshots_for("s") == [revisit]


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


def test_good_snapshots_are_of_fetches_that_answered(store: Store) -> None:
    """A copy of a soft 404 or a bot wall served with 200 is not worth judging on."""
    later = new_run_id(T0 + timedelta(days=1))
    store.record_fetch(RUN, "s", redirected())
    store.record_snapshot(RUN, "s", snapshot(1, T0))
    store.begin_run(later, T0 + timedelta(days=1), "report/sources.yaml", "ab" * 32)
    soft = FetchResult(
        url="http://example.org/report",
        status=LinkStatus.SOFT_404,
        reason="the page says it is not found",
        started=T0 + timedelta(days=1),
        http_status=200,
    )
    store.record_fetch(later, "s", soft)
    store.record_snapshot(later, "s", snapshot(2, T0 + timedelta(days=1)))
    assert store.good_snapshots("s") == [snapshot(1, T0)]
    assert len(store.snapshots_for("s")) == 2


def test_captures_are_every_look_in_order(store: Store) -> None:
    """Each fetch with the copy its run kept, and a local file's copy (never fetched)."""
    store.record_fetch(RUN, "dead-link", unreachable())  # nothing came back to keep
    store.record_fetch(RUN, "annual-report", redirected())
    store.record_snapshot(RUN, "annual-report", snapshot(1, T0))
    letter = Snapshot(**{**snapshot(2, T0).__dict__, "record_type": "resource"})
    store.record_snapshot(RUN, "letter", Snapshot(**{**letter.__dict__, "url": "file:///l.txt"}))
    captures = store.captures()
    assert [(c.source_id, c.status, c.record_type) for c in captures] == [
        ("annual-report", LinkStatus.REDIRECTED, "response"),
        ("letter", None, "resource"),
        ("dead-link", LinkStatus.UNREACHABLE, None),
    ]
    report, letter_capture, dead = captures
    assert (report.date, report.http_status, report.final_url) == (
        T0,
        200,
        "https://example.org/reports/2023",
    )
    assert (report.warc, report.record_id, report.sha256) == (
        snapshot(1, T0).warc,
        snapshot(1, T0).record_id,
        snapshot(1, T0).sha256,
    )
    assert letter_capture.answered and not letter_capture.failed and letter_capture.reason == ""
    assert dead.failed and not dead.answered and dead.warc is None
