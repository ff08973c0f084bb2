"""The terminal report (rich): a table of sources, then a table of claims and evidence.

Text that came from the web or the sources file is always passed to rich as ``Text``,
never as markup, and stripped of control characters, so a page title cannot restyle the
terminal or smuggle escape sequences into it.
"""

from __future__ import annotations

import io
import re

from rich.console import Console
from rich.table import Table
from rich.text import Text

from citeaudit.result import AuditResult, SourceResult, accepted
from citeaudit.vocab import ClaimVerdict, LinkStatus, Network, Verdict

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

STATUS_STYLE: dict[str, str] = {
    LinkStatus.OK: "green",
    LinkStatus.REDIRECTED: "green",
    LinkStatus.BLOCKED: "yellow",
    LinkStatus.RATE_LIMITED: "yellow",
}
VERDICT_STYLE: dict[str, str] = {
    Verdict.VERIFIED: "green",
    Verdict.LINK_ONLY: "cyan",
    Verdict.WRONG_LOCATOR: "yellow",
    Verdict.MISQUOTED: "yellow",
    Verdict.NO_TEXT: "magenta",
    ClaimVerdict.SUPPORTED: "bold green",
    ClaimVerdict.PARTLY_SUPPORTED: "bold yellow",
    ClaimVerdict.UNVERIFIABLE: "magenta",
}


def plain(value: object, *, one_line: bool = True) -> str:
    """Text safe to show: no control characters or bidi overrides, optionally one line."""
    text = _CONTROL.sub("", str(value))
    return " ".join(text.split()) if one_line else text


def _cell(value: object, style: str = "") -> Text:
    return Text(plain(value) if value is not None else "", style=style)


def _status_cell(item: SourceResult) -> Text:
    if item.fetch is None:
        return Text("local file" if item.source.file else "no copy", style="dim")
    status = item.fetch.status
    return Text(str(status), style=STATUS_STYLE.get(status, "red"))


def sources_table(result: AuditResult) -> Table:
    """One row a source: id, status, and the reason or final URL."""
    table = Table(title="Sources", title_justify="left", expand=False, show_lines=False)
    table.add_column("source", overflow="fold", max_width=40)
    table.add_column("status", overflow="fold", max_width=14)
    table.add_column("details", overflow="fold", ratio=1, min_width=12)
    for item in result.sources:
        fetch = item.fetch
        if fetch is None:
            details = item.note or ""
        elif fetch.status is LinkStatus.REDIRECTED and fetch.final_url:
            kind = "permanently " if fetch.permanent else ""
            details = f"{kind}moved to {fetch.final_url}"
        else:
            details = fetch.reason
        if fetch is not None and fetch.truncated:
            details += " (body truncated at the size limit)"
        if fetch is not None and fetch.fragment_problem:
            details += f"; #fragment: {fetch.fragment_problem}"
        if accepted(item, result.run.accept):
            details += f" (HTTP {fetch.http_status if fetch else ''} accepted: not a finding)"
        if fetch is not None and fetch.insecure:
            details += " (TLS certificate not verified: --insecure)"
        table.add_row(_cell(item.source.id), _status_cell(item), _cell(details))
    return table


def claims_table(result: AuditResult) -> Table:
    """One row per claim-evidence pair; the claim and its verdict on its first row."""
    table = Table(title="Claims", title_justify="left", show_lines=True)
    table.add_column("claim", overflow="fold", max_width=34)
    table.add_column("evidence", overflow="fold", max_width=34)
    table.add_column("result", overflow="fold", max_width=18)
    table.add_column("where / why", overflow="fold", ratio=1, min_width=12)
    for claim in result.claims:
        for index, ev in enumerate(claim.evidence):
            head = Text()
            if index == 0:
                head.append(plain(claim.claim.id))
                head.append("\n")
                head.append(str(claim.verdict), VERDICT_STYLE.get(claim.verdict, "bold red"))
            cited = plain(ev.evidence.source)
            if ev.evidence.ref is not None:
                cited += f" [{plain(ev.evidence.ref)}]"
            if ev.evidence.locator:
                cited += f" {plain(ev.evidence.locator)}"
            where = ev.found_at or ""
            if ev.judged_on:
                date = f" {ev.copy_date:%Y-%m-%d}" if ev.copy_date else ""
                where = f"{where} ({ev.judged_on}{date})".strip()
            if ev.note:
                where = f"{where} {ev.note}".strip()
            for diff in ev.differences:
                where += f"; {_difference_text(diff.op, diff.quote, diff.source, diff.kind)}"
            if ev.suggestion:
                at = f" ({ev.suggestion.found_at})" if ev.suggestion.found_at else ""
                where += f"; likeliest passage{at}: “{_clip(ev.suggestion.passage)}”"
            table.add_row(
                head,
                Text(cited),
                _cell(ev.verdict, VERDICT_STYLE.get(ev.verdict, "red")),
                _cell(where),
            )
    return table


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _difference_text(op: str, quote: str, source: str, kind: str | None) -> str:
    """One difference between quote and source, in words: 'added “(AHSN)”'."""
    if op == "insert":
        text = f"added “{_clip(quote, 60)}”"
    elif op == "delete":
        text = f"left out “{_clip(source, 60)}”"
    else:
        text = f"“{_clip(quote, 60)}” for “{_clip(source, 60)}”"
    return f"{text} ({kind.replace('_', ' ')})" if kind else text


def summary_line(result: AuditResult) -> str:
    """One line of counts, for stderr at the end of a run."""
    sources = ", ".join(f"{n} {k}" for k, n in sorted(result.source_counts().items()))
    line = f"sources: {sources or 'none'}"
    if result.claims:
        claims = ", ".join(f"{n} {k}" for k, n in sorted(result.claim_counts().items()))
        line += f"; claims: {claims}"
    if result.run.network is Network.OFFLINE:
        line += (
            "; the network looks unreachable (no host name could be resolved): "
            "nothing was declared dead"
        )
    return line


class TerminalReport:
    """Renders tables for a person at a terminal (or plain text when not one)."""

    def __init__(self, *, width: int | None = None, color: bool = False) -> None:
        self.width = width
        self.color = color

    def render(self, result: AuditResult) -> str:
        """The tables as text, with ANSI styles only when colour was asked for."""
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            width=self.width or 120,
            force_terminal=self.color,
            no_color=not self.color,
            highlight=False,
            emoji=False,
            markup=False,
        )
        if result.run.network is Network.OFFLINE:
            console.print(
                Text(
                    "The network looks unreachable: no source could be fetched. "
                    "Nothing was declared dead; run again when online.",
                    style="bold yellow",
                )
            )
        console.print(sources_table(result))
        if result.claims:
            console.print(claims_table(result))
        return buffer.getvalue()
