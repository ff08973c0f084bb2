"""A document's citations drafted into a sources file: a source per document cited, a claim
per cited sentence, each marker's evidence with its locator and quote, and a comment above
every entry a person must check.

The draft is a start, not a verdict: what it cannot tell (a reference with no URL, a quote
it cannot place, a marker with no reference) it says where it stands and in ``attention``,
and the file it writes always validates, so the next step is reading it, not fixing it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from citeaudit.draft.model import DocumentText
from citeaudit.draft.printed_urls import host, same_url
from citeaudit.draft.references import NamedDocument, ReadReference, one_line, read_reference
from citeaudit.draft.sentences import Citation, CitedClaim, read_body
from citeaudit.draft.yamlout import Entry, Scalar, YamlFile
from citeaudit.errors import DocumentError

_WHAT_WAS_LOOKED_FOR = (
    "no numbered markers with a reference list (References, Notes, Sources, Endnotes, "
    "Bibliography), no footnotes and no links in the body"
)
_ID_WORDS = 6
_CLAIM_ID_WORDS = 5
_NOTE_LIMIT = 2000
_STOP_WORDS = frozenset(
    "a an the and or but of in on at to for from by with as is are was were be been being "
    "has have had it its this that these those there their which who whom whose what when "
    "where while whilst however therefore furthermore additionally subsequently also "
    "firstly secondly i we our you he she they".split()
)
# Hosts whose documents are legislation: the one kind told from the address alone.
_LEGISLATION_HOSTS = ("legislation.gov.uk", "eur-lex.europa.eu")


@dataclass(frozen=True)
class Draft:
    """A drafted sources file and what it holds: ``text`` is the file (YAML that the
    catalog accepts); ``attention`` every place that needs a person's eye, one per line."""

    text: str
    references: int
    sources: int
    claims: int
    quotes: int
    attention: tuple[str, ...]
    links: int = 0  # links in the body that cite (each a citation of its sentence)
    digest: str = ""  # SHA-256 of the document's bytes, when they were read (a file, a page)


@dataclass
class _Source:
    """A source being gathered: the document, the references naming it, its id."""

    document: NamedDocument
    labels: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    ident: str = ""
    linked_as: str | None = None


def _joined(notes: list[str]) -> str:
    """Notes as one line: each after the first begins a new clause, without doubling the
    full stop or semicolon the one before ends with."""
    return "; ".join(
        note.rstrip(" .;") if i < len(notes) - 1 else note for i, note in enumerate(notes)
    )


def draft_sources(document: DocumentText, *, origin: str) -> Draft:
    """Draft the sources file of ``document`` (named ``origin``, a path or URL); raise
    DocumentError when it cites nothing this can read."""
    body = read_body(document)
    links = [c for claim in body.claims for c in claim.citations if c.url is not None]
    if not document.references and not links:
        raise DocumentError(f"{origin}: found {_WHAT_WAS_LOOKED_FOR}")
    attention: list[str] = list(document.notes)
    read: dict[str, ReadReference] = {}
    sources: list[_Source] = []
    for reference in document.references:
        if reference.label in read:
            attention.append(f"ref {reference.label} is listed twice; the first is used")
            continue
        reading = read_reference(reference)
        read[reference.label] = reading
        attention.extend(reading.attention)
        for named in reading.documents:
            _gather(sources, named, reading, len(reading.documents))
    for citation in links:
        _gather_link(sources, citation)
    _name_sources(sources)
    attention.extend(body.attention)
    cited = {c.label for claim in body.claims for c in claim.citations if c.label is not None}
    claims, quotes, claim_notes = _claims(body.claims, read, sources)
    attention.extend(claim_notes)
    attention.extend(f"ref {label} is never cited" for label in read if label not in cited)
    out = YamlFile()
    out.mapping("document", _document_fields(document, origin))
    out.entries("sources", [_source_entry(s) for s in sources])
    out.entries("claims", claims)
    kept = sum(1 for c in claims if not c.out)
    out.header = _header(origin, len(document.references), len(sources), kept, quotes, attention)
    return Draft(
        out.text(),
        len(document.references),
        len(sources),
        kept,
        quotes,
        tuple(attention),
        links=len(links),
    )


