"""One reference's text read for what it names: a document per distinct URL, each with its
own slice of the text, and for each its title, publisher, access date, the place cited
(locator) and what the reference says the source says (quote).

References come in many styles (Vancouver, APA, Harvard, a bare "Title, URL", a footnote
naming two documents); this reads what any of them gives and leaves out what it cannot
tell, so that a draft says less rather than something wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from citeaudit.catalog.entries import Locator
from citeaudit.draft.dates import ACCESSED, accessed_date, read_date
from citeaudit.draft.model import Reference
from citeaudit.draft.printed_urls import (
    MENDED_BY_LINK,
    FoundUrl,
    find_urls,
    identifier_url,
    same_url,
)
from citeaudit.draft.quoting import read_quotations, unquoted


@dataclass(frozen=True)
class NamedDocument:
    """A document a reference names. ``text`` is the reference's words about it (all of
    them when it names one document), on one line; ``url`` is None when the reference
    names no address (a letter, an email); ``published`` is only read for those."""

    url: str | None
    text: str
    title: str | None = None
    publisher: str | None = None
    accessed: date | None = None
    published: date | None = None
    locator: str | None = None
    quote: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadReference:
    """A reference read: its label, its text on one line (URLs mended), the documents it
    names, and what a person should check."""

    label: str
    text: str
    documents: tuple[NamedDocument, ...]
    attention: tuple[str, ...] = ()


# The words that say a quotation is what the source says, just before it.
_SAYS = re.compile(
    r"\b(?:state[sd]?|stating|reads?|reading|says?|said|saying|writes?|wrote|writing|"
    r"note[sd]?|noting|explain(?:s|ed)?|conclude[sd]?|argue[sd]?|report(?:s|ed)?|"
    r"quote[sd]?|quoting|describe[sd]?|declare[sd]?|puts? it|reads as follows)"
    r"(?:\s+(?:that|as follows))?\s*[:,]?\s*$",
    re.IGNORECASE,
)
_AVAILABLE = re.compile(
    r"\b(?:available\s+(?:from|at|online|online\s+at|on)|retrieved(?:\s+on\s+[^,]*)?"
    r"(?:\s+[^,]*)?,?\s+from|accessible\s+at|online\s+at|url)\s*:?\s*$",
    re.IGNORECASE,
)
_MEDIUM = re.compile(r"\s*\[(?:internet|online|online resource|web page|e-?book)\]", re.I)
_LEAD_IN = re.compile(
    r"^(?:[^.;]*;\s*|for (?:instance|example),?\s*|e\.g\.,?\s*|cf\.\s*)?"
    r"see(?:\s+also)?\b[:,]?\s*",
    re.IGNORECASE,
)
_AUTHOR_YEAR = re.compile(
    r"^(?P<author>[^()]{2,300}?)\s*\((?P<year>(?:1[6-9]|2[0-9])[0-9]{2}[a-z]?|n\.d\.)"
    r"(?:,[^)]*)?\)[.,]?\s+(?P<rest>.+)$",
    re.DOTALL,
)
_VANCOUVER_AUTHORS = re.compile(
    r"^(?:[A-Z][A-Za-z'’-]+\s+[A-Z]{1,3},\s*)*[A-Z][A-Za-z'’-]+\s+[A-Z]{1,3}(?:,?\s+et al)?$"
)
# Segments that are not a title or publisher: a year, a date, a place cited, a journal's
# volume and pages, what the reference says about the source.
_NOT_A_NAME = re.compile(
    r"^(?:(?:1[6-9]|2[0-9])[0-9]{2}\b.*|(?:pp?|pages?|slides?|sections?|para(?:graph)?s?|"
    r"chapter|ch)\b.*|[0-9]+(?:\([^)]*\))?\s*:\s*[0-9].*|this source\b.*|.*\b(?:states?|"
    r"says|reads)\s*[‘“'\"].*|(?:doi|pmid|pmcid|isbn|issn)\b.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ABBREVIATION = re.compile(
    r"(?:\b(?:[A-Z]|pp?|no|nos|vol|vols|ed|eds|dr|mr|mrs|ms|prof|st|sr|jr|fig|figs|"
    r"cf|e\.g|i\.e|et al|inc|ltd|co|corp|dept|univ|approx|ch|sec|para)\.)$",
    re.IGNORECASE,
)
_LOCATORS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("section", re.compile(r"\b(?:sections?|sect?\.)\s*(?P<n>[0-9]+(?:\.[0-9]+)*)\b", re.I)),
    ("section", re.compile(r"(?:§§?)\s*(?P<n>[0-9]+(?:\.[0-9]+)*)\b")),
    (
        "page",
        re.compile(
            r"\b(?:pp\.?|pages|pgs\.?)\s*(?P<n>[0-9]+(?:\s*[-–]\s*[0-9]+)?"
            r"(?:\s*,\s*[0-9]+(?:\s*[-–]\s*[0-9]+)?(?![0-9]*\s*[A-Za-z(:]))*)",
            re.I,
        ),
    ),
    ("page", re.compile(r"\b(?:p\.?|page|pg\.?)\s*(?P<n>[0-9]+(?:\s*[-–]\s*[0-9]+)?)\b", re.I)),
    ("slide", re.compile(r"\bslides?\s*(?P<n>[0-9]+(?:\s*[-–]\s*[0-9]+)?)\b", re.I)),
    (
        "paragraph",
        re.compile(r"(?:\bpara(?:graph)?s?\.?|¶)\s*(?P<n>[0-9]+(?:\s*[-–]\s*[0-9]+)?)\b", re.I),
    ),
    ("chapter", re.compile(r"\b(?:chapter|chap\.|ch\.)\s*(?P<n>[0-9]+)\b", re.I)),
)
_KIND_ORDER = ("section", "page", "slide", "paragraph")


def one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks, no-break spaces) as one space."""
    return " ".join(text.replace("\u00a0", " ").split())


