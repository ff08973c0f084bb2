"""The evidence store: one SQLite database of what each run found, beside its WARC files,
with the history of every source, full-text search, WACZ export, a check of every record
it points at, the lock that lets one run write at a time, and the repair of what a killed
run left. Importing it loads no HTTP client and no warcio writer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.store.captures import Capture as Capture
    from citeaudit.store.connection import DATABASE_NAME as DATABASE_NAME
    from citeaudit.store.database import Store as Store
    from citeaudit.store.database import default_store_dir as default_store_dir
    from citeaudit.store.export import export_wacz as export_wacz
    from citeaudit.store.fulltext import Hit as Hit
    from citeaudit.store.fulltext import fts_query as fts_query
    from citeaudit.store.fulltext import search as search
    from citeaudit.store.histories import SourceHistory as SourceHistory
    from citeaudit.store.histories import all_histories as all_histories
    from citeaudit.store.histories import history as history
    from citeaudit.store.histories import source_histories as source_histories
    from citeaudit.store.integrity import Damage as Damage
    from citeaudit.store.integrity import StoreCheck as StoreCheck
    from citeaudit.store.integrity import verify_store as verify_store
    from citeaudit.store.lock import DEFAULT_LOCK_WAIT as DEFAULT_LOCK_WAIT
    from citeaudit.store.lock import StoreLock as StoreLock
    from citeaudit.store.repair import recover as recover
    from citeaudit.store.runlog import RESUME_WINDOW as RESUME_WINDOW

exports(
    globals(),
    {
        "captures": ("Capture",),
        "connection": ("DATABASE_NAME",),
        "database": ("Store", "default_store_dir"),
        "export": ("export_wacz",),
        "fulltext": ("Hit", "fts_query", "search"),
        "histories": ("SourceHistory", "all_histories", "history", "source_histories"),
        "integrity": ("Damage", "StoreCheck", "verify_store"),
        "lock": ("DEFAULT_LOCK_WAIT", "StoreLock"),
        "repair": ("recover",),
        "runlog": ("RESUME_WINDOW",),
    },
)