def _header(
    origin: str, references: int, sources: int, claims: int, quotes: int, attention: list[str]
) -> list[str]:
    lines = [
        f"Drafted by citeaudit draft from {origin}.",
        "A draft: check every title, locator and quote against the document before use.",
        f"{references} references, {sources} sources, {claims} claims, {quotes} quotes.",
    ]
    if attention:
        lines += ["", "To check:"]
        lines += [f"- {line}" for line in attention]
    return lines


def _document_fields(document: DocumentText, origin: str) -> list[tuple[str, Scalar | None]]:
    title = document.title
    if not title:
        heading = next((b for b in document.blocks if b.kind == "heading"), None)
        first = heading or (document.blocks[0] if document.blocks else None)
        title = first.text.splitlines()[0] if first and first.text.strip() else None
    url = origin if origin.lower().startswith(("http://", "https://")) else document.base_url
    if url and not re.fullmatch(r"https?://\S+", url):
        url = None
    return [
        ("title", one_line(title) if title else None),
        ("url", url),
        ("drafted_from", origin),
    ]


def _gather(sources: list[_Source], named: NamedDocument, reading: ReadReference, of: int) -> None:
    """Add one document a reference names: one source per URL (or per reference text when
    it has none), whichever reference named it first."""
    for source in sources:
        if named.url is not None and source.document.url is not None:
            if same_url(named.url, source.document.url):
                break
        elif named.url is None and source.document.url is None:
            if one_line(source.document.text).lower() == one_line(named.text).lower():
                break
    else:
        source = _Source(named)
        sources.append(source)
        if named.url is None:
            source.comments.append(f"ref {reading.label}: no URL (kept as correspondence)")
    if reading.label not in source.labels:
        source.labels.append(reading.label)
        text = reading.text if of == 1 else named.text
        source.texts.append(text)
        if of > 1:
            source.comments.append(f"ref {reading.label} names {of} documents; this is one")


def _link_title(words: str | None) -> str | None:
    """What a link's own words call the page, as its title: not a bare address, a
    quotation, a "here" or a number."""
    if not words or len(words) < 4 or "://" in words or words.startswith("www."):
        return None
    if words[0] in "“\"‘'" or words.lower() in ("here", "this", "link", "source", "report"):
        return None
    if not any(c.isalpha() for c in words):
        return None
    first, _, rest = words.partition(" ")
    if first.lower() in ("the", "a", "an") and rest:
        words = rest  # "the cabinet's budget report": "Cabinet's budget report"
    return words[:1].upper() + words[1:]


def _gather_link(sources: list[_Source], citation: Citation) -> None:
    url = citation.url or ""
    if any(s.document.url and same_url(s.document.url, url) for s in sources):
        return
    source = _Source(NamedDocument(url, "", title=_link_title(citation.text)), linked_as=url)
    source.comments.append("linked from the body; no reference names it")
    sources.append(source)


