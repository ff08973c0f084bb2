"""What each audit concluded: the verdict on every piece of evidence, and the JSON report,
kept so ``citeaudit report`` renders a run again without the network."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from citeaudit.store.connection import StoreConnection, time_text

if TYPE_CHECKING:  # verify pulls in the extractors; the store only needs the type
    from citeaudit.verify import ClaimResult


class VerdictRecords(StoreConnection):
    """The store's verdicts and saved reports."""

    def record_verdicts(self, run_id: str, claim: ClaimResult) -> None:
        """Record the verdict on each piece of a claim's evidence, all or none."""
        rows = [
            (
                run_id,
                claim.claim.id,
                index,
                result.evidence.source,
                str(result.verdict),
                None if result.judged_on is None else str(result.judged_on),
                result.found_at,
                result.passage,
            )
            for index, result in enumerate(claim.evidence)
        ]
        with self._transaction():
            self._db.executemany(_UPSERT_VERDICT, rows)

    def save_report(self, run_id: str, created: datetime, report: str) -> None:
        """Keep a run's JSON report (replacing one saved before for that run)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO reports (run_id, created, report) VALUES (?, ?, ?)"
                " ON CONFLICT (run_id) DO UPDATE SET created = excluded.created,"
                " report = excluded.report",
                (run_id, time_text(created), report),
            )

    def load_report(self, run_id: str | None = None) -> tuple[str, str] | None:
        """A run's saved JSON report as ``(run_id, report)``: the latest run's when
        ``run_id`` is None; None when there is no such report."""
        query = "SELECT run_id, report FROM reports"
        params: tuple[str, ...] = ()
        if run_id is not None:
            query, params = query + " WHERE run_id = ?", (run_id,)
        with self._errors():
            row = self._db.execute(
                query + " ORDER BY created DESC, run_id DESC LIMIT 1", params
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))


_UPSERT_VERDICT = (
    "INSERT INTO verdicts (run_id, claim_id, evidence_index, source_id, verdict,"
    " judged_on, found_at, passage) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (run_id, claim_id, evidence_index) DO UPDATE SET"
    " source_id = excluded.source_id, verdict = excluded.verdict,"
    " judged_on = excluded.judged_on, found_at = excluded.found_at,"
    " passage = excluded.passage"
)
