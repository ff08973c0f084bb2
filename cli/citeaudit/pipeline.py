"""The stages wired together: load -> fetch -> archive -> extract -> verify.

The CLI calls these two functions and renders what they return; a notebook can too.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from citeaudit.archive import Snapshot, WarcArchive, read_payload
from citeaudit.errors import CiteauditError, StoreError
from citeaudit.extract import Extraction, extract
from citeaudit.fetch import (
    FetchOptions,
    FetchResult,
    fetch_all_sync,
    network_state,
    strip_fragment,
)
from citeaudit.model import Catalog, Source
from citeaudit.result import AuditResult, RunInfo, SourceResult
from citeaudit.store import Store, default_store_dir, new_run_id
from citeaudit.verify import SourceCopy, verify_claims
from citeaudit.vocab import JudgedOn, Network

MAX_LOCAL_FILE = 200 * 1024 * 1024

OnStart = Callable[[int], None]
OnFetch = Callable[[FetchResult], None]


@dataclass(frozen=True)
class AuditOptions:
    """What a run does beyond fetching: where it keeps evidence, whether it verifies."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    store_dir: Path | None = None
    verify: bool = True


def _now() -> datetime:
    return datetime.now(UTC)


def _urls(catalog: Catalog) -> list[str]:
    return list(dict.fromkeys(s.url for s in catalog.sources if s.url))


def _no_copy_note(source: Source) -> str:
    kind = f" ({source.kind})" if source.kind else ""
    return f"no public copy{kind}: the source has no url or file"


def check_links(
    catalog: Catalog,
    sources_file: Path,
    options: FetchOptions,
    on_start: OnStart | None = None,
    on_fetch: OnFetch | None = None,
) -> AuditResult:
    """Check every source's link; keep nothing. Claims are left empty."""
    started = _now()
    urls = _urls(catalog)
    if on_start:
        on_start(len(urls))
    fetched = fetch_all_sync(urls, options, on_fetch)
    sources = tuple(
        SourceResult(s, fetch=fetched[s.url])
        if s.url
        else SourceResult(s, note=_no_copy_note(s) if not s.file else "local file: not checked")
        for s in catalog.sources
    )
    run = RunInfo(
        id=new_run_id(),
        started=started,
        finished=_now(),
        sources_file=str(sources_file),
        network=network_state(fetched.values()) if fetched else Network.ONLINE,
    )
    return AuditResult(run=run, document=catalog.document, sources=sources)


def _read_local(source: Source, base: Path) -> bytes:
    assert source.file is not None
    path = (base / source.file).resolve()
    try:
        size = path.stat().st_size
        if size > MAX_LOCAL_FILE:
            raise CiteauditError(
                f"source {source.id}: {source.file} is {size} bytes, over the "
                f"{MAX_LOCAL_FILE} byte limit for local files"
            )
        return path.read_bytes()
    except OSError as exc:
        raise CiteauditError(
            f"source {source.id}: cannot read {source.file}: {exc.strerror}",
            hint="check the file: path, which is relative to the sources file",
        ) from None


