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
    """The source changed since it was cited: the copy judged first (``judged_on``, of
    ``copy_date``) no longer has the quoted passage, an older copy (of ``snapshot_date``)
    does. What the changed copy has instead is kept, so a reader sees the old words and the
    new side by side: ``verdict`` is what the changed copy came to (``misquoted`` or
    ``not_in_source``), ``passage`` its closest words, ``differences`` the old words against
    them, ``link`` the changed copy opened at them."""

    snapshot_date: datetime | None
    note: str
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    verdict: Verdict | None = None
    passage: str | None = None
    found_at: str | None = None
    differences: tuple[Difference, ...] = ()
    link: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """The passage a person should read next (ranked by BM25; not a verdict): for evidence
    that quotes nothing, the one likeliest to support the claim; for a quote that is not in
    the source, the closest to the quote's words."""

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

    A quote found word for word on another page than cited (``wrong_locator``) backs the
    claim: the words are in the source, and the wrong page is a citation error reported on
    its own (a finding of its own, not an unsupported claim). Evidence given as a bare link
    (``link_only``) neither supports nor undermines a claim.
    """
    checked = [v for v in verdicts if v in CHECKED]
    if not checked:
        return ClaimVerdict.UNVERIFIABLE
    found = sum(v in FOUND for v in verdicts)
    if found == 0:
        return ClaimVerdict.UNSUPPORTED
    if all(v in FOUND or v is Verdict.LINK_ONLY for v in verdicts):
        return ClaimVerdict.SUPPORTED
    return ClaimVerdict.PARTLY_SUPPORTED