def read_reference(reference: Reference) -> ReadReference:
    """Read one reference: the documents it names (one per distinct URL, in order; one with
    no URL when it prints none, made from a DOI or PubMed id when it gives one)."""
    text = reference.text
    found = find_urls(text, reference.urls)
    attention: list[str] = []
    attention.extend(
        f"ref {reference.label}: URL {item.url} {item.how}"
        for item in found
        if item.how and item.how != MENDED_BY_LINK
    )
    found = _distinct(found)
    if not found:
        linked = [u for u in reference.urls if u.lower().startswith(("http://", "https://"))]
        if linked:
            found = [FoundUrl(len(text), len(text), url) for url in _unique(linked)]
    mended = _mended(text, found)
    if not found:
        made = identifier_url(text)
        if made is not None:
            url, what = made
            attention.append(f"ref {reference.label}: URL {url} made from its {what}")
            document = _describe(text, url)
            return ReadReference(reference.label, one_line(text), (document,), tuple(attention))
        plain = one_line(text)
        attention.append(f"ref {reference.label}: no URL (kept as correspondence)")
        document = NamedDocument(None, plain, title=_short_title(plain), published=read_date(plain))
        return ReadReference(reference.label, plain, (document,), tuple(attention))
    documents = [_describe(text[begin:end], url) for begin, end, url in _slices(text, found)]
    if len(documents) > 1:
        named = len(documents)
        attention.append(f"ref {reference.label} names {named} documents")
    else:
        documents = [_with_text(documents[0], one_line(mended))]
    return ReadReference(reference.label, one_line(mended), tuple(documents), tuple(attention))


def _with_text(document: NamedDocument, text: str) -> NamedDocument:
    return NamedDocument(
        document.url,
        text,
        document.title,
        document.publisher,
        document.accessed,
        document.published,
        document.locator,
        document.quote,
        document.notes,
    )


def _distinct(found: list[FoundUrl]) -> list[FoundUrl]:
    """The URLs found, each address once (the first place it is printed)."""
    kept: list[FoundUrl] = []
    for item in found:
        if not any(same_url(item.url, other.url) for other in kept):
            kept.append(item)
    return kept


def _unique(urls: list[str]) -> list[str]:
    kept: list[str] = []
    for url in urls:
        if not any(same_url(url, other) for other in kept):
            kept.append(url)
    return kept


def _mended(text: str, found: list[FoundUrl]) -> str:
    """``text`` with each URL written whole where a line break had cut it."""
    parts: list[str] = []
    position = 0
    for item in found:
        if item.start >= position and item.end <= len(text) and item.end > item.start:
            parts.append(text[position : item.start])
            parts.append(
                item.url if "\n" in text[item.start : item.end] else text[item.start : item.end]
            )
            position = item.end
    parts.append(text[position:])
    return "".join(parts)


