"""Claims x evidence -> verdicts.

Each piece of evidence is judged on one copy of its source (live, our snapshot, or a public
archive's) and the verdict says which. The quote must be in the copy, and on the cited page,
slide or section. When the copy judged first lacks the passage, older copies are tried,
newest first: the verdict is then reached on the latest one that has it, and the change is
reported as drift. A claim's verdict is derived from its evidence's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Generic, TypeVar

from citeaudit.catalog.entries import Catalog, Claim, Evidence, Locator, Span
from citeaudit.extract import Extraction
from citeaudit.extract.base import Heading, Layout
from citeaudit.verify.deeplinks import fragment_link, page_link
from citeaudit.verify.passages import best_passage
from citeaudit.verify.quotes import Difference, QuoteMatch, display, fold, locate_quote, normalise
from citeaudit.vocab import ClaimVerdict, JudgedOn, Verdict


@dataclass(frozen=True)
class SourceCopy:
    """The copy of a source that evidence is judged on, or why there is none.

    ``extraction`` is None exactly when no copy could be had; ``unavailable`` then says why.
    ``note`` says why this copy was chosen when it is not the live one. ``earlier`` holds
    older copies, newest first, tried in turn when this one lacks a quoted passage; it may
    be lazy (each extracted only when needed), and it is read afresh for every evidence.
    """

    source_id: str
    extraction: Extraction | None
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    url: str | None = None
    unavailable: str | None = None
    note: str | None = None
    earlier: Iterable[SourceCopy] = field(default=(), compare=False, repr=False)


T = TypeVar("T")


class EarlierCopies(Generic[T]):
    """Older copies of a source, newest first, each loaded only when a verdict needs it.

    ``load`` turns an item (a snapshot, say) into a copy, or None when it cannot be read;
    each is loaded at most once however many pieces of evidence look, and at most
    ``limit`` are ever loaded.
    """

    def __init__(
        self, items: Iterable[T], load: Callable[[T], SourceCopy | None], limit: int = 10
    ) -> None:
        self._pending = list(items)[:limit]
        self._load = load
        self._loaded: list[SourceCopy] = []

    def __iter__(self) -> Iterator[SourceCopy]:
        index = 0
        while True:
            if index < len(self._loaded):
                yield self._loaded[index]
                index += 1
                continue
            if not self._pending:
                return
            copy = self._load(self._pending.pop(0))
            if copy is not None:
                self._loaded.append(copy)


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


_CHECKED = frozenset(
    {Verdict.VERIFIED, Verdict.WRONG_LOCATOR, Verdict.MISQUOTED, Verdict.NOT_IN_SOURCE}
)
_FOUND = frozenset({Verdict.VERIFIED, Verdict.WRONG_LOCATOR})


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


# ---------------------------------------------------------------------------------------------
# Where a passage is


@dataclass(frozen=True)
class _Place:
    """Where a span of the searched text lies: its pages, and the headings it sits under."""

    first: int  # index of the first page
    last: int  # index of the last page
    start: int  # offset of the start in the first page's text
    end: int  # offset of the end in the last page's text
    chain: tuple[Heading, ...]


def _chain(extraction: Extraction, page: int, offset: int) -> tuple[Heading, ...]:
    """The headings a place sits under, outermost first."""
    stack: list[Heading] = []
    for heading in extraction.headings:
        if (heading.page, heading.offset) > (page, offset):
            break
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
    return tuple(stack)


def _place(extraction: Extraction, layout: Layout, start: int, end: int) -> _Place:
    first, at = layout.locate(start)
    last, to = layout.locate(max(start, end - 1))
    return _Place(first, last, at, to + 1, _chain(extraction, first, at))


def _pages_text(extraction: Extraction, place: _Place, slides: bool) -> str | None:
    if not extraction.paged:
        return None
    pages = extraction.pages
    if slides:
        a, b = str(pages[place.first].number), str(pages[place.last].number)
        return f"slide {a}" if a == b else f"slides {a}-{b}"
    a, b = pages[place.first].label, pages[place.last].label
    return f"p. {a}" if place.first == place.last else f"pp. {a}-{b}"


def _found_at(extraction: Extraction, place: _Place, locator: Locator | None) -> str | None:
    slides = bool(locator and locator.slides and not locator.pages)
    parts = [_pages_text(extraction, place, slides)]
    if place.chain:
        parts.append("section " + " > ".join(f"'{h.text}'" for h in place.chain[-2:]))
    return ", ".join(p for p in parts if p) or None


_SECTION_WORD = r"(?:section|part|chapter|§)"
_SECTION_NUMBER = re.compile(
    rf"^(?P<word>{_SECTION_WORD}\s*)?(?P<number>\d+(?:\.\d+)*[a-z]?|[ivxlcdm]+)"
    r"(?=[\s.:)\-–—]|$)",
    re.IGNORECASE,
)
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*[a-z]?|[ivxlcdm]+)$", re.IGNORECASE)


def section_matches(heading: str, wanted: str, *, worded: bool = False) -> bool:
    """Whether a heading is the cited section: "1" is "Section 1: ..." or "1.2 ...";
    a name is any heading that contains it. ``worded``: the document names its sections
    ("Section 1"), so a number matches only those, not a "1." numbering within one."""
    target = " ".join(wanted.lower().split()).rstrip(".")
    text = " ".join(heading.lower().split())
    if _NUMBERED.match(target):
        number = _SECTION_NUMBER.match(text)
        if number is None or (worded and not number.group("word")):
            return False
        found = number.group("number").rstrip(".")
        return found == target or found.startswith(target + ".")
    return target in text


def _cited_pages(extraction: Extraction, locator: Locator) -> list[int]:
    """Indexes of the pages (or slides) a locator cites that the copy has."""
    pages = extraction.pages
    if locator.pages:
        spans, key = locator.pages, extraction.label_index
    else:
        spans, key = locator.slides, {str(p.number): [i] for i, p in enumerate(pages)}
    found: set[int] = set()
    for span in spans:
        numbers = span.numbers()
        if numbers is not None and len(numbers) <= len(pages):
            for number in numbers:
                found.update(key.get(str(number), ()))
        else:
            found.update(i for label, at in key.items() if span.contains(label) for i in at)
    return sorted(found)


_KIND_NAMES = {"pdf": "PDF", "docx": ".docx file", "html": "web page", "text": "text file"}


def _name(extraction: Extraction) -> str:
    """What kind of document a copy is, in words."""
    return _KIND_NAMES.get(extraction.kind, f"{extraction.kind} file")


def _spans(spans: tuple[Span, ...]) -> str:
    return ", ".join(str(span) for span in spans)


def _check_pages(
    extraction: Extraction, locator: Locator, place: _Place
) -> tuple[bool | None, str | None]:
    """Whether the place is on a cited page or slide: True, False, or None (not checkable)."""
    if not (locator.pages or locator.slides):
        return None, None
    if locator.slides and not locator.pages:
        if extraction.kind != "pdf":
            return None, f"slide locators are checked in PDFs only, not in a {_name(extraction)}"
        numbers = {extraction.pages[i].number for i in range(place.first, place.last + 1)}
        return any(s.contains(str(n)) for s in locator.slides for n in numbers), None
    if not extraction.paged:
        if extraction.kind == "docx":
            return None, extraction.note
        return None, f"page locators are not checked in a {_name(extraction)} (it has no pages)"
    labels = [extraction.pages[i].label for i in range(place.first, place.last + 1)]
    on_page = any(s.contains(label) for s in locator.pages for label in labels)
    if on_page or extraction.page_basis != "breaks":
        return on_page, None
    counted = extraction.pages[place.first].number
    cited = [n for s in locator.pages if (r := s.numbers()) is not None for n in r]
    if cited and all(n < counted for n in cited):
        return False, None  # counted pages only ever run low: it cannot be on an earlier one
    return None, (
        f"found on p. {counted} counting the .docx's page breaks, which may run low; "
        f"cited p. {_spans(locator.pages)} could not be confirmed"
    )


def _check_sections(
    extraction: Extraction, locator: Locator, place: _Place
) -> tuple[bool | None, str | None]:
    if not locator.sections:
        return None, None
    if not extraction.headings:
        return None, f"sections are not checked in a {_name(extraction)} without headings"
    names = locator.sections
    worded = any(re.match(rf"{_SECTION_WORD}\s", h.text, re.I) for h in extraction.headings)
    if not any(
        section_matches(h.text, n, worded=worded) for h in extraction.headings for n in names
    ):
        listed = ", ".join(names)
        return None, f"no heading matches section {listed}; the section was not checked"
    return any(section_matches(h.text, n, worded=worded) for h in place.chain for n in names), None


def _check(
    extraction: Extraction, locator: Locator | None, place: _Place
) -> tuple[bool | None, list[str]]:
    if locator is None:
        return None, []
    results = [
        _check_pages(extraction, locator, place),
        _check_sections(extraction, locator, place),
    ]
    notes = [note for _, note in results if note]
    if locator.paragraphs:
        notes.append("paragraph locators are not checked")
    verdicts = [ok for ok, _ in results if ok is not None]
    if not verdicts:
        return None, notes
    return all(verdicts), notes


# ---------------------------------------------------------------------------------------------
# Judging


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
) -> tuple[QuoteMatch, _Place]:
    """The match to report: the best one, and of equals the one on the cited place."""
    best = max(m.score for m in matches)
    placed = [(m, _place(extraction, layout, m.start, m.end)) for m in matches]
    equal = [(m, p) for m, p in placed if m.score >= best - 1e-9]
    for match, place in equal:
        if _check(extraction, locator, place)[0] is not False:
            return match, place
    return equal[0]


def _suggest(
    copy: SourceCopy, extraction: Extraction, locator: Locator | None, claim_text: str
) -> Suggestion | None:
    layout = extraction.body_layout
    ranges = [(0, len(layout.text))]
    if locator is not None and (locator.pages or locator.slides) and extraction.paged:
        cited = _cited_pages(extraction, locator)
        if cited:
            ranges = []
            for i in cited:  # a run of pages is one range: a sentence may go on overleaf
                end = layout.starts[i] + len(extraction.pages[i].body)
                if ranges and ranges[-1][1] + 1 == layout.starts[i]:
                    ranges[-1] = (ranges[-1][0], end)
                else:
                    ranges.append((layout.starts[i], end))
    headings = []
    for heading in extraction.headings:
        at = layout.starts[heading.page] + heading.offset - layout.skips[heading.page]
        headings.append((at, at + len(heading.text)))
    main = normalise(extraction.main_text).text if extraction.main_text else None

    def in_main(passage: str) -> bool:
        """Whether a passage is in the page's main content, not its menus and footers."""
        return main is not None and fold(passage) in main

    found = best_passage(
        claim_text,
        layout.text,
        ranges,
        blocks=extraction.kind in ("html", "docx"),
        headings=headings,
        prefer=in_main if main else None,
    )
    if found is None:
        return None
    place = _place(extraction, layout, found.start, found.end)
    return Suggestion(
        passage=display(layout.text[found.start : found.end]),
        found_at=_found_at(extraction, place, locator),
        link=_link(copy, extraction, layout, found.start, found.end),
    )


