"""Render a run's report in one of several formats.

Every format renders the one :class:`~citeaudit.report.model.ReportModel` (built from an
:class:`~citeaudit.result.AuditResult`, or read back from the store), with a class per
format that has ``render(report) -> str``, chosen by the :class:`Format` enum: adding a
format is adding a class and an enum member.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.report.build import build_report as build_report
    from citeaudit.report.formats import Format as Format
    from citeaudit.report.formats import Renderer as Renderer
    from citeaudit.report.formats import RenderOptions as RenderOptions
    from citeaudit.report.formats import renderer as renderer
    from citeaudit.report.model import ReportModel as ReportModel
    from citeaudit.report.saved import keep_report as keep_report
    from citeaudit.report.saved import load_report as load_report
    from citeaudit.report.terminal import STATUS_STYLE as STATUS_STYLE
    from citeaudit.report.words import plain as plain
    from citeaudit.report.words import printable as printable
    from citeaudit.report.words import summary_line as summary_line

exports(
    globals(),
    {
        "build": ("build_report",),
        "formats": ("Format", "RenderOptions", "Renderer", "renderer"),
        "model": ("ReportModel",),
        "saved": ("keep_report", "load_report"),
        "terminal": ("STATUS_STYLE",),
        "words": ("plain", "printable", "summary_line"),
    },
)
