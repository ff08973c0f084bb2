"""A run's capture, under the store lock: repair what a killed run left, resume it if it
was this very sources file, fetch and archive every source (and each local file), ask the
public web archives and Save Page Now when asked to, and record all of it in the store."""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from citeaudit.archive import (
    RecordRef,
    Snapshot,
    WarcArchive,
    capture_facts,
    read_exchange,
)
from citeaudit.catalog import Catalog, Source, local_file_name, read_local_file
from citeaudit.errors import CiteauditError, StoreError
from citeaudit.extract import Extraction
from citeaudit.fetch import FetchResult, fetch_all_sync, network_state
from citeaudit.net import format_http_date, host_label, shown_url, strip_fragment
from citeaudit.pipeline.linkcheck import OnFetch, OnStart, source_urls
from citeaudit.pipeline.options import AuditOptions, OnNote
from citeaudit.result import new_run_id
from citeaudit.store import Store, StoreLock, default_store_dir, recover
from citeaudit.verify import (
    choose_archived,
)
from citeaudit.vocab import ArchivedMode, Network
from citeaudit.webarchive import (
    ArchivedCopy,
    Lookup,
    MementoOptions,
    find_archived_sync,
    save_pages_sync,
    sought_date,
)


def _private(url: str) -> bool:
    """A URL with a user name or password is a private page: it is never named to a public
    web archive (a look-up would send the password; Save Page Now would publish the page)."""
    return shown_url(url) != url


def _now() -> datetime:
    return datetime.now(UTC)


def _read_local(source: Source, base: Path, allow_outside: bool = False) -> bytes:
    """A local file's bytes; CiteauditError says what stops them being read (as ``validate``
    and ``check`` say it), for the run to go on without that source. Read by
    :func:`citeaudit.catalog.read_local_file`: never a pipe or device, even one swapped in
    after the look, and never more than the size limit."""
    assert source.file is not None
    return read_local_file(source.file, base, allow_outside=allow_outside)


@dataclass
class Run:
    """What a run captured: the fetches, the local files, and where each copy was kept."""

    id: str
    started: datetime
    store_dir: Path
    fetched: dict[str, FetchResult]  # without their bodies, which are in the WARC
    local: dict[str, bytes]  # the local files until they are archived
    snapshots: dict[str, Snapshot | None]
    snapshot_ids: dict[str, int]
    earlier: dict[str, list[Snapshot]]  # good snapshots from before this run, newest first
    network: Network
    # Public web archives: the copy found near each source's accessed date (its memento
    # kept in this run's WARC, read back from there), and what Save Page Now made.
    archived: dict[str, ArchivedCopy] = field(default_factory=dict)
    saved: dict[str, ArchivedCopy] = field(default_factory=dict)


