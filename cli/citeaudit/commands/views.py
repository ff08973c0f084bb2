"""Terminal views of the store: source histories and search hits, as rich renderables.

Everything that came from a page or a sources file goes in as ``Text`` (never markup) and
stripped of control characters, so page text cannot restyle or take over the terminal.

A URL or an id is never broken in two (half a URL does not open): tables are used only
where they fit the terminal with every word whole, and each URL is a line of its own that
runs past the width when it must. Print these views with ``crop=False``.
"""

from __future__ import annotations

import re
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from citeaudit.archive import WaczExport
from citeaudit.report import STATUS_STYLE, plain
from citeaudit.store import Capture, Hit, SourceHistory

_KEPT = {
    "response": "new copy",
    "revisit": "unchanged",
    "resource": "local file",
    None: "nothing kept",
}


def _flat(text: str) -> str:
    """Safe text on one line, keeping the spaces at its ends (it is joined to its pieces)."""
    return re.sub(r"\s+", " ", plain(text, one_line=False))


def _when(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%Y-%m-%d %H:%M:%S}Z"


def _status(capture: Capture) -> Text:
    if capture.status is None:
        return Text("file")
    code = f" {capture.http_status}" if capture.http_status is not None else ""
    style = STATUS_STYLE.get(capture.status, "" if not capture.failed else "red")
    return Text(f"{capture.status}{code}", style=style)


def _whole(text: str, style: str = "") -> Text:
    """A line that is never wrapped: a URL or an id runs past the width rather than break."""
    return Text(text, style=style, no_wrap=True, overflow="ignore")


def _fits(table: Table, width: int, per_column: int) -> bool:
    """Whether the table lays out in ``width`` columns with every cell on one line: each
    column as wide as its longest cell, plus ``per_column`` for padding and rules. (rich
    would otherwise shorten or fold a URL or an id to make it fit.)"""
    needed = 0
    for column in table.columns:
        cells = [
            str(column.header),
            *(c.plain if isinstance(c, Text) else str(c) for c in column.cells),
        ]
        needed += max(len(cell) for cell in cells) + per_column
    return needed <= width


def history_view(histories: list[SourceHistory], width: int = 120) -> RenderableType:
    """Every capture of each source, then when it first failed and last answered."""
    parts: list[RenderableType] = []
    for item in histories:
        parts.append(Text(plain(item.source_id), style="bold"))
        parts.append(_whole(plain(item.url)))
        table = Table(show_edge=False, box=None, pad_edge=False, padding=(0, 2, 0, 0))
        for column in ("captured", "run", "status", "copy", "why"):
            table.add_column(column)
        rows = [
            (
                _when(capture.date),
                plain(capture.run_id),
                _status(capture),
                _KEPT.get(capture.record_type, plain(capture.record_type)),
                plain(capture.reason),
            )
            for capture in item.captures
        ]
        for row in rows:
            table.add_row(*row)
        if _fits(table, width, per_column=2):
            parts.append(table)
        else:  # one capture a line, whole
            for when, run, status, kept, why in rows:
                line = _whole(f"{when}  ")
                line.append_text(status)
                line.append(f"  {kept}  run {run}  {why}")
                parts.append(line)
        parts.append(_verdict_line(item))
        parts.append(Text(""))
    return Group(*parts)


def _verdict_line(item: SourceHistory) -> Text:
    failing = item.first_failed
    answered = item.last_answered
    line = Text()
    if failing is not None:
        line.append(f"failing since {_when(failing.date)}", style="red")
        line.append(f" ({failing.status}: {plain(failing.reason)})")
    elif item.ever_failed is not None:
        line.append(f"answering again; it first failed {_when(item.ever_failed.date)}")
    else:
        line.append("never failed", style="green")
    if answered is not None:
        line.append(f"; last answered {_when(answered.date)}")
    else:
        line.append("; never answered")
    return line


def overview_view(histories: list[SourceHistory], width: int = 120) -> RenderableType:
    """One line per source: its latest status, copies kept, and when it began failing; as a
    table where it fits, else a few lines per source."""
    table = Table(title="Sources in the store", title_justify="left")
    for column in ("source", "latest", "copies", "last answered", "failing since", "url"):
        table.add_column(column)
    lines: list[RenderableType] = [Text("Sources in the store", style="italic")]
    for item in histories:
        failing = item.first_failed
        answered = item.last_answered
        table.add_row(
            plain(item.source_id),
            _status(item.latest),
            str(item.copies),
            _when(answered.date) if answered else "never",
            Text(_when(failing.date), style="red") if failing else Text(""),
            plain(item.url),
        )
        line = Text.assemble((plain(item.source_id), "bold"), "  ", _status(item.latest))
        line.append(f"  {item.copies} {'copy' if item.copies == 1 else 'copies'}")
        line.append(f"  last answered {_when(answered.date) if answered else 'never'}")
        if failing:
            line.append(f"  failing since {_when(failing.date)}", style="red")
        lines += [line, _whole(f"  {plain(item.url)}")]
    return table if _fits(table, width, per_column=3) else Group(*lines)


def search_view(hits: list[Hit]) -> RenderableType:
    """Each hit: source, page, capture date, and the snippet with the matches marked."""
    parts: list[RenderableType] = []
    for hit in hits:
        where = f"p. {plain(hit.label)}" if hit.pages > 1 else "web page"
        head = Text.assemble(
            (", ".join(plain(s) for s in hit.source_ids), "bold"),
            f"  {where}  captured {_when(hit.date)}",
        )
        snippet = Text("  ")
        for piece, matched in hit.snippet:
            snippet.append(_flat(piece), style="bold reverse" if matched else "")
        parts.extend([head, _whole(plain(hit.url), "dim"), snippet, Text("")])
    return Group(*parts)


def export_line(export: WaczExport) -> str:
    """What an export wrote, in one line."""
    files = "file" if len(export.warcs) == 1 else "files"
    return (
        f"wrote {export.path}: {len(export.warcs)} WARC {files}, {export.index_lines} index "
        f"lines, {export.pages} pages, {export.size} bytes"
    )
