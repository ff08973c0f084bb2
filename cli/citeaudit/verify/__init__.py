"""Verification: which copy of a source each verdict is judged on, where a quote is in it,
and the verdicts on evidence and claims.

The verdicts (:mod:`~citeaudit.verify.verdicts`) and the copies
(:mod:`~citeaudit.verify.copies`) are plain data: naming them loads no quote finder."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.verify.copies import ArchiveCandidate as ArchiveCandidate
    from citeaudit.verify.copies import Candidate as Candidate
    from citeaudit.verify.copies import EarlierCopies as EarlierCopies
    from citeaudit.verify.copies import LiveCandidate as LiveCandidate
    from citeaudit.verify.copies import SourceCopy as SourceCopy
    from citeaudit.verify.copies import choose_archived as choose_archived
    from citeaudit.verify.copies import choose_copy as choose_copy
    from citeaudit.verify.judge import Judging as Judging
    from citeaudit.verify.judge import verify_claims as verify_claims
    from citeaudit.verify.matches import Difference as Difference
    from citeaudit.verify.matches import QuoteMatch as QuoteMatch
    from citeaudit.verify.quotes import locate_quote as locate_quote
    from citeaudit.verify.verdicts import ClaimResult as ClaimResult
    from citeaudit.verify.verdicts import Drift as Drift
    from citeaudit.verify.verdicts import EvidenceResult as EvidenceResult
    from citeaudit.verify.verdicts import Meaning as Meaning
    from citeaudit.verify.verdicts import Suggestion as Suggestion
    from citeaudit.verify.verdicts import claim_verdict as claim_verdict

exports(
    globals(),
    {
        "copies": (
            "ArchiveCandidate",
            "Candidate",
            "EarlierCopies",
            "LiveCandidate",
            "SourceCopy",
            "choose_archived",
            "choose_copy",
        ),
        "judge": ("Judging", "verify_claims"),
        "matches": ("Difference", "QuoteMatch"),
        "quotes": ("locate_quote",),
        "verdicts": (
            "ClaimResult",
            "Drift",
            "EvidenceResult",
            "Meaning",
            "Suggestion",
            "claim_verdict",
        ),
    },
)
