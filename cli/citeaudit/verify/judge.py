"""Claims x evidence -> verdicts.

Each piece of evidence is judged on one copy of its source (live, our snapshot, or a public
archive's: :mod:`~citeaudit.verify.copies` chooses) and the verdict says which. The quote
must be in the copy, and on the cited page, slide or section
(:mod:`~citeaudit.verify.locators`). When the copy judged first lacks the passage, older
copies are tried, newest first: the verdict is then reached on the latest one that has it,
and the change is reported as drift. A claim's verdict is derived from its evidence's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from citeaudit.catalog import Catalog, Evidence, Locator
from citeaudit.extract import Extraction, Layout
from citeaudit.meaning import Scorer, best_passage, judge_claim
from citeaudit.text import display, fold_keeping_accents, normalise
from citeaudit.verify.copies import SourceCopy
from citeaudit.verify.deeplinks import fragment_link, page_link
from citeaudit.verify.locators import (
    Place,
    check_locator,
    cited_pages,
    kind_name,
    missing_pages,
    place_of,
    where_found,
)
from citeaudit.verify.matches import Difference, QuoteMatch
from citeaudit.verify.quotes import locate_quote
from citeaudit.verify.verdicts import (
    FOUND,
    ClaimResult,
    Drift,
    EvidenceResult,
    Meaning,
    Suggestion,
    claim_verdict,
)
from citeaudit.vocab import JudgedOn, Verdict


def _has_margins(extraction: Extraction) -> bool:
    return any(page.margins != (0, 0) for page in extraction.pages)


def _search(quote: str, extraction: Extraction) -> tuple[Layout, list[QuoteMatch]]:
    """Matches in the pages joined without running headers; exactly, with them, failing that
    (a quote of a header line itself)."""
    layout = extraction.body_layout
    matches = locate_quote(quote, layout.text)
    if matches or not _has_margins(extraction):
        return layout, matches
    full = extraction.full_layout
    return full, locate_quote(quote, full.text, fuzzy=False, words=False)


def _link(
    copy: SourceCopy, extraction: Extraction, layout: Layout, start: int, end: int
) -> str | None:
    if not copy.url:
        return None
    page, at = layout.locate(start)
    if extraction.kind == "pdf":
        return page_link(copy.url, extraction.pages[page].number)
    if extraction.kind not in ("html", "text"):
        return copy.url.split("#", 1)[0]
    last, to = layout.locate(max(start, end - 1))
    if last != page:
        return copy.url.split("#", 1)[0]
    anchors = [a for a in extraction.anchors if (a.page, a.offset) <= (page, at)]
    anchor = anchors[-1].id if anchors else None
    return fragment_link(copy.url, extraction.pages[page].text, at, to + 1, anchor)


def _choose(
    matches: list[QuoteMatch], extraction: Extraction, layout: Layout, locator: Locator | None
) -> tuple[QuoteMatch, Place]:
    """The match to report: the best one, and of equals the one on the cited place."""
    best = max(m.score for m in matches)
    placed = [(m, place_of(extraction, layout, m.start, m.end)) for m in matches]
    equal = [(m, p) for m, p in placed if m.score >= best - 1e-9]
    for match, place in equal:
        if check_locator(extraction, locator, place)[0] is not False:
            return match, place
    return equal[0]


def _cited_ranges(
    extraction: Extraction, layout: Layout, locator: Locator | None
) -> list[tuple[int, int]]:
    """The spans of the cited pages or slides in the body text; the whole text when none is
    cited or the cited ones are not in the document. A run of pages is one range: a
    sentence may go on overleaf."""
    if locator is not None and (locator.pages or locator.slides) and extraction.paged:
        cited = cited_pages(extraction, locator)
        if cited:
            ranges: list[tuple[int, int]] = []
            for i in cited:
                end = layout.starts[i] + len(extraction.pages[i].body)
                if ranges and ranges[-1][1] + 1 == layout.starts[i]:
                    ranges[-1] = (ranges[-1][0], end)
                else:
                    ranges.append((layout.starts[i], end))
            return ranges
    return [(0, len(layout.text))]


@dataclass(frozen=True)
class _Reading:
    """How the passages of a copy are read: blocks or lines, which spans are headings,
    which passages are the page's main content, and the spans of the cited pages."""

    blocks: bool
    headings: list[tuple[int, int]]
    prefer: Callable[[str], bool] | None
    ranges: list[tuple[int, int]]

    def options(self) -> dict[str, Any]:
        """What passage choice is told of the text: blocks, headings, the main content."""
        return {"blocks": self.blocks, "headings": self.headings, "prefer": self.prefer}


