"""What verify concludes, as plain data: a verdict on each piece of evidence, and on each claim.

The store keeps these, the report renders them; neither needs the quote finder to name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from citeaudit.catalog import Claim, Evidence
from citeaudit.verify.matches import Difference
from citeaudit.vocab import ClaimVerdict, JudgedOn, Verdict


@dataclass(frozen=True)
class Drift:
    """The copy judged first no longer has the passage; an older snapshot does."""

    snapshot_date: datetime | None
    note: str


@dataclass(frozen=True)
class Suggestion:
    """For evidence that quotes nothing: the passage most likely to support the claim,
    for a person to read (ranked by BM25 against the claim's words; not a verdict)."""

    passage: str
    found_at: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class EvidenceResult:
    """The verdict on one piece of evidence, with what was found and where."""

    evidence: Evidence
    verdict: Verdict
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    found_at: str | None = None
    passage: str | None = None
    link: str | None = None
    note: str | None = None
    differences: tuple[Difference, ...] = ()
    similarity: float | None = None
    suggestion: Suggestion | None = None
    drift: Drift | None = None


@dataclass(frozen=True)
class ClaimResult:
    """A claim, the verdict on each piece of its evidence, and the claim's own verdict."""

    claim: Claim
    verdict: ClaimVerdict
    evidence: tuple[EvidenceResult, ...]


#: Verdicts reached by reading the source: evidence that could be checked.
CHECKED = frozenset(
    {Verdict.VERIFIED, Verdict.WRONG_LOCATOR, Verdict.MISQUOTED, Verdict.NOT_IN_SOURCE}
)
#: Verdicts that found the passage.
FOUND = frozenset({Verdict.VERIFIED, Verdict.WRONG_LOCATOR})


def claim_verdict(verdicts: list[Verdict]) -> ClaimVerdict:
    """Supported when every piece that could be checked holds and nothing is missing.

    Evidence given as a bare link (``link_only``) neither supports nor undermines a claim.
    """
    checked = [v for v in verdicts if v in CHECKED]
    if not checked:
        return ClaimVerdict.UNVERIFIABLE
    verified = sum(v is Verdict.VERIFIED for v in verdicts)
    if verified == 0:
        return ClaimVerdict.UNSUPPORTED
    if all(v in (Verdict.VERIFIED, Verdict.LINK_ONLY) for v in verdicts):
        return ClaimVerdict.SUPPORTED
    return ClaimVerdict.PARTLY_SUPPORTED
