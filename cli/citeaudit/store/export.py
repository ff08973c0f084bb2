"""Export the store as one WACZ file: under the store lock, after repairing what a killed run
left, every WARC file with its index and the list of pages the store knows answered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from citeaudit.archive import ARCHIVE_DIR, WaczExport, write_wacz
from citeaudit.errors import StoreError
from citeaudit.store.connection import DATABASE_NAME
from citeaudit.store.database import Store
from citeaudit.store.lock import DEFAULT_LOCK_WAIT, StoreLock
from citeaudit.store.repair import recover


def export_wacz(
    store_dir: Path,
    out: Path,
    *,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    now: Callable[[], datetime] | None = None,
) -> WaczExport:
    """Write every WARC file of the store, indexed, into the WACZ file ``out``.

    Holds the store lock (no run may write meanwhile) and first repairs what a killed run
    left. ``out`` is whole or absent.
    """
    store_dir = Path(store_dir)
    out = Path(out)
    if not (store_dir / DATABASE_NAME).is_file():
        Store.open(store_dir, create=False)  # raises the usual "no evidence store" error
    if not out.parent.is_dir():
        raise StoreError(
            f"cannot write {out}: the folder {out.parent} does not exist",
            hint="create it first, or give another path to --wacz",
        )
    created = (now or (lambda: datetime.now(UTC)))()
    with StoreLock(store_dir, "export", wait=lock_wait), Store.open(store_dir) as store:
        recover(store)
        warcs = sorted((store_dir / ARCHIVE_DIR).glob("*.warc.gz"))
        if not warcs:
            raise StoreError(
                f"the store at {store_dir} holds no WARC files yet",
                hint="run 'citeaudit archive' first",
            )
        return write_wacz(out, warcs, store.replay_pages(), created)
