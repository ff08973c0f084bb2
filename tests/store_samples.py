"""What the store tests record: a run id, fetches that answered and failed, snapshots."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from citeaudit.archive import Snapshot
from citeaudit.fetch import Exchange, FetchResult, Hop
from citeaudit.vocab import LinkStatus

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


def rows(path: Path, sql: str) -> list[sqlite3.Row]:
    """What the database holds, read with plain SQLite as any tool would."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()
