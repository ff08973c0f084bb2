"""Claims x evidence -> verdicts.

Each piece of evidence is judged on one copy of its source (live, our snapshot, or a public
archive's) and the verdict says which. A claim's verdict is derived from its evidence's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from citeaudit.extract import Extraction, Page
from citeaudit.model import Catalog, Claim, Evidence, Locator
from citeaudit.quotes import find_quote, normalise, page_at, text_fragment_link
from citeaudit.vocab import ClaimVerdict, JudgedOn, Verdict


@dataclass(frozen=True)
class SourceCopy:
    """The copy of a source that evidence is judged on, or why there is none.

    ``extraction`` is None exactly when no copy could be had; ``unavailable`` then says why.
    """

    source_id: str
    extraction: Extraction | None
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    url: str | None = None
    unavailable: str | None = None


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


@dataclass(frozen=True)
class ClaimResult:
    """A claim, the verdict on each piece of its evidence, and the claim's own verdict."""

    claim: Claim
    verdict: ClaimVerdict
    evidence: tuple[EvidenceResult, ...]


_CHECKED = frozenset(
    {Verdict.VERIFIED, Verdict.WRONG_LOCATOR, Verdict.MISQUOTED, Verdict.NOT_IN_SOURCE}
)


def claim_verdict(verdicts: list[Verdict]) -> ClaimVerdict:
    """Supported when every piece that could be checked holds and nothing is missing.

    Evidence given as a bare link (``link_only``) neither supports nor undermines a claim.
    """
    checked = [v for v in verdicts if v in _CHECKED]
    if not checked:
        return ClaimVerdict.UNVERIFIABLE
    verified = sum(v is Verdict.VERIFIED for v in verdicts)
    if verified == 0:
        return ClaimVerdict.UNSUPPORTED
    if all(v in (Verdict.VERIFIED, Verdict.LINK_ONLY) for v in verdicts):
        return ClaimVerdict.SUPPORTED
    return ClaimVerdict.PARTLY_SUPPORTED


def _on_cited_page(locator: Locator | None, page: Page) -> tuple[bool, str] | None:
    """Whether ``page`` is one the locator cites, and the citation in words.

    None when the locator names no page or slide (nothing to check). Slides are physical
    pages of a deck; pages are matched by the label printed on them.
    """
    if locator is None or not (locator.pages or locator.slides):
        return None
    if locator.pages:
        hit = any(span.contains(page.label) for span in locator.pages)
        return hit, "pp. " + ", ".join(str(span) for span in locator.pages)
    hit = any(span.contains(str(page.number)) for span in locator.slides)
    return hit, "slide " + ", ".join(str(span) for span in locator.slides)


def judge(evidence: Evidence, copy: SourceCopy) -> EvidenceResult:
    """Judge one piece of evidence on one copy of its source."""
    extraction = copy.extraction
    if extraction is None:
        note = copy.unavailable or "no copy to check"
        return EvidenceResult(evidence, Verdict.SOURCE_UNAVAILABLE, note=note)
    result = EvidenceResult(
        evidence, Verdict.LINK_ONLY, judged_on=copy.judged_on, copy_date=copy.copy_date
    )
    if evidence.quote is None:
        return result
    if not extraction.has_text:
        note = extraction.note or f"the {extraction.kind} copy has no text to search"
        return replace(result, verdict=Verdict.NO_TEXT, note=note)

    starts: list[int] = []
    position = 0
    for page in extraction.pages:
        starts.append(position)
        position += len(page.text) + 1
    text = extraction.text
    match = find_quote(evidence.quote, text, normalise(text))
    if match is None:
        return replace(result, verdict=Verdict.NOT_IN_SOURCE, note=extraction.note)

    page = extraction.pages[page_at(match.start, starts)]
    link = None
    if copy.url and extraction.kind == "pdf":
        link = f"{copy.url.split('#', 1)[0]}#page={page.number}"
    elif copy.url:
        link = text_fragment_link(copy.url, match.passage)
    result = replace(
        result,
        verdict=Verdict.VERIFIED,
        found_at=f"p. {page.label}" if extraction.paged else None,
        passage=match.passage,
        link=link,
    )
    check = _on_cited_page(evidence.locator, page)
    if check is None:
        return result
    if not extraction.paged:
        return replace(result, note=extraction.note or "the locator was not checked")
    on_page, cited = check
    if on_page:
        return result
    note = f"cited at {cited}, found at {result.found_at}"
    return replace(result, verdict=Verdict.WRONG_LOCATOR, note=note)


def verify_claims(catalog: Catalog, copies: Mapping[str, SourceCopy]) -> tuple[ClaimResult, ...]:
    """Judge every claim's evidence on the copy given for its source."""
    results = []
    for claim in catalog.claims:
        judged = tuple(
            judge(
                ev,
                copies.get(ev.source) or SourceCopy(ev.source, None, unavailable="not fetched"),
            )
            for ev in claim.evidence
        )
        results.append(ClaimResult(claim, claim_verdict([j.verdict for j in judged]), judged))
    return tuple(results)
