"""Render an :class:`~citeaudit.result.AuditResult` in one of several formats.

Each format is a class with one ``render(result) -> str``, chosen by the :class:`Format`
enum, so adding a format is adding a class and an enum member.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from citeaudit.report.json import JsonReport
from citeaudit.report.terminal import TerminalReport
from citeaudit.result import AuditResult


class Format(StrEnum):
    """The report formats."""

    TERMINAL = "terminal"
    JSON = "json"


class Renderer(Protocol):
    """What every format provides."""

    def render(self, result: AuditResult) -> str:
        """The whole report as text."""
        ...


def renderer(fmt: Format, *, width: int | None = None, color: bool = False) -> Renderer:
    """The renderer for a format; ``width`` and ``color`` matter to the terminal only."""
    if fmt is Format.JSON:
        return JsonReport()
    return TerminalReport(width=width, color=color)


__all__ = ["Format", "Renderer", "renderer"]