def _reading(extraction: Extraction, layout: Layout, locator: Locator | None) -> _Reading:
    headings = []
    for heading in extraction.headings:
        at = layout.starts[heading.page] + heading.offset - layout.skips[heading.page]
        headings.append((at, at + len(heading.text)))
    main = normalise(extraction.main_text).text if extraction.main_text else None

    def in_main(passage: str) -> bool:
        """Whether a passage is in the page's main content, not its menus and footers."""
        return main is not None and fold_keeping_accents(passage) in main

    return _Reading(
        blocks=extraction.kind in ("html", "docx"),
        headings=headings,
        prefer=in_main if main else None,
        ranges=_cited_ranges(extraction, layout, locator),
    )


def _passage_at(
    copy: SourceCopy, extraction: Extraction, locator: Locator | None, start: int, end: int
) -> Suggestion:
    """A passage of the body text, where it is and a link opening the copy at it."""
    layout = extraction.body_layout
    place = place_of(extraction, layout, start, end)
    return Suggestion(
        passage=display(layout.text[start:end]),
        found_at=where_found(extraction, place, locator),
        link=_link(copy, extraction, layout, start, end),
    )


def _suggest(
    copy: SourceCopy, extraction: Extraction, locator: Locator | None, claim_text: str
) -> Suggestion | None:
    layout = extraction.body_layout
    reading = _reading(extraction, layout, locator)
    found = best_passage(claim_text, layout.text, reading.ranges, **reading.options())
    if found is None:
        return None
    return _passage_at(copy, extraction, locator, found.start, found.end)


def _judge_meaning(
    result: EvidenceResult,
    copy: SourceCopy,
    extraction: Extraction,
    claim_text: str,
    scorer: Scorer | None,
) -> EvidenceResult:
    """A claim that quotes nothing, judged against the cited pages on its meaning: the
    passage that says it (``supported``) or says otherwise (``contradicted``), else
    ``not_supported`` with the closest passage to read."""
    locator = result.evidence.locator
    layout = extraction.body_layout
    reading = _reading(extraction, layout, locator)
    judgement = judge_claim(
        claim_text, layout.text, reading.ranges, scorer=scorer, **reading.options()
    )
    verdict = Verdict(judgement.label)  # the labels are the verdicts' values
    meaning = Meaning(
        judge=judgement.judge,
        score=judgement.score,
        reason=judgement.reason,
        conflicts=judgement.conflicts,
    )
    note = _join(copy.note, missing_pages(extraction, locator))
    result = replace(result, verdict=verdict, meaning=meaning, note=note)
    if judgement.start is None or judgement.end is None:
        return result
    passage = _passage_at(copy, extraction, locator, judgement.start, judgement.end)
    if verdict is Verdict.NOT_SUPPORTED:
        return replace(result, suggestion=passage)
    return replace(result, passage=passage.passage, found_at=passage.found_at, link=passage.link)


def _join(*notes: str | None) -> str | None:
    kept = [n for n in dict.fromkeys(notes) if n]
    return "; ".join(kept) or None


def _judge_copy(
    evidence: Evidence, copy: SourceCopy, claim_text: str | None, judging: Judging
) -> EvidenceResult:
    """Judge one piece of evidence on one copy (which has an extraction)."""
    extraction = copy.extraction
    assert extraction is not None
    result = EvidenceResult(
        evidence,
        Verdict.LINK_ONLY,
        judged_on=copy.judged_on,
        copy_date=copy.copy_date,
        note=copy.note,
    )
    locator = evidence.locator
    if evidence.quote is None and judging.meaning and claim_text:
        if not extraction.has_text:
            why = extraction.note or f"the {kind_name(extraction)} has no text to judge"
            return replace(result, verdict=Verdict.NO_TEXT, note=_join(copy.note, why))
        return _judge_meaning(result, copy, extraction, claim_text, judging.scorer)
    if evidence.quote is None:
        suggestion = None
        if claim_text and extraction.has_text:
            suggestion = _suggest(copy, extraction, locator, claim_text)
        note = _join(copy.note, missing_pages(extraction, locator))
        return replace(result, suggestion=suggestion, note=note)
    if not extraction.has_text:
        note = extraction.note or f"the {kind_name(extraction)} has no text to search"
        return replace(result, verdict=Verdict.NO_TEXT, note=_join(copy.note, note))

    layout, matches = _search(evidence.quote, extraction)
    if not matches:
        if locator is not None and extraction.paged and (locator.pages or locator.slides):
            cited = cited_pages(extraction, locator)
            if cited and not any(extraction.pages[i].text.strip() for i in cited):
                note = f"the cited {locator.text} has no text layer (a scan or an image)"
                return replace(result, verdict=Verdict.NO_TEXT, note=_join(copy.note, note))
        return replace(
            result,
            verdict=Verdict.NOT_IN_SOURCE,
            note=_join(copy.note, missing_pages(extraction, locator)),
            suggestion=_suggest(copy, extraction, None, evidence.quote),
        )

    match, place = _choose(matches, extraction, layout, locator)
    on_place, notes = check_locator(extraction, locator, place)
    found_at = where_found(extraction, place, locator)
    verdict = Verdict.VERIFIED if match.exact else Verdict.MISQUOTED
    if match.punctuation and match.exact:
        notes.insert(0, "matches word for word; the punctuation differs")
    if not match.exact:
        notes.insert(0, _describe(match.differences))
    if on_place is False:
        where = f"cited at {locator.text if locator else ''}, found at {found_at}"
        beyond = missing_pages(extraction, locator)
        if beyond:
            where += f" ({beyond})"
        if verdict is Verdict.VERIFIED:
            verdict = Verdict.WRONG_LOCATOR
            notes.insert(0, where)
        else:
            notes.append(f"also {where}")
    return replace(
        result,
        verdict=verdict,
        found_at=found_at,
        passage=display(match.passage),
        link=_link(copy, extraction, layout, match.start, match.end),
        note=_join(copy.note, *notes),
        differences=match.differences,
        similarity=None if match.exact else match.score,
    )


