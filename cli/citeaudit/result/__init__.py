"""The result of a run as plain data (what every report renders), and what counts as a
finding. Shared by the pipeline, the reports and the command line; imports no engine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.result.failon import FAIL_ON_VALUES as FAIL_ON_VALUES
    from citeaudit.result.failon import FailOn as FailOn
    from citeaudit.result.failon import Outcome as Outcome
    from citeaudit.result.failon import accepted as accepted
    from citeaudit.result.failon import findings as findings
    from citeaudit.result.failon import outcome as outcome
    from citeaudit.result.failon import parse_fail_on as parse_fail_on
    from citeaudit.result.run import AuditResult as AuditResult
    from citeaudit.result.run import RunInfo as RunInfo
    from citeaudit.result.run import SourceResult as SourceResult
    from citeaudit.result.run import new_run_id as new_run_id

exports(
    globals(),
    {
        "failon": (
            "FAIL_ON_VALUES",
            "FailOn",
            "Outcome",
            "accepted",
            "findings",
            "outcome",
            "parse_fail_on",
        ),
        "run": ("AuditResult", "RunInfo", "SourceResult", "new_run_id"),
    },
)
