"""A public web archive's copy of a source: plain data that the store, the run's result and
the reports share, so none of them needs the web-archive client to name it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citeaudit.archive import Snapshot


@dataclass(frozen=True)
class ArchivedCopy:
    """A public web archive's copy of a source (a Memento), or why none was found.

    ``url`` is the memento as the archive shows it; ``raw_url`` the unrewritten bytes
    (Wayback's ``id_`` form) that were fetched, kept and judged on; ``date`` its
    Memento-Datetime. ``found`` is True when a usable copy was found; False when every
    archive asked answered and had no usable copy (none, or only archived errors: that
    archive's answer, not proof the page was never archived anywhere); None when an
    archive could not be asked or failed to answer (``note`` says why: a timeout, a rate
    limit, a 5xx): unknown. ``timegate`` is the archive that had the copy, or every one
    asked, comma-separated. ``sought`` is the moment the copy was sought near (the
    source's accessed date); ``snapshot`` where the memento was kept in our WARC.

    For Save Page Now (``SourceResult.saved``), ``timegate`` is the endpoint, ``found``
    whether the page was saved (None: not known, the job did not finish in time), and
    ``url``/``date`` the new capture.
    """

    timegate: str
    found: bool | None
    url: str | None = None
    raw_url: str | None = None
    date: datetime | None = None
    http_status: int | None = None
    note: str | None = None
    sought: datetime | None = None
    snapshot: Snapshot | None = None
