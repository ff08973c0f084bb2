"""The copies a verdict could be judged on, gathered for verify to choose among: the live
fetch or the local file, our earlier snapshots, a public archive's copy. Each is read only
if chosen."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from citeaudit.archive import (
    Snapshot,
    read_payload,
)
from citeaudit.catalog import Source
from citeaudit.errors import StoreError
from citeaudit.extract import Extraction, extract
from citeaudit.fetch import FetchResult
from citeaudit.net import host_label
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


def copy_of(
    source: Source,
    fetched: dict[str, FetchResult],
    local: dict[str, bytes],
    snapshots: dict[str, Snapshot | None],
    earlier: dict[str, list[Snapshot]],
    store_dir: Path,
    network: Network,
    archived: ArchivedCopy | None = None,
    archived_content: bytes | None = None,
) -> SourceCopy:
    """Gather the copies a verdict could be judged on (the live fetch or the local file, our
    earlier snapshots newest first, the public archive's copy), each read only if verify
    chooses it (:func:`citeaudit.verify.choose_copy`)."""
    if not source.has_copy:
        return SourceCopy(source.id, None, unavailable=no_copy_note(source))
    if source.file:
        snapshot = snapshots[source.id]
        content_type = snapshot.content_type if snapshot else None
        read = partial(extract, local[source.id], content_type, source.file)
        file = Candidate(snapshot.date if snapshot else None, None, read)
        chosen = choose_copy(source.id, None, LiveCandidate(file, alive=True))
        return replace(chosen, judged_on=JudgedOn.FILE if chosen.extraction else None)
    assert source.url is not None
    result = fetched[source.url]
    read = partial(extract, result.content, result.content_type, result.final_url)
    live = LiveCandidate(
        Candidate(result.started, result.sha256, read),
        alive=result.status.alive,
        status=str(result.status),
        reason=result.reason,
    )
    history = [
        Candidate(snapshot.date, snapshot.sha256, partial(_extract_snapshot, store_dir, snapshot))
        for snapshot in earlier.get(source.id, [])
    ]
    memento = _archive_candidate(source, store_dir, archived, archived_content)
    offline = network is Network.OFFLINE
    return choose_copy(source.id, source.url, live, history, memento, offline=offline)


def _archive_candidate(
    source: Source, store_dir: Path, archived: ArchivedCopy | None, content: bytes | None
) -> ArchiveCandidate | None:
    """A public archive's answer as a candidate: its copy read from the body in hand, else
    from where it is kept in our store."""
    if archived is None:
        return None
    if not archived.found:
        return ArchiveCandidate(archived.found, note=archived.note)
    snapshot = archived.snapshot

    def read() -> Extraction | None:
        payload = content
        if payload is None:
            if snapshot is None:
                return None
            try:
                payload = read_payload(store_dir, snapshot)
            except StoreError:
                return None
        content_type = snapshot.content_type if snapshot else None
        return extract(payload, content_type, source.url or archived.url or "")

    digest = snapshot.sha256 if snapshot else None
    return ArchiveCandidate(
        True,
        Candidate(archived.date, digest, read),
        url=archived.url,
        where=host_label(archived.timegate),
        note=archived.note,
    )


def _extract_snapshot(store_dir: Path, snapshot: Snapshot) -> Extraction | None:
    try:
        payload = read_payload(store_dir, snapshot)
    except StoreError:
        return None  # a damaged snapshot is no copy; the verdict says the source is unavailable
    return extract(payload, snapshot.content_type, snapshot.url)
