"""The plain data a sources file holds: document, sources, claims, evidence, locators.

These models are what :mod:`citeaudit.catalog.reader` builds from YAML and what every later stage
reads. They are frozen: a stage that needs to say more about a source returns new data
rather than changing the catalog.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Final, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


# ---------------------------------------------------------------------------------------------
# Locators: "p. 3", "pp. 7-8", "Slide 15", "Section 1, p. 5", "pp. 5, 7-8, 11-13, 18-20", "para 12"

LocatorKind = Literal["page", "slide", "section", "paragraph"]

_KIND_WORDS: dict[str, LocatorKind] = {
    "p": "page",
    "pp": "page",
    "page": "page",
    "pages": "page",
    "pg": "page",
    "pgs": "page",
    "slide": "slide",
    "slides": "slide",
    "section": "section",
    "sections": "section",
    "sec": "section",
    "s": "section",
    "§": "section",
    "§§": "section",
    "para": "paragraph",
    "paras": "paragraph",
    "paragraph": "paragraph",
    "paragraphs": "paragraph",
    "¶": "paragraph",
}
_PART = re.compile(r"^(?P<word>§§|§|¶|[A-Za-z]+)\.?\s*(?P<rest>.*)$")
MAX_NUMBER: Final = 100_000
"""The highest page, slide, paragraph or section number a locator may cite: no document has
more pages, and every number up to it fits every integer type used downstream."""

_RANGE = re.compile(
    r"^(?P<first>[0-9]+|[ivxlcdm]+)(?:\s*[-‐-―−]\s*(?P<last>[0-9]+|[ivxlcdm]+))?$", re.IGNORECASE
)


class Span(_Frozen):
    """An inclusive run of pages, slides or paragraphs, by the label printed on them.

    Labels are usually numbers ("7"), sometimes roman numerals for front matter ("iv").
    """

    first: str
    last: str

    @field_validator("first", "last")
    @classmethod
    def _within_a_document(cls, label: str) -> str:
        check_number("number", label)
        return label

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}-{self.last}"

    def contains(self, label: str) -> bool:
        """Whether ``label`` (as printed on a page, which may be anything) falls in this span:
        numerically when all three are numbers a document can have."""
        first, last, number = _number(self.first), _number(self.last), _number(label)
        if first is not None and last is not None and number is not None:
            return first <= number <= last
        return label.lower() in (self.first.lower(), self.last.lower())

    def numbers(self) -> range | None:
        """The span as a range of numbers, or None when a label is not a number."""
        first, last = _number(self.first), _number(self.last)
        if first is not None and last is not None:
            return range(first, last + 1)
        return None


def _number(label: str) -> int | None:
    """The number a label is, when it is one a document can have (up to MAX_NUMBER)."""
    if not (label.isascii() and label.isdigit()):
        return None
    digits = label.lstrip("0")
    if len(digits) > len(str(MAX_NUMBER)):  # int() of thousands of digits is refused
        return None
    number = int(digits or "0")
    return number if number <= MAX_NUMBER else None


def check_number(kind: str, label: str) -> None:
    """Raise ValueError when ``label`` is a number (ASCII digits) beyond any document."""
    if label.isascii() and label.isdigit() and _number(label) is None:
        shown = label if len(label) <= 30 else label[:27] + "..."
        raise ValueError(f"{kind} {shown} is beyond any document: check the locator")


class Locator(_Frozen):
    """Where in a source a passage is cited: kept as printed and parsed into structure."""

    text: str
    pages: tuple[Span, ...] = ()
    slides: tuple[Span, ...] = ()
    sections: tuple[str, ...] = ()
    paragraphs: tuple[Span, ...] = ()

    def __str__(self) -> str:
        return self.text

    @model_validator(mode="after")
    def _within_a_document(self) -> Locator:
        _check_total(self.text, (*self.pages, *self.slides, *self.paragraphs))
        return self

    @classmethod
    def parse(cls, text: str) -> Locator:
        """Parse a printed locator; raises ValueError saying what could not be read."""
        printed = " ".join(str(text).split())
        if not printed:
            raise ValueError("locator is empty")
        found: dict[LocatorKind, list[Span]] = {"page": [], "slide": [], "paragraph": []}
        sections: list[str] = []
        kind: LocatorKind | None = None
        for raw in re.split(r"[,;]", printed):
            part = raw.strip()
            if not part:
                raise ValueError(f"locator {printed!r} has an empty part")
            value = part
            match = _PART.match(part)
            if match and match.group("word").lower() in _KIND_WORDS:
                kind = _KIND_WORDS[match.group("word").lower()]
                value = match.group("rest").strip()
                if not value:
                    raise ValueError(f"locator {printed!r}: {part!r} names no number")
            elif kind is None:
                raise ValueError(
                    f"cannot read locator {printed!r}: start with p., pp., slide, section or "
                    "para (for example 'p. 3', 'pp. 7-8', 'Slide 15', 'Section 1, p. 5')"
                )
            if kind == "section":
                if re.fullmatch(r"[0-9]+(?:\.[0-9]+)*", value):
                    for number in value.split("."):
                        check_number("section", number)
                sections.append(value)
                continue
            span = _RANGE.match(value)
            if span is None:
                raise ValueError(
                    f"cannot read locator {printed!r}: {value!r} is not a number or range"
                )
            first, last = span.group("first"), span.group("last") or span.group("first")
            check_number(kind, first)
            check_number(kind, last)
            low, high = _number(first), _number(last)
            if low is not None and high is not None and high < low:
                raise ValueError(f"locator {printed!r}: range {value!r} runs backwards")
            found[kind].append(Span(first=first, last=last))
        _check_total(printed, [span for spans in found.values() for span in spans])
        return cls(
            text=printed,
            pages=tuple(found["page"]),
            slides=tuple(found["slide"]),
            sections=tuple(sections),
            paragraphs=tuple(found["paragraph"]),
        )


def _check_total(printed: str, spans: Sequence[Span]) -> None:
    """Raise ValueError when ``spans`` together cite more than a document can have: what
    they cite is listed, page by page, when a passage's place is checked."""
    cited = sum(len(r) if (r := span.numbers()) is not None else 1 for span in spans)
    if cited > MAX_NUMBER:
        shown = printed if len(printed) <= 40 else printed[:37] + "..."
        raise ValueError(
            f"locator {shown!r} cites {cited:,} pages, slides or paragraphs in all, more than "
            "any document has: check the locator"
        )


