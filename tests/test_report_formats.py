"""Every report format, rendered from one fixed report model and compared with its golden
file in tests/golden/. Set CITEAUDIT_UPDATE_GOLDEN=1 to write the golden files afresh (then
read the diff before committing it)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citeaudit.report import Format, RenderOptions, renderer
from citeaudit.report.model import (
    ArchivedCopyModel,
    CaptureModel,
    ClaimModel,
    DifferenceModel,
    DocumentModel,
    DriftModel,
    EvidenceModel,
    RedirectModel,
    ReportModel,
    RunModel,
    SegmentModel,
    SnapshotModel,
    SourceModel,
    SuggestionModel,
    SummaryModel,
    compare_words,
)
from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict

GOLDEN = Path(__file__).parent / "golden"
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
#: Where the fixed report is written and its store kept, for the HTML's relative links.
OUTPUT_DIR = Path("/reports")
STORE_DIR = Path("/reports/.citeaudit")
OPTIONS = RenderOptions(
    width=100, reviewer="The Example Desk", output_dir=OUTPUT_DIR, store_dir=STORE_DIR
)


def at(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=UTC)


def snap(n: int, day: int) -> SnapshotModel:
    return SnapshotModel(
        warc=f"archive/202605{day:02d}100000-run{day}.warc.gz",
        offset=1000 * n,
        record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
        date=at(day, 10, 1),
    )


def capture(
    day: int, status: LinkStatus | None, code: int | None, kept: str | None
) -> CaptureModel:
    return CaptureModel(
        run_id=f"202605{day:02d}T100000Z-run{day}", date=at(day), status=status,
        http_status=code, kept=kept,
    )  # fmt: skip


QUOTE_MISQUOTED = "As one of the 15 Academic Science Health Networks (AHSNs) in England"
PASSAGE_MISQUOTED = "As one of the 15 Academic Health Science Networks in England"
QUOTE_NUMBER = "there were approximately 30 teams live across the country"
PASSAGE_NUMBER = "there were approximately 20 teams live across the country"
NUMBER_DIFF = [DifferenceModel(op="replace", quote="30", source="20", kind="number")]
MISQUOTED_DIFF = [
    DifferenceModel(
        op="replace", quote="Science Health", source="Health Science", kind="word_order"
    ),
    DifferenceModel(op="insert", quote="(AHSNs)", source=""),
]


def fixed_report() -> ReportModel:
    """A report that uses every part of the model: each claim and evidence verdict, each
    kind of source, history, an archived copy, drift, a suggestion, hostile text."""
    sources = [
        SourceModel(
            id="ahsn-sim",
            title="Serenity Integrated Mentoring (SIM)",
            publisher="The AHSN Network",
            kind="ahsn",
            url="https://www.ahsnnetwork.com/sim",
            accessed=date(2021, 5, 12),
            status=LinkStatus.OK,
            reason="200 OK",
            http_status=200,
            final_url="https://www.ahsnnetwork.com/sim",
            permanent=False,
            content_type="text/html; charset=utf-8",
            sha256="a" * 64,
            fetched=at(3),
            elapsed=0.25,
            snapshot=snap(1, 3),
            history=[
                capture(1, LinkStatus.OK, 200, "response"),
                capture(2, LinkStatus.OK, 200, "revisit"),
                capture(3, LinkStatus.OK, 200, "revisit"),
            ],
            last_answered=at(3),
        ),
        SourceModel(
            id="ahsn-programmes",
            title="National programmes",
            url="https://www.ahsnnetwork.com/old-programmes",
            status=LinkStatus.REDIRECTED,
            reason="200 OK after 1 redirect (301)",
            http_status=200,
            final_url="https://www.healthinnovationnetwork.com/programmes",
            redirects=[RedirectModel(url="https://www.ahsnnetwork.com/old-programmes", status=301)],
            permanent=True,
            content_type="text/html",
            sha256="b" * 64,
            fetched=at(3),
            elapsed=0.5,
            snapshot=snap(2, 3),
            history=[capture(3, LinkStatus.REDIRECTED, 200, "response")],
            last_answered=at(3),
        ),
        SourceModel(
            id="hin-numbers",
            title="Commissioning in Numbers",
            publisher="High Intensity Network",
            kind="hin",
            url="https://highintensitynetwork.org/numbers.pdf",
            accessed=date(2021, 5, 12),
            status=LinkStatus.NOT_FOUND,
            reason="404 Not Found",
            http_status=404,
            final_url="https://highintensitynetwork.org/numbers.pdf",
            fetched=at(3),
            elapsed=0.1,
            snapshot=snap(3, 3),
            archived_copy=ArchivedCopyModel(
                url="https://web.archive.org/web/20210510093000/https://highintensitynetwork.org/numbers.pdf",
                raw_url="https://web.archive.org/web/20210510093000id_/https://highintensitynetwork.org/numbers.pdf",
                date=datetime(2021, 5, 10, 9, 30, tzinfo=UTC),
                timegate="https://web.archive.org/web/",
                found=True,
                http_status=200,
            ),
            history=[
                capture(1, LinkStatus.OK, 200, "response"),
                capture(2, LinkStatus.NOT_FOUND, 404, "response"),
                capture(3, LinkStatus.NOT_FOUND, 404, "response"),
            ],
            failing_since=at(2),
            last_answered=at(1),
            robust_link='<a href="https://highintensitynetwork.org/numbers.pdf" '
            'data-versionurl="https://web.archive.org/web/20210510093000/'
            'https://highintensitynetwork.org/numbers.pdf" data-versiondate="2021-05-12">'
            "Commissioning in Numbers</a>",
        ),
        SourceModel(
            id="nhse-board",
            title="NHS England board paper",
            url="https://www.england.nhs.uk/board.pdf",
            status=LinkStatus.BLOCKED,
            reason="403 Forbidden (access refused)",
            http_status=403,
            fetched=at(3),
            elapsed=0.2,
            archived_copy=ArchivedCopyModel(
                timegate="https://web.archive.org/web/", found=None, note="the archive timed out"
            ),
            history=[capture(3, LinkStatus.BLOCKED, 403, None)],
        ),
        SourceModel(
            id="hostile",
            title="<script>alert('title')</script> [bold red]boom[/] |cell| =1+2 @someone $x$",
            url="https://example.org/hostile?a=1&b=<2>",
            status=LinkStatus.OK,
            reason="200 OK",
            http_status=200,
            fetched=at(3),
            elapsed=0.1,
            fragment_problem="no element with id or name 'x' on the page",
            history=[capture(3, LinkStatus.OK, 200, "response")],
            last_answered=at(3),
        ),
        SourceModel(
            id="nhse-email",
            title="NHS responses received by email",
            kind="correspondence",
            reason="no public copy (correspondence): the source has no url or file",
            note="no public copy (correspondence): the source has no url or file",
        ),
        SourceModel(
            id="letter",
            title="A letter kept on file",
            file="evidence/letter.pdf",
            content_type="application/pdf",
            sha256="c" * 64,
            snapshot=snap(4, 3),
            history=[capture(3, None, None, "resource")],
            last_answered=at(3),
        ),
    ]
    claims = [
        ClaimModel(
            id="twenty-teams",
            text="About 20 SIM teams were live when the AHSN programme ended in March 2020.",
            verdict=ClaimVerdict.SUPPORTED,
            evidence=[
                EvidenceModel(
                    source="ahsn-sim",
                    ref=8,
                    quote="…there were approximately 20 teams live across the country",
                    verdict=Verdict.VERIFIED,
                    judged_on=JudgedOn.LIVE,
                    copy_date=at(3),
                    found_at="section 'Impact'",
                    passage=PASSAGE_NUMBER,
                    link="https://www.ahsnnetwork.com/sim#:~:text=there%20were%20approximately",
                    snapshot=snap(1, 3),
                    snapshot_link=f"{STORE_DIR}/{snap(1, 3).warc}",
                ),
                EvidenceModel(
                    source="letter",
                    ref="12a",
                    locator="p. 2",
                    quote="the teams were live",
                    verdict=Verdict.VERIFIED,
                    judged_on=JudgedOn.LIVE,
                    copy_date=at(3),
                    found_at="p. 2",
                    passage="the teams were live",
                    snapshot=snap(4, 3),
                    snapshot_link=f"{STORE_DIR}/{snap(4, 3).warc}",
                ),
            ],
        ),
        ClaimModel(
            id="thirty-teams",
            text="About 30 teams were live.",
            verdict=ClaimVerdict.PARTLY_SUPPORTED,
            evidence=[
                EvidenceModel(
                    source="hin-numbers",
                    ref=2,
                    locator="Slide 15",
                    quote="endorsed by key individuals",
                    verdict=Verdict.VERIFIED,
                    judged_on=JudgedOn.ARCHIVE,
                    copy_date=datetime(2021, 5, 10, 9, 30, tzinfo=UTC),
                    found_at="slide 15",
                    passage="endorsed by key individuals",
                    link="https://highintensitynetwork.org/numbers.pdf#page=15",
                    note="live copy not_found (404 Not Found): judged on the public archive's "
                    "copy of 2021-05-10",
                ),
                EvidenceModel(
                    source="ahsn-sim",
                    ref=8,
                    quote=QUOTE_NUMBER,
                    verdict=Verdict.MISQUOTED,
                    judged_on=JudgedOn.SNAPSHOT,
                    copy_date=at(1),
                    found_at="section 'Impact'",
                    passage=PASSAGE_NUMBER,
                    differences=NUMBER_DIFF,
                    similarity=0.9,
                    link="https://www.ahsnnetwork.com/sim#:~:text=there%20were%20approximately",
                    drift=DriftModel(
                        snapshot_date=at(1),
                        note="the live copy no longer has the passage; our snapshot of "
                        "2026-05-01 does",
                    ),
                    snapshot=snap(5, 1),
                    snapshot_link=f"{STORE_DIR}/{snap(5, 1).warc}",
                    comparison=compare_words(QUOTE_NUMBER, PASSAGE_NUMBER, NUMBER_DIFF),
                ),
            ],
        ),
        ClaimModel(
            id="academic-networks",
            text="The AHSNs encouraged a national roll-out.",
            verdict=ClaimVerdict.UNSUPPORTED,
            evidence=[
                EvidenceModel(
                    source="ahsn-programmes",
                    ref=3,
                    quote=QUOTE_MISQUOTED,
                    verdict=Verdict.MISQUOTED,
                    judged_on=JudgedOn.LIVE,
                    copy_date=at(3),
                    passage=PASSAGE_MISQUOTED,
                    differences=MISQUOTED_DIFF,
                    similarity=0.93,
                    link="https://www.healthinnovationnetwork.com/programmes#:~:text=As%20one",
                    snapshot=snap(2, 3),
                    snapshot_link=f"{STORE_DIR}/{snap(2, 3).warc}",
                    comparison=compare_words(QUOTE_MISQUOTED, PASSAGE_MISQUOTED, MISQUOTED_DIFF),
                ),
                EvidenceModel(
                    source="hostile",
                    locator="p. 1",
                    quote='<img src=x onerror=alert(1)> =HYPERLINK("http://evil") |x|',
                    verdict=Verdict.NOT_IN_SOURCE,
                    judged_on=JudgedOn.LIVE,
                    copy_date=at(3),
                    note="@everyone \x1b[2Jsee <b>this</b>",
                ),
            ],
        ),
        ClaimModel(
            id="email-said-so",
            text="NHS England said by email that it does not mandate SIM.",
            verdict=ClaimVerdict.UNVERIFIABLE,
            evidence=[
                EvidenceModel(
                    source="nhse-email",
                    ref=1,
                    quote="does not mandate",
                    verdict=Verdict.SOURCE_UNAVAILABLE,
                    note="no public copy (correspondence): the source has no url or file",
                ),
                EvidenceModel(
                    source="nhse-board",
                    ref=4,
                    verdict=Verdict.LINK_ONLY,
                    note="live copy blocked (403 Forbidden (access refused)) and no earlier "
                    "snapshot",
                    suggested_passage=SuggestionModel(
                        text="NHS England does not mandate any particular model of care.",
                        found_at="p. 4",
                        link="https://www.england.nhs.uk/board.pdf#page=4",
                    ),
                ),
            ],
        ),
    ]
    return ReportModel(
        run=RunModel(
            id="20260503T100000Z-abc123",
            started=at(3),
            finished=at(3, 10, 2),
            sources_file="sources.yaml",
            network=Network.ONLINE,
            store=str(STORE_DIR),
        ),
        document=DocumentModel(
            title="Response to NHS England's statement dated 11/05/21",
            author="The StopSIM Coalition",
            published=date(2021, 5, 12),
        ),
        sources=sources,
        claims=claims,
        summary=SummaryModel(
            sources={"blocked": 1, "no_copy": 2, "not_found": 1, "ok": 2, "redirected": 1},
            claims={"partly_supported": 1, "supported": 1, "unsupported": 1, "unverifiable": 1},
        ),
    )


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


# ---------------------------------------------------------------------------------------------
# The quote set against the passage


def test_compare_words_marks_each_difference() -> None:
    assert compare_words(
        "approximately 30 teams were live", "approximately 20 teams were live"
    ) == [
        SegmentModel(op="equal", text="approximately"),
        SegmentModel(op="delete", text="20"),
        SegmentModel(op="insert", text="30"),
        SegmentModel(op="equal", text="teams were live"),
    ]
    # Typography, case and punctuation are not differences; an ellipsis is a cut.
    assert (
        compare_words("“The review” — said: “ready…fit”", 'the review - said "ready…fit"')[0].op
        == "equal"
    )
    segments = compare_words(
        "the boards … by NHS England", "the boards are directly commissioned by NHS England"
    )
    assert [s.op for s in segments] == ["equal", "elided", "equal"]
    assert segments[1].text == "are directly commissioned"
    assert compare_words("we do [sic] not mandate it", "we do not mandate it") == [
        SegmentModel(op="equal", text="we do not mandate it")
    ]


@given(
    quote=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    passage=st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    diffs=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.lists(st.sampled_from(WORDS), max_size=3),
            st.lists(st.sampled_from(WORDS), max_size=3),
        ),
        max_size=3,
    ),
)
@settings(max_examples=300, deadline=None)
def test_compare_words_keeps_every_word_of_the_passage(
    quote: list[str], passage: list[str], diffs: list[tuple[str, list[str], list[str]]]
) -> None:
    """Whatever the differences given, the passage's words are all there, in order, and the
    quote's words (but cuts and [sic]) are in the equal and inserted runs."""
    differences = [
        DifferenceModel(op=op, quote=" ".join(q), source=" ".join(s)) for op, q, s in diffs
    ]
    segments = compare_words(" ".join(quote), " ".join(passage), differences)
    source_side = [w for s in segments if s.op != "insert" for w in s.text.split()]
    assert source_side == " ".join(passage).split()
    quote_side = [w for s in segments if s.op in ("equal", "insert") for w in s.text.split()]
    kept = [w for w in quote if w not in ("…", "[sic]")]
    assert len(quote_side) == len(kept)
