"""The JSON report: the contract for scripts. Add fields freely; never rename one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from citeaudit import __version__
from citeaudit.fragment_check import FragmentCheck
from citeaudit.result import AuditResult, SourceResult, accepted
from citeaudit.verify import ClaimResult, EvidenceResult


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def _fragment(check: FragmentCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "fragment": check.fragment,
        "found": check.found,
        "problem": check.problem,
        "note": check.note,
    }


def source_dict(item: SourceResult, accept: frozenset[int] = frozenset()) -> dict[str, Any]:
    """One source as the JSON report gives it; ``accept`` holds the codes the run was told
    to count as fine (``accepted`` says whether this source's was one)."""
    source, fetch, snapshot = item.source, item.fetch, item.snapshot
    return {
        "id": source.id,
        "title": source.title,
        "kind": source.kind,
        "url": source.url,
        "file": source.file,
        "accessed": source.accessed.isoformat() if source.accessed else None,
        "status": str(fetch.status) if fetch else None,
        "reason": fetch.reason if fetch else item.note,
        "http_status": fetch.http_status if fetch else None,
        "final_url": fetch.final_url if fetch else None,
        "redirects": [{"url": h.url, "status": h.status} for h in fetch.redirects] if fetch else [],
        "permanent": fetch.permanent if fetch else None,
        "content_type": fetch.content_type
        if fetch
        else (snapshot.content_type if snapshot else None),
        "sha256": fetch.sha256 if fetch else (snapshot.sha256 if snapshot else None),
        "truncated": fetch.truncated if fetch else False,
        "fetched": _time(fetch.started) if fetch else None,
        "elapsed": round(fetch.elapsed, 3) if fetch else None,
        "error": fetch.error if fetch else None,
        "snapshot": {
            "warc": snapshot.warc,
            "offset": snapshot.offset,
            "record_id": snapshot.record_id,
            "date": _time(snapshot.date),
        }
        if snapshot
        else None,
        "archived_copy": None,
        "note": item.note,
        "soft_kind": str(fetch.soft_kind) if fetch and fetch.soft_kind else None,
        "accepted": accepted(item, accept),
        "insecure": fetch.insecure if fetch else False,
        "fragment": _fragment(fetch.fragment) if fetch else None,
        "fragment_problem": fetch.fragment_problem if fetch else None,
    }


def evidence_dict(item: EvidenceResult) -> dict[str, Any]:
    """One piece of evidence and its verdict."""
    ev = item.evidence
    return {
        "source": ev.source,
        "ref": ev.ref,
        "locator": ev.locator.text if ev.locator else None,
        "quote": ev.quote,
        "verdict": str(item.verdict),
        "judged_on": str(item.judged_on) if item.judged_on else None,
        "copy_date": _time(item.copy_date),
        "found_at": item.found_at,
        "passage": item.passage,
        "differences": [
            {"op": d.op, "quote": d.quote, "source": d.source, "kind": d.kind}
            for d in item.differences
        ],
        "similarity": item.similarity,
        "link": item.link,
        "note": item.note,
        "suggested_passage": {
            "text": item.suggestion.passage,
            "found_at": item.suggestion.found_at,
            "link": item.suggestion.link,
        }
        if item.suggestion
        else None,
        "drift": {"snapshot_date": _time(item.drift.snapshot_date), "note": item.drift.note}
        if item.drift
        else None,
    }


def claim_dict(item: ClaimResult) -> dict[str, Any]:
    """One claim, its verdict and its evidence."""
    return {
        "id": item.claim.id,
        "text": item.claim.text,
        "verdict": str(item.verdict),
        "evidence": [evidence_dict(e) for e in item.evidence],
    }


def report_dict(result: AuditResult) -> dict[str, Any]:
    """The whole report as plain JSON-able data."""
    run = result.run
    return {
        "tool": {"name": "citeaudit", "version": __version__},
        "run": {
            "id": run.id,
            "started": _time(run.started),
            "finished": _time(run.finished),
            "sources_file": run.sources_file,
            "network": str(run.network),
            "store": run.store,
            "accept": sorted(run.accept),
            "insecure": run.insecure,
        },
        "document": result.document.model_dump(mode="json") if result.document else None,
        "sources": [source_dict(s, run.accept) for s in result.sources],
        "claims": [claim_dict(c) for c in result.claims],
        "summary": {
            "sources": dict(sorted(result.source_counts().items())),
            "claims": {str(k): v for k, v in sorted(result.claim_counts().items())},
        },
    }


class JsonReport:
    """Renders the JSON report, indented, ending in a newline."""

    def render(self, result: AuditResult) -> str:
        """The report as a JSON document."""
        return json.dumps(report_dict(result), indent=2, ensure_ascii=False) + "\n"
