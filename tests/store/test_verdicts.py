"""Verdicts and saved reports: what each audit concluded, kept for `citeaudit report`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from citeaudit.catalog import Claim, Evidence
from citeaudit.store.database import Store
from citeaudit.verify import ClaimResult, EvidenceResult
from citeaudit.vocab import ClaimVerdict, JudgedOn, Verdict
from store_samples import RUN, T0, rows


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / ".citeaudit") as opened:
        opened.begin_run(RUN, T0, "report/sources.yaml", "ab" * 32)
        yield opened


def test_verdict_round_trip(store: Store) -> None:
    """Judging a claim again in the same run replaces its verdicts."""
    claim = Claim(id="c1", text="Emissions fell.", evidence=(Evidence(source="annual-report"),))
    first = EvidenceResult(claim.evidence[0], Verdict.MISQUOTED, JudgedOn.LIVE)
    store.record_verdicts(RUN, ClaimResult(claim, ClaimVerdict.UNSUPPORTED, (first,)))
    again = EvidenceResult(
        claim.evidence[0],
        Verdict.VERIFIED,
        JudgedOn.SNAPSHOT,
        found_at="p. 3",
        passage="Emissions fell by 12 per cent.",
    )
    store.record_verdicts(RUN, ClaimResult(claim, ClaimVerdict.SUPPORTED, (again,)))
    (row,) = rows(store.path, "SELECT * FROM verdicts")
    assert (row["verdict"], row["judged_on"], row["found_at"]) == ("verified", "snapshot", "p. 3")


def test_claim_verdicts_are_recorded_together(store: Store) -> None:
    claim = Claim(
        id="emissions",
        text="Emissions fell by 12 per cent.",
        evidence=(Evidence(source="annual-report", quote="fell by 12"), Evidence(source="memo")),
    )
    result = ClaimResult(
        claim,
        ClaimVerdict.PARTLY_SUPPORTED,
        (
            EvidenceResult(
                claim.evidence[0],
                Verdict.VERIFIED,
                JudgedOn.LIVE,
                found_at="p. 3",
                passage="Emissions fell by 12 per cent in 2023.",
            ),
            EvidenceResult(claim.evidence[1], Verdict.SOURCE_UNAVAILABLE),
        ),
    )
    store.record_verdicts(RUN, result)
    got = rows(store.path, "SELECT * FROM verdicts ORDER BY evidence_index")
    assert [tuple(r)[1:] for r in got] == [
        (
            RUN,
            "emissions",
            0,
            "annual-report",
            "verified",
            "live",
            "p. 3",
            "Emissions fell by 12 per cent in 2023.",
        ),
        (RUN, "emissions", 1, "memo", "source_unavailable", None, None, None),
    ]


def test_reports_are_kept_per_run(store: Store) -> None:
    assert store.load_report() is None
    store.save_report(RUN, T0, '{"run": 1}')
    later = "20240502T120000Z-0a1b2c"
    store.begin_run(later, T0 + timedelta(days=1), "report/sources.yaml", "ab" * 32)
    store.save_report(later, T0 + timedelta(days=1), '{"run": 2}')
    assert store.load_report() == (later, '{"run": 2}')  # the latest run's
    assert store.load_report(RUN) == (RUN, '{"run": 1}')
    store.save_report(RUN, T0, '{"run": "1 again"}')  # replaces the run's report
    assert store.load_report(RUN) == (RUN, '{"run": "1 again"}')
    assert store.load_report("no-such-run") is None
