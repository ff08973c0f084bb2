"""Every record the store points at, read back and checked: ``citeaudit verify-store``.

A WARC file can be damaged after it was written (a failing disk, a bad copy, an edit): a
flipped byte makes a record's gzip data fail to decode, or its digest not match. Each WARC
file of the store is walked record by record (every gzip member must decode to its end,
every digest hold), and each copy the store points at (snapshots, the originals revisits
refer to, public archives' copies kept here, the metadata records) is read back and held to
the digests the store recorded. Nothing is written, so a store on read-only media is
checked as well as one's own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from citeaudit.archive import ARCHIVE_DIR, Snapshot, check_snapshot, check_warc
from citeaudit.errors import DamagedRecord, StoreError
from citeaudit.store.database import Store
from citeaudit.store.lock import DEFAULT_LOCK_WAIT

#: Which copies a record holds, by WARC-Record-ID, in words ("p0's snapshot of 2026-05-01").
Holdings = dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Damage:
    """One damaged WARC record: where it is, what is wrong with it, and which copies of
    which sources it holds (so a reader knows what evidence is lost)."""

    warc: str  # relative to the store
    offset: int | None  # None: the store names the record, but no WARC file holds it
    problem: str
    record_id: str | None = None
    copies: tuple[str, ...] = ()

    def describe(self) -> str:
        """One plain line: file, offset, record, what is wrong, and what it held."""
        where = self.warc if self.offset is None else f"{self.warc} at offset {self.offset}"
        record = f" ({self.record_id})" if self.record_id else ""
        held = f"; it holds {', '.join(self.copies)}" if self.copies else ""
        return f"{where}{record}: {self.problem}{held}"


@dataclass(frozen=True)
class StoreCheck:
    """What ``verify-store`` found."""

    store_dir: Path
    warcs: int  # WARC files walked
    records: int  # WARC records walked in them
    copies: int  # copies the store points at, each read back
    damaged: tuple[Damage, ...]
    #: WARC files that end in an unfinished record (a killed run's), and its size in bytes.
    unfinished: tuple[tuple[str, int], ...] = ()
    #: Copies that could not be checked, and why (too large to read back, say).
    unchecked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.damaged

    def summary(self) -> str:
        """One line: what was checked and how much of it is damaged."""
        files = "file" if self.warcs == 1 else "files"
        copies = "copy" if self.copies == 1 else "copies"
        damaged = f"{len(self.damaged)} damaged" if self.damaged else "none damaged"
        return (
            f"checked {self.records} WARC records in {self.warcs} {files} and the "
            f"{self.copies} {copies} the store points at: {damaged}"
        )


def holdings(
    snapshots: Iterable[tuple[str, Snapshot]], mementos: Iterable[tuple[str, Snapshot]]
) -> Holdings:
    """Which copies each record holds, in words, by record id."""
    held: dict[str, list[str]] = {}

    def add(record_id: str | None, text: str) -> None:
        if record_id is not None and text not in held.setdefault(record_id, []):
            held[record_id].append(text)

    for source_id, snapshot in snapshots:
        copy = f"{source_id}'s snapshot of {snapshot.date:%Y-%m-%d}"
        add(snapshot.record_id, copy)
        if snapshot.refers_to is not None:
            add(snapshot.refers_to.record_id, f"the body of {copy} (a revisit)")
        add(snapshot.metadata_id, f"the facts of {copy}")
    for source_id, memento in mementos:
        copy = f"{source_id}'s archived copy of {memento.date:%Y-%m-%d}"
        add(memento.record_id, copy)
        add(memento.metadata_id, f"the facts of {copy}")
    return {record_id: tuple(texts) for record_id, texts in held.items()}


def relative(store_dir: Path, warc: str) -> str:
    """A WARC file's name as the store names it (relative to the store folder)."""
    try:
        return Path(warc).relative_to(store_dir).as_posix()
    except ValueError:
        return warc