def _missing_pages(extraction: Extraction, locator: Locator | None) -> str | None:
    if locator is None or not extraction.paged or not (locator.pages or locator.slides):
        return None
    if _cited_pages(extraction, locator):
        return None
    what = "page" if locator.pages else "slide"
    return f"the {_name(extraction)} has no {what} {_spans(locator.pages or locator.slides)}"


def _join(*notes: str | None) -> str | None:
    kept = [n for n in dict.fromkeys(notes) if n]
    return "; ".join(kept) or None


def _judge_copy(evidence: Evidence, copy: SourceCopy, claim_text: str | None) -> EvidenceResult:
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
    if evidence.quote is None:
        suggestion = None
        if claim_text and extraction.has_text:
            suggestion = _suggest(copy, extraction, locator, claim_text)
        note = _join(copy.note, _missing_pages(extraction, locator))
        return replace(result, suggestion=suggestion, note=note)
    if not extraction.has_text:
        note = extraction.note or f"the {_name(extraction)} has no text to search"
        return replace(result, verdict=Verdict.NO_TEXT, note=_join(copy.note, note))

    layout, matches = _search(evidence.quote, extraction)
    if not matches:
        if locator is not None and extraction.paged and (locator.pages or locator.slides):
            cited = _cited_pages(extraction, locator)
            if cited and not any(extraction.pages[i].text.strip() for i in cited):
                note = f"the cited {locator.text} has no text layer (a scan or an image)"
                return replace(result, verdict=Verdict.NO_TEXT, note=_join(copy.note, note))
        return replace(
            result,
            verdict=Verdict.NOT_IN_SOURCE,
            note=_join(copy.note, _missing_pages(extraction, locator)),
        )

    match, place = _choose(matches, extraction, layout, locator)
    on_place, notes = _check(extraction, locator, place)
    found_at = _found_at(extraction, place, locator)
    verdict = Verdict.VERIFIED if match.exact else Verdict.MISQUOTED
    if match.punctuation and match.exact:
        notes.insert(0, "matches word for word; the punctuation differs")
    if not match.exact:
        notes.insert(0, _describe(match.differences))
    if on_place is False:
        where = f"cited at {locator.text if locator else ''}, found at {found_at}"
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


