"""Before a run writes anything, put back in order what a killed run left: each WARC file not
known to be complete is scanned and repaired (see :mod:`citeaudit.archive.recovery`), and the
repair is recorded in the store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from citeaudit.archive import ARCHIVE_DIR, Repair, repair_warc
from citeaudit.store.database import Store


def recover(store: Store, now: Callable[[], datetime] | None = None) -> list[Repair]:
    """Check every WARC file not known to be complete, repair it, and record it as closed.

    Call with the store lock held, so no other run is writing any of these files.
    """
    clock = now or (lambda: datetime.now(UTC))
    closed = store.closed_warcs()
    repairs: list[Repair] = []
    archive_dir = store.dir / ARCHIVE_DIR
    for path in sorted(archive_dir.glob("*.warc.gz")):
        name = f"{ARCHIVE_DIR}/{path.name}"
        size = path.stat().st_size
        if closed.get(name) == size:
            continue
        if size == 0:
            path.unlink()  # killed before its first record: an empty file holds nothing
            continue
        repair = repair_warc(store.dir, name)
        if repair is not None:
            store.record_repair(name, clock(), repair.kept, repair.cut, repair.moved_to)
            repairs.append(repair)
            if repair.kept == 0:
                continue
        store.record_warc_closed(name, clock(), path.stat().st_size)
    return repairs