def verify_store(
    store_dir: Path,
    *,
    lock_wait: float = DEFAULT_LOCK_WAIT,
    on_file: Callable[[str], None] | None = None,
) -> StoreCheck:
    """Check every WARC record of the store and every copy it points at; write nothing.

    Waits up to ``lock_wait`` seconds for a run writing the store to finish (a record being
    appended is not damage), and keeps runs out while it reads. ``on_file`` is told each
    WARC file as its walk begins.
    """
    store_dir = Path(store_dir)
    with Store.read(store_dir, lock_wait=lock_wait) as store:
        snapshots = store.every_snapshot()
        mementos = store.every_kept_memento()
        held = holdings(snapshots, mementos)
        found: dict[tuple[str, int | None], Damage] = {}
        good: set[str] = set()
        records = 0
        unfinished: list[tuple[str, int]] = []
        paths = sorted((store_dir / ARCHIVE_DIR).glob("*.warc.gz"))
        for path in paths:
            name = f"{ARCHIVE_DIR}/{path.name}"
            if on_file is not None:
                on_file(name)
            walked = check_warc(path)
            records += len(walked.records)
            for record in walked.records:
                if record.problem is None:
                    good.update([record.record_id] if record.record_id else [])
                    continue
                holds = held.get(record.record_id or "", ())
                damage = Damage(name, record.offset, record.problem, record.record_id, holds)
                found[(name, record.offset)] = damage
            if walked.unfinished:
                unfinished.append((name, walked.unfinished))
        read, unchecked = _check_copies(store_dir, [*snapshots, *mementos], held, found)
        missing = _missing_metadata([*snapshots, *mementos], held, good, found)
    ordered = sorted(
        [*found.values(), *missing], key=lambda d: (d.warc, -1 if d.offset is None else d.offset)
    )
    return StoreCheck(
        store_dir, len(paths), records, read, tuple(ordered), tuple(unfinished), unchecked
    )


def _check_copies(
    store_dir: Path,
    copies: list[tuple[str, Snapshot]],
    held: Holdings,
    found: dict[tuple[str, int | None], Damage],
) -> tuple[int, tuple[str, ...]]:
    """Read back each copy the store points at (once per record), adding what is damaged
    to ``found``; how many were read, and those that could not be checked."""
    seen: set[tuple[str, int, str]] = set()
    unchecked: list[str] = []
    for source_id, snapshot in copies:
        key = (snapshot.warc, snapshot.offset, snapshot.record_id)
        if key in seen:
            continue
        seen.add(key)
        try:
            check_snapshot(store_dir, snapshot)
        except DamagedRecord as exc:
            warc = relative(store_dir, exc.warc)
            if (warc, exc.offset) not in found:
                copies_held = held.get(exc.record_id or "", ())
                found[(warc, exc.offset)] = Damage(
                    warc, exc.offset, exc.problem, exc.record_id, copies_held
                )
        except StoreError as exc:
            unchecked.append(f"{source_id}'s copy of {snapshot.date:%Y-%m-%d}: {exc.message}")
    return len(seen), tuple(unchecked)


def _missing_metadata(
    copies: list[tuple[str, Snapshot]],
    held: Holdings,
    good: set[str],
    found: dict[tuple[str, int | None], Damage],
) -> list[Damage]:
    """The metadata records the store names that no WARC file holds whole (nor were found
    damaged already, their ids read from what is left of them)."""
    reported = {damage.record_id for damage in found.values()}
    missing: list[Damage] = []
    for _source_id, snapshot in copies:
        metadata = snapshot.metadata_id
        if metadata is None or metadata in good or metadata in reported:
            continue
        reported.add(metadata)
        problem = "the store names this metadata record, but no WARC file holds it whole"
        missing.append(Damage(snapshot.warc, None, problem, metadata, held.get(metadata, ())))
    return missing