# ---------------------------------------------------------------------------------------------
# The catalog


_SPACE = re.compile(r"\s")  # the characters str.isspace() calls white space, no more
# The shape of nearly every URL cited, all of which urlsplit accepts: a file may cite
# thousands, and this is a fifth of the cost of taking each apart to see that it is fine.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::(?P<port>[0-9]{1,5}))?(?:[/?#][!-~]*)?")


def check_url(value: str) -> str:
    """Accept an absolute http(s) URL exactly as printed; raise ValueError otherwise."""
    plain = _PLAIN_URL.fullmatch(value)
    if plain and int(plain.group("port") or 0) <= 65535:
        return value
    if _SPACE.search(value):
        raise ValueError(f"URL {value!r} contains white space")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"URL {value!r} is malformed: {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"URL {value!r} must start with http:// or https://")
    if not parts.hostname:
        raise ValueError(f"URL {value!r} has no host name")
    return value


class Document(_Frozen):
    """The document whose claims are audited."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    url: str | None = None
    #: The document (a path or URL) this file was drafted from by ``citeaudit draft``:
    #: its claims are a machine's reading, for a person to check.
    drafted_from: str | None = None

    _url = field_validator("url")(lambda cls, v: v if v is None else check_url(v))


class Source(_Frozen):
    """A document cited as evidence: a web page, a download, a local file, or a letter."""

    id: Annotated[str, Field(pattern=SLUG)]
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    file: str | None = None
    accessed: date | None = None
    published: date | None = None
    kind: str | None = None
    note: str | None = None

    _url = field_validator("url")(lambda cls, v: v if v is None else check_url(v))

    @model_validator(mode="after")
    def _one_location(self) -> Source:
        if self.url and self.file:
            raise ValueError("give a source either a url or a file, not both")
        return self

    @property
    def has_copy(self) -> bool:
        """Whether there is anything to fetch or read (correspondence often has none)."""
        return bool(self.url or self.file)


class Evidence(_Frozen):
    """One source cited for one claim: where in it, and the passage quoted, if any."""

    source: Annotated[str, Field(pattern=SLUG)]
    ref: int | str | None = None
    locator: Locator | None = None
    quote: str | None = None
    note: str | None = None

    @field_validator("locator", mode="before")
    @classmethod
    def _parse_locator(cls, value: object) -> object:
        if isinstance(value, str | int):
            return Locator.parse(str(value))
        return value

    @field_validator("quote")
    @classmethod
    def _quote_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("quote is empty; leave it out when the claim quotes nothing")
        return value


class Claim(_Frozen):
    """A statement in the document and the evidence it rests on."""

    id: Annotated[str, Field(pattern=SLUG)]
    text: str
    evidence: tuple[Evidence, ...] = Field(min_length=1)


class Catalog(_Frozen):
    """A whole sources file."""

    document: Document | None = None
    sources: tuple[Source, ...] = ()
    claims: tuple[Claim, ...] = ()

    def source(self, source_id: str) -> Source:
        """The source with this id (the catalog guarantees ids are unique and resolve)."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)
