"""The report model built from a run's result: counts, sources, claims and the evidence's
copy, as every format reads them."""

from __future__ import annotations

from datetime import UTC, datetime

from citeaudit.catalog import parse_catalog
from citeaudit.report import build_report
from citeaudit.result import AuditResult, RunInfo, SourceResult
from citeaudit.verify import ClaimResult, EvidenceResult
from citeaudit.vocab import ClaimVerdict, JudgedOn, Network, Verdict

CATALOG = """\
document:
  title: A statement
sources:
  - id: sim
    url: https://example.org/sim
  - id: letter
    kind: correspondence
claims:
  - id: twenty
    text: About 20 teams were live.
    evidence:
      - source: sim
        quote: approximately 20 teams live
"""
AT = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def test_a_result_without_a_store_becomes_the_report() -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    evidence = EvidenceResult(
        catalog.claims[0].evidence[0],
        Verdict.VERIFIED,
        judged_on=JudgedOn.LIVE,
        copy_date=AT,
        passage="approximately 20 teams live",
    )
    claim = ClaimResult(catalog.claims[0], ClaimVerdict.SUPPORTED, (evidence,))
    result = AuditResult(
        run=RunInfo("run-1", AT, AT, "sources.yaml", Network.ONLINE),
        document=catalog.document,
        sources=tuple(SourceResult(s) for s in catalog.sources),
        claims=(claim,),
    )
    report = build_report(result)
    assert report.run.id == "run-1" and report.document is not None
    assert report.document.title == "A statement"
    assert [s.id for s in report.sources] == ["sim", "letter"]
    assert report.summary.sources == {"no_copy": 2}
    assert report.summary.claims == {"supported": 1}
    (ev,) = report.claims[0].evidence
    assert (ev.verdict, ev.judged_on, ev.passage) == (
        Verdict.VERIFIED,
        JudgedOn.LIVE,
        "approximately 20 teams live",
    )
    assert report.outcome().claims == (("twenty", ClaimVerdict.SUPPORTED, (Verdict.VERIFIED,)),)
