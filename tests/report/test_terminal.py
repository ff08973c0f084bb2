"""The terminal report: widths, the tree, colour, and text from the web shown as text."""

from __future__ import annotations

import pytest

from citeaudit.report import Format, RenderOptions, renderer
from report_fixture import (
    fixed_report,
    golden,
)


def terminal(width: int, color: bool = False) -> str:
    return renderer(Format.TERMINAL, RenderOptions(width=width, color=color)).render(fixed_report())


@pytest.mark.parametrize("width", [40, 80])
def test_terminal_at_narrow_widths(width: int) -> None:
    text = terminal(width)
    golden(f"report.terminal-{width}.txt", text)
    lines = text.splitlines()
    # A line runs long only for one word (a URL, an id) that has no room: it is never cut.
    for line in lines:
        if len(line) > width:
            word = line.split()[-1]
            assert len(word) > width - 10 and line.rstrip().endswith(word), line
    for url in (
        "https://www.ahsnnetwork.com/sim#:~:text=there%20were%20approximately",
        "https://council.example/press/air#:~:text=nitrogen%20dioxide",
        "https://web.archive.org/web/20210510093000/https://highintensitynetwork.org/numbers.pdf",
    ):
        assert any(url in line for line in lines), f"{url} is broken at width {width}"
    assert "\ue000" not in text  # every long word is back in its place
    # The words a reader scans for are never cut: each is whole on some line.
    words = [
        "supported",
        "partly supported",
        "unsupported",
        "unverifiable",
        "misquoted",
        "not_in_source",
        "source_unavailable",
        "link_only",
        "not_found",
        "blocked",
        "twenty-teams",
        "academic-networks",
        "failing since 2026-05-02",
        "Sources that need attention",
    ]
    for word in words:
        assert any(word in line for line in lines), f"{word!r} is cut at width {width}"
    assert "\x1b" not in text


def test_terminal_summary_and_tree() -> None:
    text = terminal(100)
    assert (
        "Claims:  3 supported · 1 partly supported · 1 unsupported · 1 contradicted · "
        "1 unverifiable"
    ) in text
    assert (  # broken between counts, never inside one
        "Sources: 4 ok (1 redirected) · 1 rotted · 1 blocked · 1 local file · "
        "1 with no public copy\n         1 changed since cited"
    ) in text
    assert "├── supported  twenty-teams" in text
    assert "judged on our snapshot of 2026-05-01, found at section 'Impact'" in text
    assert "judged on the public archive's copy of 2021-05-10, found at slide 15" in text
    # Without colour the differences are marked in the text, word by word, wdiff-style.
    assert (
        "As one of the 15 Academic [-Health Science-] {+Science Health+} Networks {+(AHSNs)+}"
        in text
    )
    assert "“30” for “20” (number)" in text
    # Sources that need attention: not the ones that answered cleanly.
    attention = text.split("Sources that need attention")[1]
    assert "hin-numbers  not_found 404" in attention
    assert "failing since 2026-05-02" in attention
    assert "public archive copy of 2021-05-10:" in attention
    assert (
        "https://web.archive.org/web/20210510093000/https://highintensitynetwork.org/" in attention
    )
    # A source changed since it was cited: listed, the old words and the new side by side.
    assert "council  ok 200" in attention
    assert "was: “nitrogen dioxide levels fell by 23% across the borough”" in attention
    assert "now: “nitrogen dioxide levels fell by 21% across the borough”" in attention
    claims = text.split("Sources that need attention")[0]
    assert "verified (source changed)  council [6]" in claims
    assert "nitrogen dioxide levels fell by [-23%-] {+21%+} across the borough" in claims
    assert "“23%” became “21%” (number)" in claims
    # A quote on another page than cited: the claim stands, the citation is listed to fix.
    assert "├── supported  fell-by" in claims or "└── supported  fell-by" in claims
    corrections = text.split("Citations to correct")[1].split("Sources that need")[0]
    assert "fell-by  letter [7] p. 5" in corrections and "found at p. 2" in corrections
    assert "archive: the archive timed out" in attention
    assert "ahsn-sim" not in attention and "letter" not in attention
    assert "#fragment: no element with id or name 'x' on the page" in attention


def test_terminal_in_colour_styles_the_differences() -> None:
    text = terminal(100, color=True)
    assert "\x1b[" in text
    assert "[-Health Science-]" not in text  # styled instead of bracketed
    assert "\x1b[9" in text or ";9m" in text  # strike-through
    assert "\x1b[2J" not in text  # the hostile note's escape was stripped


def test_terminal_shows_markup_from_the_web_as_text() -> None:
    text = terminal(120)
    assert "[bold red]boom[/]" in text
    assert "\x1b" not in text
    assert "@everyone see <b>this</b>" in text or "@everyone [2Jsee" in text
