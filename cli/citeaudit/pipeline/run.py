"""The stages wired together: load -> fetch -> archive -> extract -> verify.

The CLI calls these functions and renders what they return; a notebook can too.
:func:`archive` and :func:`audit` share the capture: under the store lock, repair what a
killed run left, resume it if it was this very sources file, fetch and archive, and keep
each page's text for search; :func:`audit` then verifies every claim.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from citeaudit.catalog import Catalog
from citeaudit.extract import extract
from citeaudit.fetch import FetchOptions
from citeaudit.pipeline.candidates import copy_of
from citeaudit.pipeline.capture import Run, Session, keep_text
from citeaudit.pipeline.linkcheck import OnFetch, OnStart, no_copy_note
from citeaudit.pipeline.options import AuditOptions, OnNote
from citeaudit.report import keep_report
from citeaudit.result import AuditResult, RunInfo, SourceResult
from citeaudit.verify import (
    ClaimResult,
    SourceCopy,
    verify_claims,
)
from citeaudit.vocab import JudgedOn


def audit(
    catalog: Catalog,
    sources_file: Path,
    options: AuditOptions,
    on_start: OnStart | None = None,
    on_fetch: OnFetch | None = None,
    on_note: OnNote | None = None,
    sources_sha256: str | None = None,
) -> AuditResult:
    """Fetch, archive, extract and verify: the whole run, recorded in the store.

    ``sources_sha256``: the SHA-256 of the bytes ``catalog`` was parsed from, recorded with
    the run (so ``report`` can tell when the file has changed since); None hashes the file.
    """
    with Session(catalog, sources_file, options, "audit", on_note, sources_sha256) as session:
        run = session.capture(on_start, on_fetch)
        store = session.store
        copies = {
            s.id: copy_of(
                s,
                run.fetched,
                run.local,
                run.snapshots,
                run.earlier,
                run.store_dir,
                run.network,
                run.archived.get(s.id),
                run.archived_content.get(s.id),
            )
            for s in catalog.sources
            if s.id not in session.unreadable
        }
        # A local file that could not be read: its evidence is judged unavailable, saying why.
        copies.update(
            (source_id, SourceCopy(source_id, None, unavailable=problem))
            for source_id, problem in session.unreadable.items()
        )
        for source_id, copy in copies.items():
            if copy.judged_on in (JudgedOn.LIVE, JudgedOn.FILE) and copy.extraction is not None:
                keep_text(store, run, source_id, copy.extraction)
        claims = verify_claims(catalog, copies) if options.verify else ()
        for claim in claims:
            store.record_verdicts(run.id, claim)
        finished = session.finish(run)
        result = _audit_result(
            catalog,
            sources_file,
            run,
            finished,
            claims,
            options.fetch,
            session.sources_sha,
            session.unreadable,
        )
        # The report, with each source's history, is kept with the run (for `citeaudit
        # report`), written while the run still holds the store.
        keep_report(result, store)
    return result


def archive(
    catalog: Catalog,
    sources_file: Path,
    options: AuditOptions,
    on_start: OnStart | None = None,
    on_fetch: OnFetch | None = None,
    on_note: OnNote | None = None,
    sources_sha256: str | None = None,
) -> AuditResult:
    """Fetch and keep every source, and its text for search; verify nothing.

    The result's claims are empty; the sources carry their fetches and snapshots.
    ``sources_sha256`` is as for :func:`audit`.
    """
    with Session(catalog, sources_file, options, "archive", on_note, sources_sha256) as session:
        run = session.capture(on_start, on_fetch)
        for source in catalog.sources:
            snapshot = run.snapshots.get(source.id)
            if snapshot is None or source.id not in run.snapshot_ids:
                continue
            if snapshot.http_status is not None and not 200 <= snapshot.http_status < 300:
                continue  # an error page is kept as evidence, but not worth searching
            if session.store.has_pages(snapshot.sha256):
                continue
            if source.file:
                content, name = run.local[source.id], source.file
            else:
                assert source.url is not None
                content, name = run.fetched[source.url].content, snapshot.url
            keep_text(session.store, run, source.id, extract(content, snapshot.content_type, name))
        finished = session.finish(run)
    return _audit_result(
        catalog,
        sources_file,
        run,
        finished,
        (),
        options.fetch,
        session.sources_sha,
        session.unreadable,
    )


def _audit_result(
    catalog: Catalog,
    sources_file: Path,
    run: Run,
    finished: datetime,
    claims: tuple[ClaimResult, ...],
    options: FetchOptions,
    sources_sha256: str,
    unreadable: Mapping[str, str],
) -> AuditResult:
    """``unreadable``: what stopped each local file that could not be read, said on its source."""
    sources = tuple(
        SourceResult(
            s,
            fetch=run.fetched.get(s.url) if s.url else None,
            snapshot=run.snapshots.get(s.id),
            note=unreadable.get(s.id) or (None if s.has_copy else no_copy_note(s)),
            problem=unreadable.get(s.id),
            archived=run.archived.get(s.id),
            saved=run.saved.get(s.id),
        )
        for s in catalog.sources
    )
    info = RunInfo(
        id=run.id,
        started=run.started,
        finished=finished,
        sources_file=str(sources_file),
        network=run.network,
        store=str(run.store_dir),
        accept=options.accept,
        insecure=options.insecure,
        sources_sha256=sources_sha256,
    )
    return AuditResult(run=info, document=catalog.document, sources=sources, claims=claims)
