"""Which copy of a source a verdict is judged on: live, our snapshot, or a public archive's.

The pipeline gathers the candidates as plain data (the live fetch and whether it is alive,
our snapshots newest first, the archive's copy), each with a way to read its text; the
choice is made here. Live wins; a dead link is judged on our latest snapshot that can be
read, then on the archive's copy. Whichever is chosen, the older copies come along (read
only if a verdict needs them): our older snapshots with another payload, newest first,
and the archive's copy in its place by date. So a passage the chosen copy lacks is sought
in the latest copy that still has it, and the archive's copy, close to when the author read
the page, is the last word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, Protocol, TypeVar

from citeaudit.extract import Extraction
from citeaudit.vocab import JudgedOn

#: The most older copies a verdict ever reads, newest first.
EARLIER_LIMIT = 10


@dataclass(frozen=True)
class SourceCopy:
    """The copy of a source that evidence is judged on, or why there is none.

    ``extraction`` is None exactly when no copy could be had; ``unavailable`` then says why.
    ``note`` says why this copy was chosen when it is not the live one. ``earlier`` holds
    older copies, newest first, tried in turn when this one lacks a quoted passage; it may
    be lazy (each extracted only when needed), and it is read afresh for every evidence.
    """

    source_id: str
    extraction: Extraction | None
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    url: str | None = None
    unavailable: str | None = None
    note: str | None = None
    earlier: Iterable[SourceCopy] = field(default=(), compare=False, repr=False)


T = TypeVar("T")


class EarlierCopies(Generic[T]):
    """Older copies of a source, newest first, each loaded only when a verdict needs it.

    ``load`` turns an item (a snapshot, say) into a copy, or None when it cannot be read;
    each is loaded at most once however many pieces of evidence look, and at most
    ``limit`` are ever loaded.
    """

    def __init__(
        self,
        items: Iterable[T],
        load: Callable[[T], SourceCopy | None],
        limit: int = EARLIER_LIMIT,
    ) -> None:
        self._pending = list(items)[:limit]
        self._load = load
        self._loaded: list[SourceCopy] = []

    def __iter__(self) -> Iterator[SourceCopy]:
        index = 0
        while True:
            if index < len(self._loaded):
                yield self._loaded[index]
                index += 1
                continue
            if not self._pending:
                return
            copy = self._load(self._pending.pop(0))
            if copy is not None:
                self._loaded.append(copy)


# ---------------------------------------------------------------------------------------------
# The candidates, as the pipeline gathers them


@dataclass(frozen=True)
class Candidate:
    """One copy a verdict could be judged on: when it was taken, the digest of its payload
    (copies with the same payload are one copy), and how to read its text (None when it
    cannot be read back)."""

    date: datetime | None
    sha256: str | None
    read: Callable[[], Extraction | None] = field(compare=False, repr=False)


@dataclass(frozen=True)
class LiveCandidate:
    """What the live fetch (or the local file) gave: the copy, and whether it is alive;
    when it is not, its status and reason say why."""

    copy: Candidate
    alive: bool
    status: str = ""
    reason: str = ""


@dataclass(frozen=True)
class ArchiveCandidate:
    """A public archive's answer: its copy when one was found (``found`` True), else
    whether the archives had none (False) or could not be asked (None), and why."""

    found: bool | None
    copy: Candidate | None = None
    url: str | None = None
    where: str = ""
    note: str | None = None


def choose_copy(
    source_id: str,
    url: str | None,
    live: LiveCandidate,
    snapshots: Sequence[Candidate] = (),
    archived: ArchiveCandidate | None = None,
    *,
    offline: bool = False,
) -> SourceCopy:
    """The copy to judge on: live (or the local file), else our latest snapshot that can be
    read, else the public archive's copy; with the older copies behind it."""
    history = list(snapshots)
    memento = archived if archived is not None and archived.found else None
    if live.alive:
        older = _earlier_copies(source_id, url, history, {live.copy.sha256}, memento)
        return SourceCopy(
            source_id, live.copy.read(), JudgedOn.LIVE, live.copy.date, url, earlier=older
        )
    dead = f"live copy {live.status} ({live.reason})"
    while history:
        newest = history.pop(0)
        kept = newest.read()
        if kept is None:
            continue
        note = f"{dead}: judged on our snapshot of {_day(newest.date)}"
        older = _earlier_copies(source_id, url, history, {newest.sha256}, memento)
        return SourceCopy(
            source_id, kept, JudgedOn.SNAPSHOT, newest.date, url, note=note, earlier=older
        )
    if memento is not None:
        copy = _archive_copy(source_id, url, memento, dead)
        if copy is not None:
            return copy
    why = "the network looks unreachable" if offline else f"{dead} and no earlier snapshot"
    if archived is not None and not archived.found:
        missing = "no archived copy" if archived.found is False else "archived copy unknown"
        why += f"; {missing}" + (f" ({archived.note})" if archived.note else "")
    return SourceCopy(source_id, None, unavailable=why)


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "an unknown date"