def _slices(text: str, found: list[FoundUrl]) -> list[tuple[int, int, str]]:
    """Each URL's slice of the text: from where the last ended to just past the URL and
    the access date printed after it; the last runs to the end of the text."""
    slices: list[tuple[int, int, str]] = []
    begin = 0
    for index, item in enumerate(found):
        end = item.end
        tail = re.match(r"\s*[.,;]?\s*", text[end:])
        after = end + (tail.end() if tail else 0)
        clause = _access_clause(text, after)
        if clause:
            end = clause
        closing = re.match(r"\s*[.;,]?", text[end:])
        end += closing.end() if closing else 0
        if index == len(found) - 1:
            end = len(text)
        slices.append((begin, max(end, item.end), item.url))
        begin = max(end, item.end)
    return slices


def _access_clause(text: str, at: int) -> int | None:
    """Where the access date printed at ``at`` ends ("[accessed 11 May 2021]"), a word of it
    perhaps broken across lines; None when none is printed there."""
    clause = ACCESSED.match(text, at)
    if clause:
        return clause.end()
    closing = {"[": "]", "(": ")"}.get(text[at : at + 1])
    if closing is None:
        return None
    end = text.find(closing, at, at + 80)
    if end < 0 or not ACCESSED.fullmatch(text[at : end + 1].replace("\n", "")):
        return None
    return end + 1


def _accessed(text: str) -> tuple[date | None, tuple[int, int] | None]:
    """The access date a slice gives, read again with its line breaks taken out when a
    word of it was broken across lines ("[acce\nssed ...]")."""
    found = accessed_date(text)
    if found[0] is None and "\n" in text:
        joined, _ = accessed_date(text.replace("\n", ""))
        return joined, None
    return found


def _describe(part: str, url: str | None) -> NamedDocument:
    """What one slice of a reference says about the document it names."""
    masked_urls = _mask_urls(part)
    accessed, clause = _accessed(masked_urls)
    reading = read_quotations(masked_urls)
    quote: str | None = None
    notes: list[str] = []
    quoted_titles: list[str] = []
    closed = [(q.start, q.end) for q in reading.quotations]
    for quotation in reading.quotations:
        words = one_line(part[quotation.start + 1 : quotation.end - 1])
        if _SAYS.search(masked_urls[max(0, quotation.start - 80) : quotation.start]):
            if quote is None and words:
                quote = words
            continue
        quoted_titles.append(words)
    locator, locator_notes = _locator(masked_urls, closed)
    notes.extend(locator_notes)
    before = masked_urls
    if clause:
        before = before[: clause[0]] + " " * (clause[1] - clause[0]) + before[clause[1] :]
    head = _head(before)
    title, publisher = _names(head)
    if title is None and quoted_titles:
        title = quoted_titles[0]
    notes.extend(f"names “{words}”" for words in quoted_titles if words and words != title)
    return NamedDocument(
        url,
        one_line(part),
        title=title,
        publisher=publisher,
        accessed=accessed,
        locator=locator,
        quote=quote,
        notes=tuple(notes),
    )


def _mask_urls(text: str) -> str:
    """``text`` with its URLs (and line breaks within them) blanked, same length."""
    masked = text
    for item in find_urls(text):
        masked = masked[: item.start] + " " * (item.end - item.start) + masked[item.end :]
    return masked


def _locator(text: str, quoted: list[tuple[int, int]]) -> tuple[str | None, list[str]]:
    """The place in the source the reference cites, as a locator the catalog reads (None
    when it gives none), and what it names that no locator can say (a chapter)."""
    found: dict[str, list[tuple[int, str]]] = {}
    taken: list[tuple[int, int]] = list(quoted)
    for kind, pattern in _LOCATORS:
        for match in pattern.finditer(text):
            if any(s <= match.start() < e for s, e in taken):
                continue
            taken.append(match.span())
            printed = one_line(match.group(0)).rstrip(",. ")
            found.setdefault(kind, []).append((match.start(), printed))
    notes = [f"cites {printed}" for _, printed in found.pop("chapter", [])]
    parts: list[str] = []
    for kind in _KIND_ORDER:
        for _, printed in sorted(found.get(kind, [])):
            if printed not in parts:
                parts.append(printed)
    if not parts:
        return None, notes
    locator = ", ".join(parts)
    try:
        Locator.parse(locator)
    except ValueError:
        return None, [*notes, f"cites {locator}"]
    return locator, notes


def cited_place(text: str) -> str | None:
    """The place a sentence says it cites ("on page 22", "p. 4") as a locator the catalog
    reads, or None; words inside quotations are not read."""
    reading = read_quotations(text)
    locator, _ = _locator(text, [(q.start, q.end) for q in reading.quotations])
    return locator


