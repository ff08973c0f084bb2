"""One fixed report model that uses every part of the model, shared by the report tests."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from citeaudit.report import RenderOptions
from citeaudit.report.differences import compare_words
from citeaudit.report.model import (
    ArchivedCopyModel,
    CaptureModel,
    ClaimModel,
    ConflictModel,
    DifferenceModel,
    DocumentModel,
    DriftModel,
    EvidenceModel,
    MeaningModel,
    RedirectModel,
    ReportModel,
    RunModel,
    SegmentModel,
    SnapshotModel,
    SourceModel,
    SuggestionModel,
    SummaryModel,
)
from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict

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


QUOTE_CHANGED = "nitrogen dioxide levels fell by 23% across the borough"
PASSAGE_CHANGED = "nitrogen dioxide levels fell by 21% across the borough"
CHANGED_DIFF = [DifferenceModel(op="replace", quote="23%", source="21%", kind="number")]


MISQUOTED_DIFF = [
    DifferenceModel(
        op="replace", quote="Science Health", source="Health Science", kind="word_order"
    ),
    DifferenceModel(op="insert", quote="(AHSNs)", source=""),
]


def fixed_report() -> ReportModel:
    """A report that uses every part of the model: each claim and evidence verdict, each
    kind of source, history, an archived copy, drift, a suggestion, hostile text, judgements
    of meaning (supported, contradicted, not supported), claims drafted from a document."""
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
        SourceModel(
            id="council",
            title="Cleaner air: council press release",
            publisher="A borough council",
            url="https://council.example/press/air",
            status=LinkStatus.OK,
            reason="200 OK",
            http_status=200,
            final_url="https://council.example/press/air",
            content_type="text/html; charset=utf-8",
            sha256="e" * 64,
            fetched=at(3),
            elapsed=0.1,
            snapshot=snap(7, 3),
            history=[
                capture(1, LinkStatus.OK, 200, "response"),
                capture(3, LinkStatus.OK, 200, "response"),
            ],
            last_answered=at(3),
            changed=True,
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
        ClaimModel(
            id="fell-by",
            text="Nitrogen dioxide levels fell by 23% across the borough.",
            verdict=ClaimVerdict.SUPPORTED,
            evidence=[
                EvidenceModel(
                    source="council",
                    ref=6,
                    quote=QUOTE_CHANGED,
                    verdict=Verdict.VERIFIED,
                    judged_on=JudgedOn.SNAPSHOT,
                    copy_date=at(1),
                    found_at="section 'Cleaner air'",
                    passage=QUOTE_CHANGED,
                    drift=DriftModel(
                        snapshot_date=at(1),
                        note="the source changed: the live copy of 2026-05-03 no longer has "
                        "the quoted words (now reads differently); our snapshot of 2026-05-01 "
                        "has them",
                        judged_on=JudgedOn.LIVE,
                        copy_date=at(3),
                        verdict=Verdict.MISQUOTED,
                        passage=PASSAGE_CHANGED,
                        found_at="section 'Cleaner air'",
                        differences=CHANGED_DIFF,
                        comparison=[
                            SegmentModel(op="equal", text="nitrogen dioxide levels fell by"),
                            SegmentModel(op="delete", text="23%"),
                            SegmentModel(op="insert", text="21%"),
                            SegmentModel(op="equal", text="across the borough"),
                        ],
                        link="https://council.example/press/air#:~:text=nitrogen%20dioxide",
                    ),
                    snapshot=snap(6, 1),
                    snapshot_link=f"{STORE_DIR}/{snap(6, 1).warc}",
                ),
                EvidenceModel(
                    source="letter",
                    ref=7,
                    locator="p. 5",
                    quote="the teams were live",
                    verdict=Verdict.WRONG_LOCATOR,
                    judged_on=JudgedOn.FILE,
                    copy_date=at(3),
                    found_at="p. 2",
                    passage="the teams were live",
                    note="cited at p. 5, found at p. 2 (the PDF has no page 5: it has 3 pages)",
                    snapshot=snap(4, 3),
                    snapshot_link=f"{STORE_DIR}/{snap(4, 3).warc}",
                ),
            ],
        ),
        ClaimModel(
            id="in-other-words",
            text="The council's plan cut nitrogen dioxide by almost a quarter.",
            verdict=ClaimVerdict.SUPPORTED,
            evidence=[
                EvidenceModel(
                    source="council",
                    ref=9,
                    verdict=Verdict.SUPPORTED,
                    judged_on=JudgedOn.LIVE,
                    copy_date=at(3),
                    found_at="section 'Cleaner air'",
                    passage="Since the plan began, nitrogen dioxide levels fell by 23% across "
                    "the borough.",
                    link="https://council.example/press/air#:~:text=Since%20the%20plan",
                    meaning=MeaningModel(
                        judge="built-in",
                        score=0.912,
                        reason="the passage carries 6 of the claim's 7 content words and figures",
                    ),
                ),
            ],
        ),
        ClaimModel(
            id="who-oversees",
            text="CCGs oversee NHS England in its commissioning role.",
            verdict=ClaimVerdict.CONTRADICTED,
            evidence=[
                EvidenceModel(
                    source="letter",
                    ref=10,
                    locator="p. 2",
                    verdict=Verdict.CONTRADICTED,
                    judged_on=JudgedOn.FILE,
                    copy_date=at(3),
                    found_at="p. 2",
                    passage="NHS England oversees CCGs in their commissioning role.",
                    meaning=MeaningModel(
                        judge="built-in + paraphrase-MiniLM-L3-v2",
                        score=0.053,
                        reason="the passage has NHS England acting, not CCGs",
                        conflicts=[
                            ConflictModel(
                                kind="party",
                                claim="CCGs oversee NHS England",
                                passage="NHS England oversees CCGs",
                            )
                        ],
                    ),
                ),
                EvidenceModel(
                    source="letter",
                    ref=11,
                    locator="p. 3",
                    verdict=Verdict.NOT_SUPPORTED,
                    judged_on=JudgedOn.FILE,
                    copy_date=at(3),
                    suggested_passage=SuggestionModel(
                        text="The teams were live in twenty areas.", found_at="p. 3"
                    ),
                    meaning=MeaningModel(
                        judge="built-in + paraphrase-MiniLM-L3-v2",
                        score=0.12,
                        reason="no passage on p. 3 says it; the closest shares 1 of 6 words and "
                        "figures",
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
            drafted_from="statement.docx",
        ),
        sources=sources,
        claims=claims,
        summary=SummaryModel(
            sources={
                "blocked": 1,
                "local_file": 1,
                "no_copy": 1,
                "not_found": 1,
                "ok": 3,
                "redirected": 1,
            },
            claims={
                "contradicted": 1,
                "partly_supported": 1,
                "supported": 3,
                "unsupported": 1,
                "unverifiable": 1,
            },
        ),
    )


GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("CITEAUDIT_UPDATE_GOLDEN"))


def golden(name: str, text: str) -> None:
    """Compare with (or, when updating, write) a golden file."""
    path = GOLDEN / name
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return
    assert path.exists(), f"no golden file {path}: run with CITEAUDIT_UPDATE_GOLDEN=1"
    assert text == path.read_bytes().decode("utf-8"), f"{name} differs"
