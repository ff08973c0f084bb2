"""The report formats, and the renderer of each.

Every format renders the one :class:`~citeaudit.report.model.ReportModel` (built from an
:class:`~citeaudit.result.AuditResult`, or read back from the store), with a class per
format that has ``render(report) -> str``, chosen by the :class:`Format` enum: adding a
format is adding a class and an enum member.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from citeaudit.report.model import ReportModel


class Format(StrEnum):
    """The report formats."""

    TERMINAL = "terminal"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    CSV = "csv"
    CLAIMREVIEW = "claimreview"


@dataclass(frozen=True)
class RenderOptions:
    """What some formats need besides the report.

    ``width`` and ``color``: the terminal's. ``reviewer``: who publishes a ClaimReview
    (its ``author``); ``review_url``: where (each review's ``url`` is it with the claim's
    anchor). ``output_dir`` and ``store_dir``: where the report is written and
    where the evidence store is, so the HTML can link to snapshots relatively.
    """

    width: int | None = None
    color: bool = False
    reviewer: str | None = None
    review_url: str | None = None
    output_dir: Path | None = None
    store_dir: Path | None = None


class Renderer(Protocol):
    """What every format provides."""

    def render(self, report: ReportModel) -> str:
        """The whole report as text."""
        ...


def renderer(fmt: Format, options: RenderOptions | None = None) -> Renderer:
    """The renderer of a format."""
    options = options or RenderOptions()
    # Each renderer is imported when chosen: the HTML one alone brings in jinja2, and
    # `citeaudit check` should not pay for the formats it does not print.
    match fmt:
        case Format.TERMINAL:
            from citeaudit.report.terminal import TerminalReport

            return TerminalReport(width=options.width, color=options.color)
        case Format.JSON:
            from citeaudit.report.json import JsonReport

            return JsonReport()
        case Format.MARKDOWN:
            from citeaudit.report.markdown import MarkdownReport

            return MarkdownReport()
        case Format.HTML:
            from citeaudit.report.html import HtmlReport

            return HtmlReport(output_dir=options.output_dir, store_dir=options.store_dir)
        case Format.CSV:
            from citeaudit.report.csv import CsvReport

            return CsvReport()
        case Format.CLAIMREVIEW:
            from citeaudit.report.claimreview import ClaimReviewReport

            return ClaimReviewReport(reviewer=options.reviewer, review_url=options.review_url)
