"""Export the store as one WACZ file: under the store lock, after repairing what a killed run
left, every WARC file with its index, and one page per source: its newest good capture.

A replay tool shows the page list as the document's evidence, so it holds only captures that
are the page cited: fetched ``ok`` or ``redirected`` (never a soft 404, an error page or the
home page a dead link was sent to), or a local file. Every other record stays in the WARC
files, where it can still be looked up; nothing stored is left out of the export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from citeaudit.archive import (
    ARCHIVE_DIR,
    ReplayPage,
    Snapshot,
    WaczExport,
    read_payload,
    write_wacz,
)
from citeaudit.catalog import Catalog
from citeaudit.errors import StoreError
from citeaudit.extract import extract
from citeaudit.store.connection import DATABASE_NAME
from citeaudit.store.database import Store
from citeaudit.store.histories import SourceHistory, source_histories
from citeaudit.store.lock import DEFAULT_LOCK_WAIT, StoreLock
from citeaudit.store.repair import recover


def export_wacz(
    store_dir: Path,
    out: Path,
    *,
    catalog: Catalog | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    now: Callable[[], datetime] | None = None,
) -> WaczExport:
    """Write every WARC file of the store, indexed, into the WACZ file ``out``, listing one
    page per source of ``catalog`` (without one, per source the store has seen).

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
        return write_wacz(out, warcs, evidence_pages(store, warcs, catalog), created)


@dataclass
class _Page:
    """A page being listed: its capture and the sources that cite it, in file order."""

    snapshot: Snapshot
    sources: list[tuple[str, str | None]] = field(default_factory=list)  # (id, title)


def evidence_pages(
    store: Store, warcs: Iterable[Path], catalog: Catalog | None = None
) -> list[ReplayPage]:
    """The page list of a WACZ holding ``warcs``: each source's newest good capture that
    replays from them, one page per URL, in the order of the sources file.

    A good capture was fetched ``ok`` or ``redirected`` (a revisit of an unchanged body
    too), or is a local file. Its page is titled by the sources file, else by the page.
    Without ``catalog``, every source the store has seen is listed, by id.
    """
    held = {f"{ARCHIVE_DIR}/{path.name}": path.stat().st_size for path in warcs}
    histories = {h.source_id: h for h in source_histories(store)}
    if catalog is None:
        wanted: list[tuple[str, str | None]] = [(sid, None) for sid in histories]
    else:
        wanted = [(source.id, source.title) for source in catalog.sources]
    pages: dict[str, _Page] = {}
    for source_id, title in wanted:
        history = histories.get(source_id)
        snapshot = None if history is None else _newest_good(store, history, held)
        if snapshot is None:
            continue  # never a good capture: its records are in the WARC files all the same
        page = pages.setdefault(snapshot.url, _Page(snapshot))
        if snapshot.date > page.snapshot.date:
            page.snapshot = snapshot  # sources citing one URL: its newest good capture
        page.sources.append((source_id, title))
    return [
        ReplayPage(
            url=page.snapshot.url,
            date=page.snapshot.date,
            record_id=page.snapshot.record_id.strip("<>").removeprefix("urn:uuid:"),
            title=_title(store.dir, page),
        )
        for page in pages.values()
    ]


def _newest_good(store: Store, history: SourceHistory, held: Mapping[str, int]) -> Snapshot | None:
    """The newest capture of a source that answered, kept a copy, and replays from ``held``."""
    good = [c.record_id for c in reversed(history.captures) if c.answered and c.record_id]
    if not good:
        return None
    kept = {s.record_id: s for s in store.snapshots_for(history.source_id)}
    for record_id in good:
        snapshot = kept.get(record_id)
        if snapshot is not None and _replays(snapshot, held):
            return snapshot
    return None


def _replays(snapshot: Snapshot, held: Mapping[str, int]) -> bool:
    """Whether the record, and for a revisit the record holding its body, are in ``held``
    (WARC file -> size) whole, so a replay tool can show it rather than an error."""
    records = [(snapshot.warc, snapshot.offset + snapshot.length)]
    if snapshot.refers_to is not None:
        ref = snapshot.refers_to
        records.append((ref.warc, ref.offset + ref.length))
    return all(held.get(warc, -1) >= end for warc, end in records)


def _title(store_dir: Path, page: _Page) -> str:
    """The first title the sources file gives the page's sources, else the page's own title,
    else the id of its first source."""
    given = next((title for _, title in page.sources if title), None)
    return given or _own_title(store_dir, page.snapshot) or page.sources[0][0]


def _own_title(store_dir: Path, snapshot: Snapshot) -> str | None:
    """The title the kept copy gives itself (an HTML <title>, a PDF's metadata), if any.
    Read only for sources the sources file leaves untitled: it loads an extractor."""
    try:
        content = read_payload(store_dir, snapshot)
    except StoreError:
        return None  # unreadable here: the page is still listed, by its source's id
    title = " ".join((extract(content, snapshot.content_type, snapshot.url).title or "").split())
    return title or None
