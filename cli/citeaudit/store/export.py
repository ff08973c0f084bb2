"""Export the store as one WACZ file: every WARC file with its index, and one page per
source: its newest good capture. The store is only read (a CD or a folder shared read-only
exports as well), and no run writes it meanwhile.

Every WARC record is checked as it goes into the export. A damaged one (its gzip data does
not decode, or a digest does not match) is left out, and so is an unfinished record a
killed run left at the end of a file: the WACZ gets a copy of that file without them, so it
stays valid and replays, and each record left out is reported, by file, offset and the
copies it held. The store's own files are never changed.

A replay tool shows the page list as the document's evidence, so it holds only captures that
are the page cited: fetched ``ok`` or ``redirected`` (never a soft 404, an error page or the
home page a dead link was sent to), or a local file. Every other record stays in the WARC
files, where it can still be looked up; nothing stored is left out of the export.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from citeaudit.archive import (
    ARCHIVE_DIR,
    ReplayPage,
    Snapshot,
    WaczExport,
    WarcCheck,
    check_warc,
    read_payload,
    write_wacz,
)
from citeaudit.catalog import Catalog
from citeaudit.errors import StoreError
from citeaudit.extract import extract
from citeaudit.store.database import Store
from citeaudit.store.histories import SourceHistory, source_histories
from citeaudit.store.integrity import Damage, holdings
from citeaudit.store.lock import DEFAULT_LOCK_WAIT

#: Byte ranges of damaged records, by WARC file (relative to the store).
Damaged = Mapping[str, Sequence[tuple[int, int]]]


def export_wacz(
    store_dir: Path,
    out: Path,
    *,
    catalog: Catalog | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    now: Callable[[], datetime] | None = None,
    on_damage: Callable[[Damage], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> WaczExport:
    """Write every WARC file of the store, indexed, into the WACZ file ``out``, listing one
    page per source of ``catalog`` (without one, per source the store has seen).

    Reads the store only, keeping runs out meanwhile (waiting up to ``lock_wait`` seconds
    for one to finish). A damaged record is left out and told to ``on_damage``; an
    unfinished record a killed run left is left out and told to ``on_note``. A source whose
    newest good capture is damaged is listed at the one before. ``out`` is whole or absent.
    """
    store_dir = Path(store_dir)
    out = Path(out)
    if not out.parent.is_dir():
        Store.read(store_dir).close()  # no store at all is said first, as it always was
        raise StoreError(
            f"cannot write {out}: the folder {out.parent} does not exist",
            hint="create it first, or give another path to --wacz",
        )
    created = (now or (lambda: datetime.now(UTC)))()
    with Store.read(store_dir, lock_wait=lock_wait) as store:
        warcs = sorted((store_dir / ARCHIVE_DIR).glob("*.warc.gz"))
        if not warcs:
            raise StoreError(
                f"the store at {store_dir} holds no WARC files yet",
                hint="run 'citeaudit archive' first",
            )
        checks = [check_warc(path) for path in warcs]
        damaged = _report(store, checks, on_damage, on_note)
        pages = evidence_pages(store, warcs, catalog, damaged)
        if all(check.whole for check in checks):
            return write_wacz(out, warcs, pages, created)
        try:
            scratch = tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent)
        except OSError as exc:
            raise StoreError(f"cannot write {out}: {exc.strerror}") from exc
        with scratch as folder:
            whole = [_whole_copy(check, Path(folder)) for check in checks]
            return write_wacz(out, whole, pages, created)


def _report(
    store: Store,
    checks: Sequence[WarcCheck],
    on_damage: Callable[[Damage], None] | None,
    on_note: Callable[[str], None] | None,
) -> dict[str, list[tuple[int, int]]]:
    """Tell what is left out of each file; the byte ranges of its damaged records."""
    if not any(not check.whole for check in checks):
        return {}
    held = holdings(store.every_snapshot(), store.every_kept_memento())
    damaged: dict[str, list[tuple[int, int]]] = {}
    for check in checks:
        name = f"{ARCHIVE_DIR}/{check.path.name}"
        for record in check.damaged:
            damaged.setdefault(name, []).append((record.offset, record.offset + record.length))
            if on_damage is not None:
                assert record.problem is not None
                copies = held.get(record.record_id or "", ())
                on_damage(Damage(name, record.offset, record.problem, record.record_id, copies))
        if check.unfinished and on_note is not None:
            on_note(
                f"{name} ends in an unfinished record ({check.unfinished} bytes) that an "
                "interrupted run left: it is left out of the export"
            )
    return damaged


def _whole_copy(check: WarcCheck, scratch: Path) -> Path:
    """The WARC file itself when every record in it is whole, else a copy of it in
    ``scratch`` with only its whole records (same name, so the WACZ names it alike)."""
    if check.whole:
        return check.path
    copy = scratch / check.path.name
    try:
        with open(check.path, "rb") as src, open(copy, "wb") as dst:
            for record in check.records:
                if record.problem is None:
                    src.seek(record.offset)
                    dst.write(src.read(record.length))
    except OSError as exc:
        raise StoreError(f"cannot copy {check.path} for the export: {exc.strerror}") from exc
    return copy


@dataclass
class _Page:
    """A page being listed: its capture and the sources that cite it, in file order."""

    snapshot: Snapshot
    sources: list[tuple[str, str | None]] = field(default_factory=list)  # (id, title)


def evidence_pages(
    store: Store,
    warcs: Iterable[Path],
    catalog: Catalog | None = None,
    damaged: Damaged | None = None,
) -> list[ReplayPage]:
    """The page list of a WACZ holding ``warcs``: each source's newest good capture that
    replays from them, one page per URL, in the order of the sources file.

    A good capture was fetched ``ok`` or ``redirected`` (a revisit of an unchanged body
    too), or is a local file. Its page is titled by the sources file, else by the page.
    Without ``catalog``, every source the store has seen is listed, by id. A capture in
    ``damaged`` (byte ranges left out of each file) does not replay.
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
        snapshot = None if history is None else _newest_good(store, history, held, damaged)
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


def _newest_good(
    store: Store, history: SourceHistory, held: Mapping[str, int], damaged: Damaged | None
) -> Snapshot | None:
    """The newest capture of a source that answered, kept a copy, and replays from ``held``."""
    good = [c.record_id for c in reversed(history.captures) if c.answered and c.record_id]
    if not good:
        return None
    kept = {s.record_id: s for s in store.snapshots_for(history.source_id)}
    for record_id in good:
        snapshot = kept.get(record_id)
        if snapshot is not None and _replays(snapshot, held, damaged or {}):
            return snapshot
    return None


def _replays(snapshot: Snapshot, held: Mapping[str, int], damaged: Damaged) -> bool:
    """Whether the record, and for a revisit the record holding its body, are in ``held``
    (WARC file -> size) whole and undamaged, so a replay tool can show it rather than an
    error."""
    records = [(snapshot.warc, snapshot.offset, snapshot.offset + snapshot.length)]
    if snapshot.refers_to is not None:
        ref = snapshot.refers_to
        records.append((ref.warc, ref.offset, ref.offset + ref.length))
    return all(
        held.get(warc, -1) >= end
        and not any(
            start < bad_end and bad_start < end for bad_start, bad_end in damaged.get(warc, ())
        )
        for warc, start, end in records
    )


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