def _archive_copy(
    source_id: str, url: str | None, archived: ArchiveCandidate, why: str | None = None
) -> SourceCopy | None:
    """The archive's copy as a copy to judge on (None if it cannot be read back)."""
    if archived.copy is None:
        return None
    extraction = archived.copy.read()
    if extraction is None:
        return None
    date = archived.copy.date
    note = None
    if why is not None:
        note = f"{why}: judged on the archived copy of {_day(date)} at {archived.where}"
        note += f" ({archived.url})"
    return SourceCopy(source_id, extraction, JudgedOn.ARCHIVE, date, archived.url or url, note=note)


def _earlier_copies(
    source_id: str,
    url: str | None,
    history: list[Candidate],
    seen: set[str | None],
    archived: ArchiveCandidate | None,
) -> EarlierCopies[Candidate | ArchiveCandidate]:
    """Older copies as copies to judge on, newest first, one per distinct payload: our
    snapshots, and the public archive's copy in its place by date."""
    distinct: list[Candidate | ArchiveCandidate] = []
    for snapshot in history:
        if snapshot.sha256 not in seen:
            seen.add(snapshot.sha256)
            distinct.append(snapshot)
    if archived is not None and archived.copy is not None:
        digest, when = archived.copy.sha256, archived.copy.date
        if digest is None or digest not in seen:
            dates = [item.date if isinstance(item, Candidate) else None for item in distinct]
            at = next(
                (i for i, d in enumerate(dates) if when is not None and d is not None and d < when),
                len(distinct),
            )
            # Never past the copies EarlierCopies loads: the archive's is the last word.
            distinct.insert(min(at, EARLIER_LIMIT - 1), archived)

    def load(item: Candidate | ArchiveCandidate) -> SourceCopy | None:
        if isinstance(item, ArchiveCandidate):
            return _archive_copy(source_id, url, item)
        extraction = item.read()
        if extraction is None:
            return None
        return SourceCopy(source_id, extraction, JudgedOn.SNAPSHOT, item.date, url)

    return EarlierCopies(distinct, load)


# ---------------------------------------------------------------------------------------------
# Which archive copy


class Dated(Protocol):
    """An archive's answer, as far as choosing one goes."""

    @property
    def found(self) -> bool | None: ...

    @property
    def date(self) -> datetime | None: ...


A = TypeVar("A", bound=Dated)


def choose_archived(fresh: A | None, kept: Callable[[], Iterable[A]], sought: datetime) -> A | None:
    """The archive copy to judge on: the one just found; failing that (none found, an
    archive down, or offline) the one an earlier look-up kept, the closest on or before the
    date sought (else the earliest); else ``fresh`` as it is."""
    if fresh is not None and fresh.found:
        return fresh
    dated = [(c.date, c) for c in kept() if c.date is not None]
    if not dated:
        return fresh
    before = [(d, c) for d, c in dated if d <= sought]
    if before:
        return max(before, key=lambda x: x[0])[1]
    return min(dated, key=lambda x: x[0])[1]
