"""The copies a verdict could be judged on, gathered for verify to choose among: the live
fetch or the local file, our earlier snapshots, a public archive's copy. Each is read only
if chosen, in the extraction worker, from where it is kept in the WARC: the run holds no
body, and a document that cannot be read within the limits costs only its own source."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path

from citeaudit.archive import Snapshot, check_snapshot
from citeaudit.catalog import Source
from citeaudit.errors import DamagedRecord, StoreError
from citeaudit.extract import Extraction, Extractor, Reading
from citeaudit.fetch import FetchResult
from citeaudit.net import host_label, shown_url
from citeaudit.pipeline.bodies import fetched_body, kept_body
from citeaudit.pipeline.linkcheck import no_copy_note
from citeaudit.verify import (
    ArchiveCandidate,
    Candidate,
    LiveCandidate,
    SourceCopy,
    choose_copy,
)
from citeaudit.vocab import JudgedOn, Network
from citeaudit.webarchive import ArchivedCopy


def read_ahead(
    source: Source,
    fetched: Mapping[str, FetchResult],
    snapshots: Mapping[str, Snapshot | None],
    store_dir: Path,
    reader: Extractor,
    *,
    max_bytes: int,
) -> Reading | None:
    """Submit the copy a source will be judged on if it can (its local file, its live
    fetch while the link is alive) to be read in turn: the worker reads it while the run
    handles the sources before it. None when there is no such copy to read."""
    if source.file:
        snapshot = snapshots.get(source.id)
        if snapshot is None:
            return None
        load = partial(kept_body, store_dir, snapshot)
        return reader.submit(load, snapshot.content_type, source.file)
    if source.url is None or not fetched[source.url].status.alive:
        return None
    result, kept = fetched[source.url], snapshots.get(source.id)
    if kept is None:
        return None
    load = partial(fetched_body, store_dir, kept, max_bytes)
    return reader.submit(load, result.content_type, result.final_url)


def copy_of(
    source: Source,
    fetched: Mapping[str, FetchResult],
    snapshots: Mapping[str, Snapshot | None],
    earlier: Mapping[str, list[Snapshot]],
    store_dir: Path,
    network: Network,
    reader: Extractor,
    *,
    max_bytes: int,
    archived: ArchivedCopy | None = None,
    ahead: Reading | None = None,
) -> SourceCopy:
    """Gather the copies a verdict could be judged on (the live fetch or the local file, our
    earlier snapshots newest first, the public archive's copy), each read only if verify
    chooses it (:func:`citeaudit.verify.choose_copy`). ``max_bytes``: the cap the fetch
    decoded bodies with, so a live body reads back exactly as it was fetched; ``ahead``:
    the live copy or the file as :func:`read_ahead` submitted it."""
    if not source.has_copy:
        return SourceCopy(source.id, None, unavailable=no_copy_note(source))
    if source.file:
        snapshot = snapshots.get(source.id)
        if snapshot is None:
            return SourceCopy(source.id, None, unavailable=f"file {source.file} was not kept")
        ahead = ahead or read_ahead(
            source, fetched, snapshots, store_dir, reader, max_bytes=max_bytes
        )
        assert ahead is not None
        file = Candidate(snapshot.date, snapshot.sha256, ahead.result)
        chosen = choose_copy(source.id, None, LiveCandidate(file, alive=True))
        return replace(chosen, judged_on=JudgedOn.FILE if chosen.extraction else None)
    assert source.url is not None
    result = fetched[source.url]
    kept = snapshots.get(source.id)
    if kept is None:  # nothing came back to keep
        live = Candidate(result.started, None, _nothing)
    elif ahead is not None:
        live = Candidate(result.started, kept.sha256, ahead.result)
    else:
        load = partial(fetched_body, store_dir, kept, max_bytes)
        read = partial(reader.extract, load, result.content_type, result.final_url)
        live = Candidate(result.started, kept.sha256, read)
    damaged: list[str] = []  # our snapshots found damaged while choosing, in words
    history = [
        Candidate(
            snapshot.date,
            snapshot.sha256,
            partial(
                _noting_damage, _reading(reader, store_dir, snapshot), store_dir, snapshot, damaged
            ),
        )
        for snapshot in earlier.get(source.id, [])
    ]
    memento = _archive_candidate(source, store_dir, archived, reader)
    offline = network is Network.OFFLINE
    alive = LiveCandidate(
        live, alive=result.status.alive, status=str(result.status), reason=result.reason
    )
    # The copy's URL is what its links open: never with a user name or password.
    url = shown_url(source.url)
    chosen = choose_copy(source.id, url, alive, history, memento, offline=offline)
    return _saying_damage(chosen, damaged)


def _noting_damage(
    read: partial[Extraction | None], store_dir: Path, snapshot: Snapshot, damaged: list[str]
) -> Extraction | None:
    """Read an earlier snapshot; when it cannot be read back, find out here whether it is
    damaged (the reader says only that it failed), and note it in words."""
    extraction = read()
    if extraction is None:
        try:
            check_snapshot(store_dir, snapshot)
        except DamagedRecord as exc:
            damaged.append(
                f"our snapshot of {snapshot.date:%Y-%m-%d} is damaged ({exc.problem}): "
                "skipped; run `citeaudit verify-store`"
            )
        except StoreError:
            pass  # unreadable for another reason (too large): no copy, as before
    return extraction


def _saying_damage(copy: SourceCopy, damaged: list[str]) -> SourceCopy:
    """The chosen copy, saying which of our snapshots were skipped as damaged on the way: a
    damaged snapshot is damage to report, not a snapshot that was never taken."""
    if not damaged:
        return copy
    said = "; ".join(dict.fromkeys(damaged))  # a revisit and its original say it once
    if copy.extraction is None:
        why = copy.unavailable or ""
        if _NONE_EARLIER in why:
            why = why.replace(_NONE_EARLIER, f"; {said}", 1)
        else:
            why = f"{why}; {said}" if why else said
        return replace(copy, unavailable=why)
    return replace(copy, note=f"{copy.note}; {said}" if copy.note else said)


_NONE_EARLIER = " and no earlier snapshot"


def _nothing() -> Extraction:
    return Extraction(kind="unknown", pages=(), note="nothing came back to read")


def _reading(
    reader: Extractor, store_dir: Path, snapshot: Snapshot, url: str | None = None
) -> partial[Extraction | None]:
    """How to read a kept snapshot's text (None when it cannot be read back: a damaged
    snapshot is no copy, and the verdict says the source is unavailable)."""
    load = partial(kept_body, store_dir, snapshot)
    return partial(reader.extract, load, snapshot.content_type, url or snapshot.url)


def _archive_candidate(
    source: Source, store_dir: Path, archived: ArchivedCopy | None, reader: Extractor
) -> ArchiveCandidate | None:
    """A public archive's answer as a candidate: its copy read from where it is kept in our
    store (this run's WARC, or an earlier one's)."""
    if archived is None:
        return None
    if not archived.found:
        return ArchiveCandidate(archived.found, note=archived.note)
    snapshot = archived.snapshot
    if snapshot is None:
        copy = Candidate(archived.date, None, _unkept)
    else:
        url = source.url or archived.url or ""
        copy = Candidate(archived.date, snapshot.sha256, _reading(reader, store_dir, snapshot, url))
    return ArchiveCandidate(
        True,
        copy,
        url=archived.url,
        where=host_label(archived.timegate),
        note=archived.note,
    )


def _unkept() -> Extraction | None:
    return None
