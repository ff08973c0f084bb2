"""Public web archives: their copies of a source near the date it was cited (Memento),
new captures (Save Page Now), and Robust Links to cite them by. Archives are asked over the
same politeness policy as sources (:mod:`citeaudit.net.policy`); an archive down or slow is
a fact to report, never a crash. :class:`ArchivedCopy` is plain data, free to name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.webarchive.client import RETRY_CODES as RETRY_CODES
    from citeaudit.webarchive.client import Answer as Answer
    from citeaudit.webarchive.client import ArchiveClient as ArchiveClient
    from citeaudit.webarchive.client import ArchiveUnavailable as ArchiveUnavailable
    from citeaudit.webarchive.copy import ArchivedCopy as ArchivedCopy
    from citeaudit.webarchive.memento import TIMEGATE_ENV as TIMEGATE_ENV
    from citeaudit.webarchive.memento import WAYBACK_TIMEGATE as WAYBACK_TIMEGATE
    from citeaudit.webarchive.memento import Lookup as Lookup
    from citeaudit.webarchive.memento import Memento as Memento
    from citeaudit.webarchive.memento import MementoOptions as MementoOptions
    from citeaudit.webarchive.memento import check_timegate as check_timegate
    from citeaudit.webarchive.memento import find_archived as find_archived
    from citeaudit.webarchive.memento import find_archived_sync as find_archived_sync
    from citeaudit.webarchive.memento import sought_date as sought_date
    from citeaudit.webarchive.memento import timegates_from_env as timegates_from_env
    from citeaudit.webarchive.memento_urls import memento_timestamp as memento_timestamp
    from citeaudit.webarchive.memento_urls import raw_memento_url as raw_memento_url
    from citeaudit.webarchive.memento_urls import shown_memento_url as shown_memento_url
    from citeaudit.webarchive.memento_urls import timegate_url as timegate_url
    from citeaudit.webarchive.robustlinks import robust_link as robust_link
    from citeaudit.webarchive.spn import SPN_ENDPOINT as SPN_ENDPOINT
    from citeaudit.webarchive.spn import SaveOptions as SaveOptions
    from citeaudit.webarchive.spn import save_pages as save_pages
    from citeaudit.webarchive.spn import save_pages_sync as save_pages_sync

exports(
    globals(),
    {
        "client": (
            "RETRY_CODES",
            "Answer",
            "ArchiveClient",
            "ArchiveUnavailable",
        ),
        "copy": ("ArchivedCopy",),
        "memento": (
            "TIMEGATE_ENV",
            "WAYBACK_TIMEGATE",
            "Lookup",
            "Memento",
            "MementoOptions",
            "check_timegate",
            "find_archived",
            "find_archived_sync",
            "sought_date",
            "timegates_from_env",
        ),
        "memento_urls": (
            "memento_timestamp",
            "raw_memento_url",
            "shown_memento_url",
            "timegate_url",
        ),
        "robustlinks": ("robust_link",),
        "spn": (
            "SPN_ENDPOINT",
            "SaveOptions",
            "save_pages",
            "save_pages_sync",
        ),
    },
)
