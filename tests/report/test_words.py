"""The phrases every format shares: text from pages made inert, clipped at a word."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from citeaudit.report.terminal import TerminalReport
from citeaudit.report.words import (
    clip,
    copy_phrase,
    day,
    moment,
    plain,
    printable,
    quoted,
    source_counts,
    summary_line,
)
from report_fixture import fixed_report


def test_plain_drops_control_and_bidi_characters() -> None:
    assert plain("a\x1b[2J\u202eb\n  c") == "a[2Jb c"
    assert plain("one\ntwo", one_line=False) == "one\ntwo"


def test_printable_shows_what_would_act_on_a_terminal() -> None:
    text = "a\x1b[2J\x1b[H\u202eb\x9b31m\r\x00\u2066c\u200f\u2028d"
    assert printable(text) == ("a\\x1b[2J\\x1b[H\\u202eb\\x9b31m\\x0d\\x00\\u2066c\\u200f\\u2028d")
    assert printable("one\n\ttwo, café, 中文 ‘quoted’ …") == "one\n\ttwo, café, 中文 ‘quoted’ …"
    assert printable(printable(text)) == printable(text)
    as_json = printable(json.dumps({"t": text}, ensure_ascii=False), json=True)
    assert json.loads(as_json) == {"t": text} and not re.search("[\x1b\x9b\u202e]", as_json)


def test_clip_cuts_at_a_word() -> None:
    assert clip("short") == "short"
    assert clip("the boards are directly commissioned", 20) == "the boards are…"


def test_dates_and_times() -> None:
    assert day(None) == "" and day(date(2026, 5, 1)) == "2026-05-01"
    assert moment(datetime(2026, 5, 1, 10, 30, tzinfo=UTC)) == "2026-05-01 10:30 UTC"


def test_summary_line_counts_sources_and_claims() -> None:
    line = summary_line(fixed_report())
    assert line.startswith("sources: ") and "; claims: " in line


def test_summary_line_says_what_the_header_says() -> None:
    """The closing line on stderr and the report's header count sources the same way, in
    the same words: redirected links within ok, local files as local files."""
    report = fixed_report()
    line = summary_line(report)
    assert line.startswith(
        "sources: 4 ok (1 redirected), 1 rotted, 1 blocked, 1 local file, "
        "1 with no public copy, 1 changed since cited; claims: 3 supported,"
    )
    header = TerminalReport(width=200).render(report).splitlines()[5]
    assert header == "Sources: " + " · ".join(w for _, w in source_counts(report))
    assert "no_copy" not in line and "redirected," not in line


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("the plain words", "“the plain words”"),
        ("“already quoted”", "“already quoted”"),  # not doubled
        ("the mayor said “we will act", "“the mayor said “we will act””"),
        ("we will act,” the mayor said", "““we will act,” the mayor said”"),
        ('a "straight quote', '“a "straight quote"”'),
        ("“one” and “two”", "““one” and “two””"),  # two quotations, not one around both
    ],
)
def test_quoted_passages_have_balanced_marks(text: str, shown: str) -> None:
    assert quoted(text) == shown
    opened = shown.count("“")
    assert opened == shown.count("”")


def test_a_local_file_is_judged_on_the_local_file() -> None:
    report = fixed_report()
    letter = report.source("letter")
    ev = report.claims[0].evidence[1]  # kept as "live" by an earlier version
    assert copy_phrase(ev, letter) == "the local file of 2026-05-03"
    assert copy_phrase(ev) == "the live copy of 2026-05-03"
