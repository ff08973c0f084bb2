"""The run's result as plain data: ids, counts, and what a source's robust link is made of."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from citeaudit.catalog.entries import Source
from citeaudit.result import AuditResult, RunInfo, SourceResult, accepted, new_run_id
from citeaudit.vocab import LinkStatus, Network
from citeaudit.webarchive.copy import ArchivedCopy

START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_run_ids_sort_by_start_and_do_not_clash() -> None:
    first = new_run_id(START)
    assert re.fullmatch(r"20260501T120000Z-[0-9a-f]{6}", first)
    assert new_run_id(datetime(2026, 5, 1, 12, 0)).startswith("20260501T120000Z-")
    assert new_run_id(START) != first
    assert new_run_id(datetime(2026, 5, 2, tzinfo=UTC)) > first


def test_counts_name_sources_with_no_copy() -> None:
    run = RunInfo("r", START, START, "sources.yaml", Network.ONLINE)
    sources = (
        SourceResult(Source(id="a", url="https://example.org/a")),
        SourceResult(Source(id="b")),
    )
    result = AuditResult(run=run, document=None, sources=sources)
    assert result.source_counts() == {"no_copy": 2}
    assert result.claim_counts() == {}
    assert not accepted(sources[0], frozenset({404}))


def test_robust_link_uses_the_archived_copy_found() -> None:
    source = Source(id="a", url="https://example.org/a")
    copy = ArchivedCopy(
        timegate="https://archive.example/web/",
        found=True,
        url="https://archive.example/web/20200101000000/https://example.org/a",
        date=datetime(2020, 1, 1, tzinfo=UTC),
    )
    link = SourceResult(source, archived=copy).robust_link
    assert link is not None
    assert 'data-versionurl="https://archive.example/web/20200101000000/' in link
    assert SourceResult(source).robust_link is None  # no copy and no date: a plain link
    assert SourceResult(Source(id="b")).robust_link is None
    missing = ArchivedCopy(timegate="https://archive.example/web/", found=False)
    assert "data-versionurl" not in (SourceResult(source, archived=missing).robust_link or "")
    assert LinkStatus.OK.alive
