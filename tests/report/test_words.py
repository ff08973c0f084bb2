"""The phrases every format shares: text from pages made inert, clipped at a word."""

from __future__ import annotations

from datetime import UTC, date, datetime

from citeaudit.report.words import clip, day, moment, plain, summary_line
from report_fixture import fixed_report


def test_plain_drops_control_and_bidi_characters() -> None:
    assert plain("a\x1b[2J\u202eb\n  c") == "a[2Jb c"
    assert plain("one\ntwo", one_line=False) == "one\ntwo"


def test_clip_cuts_at_a_word() -> None:
    assert clip("short") == "short"
    assert clip("the boards are directly commissioned", 20) == "the boards are…"


def test_dates_and_times() -> None:
    assert day(None) == "" and day(date(2026, 5, 1)) == "2026-05-01"
    assert moment(datetime(2026, 5, 1, 10, 30, tzinfo=UTC)) == "2026-05-01 10:30 UTC"


def test_summary_line_counts_sources_and_claims() -> None:
    line = summary_line(fixed_report())
    assert line.startswith("sources: ") and "; claims: " in line
