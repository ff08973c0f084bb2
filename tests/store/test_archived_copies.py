"""Copies in public web archives: each look-up and Save Page Now capture recorded, and the
mementos kept in our WARC files found again for a later audit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from citeaudit.archive import Snapshot
from citeaudit.store.database import Store
from citeaudit.webarchive.copy import ArchivedCopy
from store_samples import RUN, T0, rows, snapshot

TIMEGATE = "https://archive.example/web/"
CITED = "https://example.org/report"
MEMENTO = "https://archive.example/web/20200101000000/https://example.org/reports/2023"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


def found(days: int = 0) -> ArchivedCopy:
    return ArchivedCopy(
        timegate=TIMEGATE,
        found=True,
        url=MEMENTO,
        raw_url=MEMENTO.replace("000000/", "000000id_/"),
        date=T0 - timedelta(days=400 - days),
        http_status=200,
        sought=T0 - timedelta(days=30),
        # filed under the URL as cited, as the writer files a memento
        snapshot=Snapshot(
            **{**snapshot(1 + days, T0 - timedelta(days=400 - days)).__dict__, "url": CITED}
        ),
    )


def test_a_kept_memento_comes_back(store: Store) -> None:
    copy = found()
    store.record_archived_copy(RUN, "annual-report", CITED, "lookup", copy)
    (kept,) = store.kept_mementos("annual-report")
    assert kept == copy
    assert store.kept_mementos("another") == []


def test_only_lookups_that_found_a_kept_copy_come_back(store: Store) -> None:
    url = CITED
    none = ArchivedCopy(timegate=TIMEGATE, found=False, note="no copy")
    store.record_archived_copy(RUN, "a", url, "lookup", none)
    unknown = ArchivedCopy(timegate=TIMEGATE, found=None, note="the archive timed out")
    store.record_archived_copy(RUN, "b", url, "lookup", unknown)
    not_kept = ArchivedCopy(**{**found().__dict__, "snapshot": None})
    store.record_archived_copy(RUN, "c", url, "lookup", not_kept)
    saved = ArchivedCopy(timegate="https://archive.example/save", found=True, url=MEMENTO)
    store.record_archived_copy(RUN, "d", url, "saved", saved)
    assert [store.kept_mementos(s) for s in "abcd"] == [[], [], [], []]
    recorded = rows(store.path, "SELECT source_id, kind, found FROM archived_copies ORDER BY 1")
    assert [tuple(r) for r in recorded] == [
        ("a", "lookup", 0),
        ("b", "lookup", None),
        ("c", "lookup", 1),
        ("d", "saved", 1),
    ]


def test_a_lookup_again_in_a_run_replaces_it(store: Store) -> None:
    url = CITED
    store.record_archived_copy(RUN, "s", url, "lookup", found())
    store.record_archived_copy(RUN, "s", url, "lookup", found(days=10))
    (kept,) = store.kept_mementos("s")
    assert kept == found(days=10)
    assert len(rows(store.path, "SELECT id FROM archived_copies")) == 1