def _head(text: str) -> str:
    """The words before the URL that name the document: the lead-in ("see also") and the
    "Available from:" before the URL left off."""
    head = text
    end = len(head.rstrip())
    head = head[:end]
    available = _AVAILABLE.search(head)
    if available:
        head = head[: available.start()]
    stripped = one_line(head)
    return _LEAD_IN.sub("", stripped, count=1)


def _segments(text: str) -> list[str]:
    """``text`` cut at the full stops that end its parts, never inside a quotation or after
    an abbreviation or an initial."""
    reading = read_quotations(text)
    inside = [(q.start, q.end) for q in reading.quotations]
    segments: list[str] = []
    begin = 0
    for match in re.finditer(r"[.?!](?=\s|$)", text):
        at = match.start()
        if any(s < at < e - 1 for s, e in inside):
            continue
        if _ABBREVIATION.search(text[max(0, at - 8) : at + 1]):
            continue
        segments.append(text[begin : at + 1])
        begin = at + 1
    segments.append(text[begin:])
    cleaned = [one_line(s).rstrip(".").strip() for s in segments]
    return [s for s in cleaned if s]


def _names(head: str) -> tuple[str | None, str | None]:
    """The title and publisher the words before a URL give, when they give them."""
    author_year = _AUTHOR_YEAR.match(head)
    if author_year:
        segments = _segments(author_year.group("rest"))
        names = [s for s in segments if not _NOT_A_NAME.match(s)]
        title = _clean(names[0]) if names else None
        publisher = _clean(names[1]) if len(names) > 1 else None
        return title, publisher
    segments = _segments(head)
    if not segments:
        return None, None
    medium = next((i for i, s in enumerate(segments) if _MEDIUM.search(s)), None)
    candidates = [(i, s) for i, s in enumerate(segments) if not _NOT_A_NAME.match(_clean(s))]
    if not candidates:
        return None, None
    quoted = [i for i, s in candidates if unquoted(s) != s.strip() and i != medium]
    if medium is not None and medium > 0:
        before = [i for i, _ in candidates if i < medium]
        title_index = quoted[0] if quoted else (before[0] if before else medium)
        if title_index != medium:
            lead = candidates[0][0]
            if title_index == lead and _VANCOUVER_AUTHORS.match(segments[lead]) and before[1:]:
                title_index = before[1]
            return _clean(segments[title_index]), _publisher(segments[medium])
        return _clean(segments[medium]), None
    first = candidates[0][1]
    if medium == 0:
        return _split_title(first)
    if quoted:
        title_index = quoted[0]
    elif _VANCOUVER_AUTHORS.match(first) and len(candidates) > 1:
        title_index = candidates[1][0]
    else:
        title_index = candidates[0][0]
    rest = [s for i, s in candidates if i > title_index]
    publisher = _publisher(rest[0]) if rest and len(rest[0].split()) <= 8 else None
    title = _clean(segments[title_index]).rstrip(",").strip()
    return title or None, publisher


def _split_title(segment: str) -> tuple[str | None, str | None]:
    """ "Title, Publisher [Internet]": the two when the last comma leaves a short name."""
    cleaned = _clean(segment)
    title, comma, publisher = cleaned.rpartition(",")
    if comma and 0 < len(publisher.split()) <= 5 and len(title.split()) <= 12:
        return _clean(title), _clean(publisher)
    return cleaned or None, None


def _publisher(segment: str) -> str | None:
    """A publisher as printed, without the place before it or the year after it."""
    cleaned = _clean(segment)
    cleaned = re.sub(r";\s*(?:1[6-9]|2[0-9])[0-9]{2}\b.*$", "", cleaned)
    place = re.match(r"^[A-Z][A-Za-z .]{1,30}:\s+(?=\S)", cleaned)
    if place:
        cleaned = cleaned[place.end() :]
    return cleaned or None


def _clean(segment: str) -> str:
    """A name as printed: no "[Internet]", no place cited after it, its quotation marks
    off, on one line."""
    text = _MEDIUM.sub("", segment)
    text = re.sub(r",?\s*(?:pp?\.|pages?|slides?)\s*[0-9][0-9,\s–-]*$", "", text, flags=re.I)
    return unquoted(one_line(text).strip(" ,;:.")).strip(" ,;:")


def _short_title(text: str) -> str | None:
    """A title for a document with no URL: its reference's first sentence."""
    segments = _segments(text)
    return segments[0] if segments else None
