"""Runs and their WARC files: a run begun, finished or resumed, and which WARC files are known
to be complete."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from citeaudit import __version__
from citeaudit.result import new_run_id
from citeaudit.store.database import Store
from citeaudit.vocab import Network
from store_samples import RUN, T0, rows


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


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


def test_warc_files_are_tracked(store: Store) -> None:
    store.record_warc_opened("archive/a.warc.gz", RUN, T0)
    assert store.closed_warcs() == {}
    store.record_warc_closed("archive/a.warc.gz", T0, 1234)
    assert store.closed_warcs() == {"archive/a.warc.gz": 1234}
    store.record_repair("archive/a.warc.gz", T0, 1000, 234, "repaired/a.warc.gz.1000.partial")
    (row,) = rows(store.path, "SELECT * FROM warc_repairs")
    assert (row["kept_bytes"], row["cut_bytes"]) == (1000, 234)


def test_new_run_id_is_short_and_sortable() -> None:
    first = new_run_id(T0)
    second = new_run_id(T0 + timedelta(seconds=1))
    assert re.fullmatch(r"20240501T120000Z-[0-9a-f]{6}", first)
    assert first < second
    assert len({new_run_id(T0) for _ in range(50)}) > 1
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", new_run_id())


def test_sources_sha256_of_a_run(store: Store) -> None:
    """What `report` compares the sources file with, for a report kept without it."""
    assert store.sources_sha256(RUN) == "ab" * 32
    assert store.sources_sha256("20990101T000000Z-000000") is None