def _describe(differences: tuple[Difference, ...]) -> str:
    grave = [d for d in differences if d.critical]
    count = len(differences)
    text = f"close match with {count} difference{'s' if count != 1 else ''}"
    if grave:
        kinds = sorted({d.kind for d in grave if d.kind})
        text += f" ({', '.join(kinds)} changed)"
    return text


def _copykind_name(copy: SourceCopy) -> str:
    date = f" of {copy.copy_date:%Y-%m-%d}" if copy.copy_date else ""
    if copy.judged_on is JudgedOn.FILE:
        return f"the local file{date}"
    if copy.judged_on is JudgedOn.LIVE or copy.judged_on is None:
        return f"the live copy{date}"
    owner = "our snapshot" if copy.judged_on is JudgedOn.SNAPSHOT else "the archived copy"
    return f"{owner}{date}"


def _drift(copy: SourceCopy, changed: EvidenceResult, older: SourceCopy) -> Drift:
    """The source changed since it was cited: what the copy judged first has now (its
    closest words, set against the quote the older copy still has)."""
    closest = changed.suggestion
    now = "now reads differently" if changed.verdict is Verdict.MISQUOTED else "lacks them"
    return Drift(
        snapshot_date=older.copy_date,
        note=(
            f"the source changed: {_copykind_name(copy)} no longer has the quoted words "
            f"({now}); {_copykind_name(older)} has them"
        ),
        judged_on=copy.judged_on,
        copy_date=copy.copy_date,
        verdict=changed.verdict,
        passage=changed.passage or (closest.passage if closest else None),
        found_at=changed.found_at or (closest.found_at if closest else None),
        differences=changed.differences,
        link=changed.link or (closest.link if closest else None),
    )


@dataclass(frozen=True)
class Judging:
    """How evidence that quotes nothing is judged: on its meaning (the default), with a
    model judge beside the built-in one when ``scorer`` is given; or, with ``meaning``
    off, left ``link_only`` with the likeliest passage to read."""

    meaning: bool = True
    scorer: Scorer | None = None


def judge(
    evidence: Evidence,
    copy: SourceCopy,
    claim_text: str | None = None,
    judging: Judging = Judging(),
) -> EvidenceResult:
    """Judge one piece of evidence on a copy of its source, or on an older copy that still
    has the passage when this one does not (reporting the change as drift).

    ``claim_text`` is what evidence that quotes nothing is judged against (or, with
    judging of meaning off, what its suggested passage is chosen for).
    """
    if copy.extraction is None:
        note = copy.unavailable or "no copy to check"
        return EvidenceResult(evidence, Verdict.SOURCE_UNAVAILABLE, note=note)
    result = _judge_copy(evidence, copy, claim_text, judging)
    if evidence.quote is None or result.verdict in FOUND:
        return result
    for older in copy.earlier:
        if older.extraction is None:
            continue
        again = _judge_copy(evidence, older, claim_text, judging)
        if again.verdict not in FOUND:
            continue
        # Our snapshot has no public address: its link would open the live page at words
        # it no longer has. The report points at the snapshot in the store instead.
        link = None if older.judged_on is JudgedOn.SNAPSHOT else again.link
        return replace(again, drift=_drift(copy, result, older), link=link)
    return result


def verify_claims(
    catalog: Catalog, copies: Mapping[str, SourceCopy], judging: Judging = Judging()
) -> tuple[ClaimResult, ...]:
    """Judge every claim's evidence on the copy given for its source."""
    results = []
    for claim in catalog.claims:
        judged = tuple(
            judge(
                ev,
                copies.get(ev.source) or SourceCopy(ev.source, None, unavailable="not fetched"),
                claim.text,
                judging,
            )
            for ev in claim.evidence
        )
        results.append(ClaimResult(claim, claim_verdict([j.verdict for j in judged]), judged))
    return tuple(results)
