"""How much reading one document may take, and what is said when a document takes more.

A few bytes can unpack into gigabytes: a gzipped page of NUL bytes, a PDF content stream
that inflates without end, a .docx whose XML is a zip bomb. ``--max-bytes`` bounds what is
downloaded, not what a parser makes of it, so each document is read in a process of its
own within these limits (:mod:`citeaudit.extract.isolated`), and a document that needs
more is not searched, saying why, while the run goes on. The text kept of one document is
capped too: every later stage (the quote index, the full-text store) costs a multiple of it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from citeaudit.errors import UsageError

try:
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]
from citeaudit.extract.base import Extraction, Page

MIB = 1024 * 1024
#: Memory the process reading one document may use in all (its interpreter included,
#: about 60 MB, and 100 MB once the HTML readers are loaded).
DEFAULT_MEMORY = 512 * MIB
#: Processor seconds one document may take to read.
DEFAULT_CPU = 60.0
#: Seconds one document may take to read, waiting included: the process is then killed.
DEFAULT_TIMEOUT = 120.0
#: Characters of text kept of one document: a 2,400-page report has fewer than 10 million.
DEFAULT_TEXT = 16 * MIB
#: Below this, the reading process cannot even load its readers.
MIN_MEMORY = 128 * MIB

_NAMES = {"pdf": "PDF", "docx": ".docx", "html": "page", "text": "text file"}


@dataclass(frozen=True)
class ExtractLimits:
    """What reading one document may take: ``memory`` (bytes of address space for the
    process that reads it), ``cpu`` (processor seconds), ``timeout`` (seconds of wall
    clock, after which the process is killed), ``text`` (characters kept; the rest is not
    searched). ``isolated`` False reads in the calling process, without the first three."""

    memory: int = DEFAULT_MEMORY
    cpu: float = DEFAULT_CPU
    timeout: float = DEFAULT_TIMEOUT
    text: int = DEFAULT_TEXT
    isolated: bool = True

    def __post_init__(self) -> None:
        """Reject limits no document could be read within, before the run starts."""
        if self.memory < MIN_MEMORY:
            raise UsageError(
                f"the memory limit for reading a document must be at least {MIN_MEMORY // MIB} MiB"
            )
        if self.cpu <= 0 or self.timeout <= 0:
            raise UsageError("the time limits for reading a document must be positive")
        if self.text < 1:
            raise UsageError("the text kept of a document must be at least one character")


def kind_name(kind: str) -> str:
    """A document kind in words: 'PDF', '.docx', 'page', 'text file', 'document'."""
    return _NAMES.get(kind, "document")


def megabytes(size: int) -> str:
    """A memory limit in the unit it was given in: '512 MiB', '200 MB'."""
    if size % MIB == 0:
        return f"{size // MIB:,} MiB"
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000:,} MB"
    return f"{size / MIB:,.1f} MiB"


def unread(kind: str, why: str) -> Extraction:
    """A document that was not read, with no text and a note saying why in plain words:
    its evidence is judged ``no_text`` with that reason."""
    note = f"the {kind_name(kind)} could not be read {why}: not searched"
    return Extraction(kind=kind, pages=(), paged=kind == "pdf", note=note)


def describe(exc: BaseException) -> str:
    """An exception in a few plain words: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    first = " ".join(lines[0].split())[:200] if lines else ""
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def cut_text(extraction: Extraction, limit: int) -> Extraction:
    """The extraction with at most ``limit`` characters of page text (whole pages first,
    then the start of the page that crosses the limit), saying so in its note."""
    if sum(len(page.text) for page in extraction.pages) <= limit:
        return extraction
    pages: list[Page] = []
    left = limit
    for page in extraction.pages:
        if left <= 0:
            break
        if len(page.text) <= left:
            pages.append(page)
            left -= len(page.text)
            continue
        top, bottom = page.margins
        # A running footer is at the end of the page: what is left of it after the cut.
        footer = max(0, left - (len(page.text) - bottom))
        pages.append(replace(page, text=page.text[:left], margins=(min(top, left), footer)))
        left = 0
    last = len(pages) - 1
    ends = [len(page.text) for page in pages]

    def kept(index: int, offset: int) -> bool:
        return index < last or (index == last and offset < ends[last])

    said = f"only its first {limit:,} characters of text were kept and searched"
    return replace(
        extraction,
        pages=tuple(pages),
        headings=tuple(h for h in extraction.headings if kept(h.page, h.offset)),
        anchors=tuple(a for a in extraction.anchors if kept(a.page, a.offset)),
        note=f"{extraction.note}; {said}" if extraction.note else said,
    )


def cap_memory(limit: int) -> None:  # pragma: no cover - runs in a reading process
    """Cap this process's address space (where the kernel does not enforce that, its data
    segment) at ``limit`` bytes: called first thing in a process that reads a document."""
    if resource is None:
        return
    for name in ("RLIMIT_AS", "RLIMIT_DATA"):
        which = getattr(resource, name, None)
        if which is None:
            continue
        try:
            _, hard = resource.getrlimit(which)
            soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
            resource.setrlimit(which, (soft, hard))
            return
        except (ValueError, OSError):
            continue
