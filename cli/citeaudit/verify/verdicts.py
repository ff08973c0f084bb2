"""What verify concludes, as plain data: a verdict on each piece of evidence, and on each claim.

The store keeps these, the report renders them; neither needs the quote finder to name them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from citeaudit.catalog import Claim, Evidence
from citeaudit.meaning import Conflict
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
class Meaning:
    """How a claim in other words was judged against the cited pages (for evidence that
    quotes nothing): which judge, its score (0 to 1: how far the passage carries what the
    claim says), why in one line, and for a contradiction the differences that made it."""

    judge: str
    score: float
    reason: str
    conflicts: tuple[Conflict, ...] = ()


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
    meaning: Meaning | None = None


@dataclass(frozen=True)
class ClaimResult:
    """A claim, the verdict on each piece of its evidence, and the claim's own verdict."""

    claim: Claim
    verdict: ClaimVerdict
    evidence: tuple[EvidenceResult, ...]


#: Verdicts reached by reading the source: evidence that could be checked (a quote, or a
#: claim in other words judged on meaning).
CHECKED = frozenset(
    {
        Verdict.VERIFIED,
        Verdict.WRONG_LOCATOR,
        Verdict.MISQUOTED,
        Verdict.NOT_IN_SOURCE,
        Verdict.SUPPORTED,
        Verdict.CONTRADICTED,
        Verdict.NOT_SUPPORTED,
    }
)
#: Verdicts that found the quoted passage.
FOUND = frozenset({Verdict.VERIFIED, Verdict.WRONG_LOCATOR})
#: Verdicts that back the claim: its quote found, or a passage that says it in other words.
BACKING = FOUND | {Verdict.SUPPORTED}
#: Verdicts that neither back nor undermine a claim: a bare link nobody judged.
_NEUTRAL = frozenset({Verdict.LINK_ONLY})


def claim_verdict(verdicts: list[Verdict]) -> ClaimVerdict:
    """Supported when every piece that could be checked holds and nothing is missing.

    A passage of a cited source that says otherwise (``contradicted``) makes the claim
    ``contradicted``, whatever else backs it. A quote found word for word on another page
    than cited (``wrong_locator``) backs the claim: the words are in the source, and the
    wrong page is a citation error reported on its own. A passage judged to say the claim in
    other words (``supported``) backs it too. Evidence given as a bare link that was not
    judged (``link_only``) neither supports nor undermines a claim.
    """
    if Verdict.CONTRADICTED in verdicts:
        return ClaimVerdict.CONTRADICTED
    checked = [v for v in verdicts if v in CHECKED]
    if not checked:
        return ClaimVerdict.UNVERIFIABLE
    backing = sum(v in BACKING for v in verdicts)
    if backing == 0:
        return ClaimVerdict.UNSUPPORTED
    if all(v in BACKING or v in _NEUTRAL for v in verdicts):
        return ClaimVerdict.SUPPORTED
    return ClaimVerdict.PARTLY_SUPPORTED
