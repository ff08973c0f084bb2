"""The JSON report: the contract for scripts. Add fields freely; never rename one.

It is :class:`~citeaudit.report.model.ReportModel` as it is, so the JSON Schema generated
from the model (shipped as ``report/schema/report.schema.json``) describes it exactly.
"""

from __future__ import annotations

from citeaudit.report.model import ReportModel


class JsonReport:
    """Renders the JSON report, indented, ending in a newline."""

    def render(self, report: ReportModel) -> str:
        """The report as a JSON document."""
        return report.model_dump_json(indent=2) + "\n"
