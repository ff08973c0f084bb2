"""The Markdown report: text from the web escaped."""

from __future__ import annotations

import re

from citeaudit.report import Format, renderer
from report_fixture import (
    OPTIONS,
    fixed_report,
)


def test_markdown_escapes_text_from_the_web() -> None:
    text = renderer(Format.MARKDOWN, OPTIONS).render(fixed_report())
    prose = re.sub(r"`[^`]*`", "", text)  # code spans show their text as it is
    tags = re.findall(r"(?<!\\)<(?!/?(?:del|ins|br)>)[^ ]*", prose)
    assert tags == [], tags  # no tag but the ones the report itself writes
    assert "\\<script\\>" in text and "\\<img src=x" in text
    assert "\\|cell\\|" in text
    assert "@\u2060someone" in text and "@\u2060everyone" in text  # no mention
    assert "\\$x\\$" in text
    # Tables stay tables: every row of the claims table has the header's four pipes.
    table = text.split("## Claims")[1].split("## Evidence")[0]
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert len(rows) == 2 + len(fixed_report().claims)
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 4, row
    assert "<del>Health Science</del> <ins>Science Health</ins>" in text
    assert "[open the page at the passage](https://www.ahsnnetwork.com/sim#:~:text=" in text