def _copy_name(copy: SourceCopy) -> str:
    if copy.judged_on is JudgedOn.LIVE or copy.judged_on is None:
        return "the live copy"
    date = f" of {copy.copy_date:%Y-%m-%d}" if copy.copy_date else ""
    owner = "our snapshot" if copy.judged_on is JudgedOn.SNAPSHOT else "the archived copy"
    return f"{owner}{date}"


def judge(evidence: Evidence, copy: SourceCopy, claim_text: str | None = None) -> EvidenceResult:
    """Judge one piece of evidence on a copy of its source, or on an older copy that still
    has the passage when this one does not (reporting the drift).

    ``claim_text`` is used to suggest a passage for evidence that quotes nothing.
    """
    if copy.extraction is None:
        note = copy.unavailable or "no copy to check"
        return EvidenceResult(evidence, Verdict.SOURCE_UNAVAILABLE, note=note)
    result = _judge_copy(evidence, copy, claim_text)
    if evidence.quote is None or result.verdict in _FOUND:
        return result
    for older in copy.earlier:
        if older.extraction is None:
            continue
        again = _judge_copy(evidence, older, claim_text)
        if again.verdict not in _FOUND:
            continue
        drift = Drift(
            snapshot_date=older.copy_date,
            note=(
                f"{_copy_name(copy)} no longer has this passage ({result.verdict}); "
                f"{_copy_name(older)} has it"
            ),
        )
        return replace(again, drift=drift, note=_join(drift.note, again.note))
    return result


def verify_claims(catalog: Catalog, copies: Mapping[str, SourceCopy]) -> tuple[ClaimResult, ...]:
    """Judge every claim's evidence on the copy given for its source."""
    results = []
    for claim in catalog.claims:
        judged = tuple(
            judge(
                ev,
                copies.get(ev.source) or SourceCopy(ev.source, None, unavailable="not fetched"),
                claim.text,
            )
            for ev in claim.evidence
        )
        results.append(ClaimResult(claim, claim_verdict([j.verdict for j in judged]), judged))
    return tuple(results)
