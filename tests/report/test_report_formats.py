"""Every report format, rendered from one fixed report model and compared with its golden
file in tests/golden/. Set CITEAUDIT_UPDATE_GOLDEN=1 to write the golden files afresh (then
read the diff before committing it)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pytest

from citeaudit.report import Format, RenderOptions, renderer
from citeaudit.report.model import (
    ReportModel,
)
from report_fixture import (
    OPTIONS,
    fixed_report,
)

GOLDEN = Path(__file__).parents[1] / "golden"
WORDS = ["the", "The", "teams", "20", "30", "not", "…", "[sic]", "(AHSNs)", "live,", "“ready”", "-"]
UPDATE = bool(os.environ.get("CITEAUDIT_UPDATE_GOLDEN"))
EXTENSION = {
    Format.TERMINAL: "txt",
    Format.JSON: "json",
    Format.MARKDOWN: "md",
    Format.HTML: "html",
    Format.CSV: "csv",
    Format.CLAIMREVIEW: "jsonld",
}


def golden(name: str, text: str) -> None:
    """Compare with (or, when updating, write) a golden file."""
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"no golden file {path}: run with CITEAUDIT_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs"


# ---------------------------------------------------------------------------------------------
# Every format


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_matches_its_golden_file(fmt: Format) -> None:
    text = renderer(fmt, OPTIONS).render(fixed_report())
    golden(f"report.{fmt}.{EXTENSION[fmt]}", text)
    assert text.endswith("\n")
    for claim in fixed_report().claims:  # every format names every claim
        assert claim.id in text or (fmt is Format.CLAIMREVIEW and claim.text in text)


@pytest.mark.parametrize("fmt", list(Format))
def test_every_format_renders_a_run_without_claims(fmt: Format) -> None:
    """What ``check`` gives: sources only; and a report of nothing at all."""
    report = fixed_report().model_copy(update={"claims": []})
    text = renderer(fmt, OPTIONS).render(report)
    assert text.endswith("\n")
    empty = report.model_copy(update={"sources": [], "document": None})
    assert renderer(fmt, OPTIONS).render(empty).endswith("\n")


def test_json_is_the_model_and_reads_back() -> None:
    report = fixed_report()
    text = renderer(Format.JSON, OPTIONS).render(report)
    data = json.loads(text)
    assert ReportModel.model_validate(data) == report
    assert ReportModel.model_validate_json(text) == report
    assert data["run"]["started"] == "2026-05-03T10:00:00Z"
    assert data["sources"][2]["archived_copy"] == {
        "url": "https://web.archive.org/web/20210510093000/https://highintensitynetwork.org/numbers.pdf",
        "date": "2021-05-10T09:30:00Z",
        "raw_url": "https://web.archive.org/web/20210510093000id_/https://highintensitynetwork.org/numbers.pdf",
        "timegate": "https://web.archive.org/web/",
        "found": True,
        "note": None,
        "http_status": 200,
    }
    assert data["sources"][0]["history"][1] == {
        "run_id": "20260502T100000Z-run2",
        "date": "2026-05-02T10:00:00Z",
        "status": "ok",
        "http_status": 200,
        "kept": "revisit",
    }
    misquote = data["claims"][2]["evidence"][0]
    assert misquote["comparison"] == [
        {"op": "equal", "text": "As one of the 15 Academic"},
        {"op": "delete", "text": "Health Science"},
        {"op": "insert", "text": "Science Health"},
        {"op": "equal", "text": "Networks"},
        {"op": "insert", "text": "(AHSNs)"},
        {"op": "equal", "text": "in England"},
    ]


# ---------------------------------------------------------------------------------------------
# Terminal


def terminal(width: int, color: bool = False) -> str:
    return renderer(Format.TERMINAL, RenderOptions(width=width, color=color)).render(fixed_report())


@pytest.mark.parametrize("width", [40, 80])
def test_terminal_at_narrow_widths(width: int) -> None:
    text = terminal(width)
    golden(f"report.terminal-{width}.txt", text)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
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
    assert "Claims:  1 supported · 1 partly supported · 1 unsupported · 1 unverifiable" in text
    assert "Sources: 3 ok · 1 rotted · 1 blocked · 1 local file · 1 no public copy" in text
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
    archived = "public archive copy of 2021-05-10:\n│   https://web.archive.org/web/20210510093000/"
    assert archived in attention
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


# ---------------------------------------------------------------------------------------------
# Markdown, CSV, ClaimReview


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


def test_csv_one_row_per_claim_evidence_pair_and_no_formulas() -> None:
    text = renderer(Format.CSV, OPTIONS).render(fixed_report())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == sum(len(c.evidence) for c in fixed_report().claims) == 8
    assert rows[0]["claim_id"] == "twenty-teams" and rows[0]["verdict"] == "verified"
    assert rows[1]["ref"] == "12a" and rows[1]["locator"] == "p. 2"
    assert rows[3]["differences"] == "“30” for “20” (number)"
    assert rows[3]["similarity"] == "0.900"
    hostile = rows[5]
    assert hostile["source_title"].startswith("<script>")
    assert hostile["note"] == "'@everyone [2Jsee <b>this</b>"  # control character dropped
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert text.startswith(",".join(["claim_id", "claim_text", "claim_verdict"]))
    assert "\r\n" in text


def test_csv_guards_every_formula_prefix() -> None:
    from citeaudit.report.csv import cell

    for start in ("=", "+", "-", "@", "\t", "\r", " =", "\x00="):
        value = cell(f"{start}SUM(A1:A9)")
        assert value.endswith("SUM(A1:A9)")
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    assert cell("plain") == "plain" and cell(None) == "" and cell(0.5) == "0.500"


def test_claimreview_one_review_per_claim() -> None:
    text = renderer(Format.CLAIMREVIEW, OPTIONS).render(fixed_report())
    data = json.loads(text)
    assert data["@context"] == "https://schema.org"
    reviews = data["@graph"]
    assert [r["@type"] for r in reviews] == ["ClaimReview"] * 4
    first = reviews[0]
    assert first["claimReviewed"] == fixed_report().claims[0].text
    assert first["datePublished"] == "2026-05-03"
    assert first["author"] == {"@type": "Organization", "name": "The Example Desk"}
    assert first["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 3,
        "bestRating": 3,
        "worstRating": 1,
        "alternateName": "supported",
        "ratingExplanation": "Supported: 2 pieces of evidence (2 verified).",
    }
    assert first["itemReviewed"]["@type"] == "Claim"
    assert first["citation"] == [
        {
            "@type": "CreativeWork",
            "url": "https://www.ahsnnetwork.com/sim",
            "name": "Serenity Integrated Mentoring (SIM)",
        }
    ]
    # schema.org: a claim appears in the document that makes it, not in its sources
    document = first["itemReviewed"]["firstAppearance"]
    assert document["name"].startswith("Response to NHS")
    assert first["itemReviewed"]["appearance"] == [document]
    ratings = [
        (r["reviewRating"].get("ratingValue"), r["reviewRating"]["alternateName"]) for r in reviews
    ]
    assert ratings == [
        (3, "supported"),
        (2, "partly_supported"),
        (1, "unsupported"),
        (None, "unverifiable"),
    ]
    archived = reviews[1]["citation"][0]
    assert archived["archivedAt"].startswith("https://web.archive.org/web/2021")
    without = renderer(Format.CLAIMREVIEW).render(fixed_report())
    assert json.loads(without)["@graph"][0]["author"]["name"] == "citeaudit"
