"""Terminal views of the store: text from pages shown as text, one line per export."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from citeaudit.archive.wacz import WaczExport
from citeaudit.commands.views import export_line, search_view
from citeaudit.store.fulltext import Hit


def render(renderable: object) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=120, color_system=None).print(renderable)
    return buffer.getvalue()


def test_search_hits_show_page_text_as_text() -> None:
    hit = Hit(
        source_ids=("p1",),
        url="https://example.org/report.pdf",
        page=2,
        label="2",
        pages=3,
        date=datetime(2026, 5, 1, 10, 0, tzinfo=UTC),
        snippet=(("before [bold]", False), ("boom", True), ("\x1b[2J after", False)),
    )
    text = render(search_view([hit]))
    assert "p1" in text and "p. 2" in text
    assert "[bold]" in text and "\x1b" not in text


def test_export_line() -> None:
    export = WaczExport(Path("out.wacz"), ("a.warc.gz",), 4, 2, 1234)
    assert export_line(export) == (
        "wrote out.wacz: 1 WARC file, 4 index lines, 2 pages, 1234 bytes"
    )
