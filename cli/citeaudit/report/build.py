"""Building the report model from a run's result: each source with its history from the
store, each evidence with the record of the copy it was judged on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from citeaudit.net import shown_url
from citeaudit.report.differences import compare_words
from citeaudit.report.model import (
    HISTORY_LIMIT,
    ArchivedCopyModel,
    CaptureModel,
    ClaimModel,
    ConflictModel,
    DifferenceModel,
    DocumentModel,
    DriftModel,
    EvidenceModel,
    FragmentModel,
    MeaningModel,
    RedirectModel,
    ReportModel,
    RunModel,
    SegmentModel,
    SnapshotModel,
    SourceModel,
    SuggestionModel,
    SummaryModel,
)
from citeaudit.result import accepted
from citeaudit.vocab import JudgedOn

if TYPE_CHECKING:  # only named here: `check` needs neither warcio nor the quote finder
    from citeaudit.archive import Snapshot
    from citeaudit.fetch import FragmentCheck
    from citeaudit.result import AuditResult, SourceResult
    from citeaudit.store import SourceHistory, Store
    from citeaudit.verify import ClaimResult, Difference, Drift, EvidenceResult, Meaning
    from citeaudit.webarchive import ArchivedCopy


def build_report(result: AuditResult, store: Store | None = None) -> ReportModel:
    """The report of a run; with its ``store``, each source's history and the record of
    each copy judged on are filled in from it."""
    histories = _histories(store) if store is not None else {}
    run = result.run
    changed = {e.evidence.source for c in result.claims for e in c.evidence if e.drift}
    sources = [
        _source(s, run.accept, histories.get(s.source.id), s.source.id in changed)
        for s in result.sources
    ]
    copies = _Copies(
        live={s.source.id: s.snapshot for s in result.sources},
        archived={
            s.source.id: s.archived.snapshot
            for s in result.sources
            if s.archived is not None and s.archived.found
        },
        store=store,
        store_name=run.store,
    )
    claims = [_claim(c, copies) for c in result.claims]
    return ReportModel(
        run=RunModel(
            id=run.id,
            started=run.started,
            finished=run.finished,
            sources_file=run.sources_file,
            network=run.network,
            store=run.store,
            accept=sorted(run.accept),
            insecure=run.insecure,
            sources_sha256=run.sources_sha256,
        ),
        document=DocumentModel(**result.document.model_dump()) if result.document else None,
        sources=sources,
        claims=claims,
        summary=SummaryModel(
            sources=dict(sorted(result.source_counts().items())),
            claims={str(k): v for k, v in sorted(result.claim_counts().items())},
        ),
    )


def _histories(store: Store) -> dict[str, SourceHistory]:
    from citeaudit.store import source_histories

    return {h.source_id: h for h in source_histories(store)}


def _snapshot(snapshot: Snapshot | None) -> SnapshotModel | None:
    if snapshot is None:
        return None
    return SnapshotModel(
        warc=snapshot.warc, offset=snapshot.offset, record_id=snapshot.record_id, date=snapshot.date
    )


def _fragment(check: FragmentCheck | None) -> FragmentModel | None:
    if check is None:
        return None
    return FragmentModel(
        fragment=check.fragment, found=check.found, problem=check.problem, note=check.note
    )


def _archived(copy: ArchivedCopy | None) -> ArchivedCopyModel | None:
    if copy is None:
        return None
    return ArchivedCopyModel(
        url=copy.url,
        date=copy.date,
        raw_url=copy.raw_url,
        timegate=copy.timegate,
        found=copy.found,
        note=copy.note,
        http_status=copy.http_status,
    )


def _source(
    item: SourceResult, accept: frozenset[int], history: SourceHistory | None, changed: bool
) -> SourceModel:
    source, fetch, snapshot = item.source, item.fetch, item.snapshot
    captures = history.captures[-HISTORY_LIMIT:] if history else ()
    failing = history.first_failed if history else None
    answered = history.last_answered if history else None
    return SourceModel(
        id=source.id,
        title=source.title,
        kind=source.kind,
        url=shown_url(source.url) if source.url else None,  # never a user name or password
        file=source.file,
        accessed=source.accessed,
        status=fetch.status if fetch else None,
        reason=fetch.reason if fetch else item.note,
        http_status=fetch.http_status if fetch else None,
        final_url=fetch.final_url if fetch else None,
        redirects=[RedirectModel(url=h.url, status=h.status) for h in fetch.redirects]
        if fetch
        else [],
        permanent=fetch.permanent if fetch else None,
        content_type=fetch.content_type if fetch else (snapshot.content_type if snapshot else None),
        sha256=fetch.sha256 if fetch else (snapshot.sha256 if snapshot else None),
        truncated=fetch.truncated if fetch else False,
        fetched=fetch.started if fetch else None,
        elapsed=round(fetch.elapsed, 3) if fetch else None,
        error=fetch.error if fetch else None,
        snapshot=_snapshot(snapshot),
        archived_copy=_archived(item.archived),
        note=item.note,
        soft_kind=str(fetch.soft_kind) if fetch and fetch.soft_kind else None,
        accepted=accepted(item, accept),
        insecure=fetch.insecure if fetch else False,
        fragment=_fragment(fetch.fragment) if fetch else None,
        fragment_problem=fetch.fragment_problem if fetch else None,
        publisher=source.publisher,
        saved=_archived(item.saved),
        history=[
            CaptureModel(
                run_id=c.run_id,
                date=c.date,
                status=c.status,
                http_status=c.http_status,
                kept=c.record_type,
            )
            for c in captures
        ],
        failing_since=failing.date if failing else None,
        last_answered=answered.date if answered else None,
        robust_link=item.robust_link,
        changed=changed,
        problem=item.problem,
    )


@dataclass(frozen=True)
class _Copies:
    """Where the copies a run judged on are kept: this run's snapshot of each source, the
    public archive's copy kept in our WARC, and the store (for older snapshots)."""

    live: dict[str, Snapshot | None]
    archived: dict[str, Snapshot | None]
    store: Store | None
    store_name: str | None

    def judged(self, item: EvidenceResult) -> Snapshot | None:
        """The record in our store of the copy a verdict was reached on, if there is one."""
        source_id = item.evidence.source
        if item.judged_on is None:
            return None
        if item.judged_on in (JudgedOn.LIVE, JudgedOn.FILE):
            return self.live.get(source_id)  # the live copy or file, kept by this very run
        if item.judged_on is JudgedOn.ARCHIVE and self.archived.get(source_id) is not None:
            return self.archived[source_id]
        if self.store is None or item.copy_date is None:
            return None
        snapshots = self.store.snapshots_for(source_id)
        return next((s for s in snapshots if s.date == item.copy_date), None)