def _slug(text: str, words: int) -> str:
    """Lower-case ASCII words joined by hyphens, at most ``words``, no small word last."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())[:words]
    while len(parts) > 1 and parts[-1] in _STOP_WORDS:
        parts.pop()
    return "-".join(parts)


def _unique(base: str, taken: set[str]) -> str:
    ident, number = base, 1
    while ident in taken:
        number += 1
        ident = f"{base}-{number}"
    taken.add(ident)
    return ident


def _name_sources(sources: Sequence[_Source]) -> None:
    """Give each source a readable id: from its title, else its host and file name."""
    taken: set[str] = set()
    for source in sources:
        document = source.document
        base = _slug(document.title or "", _ID_WORDS)
        if not base and document.url:
            path = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", document.url.split("?")[0].rstrip("/"))
            last = path.rsplit("/", 1)[-1] if path.count("/") > 2 else ""
            base = _slug(f"{host(document.url).split('.')[0]} {last}", _ID_WORDS)
        source.ident = _unique(base or "correspondence", taken)


def _source_entry(source: _Source) -> Entry:
    document = source.document
    kind: str | None = None
    if document.url is None:
        kind = "correspondence"
    elif host(document.url).endswith(_LEGISLATION_HOSTS):
        kind = "legislation"
    note = _source_note(source)
    fields: list[tuple[str, Scalar | list[Entry] | None]] = [
        ("id", source.ident),
        ("title", document.title),
        ("publisher", document.publisher),
        ("published", document.published),
        ("url", document.url),
        ("accessed", document.accessed),
        ("kind", kind),
        ("note", note),
    ]
    return Entry(fields, comments=list(dict.fromkeys(source.comments)))


def _source_note(source: _Source) -> str | None:
    if not source.labels:
        return None
    label = source.labels[0]
    text = source.texts[0]
    prefix = f"ref {label}: " if text else ""
    note = prefix + text
    others = source.labels[1:]
    if others:
        note += f" (also {_refs(others)})"
    return _short(note) if note else None


def _refs(labels: Sequence[str]) -> str:
    if len(labels) == 1:
        return f"ref {labels[0]}"
    return "refs " + ", ".join(labels[:-1]) + f" and {labels[-1]}"


def _short(text: str) -> str:
    return text if len(text) <= _NOTE_LIMIT else text[: _NOTE_LIMIT - 1].rstrip() + "…"


def _claims(
    claims: Sequence[CitedClaim], read: dict[str, ReadReference], sources: Sequence[_Source]
) -> tuple[list[Entry], int, list[str]]:
    """The claims as entries, how many quotes they hold, and what needs checking."""
    entries: list[Entry] = []
    attention: list[str] = []
    taken: set[str] = set()
    quotes = 0
    for claim in claims:
        evidence: list[Entry] = []
        comments: list[str] = []
        for citation in claim.citations:
            if citation.label is not None and citation.label not in read:
                line = f"marker [{citation.label}] has no reference"
                attention.append(line)
                comments.append(f"{line}: left out of the evidence")
                continue
            for entry in _evidence(citation, read, sources):
                quotes += 1 if any(k == "quote" and v for k, v in entry.fields) else 0
                evidence.append(entry)
        ident = _unique(_claim_slug(claim.text), taken)
        entry = Entry([("id", ident), ("text", claim.text), ("evidence", evidence)], comments)
        if not evidence:
            entry.out = True
            entry.comments.append("no evidence left: this claim is left out until it has some")
        entries.append(entry)
    return entries, quotes, attention


def _claim_slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", _slug(text, 10_000).replace("-", " "))
    content = [w for w in words if w not in _STOP_WORDS]
    return "-".join((content or words)[:_CLAIM_ID_WORDS]) or "claim"


def _evidence(
    citation: Citation, read: dict[str, ReadReference], sources: Sequence[_Source]
) -> list[Entry]:
    """One evidence entry per document the citation's reference names."""
    if citation.label is None:
        source = next(
            s for s in sources if s.document.url and same_url(s.document.url, citation.url or "")
        )
        fields: list[tuple[str, Scalar | list[Entry] | None]] = [
            ("source", source.ident),
            ("locator", citation.locator),
            ("quote", citation.quote),
            ("note", citation.note),
        ]
        return [Entry(fields)]
    reading = read[citation.label]
    several = len(reading.documents) > 1
    entries: list[Entry] = []
    for number, named in enumerate(reading.documents, start=1):
        source = _source_of(named, sources)
        notes: list[str] = []
        if several:
            notes.append(named.text)
        notes.extend(named.notes)
        quote = citation.quote
        if named.quote:
            if quote and quote != named.quote:
                notes.append(f"the sentence quotes “{quote}”")
            quote = named.quote
        if citation.note:
            notes.append(citation.note)
        fields = [
            ("source", source.ident),
            ("ref", _ref(citation.label)),
            ("locator", named.locator),
            ("quote", quote),
            ("note", _short(_joined(notes)) if notes else None),
        ]
        comments = (
            [f"ref {citation.label}, document {number} of {len(reading.documents)}"]
            if several
            else []
        )
        if citation.note and "could" not in citation.note and "unclear" in citation.note:
            comments.append(citation.note)
        entries.append(Entry(fields, comments))
    return entries


def _source_of(named: NamedDocument, sources: Sequence[_Source]) -> _Source:
    for source in sources:
        if named.url is not None and source.document.url is not None:
            if same_url(named.url, source.document.url):
                return source
        elif named.url is None and source.document.url is None:
            if one_line(source.document.text).lower() == one_line(named.text).lower():
                return source
    raise LookupError(named.url or named.text)


def _ref(label: str) -> int | str:
    return int(label) if label.isascii() and label.isdigit() and len(label) < 10 else label
