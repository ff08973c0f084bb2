"""Where a passage is, and whether that is where the evidence cites it.

A passage found in a copy is placed on its pages (printed labels, slides) and under its
headings; a locator's pages, slides and sections are then checked against that place, as
far as the copy's format allows (a web page has no pages; a .docx's are approximate).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from citeaudit.catalog import Locator, Span
from citeaudit.extract import Extraction, Heading, Layout


@dataclass(frozen=True)
class Place:
    """Where a span of the searched text lies: its pages, and the headings it sits under."""

    first: int  # index of the first page
    last: int  # index of the last page
    start: int  # offset of the start in the first page's text
    end: int  # offset of the end in the last page's text
    chain: tuple[Heading, ...]


def heading_chain(extraction: Extraction, page: int, offset: int) -> tuple[Heading, ...]:
    """The headings a place sits under, outermost first."""
    stack: list[Heading] = []
    for heading in extraction.headings:
        if (heading.page, heading.offset) > (page, offset):
            break
        while stack and stack[-1].level >= heading.level:
            stack.pop()
        stack.append(heading)
    return tuple(stack)


def place_of(extraction: Extraction, layout: Layout, start: int, end: int) -> Place:
    """Where layout.text[start:end] lies in the copy."""
    first, at = layout.locate(start)
    last, to = layout.locate(max(start, end - 1))
    return Place(first, last, at, to + 1, heading_chain(extraction, first, at))


def _pages_text(extraction: Extraction, place: Place, slides: bool) -> str | None:
    if not extraction.paged:
        return None
    pages = extraction.pages
    if slides:
        a, b = str(pages[place.first].number), str(pages[place.last].number)
        return f"slide {a}" if a == b else f"slides {a}-{b}"
    a, b = pages[place.first].label, pages[place.last].label
    return f"p. {a}" if place.first == place.last else f"pp. {a}-{b}"


def where_found(extraction: Extraction, place: Place, locator: Locator | None) -> str | None:
    """A place in words, as a locator would cite it: "pp. 4-5, section 'Duties'"."""
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


def cited_pages(extraction: Extraction, locator: Locator) -> list[int]:
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


def kind_name(extraction: Extraction) -> str:
    """What kind of document a copy is, in words."""
    return _KIND_NAMES.get(extraction.kind, f"{extraction.kind} file")


def spans_text(spans: tuple[Span, ...]) -> str:
    """Cited page or slide spans, as written."""
    return ", ".join(str(span) for span in spans)


def _check_pages(
    extraction: Extraction, locator: Locator, place: Place
) -> tuple[bool | None, str | None]:
    """Whether the place is on a cited page or slide: True, False, or None (not checkable)."""
    if not (locator.pages or locator.slides):
        return None, None
    if locator.slides and not locator.pages:
        if extraction.kind != "pdf":
            name = kind_name(extraction)
            return None, f"slide locators are checked in PDFs only, not in a {name}"
        numbers = {extraction.pages[i].number for i in range(place.first, place.last + 1)}
        return any(s.contains(str(n)) for s in locator.slides for n in numbers), None
    if not extraction.paged:
        if extraction.kind == "docx":
            return None, extraction.note
        return None, f"page locators are not checked in a {kind_name(extraction)} (it has no pages)"
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
        f"cited p. {spans_text(locator.pages)} could not be confirmed"
    )


def _check_sections(
    extraction: Extraction, locator: Locator, place: Place
) -> tuple[bool | None, str | None]:
    if not locator.sections:
        return None, None
    if not extraction.headings:
        return None, f"sections are not checked in a {kind_name(extraction)} without headings"
    names = locator.sections
    worded = any(re.match(rf"{_SECTION_WORD}\s", h.text, re.I) for h in extraction.headings)
    if not any(
        section_matches(h.text, n, worded=worded) for h in extraction.headings for n in names
    ):
        listed = ", ".join(names)
        return None, f"no heading matches section {listed}; the section was not checked"
    return any(section_matches(h.text, n, worded=worded) for h in place.chain for n in names), None


def check_locator(
    extraction: Extraction, locator: Locator | None, place: Place
) -> tuple[bool | None, list[str]]:
    """Whether the place is where the locator cites it (None: nothing could be checked),
    and notes on what could not be checked."""
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


def missing_pages(extraction: Extraction, locator: Locator | None) -> str | None:
    """Why the cited pages or slides cannot be read: the copy has none of them."""
    if locator is None or not extraction.paged or not (locator.pages or locator.slides):
        return None
    if cited_pages(extraction, locator):
        return None
    what = "page" if locator.pages else "slide"
    cited = spans_text(locator.pages or locator.slides)
    count = len(extraction.pages)
    return f"the {kind_name(extraction)} has no {what} {cited}: it has {count} {what}" + (
        "s" if count != 1 else ""
    )