def _link(store_name: str | None, snapshot: SnapshotModel | None) -> str | None:
    if snapshot is None:
        return None
    if not store_name:
        return snapshot.warc
    return f"{store_name.rstrip('/')}/{snapshot.warc}"


def _difference(item: Difference) -> DifferenceModel:
    return DifferenceModel(op=item.op, quote=item.quote, source=item.source, kind=item.kind)


def _evidence(item: EvidenceResult, copies: _Copies) -> EvidenceModel:
    ev = item.evidence
    snapshot = _snapshot(copies.judged(item))
    return EvidenceModel(
        source=ev.source,
        ref=ev.ref,
        locator=ev.locator.text if ev.locator else None,
        quote=ev.quote,
        verdict=item.verdict,
        judged_on=item.judged_on,
        copy_date=item.copy_date,
        found_at=item.found_at,
        passage=item.passage,
        differences=[_difference(d) for d in item.differences],
        similarity=item.similarity,
        link=item.link,
        note=item.note,
        suggested_passage=SuggestionModel(
            text=item.suggestion.passage,
            found_at=item.suggestion.found_at,
            link=item.suggestion.link,
        )
        if item.suggestion
        else None,
        drift=_drift(item.drift, ev.quote) if item.drift else None,
        snapshot=snapshot,
        snapshot_link=_link(copies.store_name, snapshot),
        comparison=compare_words(ev.quote, item.passage, item.differences)
        if item.differences and ev.quote and item.passage
        else [],
        meaning=_meaning(item.meaning) if item.meaning else None,
    )


def _meaning(meaning: Meaning) -> MeaningModel:
    return MeaningModel(
        judge=meaning.judge,
        score=round(meaning.score, 3),
        reason=meaning.reason,
        conflicts=[
            ConflictModel(kind=c.kind, claim=c.claim, passage=c.passage) for c in meaning.conflicts
        ],
    )


_AS_CHANGE: dict[str, Literal["insert", "delete"]] = {"insert": "delete", "delete": "insert"}


def _as_change(segments: list[SegmentModel]) -> list[SegmentModel]:
    """A quote set against its passage, read instead as a change from the old words (the
    quote's) to the new (the source's now): the old struck, then the new added."""
    changed = [SegmentModel(op=_AS_CHANGE.get(s.op, s.op), text=s.text) for s in segments]
    for i in range(len(changed) - 1):
        if changed[i].op == "insert" and changed[i + 1].op == "delete":
            changed[i], changed[i + 1] = changed[i + 1], changed[i]
    return changed


def _drift(drift: Drift, quote: str | None) -> DriftModel:
    """A change of source: the quoted words (which an older copy has) against the new."""
    return DriftModel(
        snapshot_date=drift.snapshot_date,
        note=drift.note,
        judged_on=drift.judged_on,
        copy_date=drift.copy_date,
        verdict=drift.verdict,
        passage=drift.passage,
        found_at=drift.found_at,
        differences=[_difference(d) for d in drift.differences],
        comparison=_as_change(compare_words(quote, drift.passage, drift.differences))
        if drift.differences and quote and drift.passage
        else [],
        link=drift.link,
    )


def _claim(item: ClaimResult, copies: _Copies) -> ClaimModel:
    return ClaimModel(
        id=item.claim.id,
        text=item.claim.text,
        verdict=item.verdict,
        evidence=[_evidence(e, copies) for e in item.evidence],
    )
