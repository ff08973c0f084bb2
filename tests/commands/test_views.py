"""Terminal views of the store: text from pages shown as text, one line per export."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from citeaudit.archive.wacz import WaczExport
from citeaudit.commands.views import export_line, history_view, overview_view, search_view
from citeaudit.store.captures import Capture
from citeaudit.store.fulltext import Hit
from citeaudit.store.histories import SourceHistory
from citeaudit.vocab import LinkStatus


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


LONG_URL = "https://www.england.nhs.uk/mental-health/adults/nhs-111-crisis-services/some/long/path"
RUN_ID = "20260501T100000Z-abc123"


def capture(status: LinkStatus, code: int, reason: str, day: int) -> Capture:
    return Capture(
        run_id=RUN_ID,
        source_id="nhse-crisis-services",
        date=datetime(2026, 5, day, 10, 0, tzinfo=UTC),
        url=LONG_URL,
        status=status,
        reason=reason,
        http_status=code,
        final_url=LONG_URL,
        record_type="response" if code == 200 else None,
        warc=None,
        record_id=None,
        sha256=None,
    )


def at_width(renderable: object, width: int) -> str:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(renderable, crop=False)
    return buffer.getvalue()


def test_narrow_views_never_break_a_url_or_an_id() -> None:
    """Piped or on a narrow terminal, a table would fold a URL or a run id in two (half a
    URL does not open): the views fall back to a few whole lines per source."""
    item = SourceHistory(
        "nhse-crisis-services",
        (
            capture(LinkStatus.OK, 200, "200 OK", 1),
            capture(LinkStatus.NOT_FOUND, 404, "404 Not Found", 2),
        ),
    )
    hit = Hit(("nhse-crisis-services",), LONG_URL, 1, "1", 1, item.captures[0].date, ())
    for width in (40, 60, 80):
        for view in (
            overview_view([item], width),
            history_view([item], width),
            search_view([hit]),
        ):
            text = at_width(view, width)
            assert LONG_URL in text, (width, text)
            if "run" in text:
                assert RUN_ID in text
            assert "…" not in text
    wide = at_width(overview_view([item], 200), 200)
    assert "┃ source" in wide and LONG_URL in wide  # a table where it fits
