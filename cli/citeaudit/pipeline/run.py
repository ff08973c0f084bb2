"""The stages wired together: load -> fetch -> archive -> extract -> verify.

The CLI calls these functions and renders what they return; a notebook can too.
:func:`archive` and :func:`audit` share the capture: under the store lock, repair what a
killed run left, resume it if it was this very sources file, fetch and archive, and keep
each page's text for search; :func:`audit` then verifies every claim.

Each document is read in a worker process within the run's limits
(:class:`~citeaudit.extract.Extractor`), and anything that goes wrong with one source (its
document, keeping its text, judging a quote on it) is said on that source: the rest of the
run goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import partial
from pathlib import Path

from citeaudit.catalog import Catalog, Claim, Source
from citeaudit.extract import Extraction, Extractor, Reading
from citeaudit.fetch import FetchOptions
from citeaudit.pipeline.bodies import fetched_body, kept_body
from citeaudit.pipeline.candidates import copy_of, read_ahead
from citeaudit.pipeline.capture import Run, Session, keep_text
from citeaudit.pipeline.linkcheck import OnFetch, OnStart, no_copy_note
from citeaudit.pipeline.options import AuditOptions, OnNote
from citeaudit.report import keep_report
from citeaudit.result import AuditResult, RunInfo, SourceResult
from citeaudit.verify import (
    ClaimResult,
    EvidenceResult,
    Judging,
    SourceCopy,
    claim_verdict,
    verify_claims,
)
from citeaudit.vocab import JudgedOn, Verdict


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
    with (
        Session(catalog, sources_file, options, "audit", on_note, sources_sha256) as session,
        Extractor(options.extract, session.note) as reader,
    ):
        reader.start()  # the worker loads its readers while the sources are fetched
        run = session.capture(on_start, on_fetch)
        store = session.store
        sources = [s for s in catalog.sources if s.id not in session.unreadable]
        # Every copy likely to be judged on is submitted first: the worker reads each in
        # turn while this process keeps the text of the one before.
        ahead = {s.id: _read_ahead(s, run, reader, options) for s in sources}
        copies: dict[str, SourceCopy] = {}
        for source in sources:
            copy = copies[source.id] = _copy(source, run, reader, options, session.note, ahead)
            if copy.judged_on in (JudgedOn.LIVE, JudgedOn.FILE) and copy.extraction is not None:
                _keep_text(session, run, source.id, copy.extraction)
        # A local file that could not be read: its evidence is judged unavailable, saying why.
        copies.update(
            (source_id, SourceCopy(source_id, None, unavailable=problem))
            for source_id, problem in session.unreadable.items()
        )
        claims = _verify(catalog, copies, options.judging, session.note) if options.verify else ()
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
    with (
        Session(catalog, sources_file, options, "archive", on_note, sources_sha256) as session,
        Extractor(options.extract, session.note) as reader,
    ):
        reader.start()  # the worker loads its readers while the sources are fetched
        run = session.capture(on_start, on_fetch)
        # Each body new to the store, submitted first: read in turn while texts are kept.
        wanted: dict[str, tuple[str, Reading]] = {}
        for source in catalog.sources:
            snapshot = run.snapshots.get(source.id)
            if snapshot is None or source.id not in run.snapshot_ids:
                continue
            if snapshot.http_status is not None and not 200 <= snapshot.http_status < 300:
                continue  # an error page is kept as evidence, but not worth searching
            if snapshot.sha256 in wanted or session.store.has_pages(snapshot.sha256):
                continue
            if source.file:
                load, name = partial(kept_body, run.store_dir, snapshot), source.file
            else:
                max_bytes = options.fetch.max_bytes
                load = partial(fetched_body, run.store_dir, snapshot, max_bytes)
                name = snapshot.url
            reading = reader.submit(load, snapshot.content_type, name)
            wanted[snapshot.sha256] = (source.id, reading)
        for source_id, reading in wanted.values():
            extraction = reading.result()
            if extraction is not None:
                _keep_text(session, run, source_id, extraction)
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


def _read_ahead(
    source: Source, run: Run, reader: Extractor, options: AuditOptions
) -> Reading | None:
    try:
        return read_ahead(
            source,
            run.fetched,
            run.snapshots,
            run.store_dir,
            reader,
            max_bytes=options.fetch.max_bytes,
        )
    except Exception:
        return None  # gathering its copy will say what went wrong


def _copy(
    source: Source,
    run: Run,
    reader: Extractor,
    options: AuditOptions,
    note: OnNote,
    ahead: Mapping[str, Reading | None],
) -> SourceCopy:
    """The copy a source's evidence is judged on; whatever goes wrong gathering it costs
    this source only, which is then judged unavailable, saying why."""
    try:
        return copy_of(
            source,
            run.fetched,
            run.snapshots,
            run.earlier,
            run.store_dir,
            run.network,
            reader,
            max_bytes=options.fetch.max_bytes,
            archived=run.archived.get(source.id),
            ahead=ahead.get(source.id),
        )
    except Exception as exc:
        problem = f"its copy could not be read ({_describe(exc)})"
        note(f"source {source.id}: {problem}; the run goes on without it")
        return SourceCopy(source.id, None, unavailable=problem)


def _keep_text(session: Session, run: Run, source_id: str, extraction: Extraction) -> None:
    """Keep a source's text for search; a failure costs only its search, said as a note."""
    try:
        keep_text(session.store, run, source_id, extraction)
    except Exception as exc:
        session.note(f"source {source_id}: its text was not kept for search ({_describe(exc)})")


def _verify(
    catalog: Catalog, copies: Mapping[str, SourceCopy], judging: Judging, note: OnNote
) -> tuple[ClaimResult, ...]:
    """Every claim judged; a claim whose judging fails is judged again piece by piece, and
    a piece of evidence that still fails is said so on it (no text searched), so one
    source cannot end the run."""
    results: list[ClaimResult] = []
    for claim in catalog.claims:
        try:
            one = catalog.model_copy(update={"claims": (claim,)})
            results.extend(verify_claims(one, copies, judging))
        except Exception:
            results.append(_judged_piecewise(catalog, claim, copies, judging, note))
    return tuple(results)


def _judged_piecewise(
    catalog: Catalog,
    claim: Claim,
    copies: Mapping[str, SourceCopy],
    judging: Judging,
    note: OnNote,
) -> ClaimResult:
    judged: list[EvidenceResult] = []
    for evidence in claim.evidence:
        alone = claim.model_copy(update={"evidence": (evidence,)})
        try:
            one = catalog.model_copy(update={"claims": (alone,)})
            (result,) = verify_claims(one, copies, judging)
            judged.append(result.evidence[0])
        except Exception as exc:
            problem = f"the source's text could not be searched ({_describe(exc)})"
            note(f"claim {claim.id}, source {evidence.source}: {problem}")
            judged.append(EvidenceResult(evidence, Verdict.NO_TEXT, note=problem))
    return ClaimResult(claim, claim_verdict([j.verdict for j in judged]), tuple(judged))


def _describe(exc: BaseException) -> str:
    """An exception in a few words: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__


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
