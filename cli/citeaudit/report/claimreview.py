"""ClaimReview JSON-LD (schema.org), for fact-checkers who publish their checks.

One ``ClaimReview`` per claim, in one JSON-LD document (``@graph``): ``claimReviewed`` is
the claim's text, ``reviewRating.alternateName`` its verdict (the vocabulary's word:
``supported``, ``partly_supported``, ``unsupported``, ``unverifiable``), and
``itemReviewed`` a ``Claim`` whose ``appearance`` and ``firstAppearance`` are the audited
document (schema.org: where the claim itself appears), when the sources file describes it.
The sources cited for the claim, which the review checked, are the review's ``citation``s.

``ratingValue`` places the verdict on a scale from ``worstRating`` 1 to ``bestRating`` 3:
unsupported 1, partly_supported 2, supported 3. An unverifiable claim has no place on that
scale, so its rating has no ``ratingValue``: only its ``alternateName``.

``author`` is the reviewer: whoever publishes the check, named with ``--reviewer`` (or the
``CITEAUDIT_REVIEWER`` environment variable), as an Organization; without one it is an
Organization named "citeaudit", the tool that did the checking. ``datePublished`` is the
day the run finished. Each review's ``url`` is where it is published: the address given
with ``--review-url`` (the HTML report's, once put online) with the claim's anchor
``#claim-ID``, which the HTML report carries; without one, the anchor alone, a reference to
the claim in the HTML report published beside the JSON-LD.
"""

from __future__ import annotations

import json
from typing import Any

from citeaudit.report.model import ClaimModel, ReportModel
from citeaudit.report.words import CLAIM_LABEL, day
from citeaudit.vocab import ClaimVerdict, Verdict

#: ``reviewRating.ratingValue`` of each verdict; unverifiable is not on the scale.
RATING: dict[ClaimVerdict, int] = {
    ClaimVerdict.CONTRADICTED: 1,
    ClaimVerdict.UNSUPPORTED: 1,
    ClaimVerdict.PARTLY_SUPPORTED: 2,
    ClaimVerdict.SUPPORTED: 3,
}
BEST, WORST = 3, 1
TOOL_URL = "https://github.com/citeaudit/citeaudit"


def explanation(claim: ClaimModel) -> str:
    """Why the claim got its verdict, in one sentence: how its evidence came out."""
    counts: dict[Verdict, int] = {}
    for ev in claim.evidence:
        counts[ev.verdict] = counts.get(ev.verdict, 0) + 1
    total = len(claim.evidence)
    parts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in counts.items())
    noun = "piece" if total == 1 else "pieces"
    return f"{CLAIM_LABEL[claim.verdict].capitalize()}: {total} {noun} of evidence ({parts})."


class ClaimReviewReport:
    """Renders one schema.org ClaimReview per claim as JSON-LD."""

    def __init__(self, reviewer: str | None = None, review_url: str | None = None) -> None:
        self.reviewer = reviewer
        self.review_url = review_url

    def author(self) -> dict[str, Any]:
        if self.reviewer:
            return {"@type": "Organization", "name": self.reviewer}
        return {"@type": "Organization", "name": "citeaudit", "url": TOOL_URL}

    def review(self, claim: ClaimModel, report: ReportModel) -> dict[str, Any]:
        rating: dict[str, Any] = {"@type": "Rating"}
        if claim.verdict in RATING:
            rating |= {"ratingValue": RATING[claim.verdict], "bestRating": BEST}
            rating["worstRating"] = WORST
        rating["alternateName"] = str(claim.verdict)
        rating["ratingExplanation"] = explanation(claim)
        cited: list[dict[str, Any]] = []
        for ev in claim.evidence:
            source = report.source(ev.source)
            if source is None or not source.url:
                continue
            work: dict[str, Any] = {"@type": "CreativeWork", "url": source.url}
            if source.title:
                work["name"] = source.title
            if source.archive_url:
                work["archivedAt"] = source.archive_url
            if work not in cited:
                cited.append(work)
        item: dict[str, Any] = {"@type": "Claim"}
        doc = report.document
        if doc is not None:
            first: dict[str, Any] = {"@type": "CreativeWork"}
            if doc.title:
                first["name"] = doc.title
            if doc.url:
                first["url"] = doc.url
            if doc.published:
                first["datePublished"] = day(doc.published)
            if doc.author:
                first["author"] = {"name": doc.author}  # a person or an organization
                item["author"] = first["author"]
            if len(first) > 1:
                item["appearance"] = [first]
                item["firstAppearance"] = first
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "url": f"{(self.review_url or '').split('#', 1)[0]}#claim-{claim.id}",
            "identifier": claim.id,
            "claimReviewed": claim.text,
            "datePublished": day(report.run.finished),
            "author": self.author(),
            "reviewRating": rating,
            "itemReviewed": item,
        }
        if cited:
            review["citation"] = cited
        return review

    def render(self, report: ReportModel) -> str:
        """The JSON-LD document, indented, ending in a newline."""
        document = {
            "@context": "https://schema.org",
            "@graph": [self.review(claim, report) for claim in report.claims],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
