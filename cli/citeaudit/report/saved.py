"""Reports kept in the evidence store: an audit keeps each run's, ``report`` reads it back.

What is kept is the JSON report (the contract), so any format can be rendered later, with
no network, exactly as the run saw things.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from citeaudit.errors import StoreError, UsageError
from citeaudit.report.build import build_report
from citeaudit.report.model import ReportModel
from citeaudit.result import AuditResult
from citeaudit.store import Store


def keep_report(result: AuditResult, store: Store) -> ReportModel:
    """Build the run's report with each source's history from ``store``, and keep it there."""
    report = build_report(result, store=store)
    store.save_report(report.run.id, datetime.now(UTC), report.model_dump_json())
    return report


def load_report(store_dir: Path, run_id: str | None = None) -> ReportModel:
    """The report of run ``run_id`` kept in the store (the latest run's when None).

    A store with no saved report, or an unknown run id, is a :class:`UsageError` that says
    what to do; a folder with no store is a :class:`StoreError`.
    """
    with Store.open(store_dir, create=False) as store:
        found = store.load_report(run_id)
    if found is None:
        if run_id is not None:
            raise UsageError(
                f"no report of run {run_id!r} in the store at {store_dir}",
                hint="run 'citeaudit report --list-runs' (with the same sources file or "
                "--store) to see the runs whose report is kept, or leave out --run for the "
                "latest",
            )
        raise UsageError(
            f"the store at {store_dir} holds no audit report yet",
            hint="run 'citeaudit audit' first: each audit keeps its report in the store",
        )
    saved_run, text = found
    try:
        return ReportModel.model_validate_json(text)
    except ValidationError as exc:
        raise StoreError(
            f"the report of run {saved_run} in the store at {store_dir} cannot be read "
            f"({exc.error_count()} problems); it was left as it is",
            hint="run 'citeaudit audit' again to make a new one",
        ) from None