def audit(
    catalog: Catalog,
    sources_file: Path,
    options: AuditOptions,
    on_start: OnStart | None = None,
    on_fetch: OnFetch | None = None,
) -> AuditResult:
    """Fetch, archive, extract and verify: the whole run, recorded in the store."""
    started = _now()
    store_dir = options.store_dir or default_store_dir(sources_file)
    base = sources_file.parent
    local = {s.id: _read_local(s, base) for s in catalog.sources if s.file}
    run_id = new_run_id()
    sources_sha = hashlib.sha256(sources_file.read_bytes()).hexdigest()
    urls = _urls(catalog)
    by_url: dict[str, list[Source]] = {}
    for source in catalog.sources:
        if source.url:
            by_url.setdefault(source.url, []).append(source)

    with Store.open(store_dir) as store:
        earlier = {s.id: _latest_good(store, s.id) for s in catalog.sources if s.url}
        store.begin_run(run_id, started, str(sources_file), sources_sha)
        snapshots: dict[str, Snapshot | None] = {}
        info = {
            "sources-file": sources_file.name,
            "sources-sha256": sources_sha,
            "http-header-user-agent": options.fetch.user_agent,
        }
        with WarcArchive(store_dir, run_id, info) as warc:
            written: dict[str, Snapshot | None] = {}

            def keep(result: FetchResult) -> None:
                # URLs that differ only in their #fragment share one fetch: archive it once.
                target = strip_fragment(result.url)
                if target not in written:
                    written[target] = warc.write_fetch(result)
                snapshot = written[target]
                for source in by_url.get(result.url, []):
                    store.record_fetch(run_id, source.id, result)
                    snapshots[source.id] = snapshot
                    if snapshot is not None:
                        store.record_snapshot(run_id, source.id, snapshot)
                if on_fetch:
                    on_fetch(result)

            if on_start:
                on_start(len(urls))
            fetched = fetch_all_sync(urls, options.fetch, keep)
            for source_id, data in local.items():
                source = catalog.source(source_id)
                assert source.file is not None
                path = (base / source.file).resolve()
                snapshot = warc.write_file(path, data, _guess_type(path))
                store.record_snapshot(run_id, source_id, snapshot)
                snapshots[source_id] = snapshot

        network = network_state(fetched.values()) if fetched else Network.ONLINE
        copies = {
            s.id: _copy_of(s, fetched, local, snapshots, earlier, store_dir, network)
            for s in catalog.sources
        }
        claims = verify_claims(catalog, copies) if options.verify else ()
        for claim in claims:
            store.record_verdicts(run_id, claim)
        finished = _now()
        store.finish_run(run_id, finished, str(network))

    sources = tuple(
        SourceResult(
            s,
            fetch=fetched.get(s.url) if s.url else None,
            snapshot=snapshots.get(s.id),
            note=None if s.has_copy else _no_copy_note(s),
        )
        for s in catalog.sources
    )
    run = RunInfo(
        id=run_id,
        started=started,
        finished=finished,
        sources_file=str(sources_file),
        network=network,
        store=str(store_dir),
    )
    return AuditResult(run=run, document=catalog.document, sources=sources, claims=claims)


def _latest_good(store: Store, source_id: str) -> Snapshot | None:
    """The newest earlier snapshot whose answer was a success: the one worth judging on."""
    good = [s for s in store.snapshots_for(source_id) if s.http_status and s.http_status < 300]
    return good[-1] if good else None


def _guess_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def _copy_of(
    source: Source,
    fetched: dict[str, FetchResult],
    local: dict[str, bytes],
    snapshots: dict[str, Snapshot | None],
    earlier: dict[str, Snapshot | None],
    store_dir: Path,
    network: Network,
) -> SourceCopy:
    """Choose the copy to judge on: live (or the local file), else our latest snapshot."""
    if not source.has_copy:
        return SourceCopy(source.id, None, unavailable=_no_copy_note(source))
    if source.file:
        snapshot = snapshots[source.id]
        extraction = extract(
            local[source.id], snapshot.content_type if snapshot else None, source.file
        )
        date = snapshot.date if snapshot else None
        return SourceCopy(source.id, extraction, JudgedOn.LIVE, date)
    assert source.url is not None
    result = fetched[source.url]
    if result.status.alive:
        extraction = extract(result.content, result.content_type, result.final_url)
        return SourceCopy(source.id, extraction, JudgedOn.LIVE, result.started, source.url)
    previous = earlier.get(source.id)
    if previous is not None:
        kept = _extract_snapshot(store_dir, previous)
        if kept is not None:
            return SourceCopy(source.id, kept, JudgedOn.SNAPSHOT, previous.date, source.url)
    why = (
        "the network looks unreachable"
        if network is Network.OFFLINE
        else (f"live copy {result.status} ({result.reason}) and no earlier snapshot")
    )
    return SourceCopy(source.id, None, unavailable=why)


def _extract_snapshot(store_dir: Path, snapshot: Snapshot) -> Extraction | None:
    try:
        payload = read_payload(store_dir, snapshot)
    except StoreError:
        return None  # a damaged snapshot is no copy; the verdict says the source is unavailable
    return extract(payload, snapshot.content_type, snapshot.url)