class Session:
    """A run's hold on its store: the lock, the open database, repair and resumption."""

    def __init__(
        self,
        catalog: Catalog,
        sources_file: Path,
        options: AuditOptions,
        command: str,
        on_note: OnNote | None,
        sources_sha256: str | None = None,
    ) -> None:
        """``sources_sha256``: the SHA-256 of the bytes ``catalog`` was parsed from; when
        None, the file is hashed here, as it is now (a caller that parsed it itself)."""
        self.catalog = catalog
        self.sources_file = sources_file
        self.options = options
        self.command = command
        self.note = on_note or (lambda text: None)
        self.store_dir = options.store_dir or default_store_dir(sources_file)
        base = sources_file.parent
        # Every local file is read first. One that cannot be read is left out, and said
        # why (its source is then judged unavailable): every other source is still captured.
        self.local: dict[str, bytes] = {}
        self.unreadable: dict[str, str] = {}
        for source in catalog.sources:
            if not source.file:
                continue
            try:
                self.local[source.id] = _read_local(source, base, options.allow_outside_files)
            except CiteauditError as exc:
                self.unreadable[source.id] = exc.message
                self.note(f"source {source.id}: {exc.message}; the run goes on without it")
        self.sources_sha = sources_sha256 or hashlib.sha256(sources_file.read_bytes()).hexdigest()
        self._lock = StoreLock(self.store_dir, command, wait=options.lock_wait)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        assert self._store is not None, "the session is not open"
        return self._store

    def __enter__(self) -> Session:
        self._lock.acquire()
        try:
            self._store = Store.open(self.store_dir)
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._store is not None:
                self._store.close()
        finally:
            self._lock.release()

    def finish(self, run: Run) -> datetime:
        finished = _now()
        self.store.finish_run(run.id, finished, str(run.network))
        return finished

    def _begin(self) -> tuple[str, datetime, int, dict[str, tuple[FetchResult | None, Snapshot]]]:
        """Start a run, or resume an interrupted one: its id, start, WARC part, captures."""
        store = self.store
        for repair in recover(store):
            self.note(repair.describe())
        now = _now()
        run_id = (
            store.resumable_run(self.command, self.sources_sha, now)
            if self.options.resume
            else None
        )
        if run_id is None:
            run_id = new_run_id(now)
            store.begin_run(run_id, now, str(self.sources_file), self.sources_sha, self.command)
            return run_id, now, 0, {}
        part = store.mark_resumed(run_id)
        done = store.run_captures(run_id)
        self.note(
            f"resuming run {run_id}, which was interrupted: the {len(done)} sources it "
            "captured are not fetched again"
        )
        return run_id, store.run_started(run_id), part, done

    def capture(self, on_start: OnStart | None, on_fetch: OnFetch | None) -> Run:
        """Fetch what is not captured yet and archive it; record every fetch and snapshot."""
        catalog, store = self.catalog, self.store
        earlier = {s.id: store.good_snapshots(s.id) for s in catalog.sources if s.url}
        run_id, started, part, done = self._begin()
        run = Run(run_id, started, self.store_dir, {}, self.local, {}, {}, earlier, Network.ONLINE)
        urls = source_urls(catalog)
        by_url: dict[str, list[Source]] = {}
        by_target: dict[str, list[Source]] = {}
        for source in catalog.sources:
            if source.url:
                by_url.setdefault(source.url, []).append(source)
                by_target.setdefault(strip_fragment(source.url), []).append(source)
        cited_by: dict[str, list[str]] = {}
        for claim in catalog.claims:
            for evidence in claim.evidence:
                cited_by.setdefault(evidence.source, [])
                if claim.id not in cited_by[evidence.source]:
                    cited_by[evidence.source].append(claim.id)

        def facts(sources: list[Source], result: FetchResult | None) -> list[tuple[str, str]]:
            claim_ids = dict.fromkeys(c for s in sources for c in cited_by.get(s.id, []))
            return capture_facts(run_id, [s.id for s in sources], claim_ids, result)

        def keep_snapshot(source_id: str, snapshot: Snapshot | None) -> None:
            run.snapshots[source_id] = snapshot
            if snapshot is not None:
                run.snapshot_ids[source_id] = store.record_snapshot(run_id, source_id, snapshot)

        reused = self._reuse(urls, by_url, done, keep_snapshot)
        info = {
            "sources-file": self.sources_file.name,
            "sources-sha256": self.sources_sha,
            "http-header-user-agent": self.options.fetch.user_agent,
            "citeaudit-command": self.command,
        }
        if part:
            info["citeaudit-resumed"] = f"part {part + 1} of an interrupted run"
        with WarcArchive(self.store_dir, run_id, info, part=part) as warc:
            store.record_warc_opened(warc.relative_path, run_id, warc.opened)
            written: dict[str, Snapshot | None] = {}
            # This run's response records by URL and payload digest: a page that two sources
            # reach (one by a redirect) is fetched once, and its second capture is a revisit.
            in_run: dict[tuple[str, str], RecordRef] = {}

            def keep(result: FetchResult) -> None:
                # URLs that differ only in their #fragment share one fetch: archive it once.
                target = strip_fragment(result.url)
                if target not in written:
                    snapshot = written[target] = warc.write_fetch(
                        result,
                        earlier=lambda url, digest: (
                            in_run.get((url, digest))
                            or store.find_original(url, digest, other_than_run=run_id)
                        ),
                        facts=facts(by_target.get(target, []), result),
                    )
                    if snapshot and snapshot.record_type == "response" and snapshot.payload_digest:
                        in_run.setdefault(
                            (snapshot.url, snapshot.payload_digest),
                            RecordRef(
                                snapshot.url,
                                snapshot.date,
                                snapshot.warc,
                                snapshot.offset,
                                snapshot.length,
                                snapshot.record_id,
                            ),
                        )
                for source in by_url.get(result.url, []):
                    store.record_fetch(run_id, source.id, result)
                    keep_snapshot(source.id, written[target])
                if on_fetch:
                    on_fetch(result)

            if on_start:
                on_start(len(urls))
            if on_fetch:
                for result in reused.values():
                    on_fetch(result)
            todo = [url for url in urls if url not in reused]
            # Each body is archived as it comes (keep), then let go: the run reads it back
            # from the WARC when its text is wanted, and never holds every body at once.
            fresh = fetch_all_sync(todo, self.options.fetch, keep, bodies=False) if todo else {}
            run.fetched.update({url: reused.get(url) or fresh[url] for url in urls})
            for source_id, data in self.local.items():
                previous = done.get(source_id)
                sha = hashlib.sha256(data).hexdigest()
                if previous is not None and previous[1].sha256 == sha:
                    keep_snapshot(source_id, previous[1])
                    continue
                source = catalog.source(source_id)
                assert source.file is not None
                path = (self.sources_file.parent / source.file).resolve()
                # Filed under its name in the sources file's folder: the WARC is shared.
                name = local_file_name(source.file, self.sources_file.parent)
                snapshot = warc.write_file(
                    name, data, _guess_type(path), facts=facts([source], None)
                )
                keep_snapshot(source_id, snapshot)
            self.local.clear()  # archived: read back from the WARC when wanted
            self._look_up(run, warc, facts)
        store.record_warc_closed(warc.relative_path, _now(), warc.size)
        fetched = run.fetched
        run.network = network_state(fetched.values()) if fetched else Network.ONLINE
        self._save(run)
        return run

    def _look_up(
        self,
        run: Run,
        warc: WarcArchive,
        facts: Callable[[list[Source], FetchResult | None], list[tuple[str, str]]],
    ) -> None:
        """Ask the public web archives for each source's copy nearest its accessed date
        (by default only for sources whose live copy failed), keep each memento found in
        the WARC, and record every answer. Offline, or when an archive cannot be asked,
        a memento kept by an earlier look-up stands in."""
        mode = self.options.archived
        if mode is ArchivedMode.NEVER:
            return
        document, store = self.catalog.document, self.store
        offline = bool(run.fetched) and network_state(run.fetched.values()) is Network.OFFLINE
        options = self.options.memento or MementoOptions.from_env()
        wanted: dict[tuple[str, datetime], list[Source]] = {}
        for source in self.catalog.sources:
            if not source.url or _private(source.url):
                continue
            if mode is ArchivedMode.MISSING and run.fetched[source.url].status.alive:
                continue
            key = (strip_fragment(source.url), sought_date(source, document))
            wanted.setdefault(key, []).append(source)
        if not wanted:
            return

        def keep(key: tuple[str, datetime], lookup: Lookup) -> None:
            sources, copy = wanted[key], lookup.copy
            memento = lookup.memento
            if memento is not None:
                about = facts(sources, None) + [
                    ("memento-of", memento.original),
                    ("memento-url", memento.url),
                    ("memento-datetime", format_http_date(memento.date)),
                    ("archived-http-status", str(memento.status)),
                    ("timegate", memento.timegate),
                    ("sought-near", format_http_date(key[1])),
                ]
                snapshot = warc.write_memento(
                    memento.exchange,
                    original=memento.original,
                    archived=memento.date,
                    content=memento.content,
                    facts=about,
                )
                copy = replace(copy, snapshot=snapshot)
            for source in sources:
                assert source.url is not None
                store.record_archived_copy(run.id, source.id, source.url, "lookup", copy)
                if memento is not None:
                    run.archived[source.id] = copy
                else:
                    run.archived[source.id] = kept_instead(store, source.id, key[1], copy) or copy

        if offline or not options.timegates:
            for key, sources in wanted.items():
                for source in sources:
                    kept = kept_instead(store, source.id, key[1], None)
                    if kept is not None:
                        run.archived[source.id] = kept
            return
        hosts = ", ".join(host_label(g) for g in options.timegates)
        self.note(f"looking for archived copies of {len(wanted)} sources at {hosts}")
        find_archived_sync(list(wanted), options, self.options.fetch, keep)

    def _save(self, run: Run) -> None:
        """Ask Save Page Now to capture every live source (only with ``--save``)."""
        options = self.options.save
        if options is None:
            return
        live = [
            s
            for s in self.catalog.sources
            if s.url
            and not _private(s.url)
            and run.fetched.get(s.url)
            and run.fetched[s.url].status.alive
        ]
        if not live:
            return
        self.note(
            f"asking Save Page Now ({host_label(options.endpoint)}) to capture "
            f"{len(live)} live sources"
        )
        saved = save_pages_sync([s.url for s in live if s.url], options, self.options.fetch)
        for source in live:
            assert source.url is not None
            copy = saved[source.url]
            run.saved[source.id] = copy
            self.store.record_archived_copy(run.id, source.id, source.url, "saved", copy)

    def _reuse(
        self,
        urls: list[str],
        by_url: dict[str, list[Source]],
        done: dict[str, tuple[FetchResult | None, Snapshot]],
        keep_snapshot: Callable[[str, Snapshot | None], None],
    ) -> dict[str, FetchResult]:
        """The fetches an interrupted run already captured, read back from its WARC files
        (their heads: a body is read again only when its text is wanted)."""
        reused: dict[str, FetchResult] = {}
        for url in urls:
            captures = [done.get(s.id) for s in by_url[url]]
            first = captures[0]
            if first is None or any(c is None for c in captures):
                continue
            fetch, snapshot = first
            if fetch is None:
                continue
            try:
                exchange = read_exchange(self.store_dir, snapshot)
            except StoreError:
                continue  # unreadable after all: fetch it again
            head = replace(exchange, body=b"")
            reused[url] = replace(fetch, url=url, content=b"", exchanges=(head,))
            for source, capture in zip(by_url[url], captures, strict=True):
                assert capture is not None
                keep_snapshot(source.id, capture[1])
        return reused


def keep_text(store: Store, run: Run, source_id: str, extraction: Extraction) -> None:
    """Keep each page's text of a snapshot taken in this run, for search (once per body)."""
    snapshot = run.snapshots.get(source_id)
    snapshot_id = run.snapshot_ids.get(source_id)
    if snapshot is None or snapshot_id is None or not extraction.pages:
        return
    store.record_pages(snapshot_id, snapshot.sha256, extraction.pages)


def kept_instead(
    store: Store, source_id: str, sought: datetime, fresh: ArchivedCopy | None
) -> ArchivedCopy | None:
    """The archive copy to report and judge on (:func:`citeaudit.verify.choose_archived`):
    the one just found; failing that (none found, an archive down, or offline) the memento
    an earlier look-up kept in our store, saying so."""
    choice = choose_archived(fresh, lambda: store.kept_mementos(source_id), sought)
    if choice is None or choice is fresh:
        return fresh
    now = fresh.note if fresh is not None and fresh.note else "the archives were not asked"
    return replace(choice, note=f"kept in our store by an earlier look-up; this time: {now}")


def _guess_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"
