"""A document, named by path or URL, drafted into a sources file: the one way in for both
``citeaudit draft`` and ``citeaudit audit DOCUMENT``.

A URL is fetched with the link engine, so a page that is blocked, gone or a soft 404 is
refused with the status and reason every other command gives it.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from citeaudit.draft.compose import Draft, draft_sources
from citeaudit.draft.isolation import read_isolated
from citeaudit.errors import DocumentError
from citeaudit.extract import ExtractLimits, detect_kind
from citeaudit.fetch import FetchOptions, fetch_all_sync

#: The names a sources file goes by; anything else given to ``audit`` is a document.
SOURCES_SUFFIXES = frozenset({".yaml", ".yml"})
#: The names of the documents ``draft`` reads (it recognises each by its content too).
DOCUMENT_SUFFIXES = frozenset(
    {".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".pdf"}
)
#: The largest document read: a statement or report, not an archive.
MAX_DOCUMENT_BYTES = 50 * 2**20


def is_url(name: str) -> bool:
    """Whether a command-line argument names a web page rather than a file."""
    return name.lower().startswith(("http://", "https://"))


def is_document(name: str) -> bool:
    """Whether ``audit``/``check`` were given a document to draft rather than a sources
    file: a URL, or a file not named .yaml/.yml whose name or first bytes say it is a
    document (PDF, .docx, HTML, text or Markdown)."""
    if is_url(name):
        return True
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix in SOURCES_SUFFIXES:
        return False
    if suffix in DOCUMENT_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    # any zip is taken for a document: one that is not a .docx is then refused as such
    return detect_kind(head, None) in ("pdf", "html") or head.startswith(b"PK\x03\x04")


def draft_file(path: Path, limits: ExtractLimits | None = None) -> Draft:
    """Draft the document at ``path``, read in a process of its own within ``limits``;
    DocumentError when it cannot be read as one."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise DocumentError(
                f"{path} is not a file", hint="give a document: .txt, .md, .html, .docx or .pdf"
            )
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{path} is {_size(size)}: larger than any statement or report "
                f"citeaudit drafts ({_size(MAX_DOCUMENT_BYTES)})",
                hint="split the document, or write its sources file by hand",
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError(
            f"{path} does not exist", hint="check the path (relative to the current folder)"
        ) from None
    except OSError as exc:
        raise DocumentError(f"{path} cannot be read: {exc.strerror or exc}") from None
    drafted = draft_sources(read_isolated(data, path.name, limits=limits), origin=str(path))
    return replace(drafted, digest=hashlib.sha256(data).hexdigest())


def _size(count: int) -> str:
    """A byte count as people read it: '500 KiB', '100 MiB'."""
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


def draft_url(
    url: str, options: FetchOptions | None = None, limits: ExtractLimits | None = None
) -> Draft:
    """Fetch the page at ``url`` with the link engine and draft it (read within
    ``limits``); DocumentError when it did not answer with the page (saying what it
    answered, as ``check`` would)."""
    options = options or FetchOptions()
    result = fetch_all_sync([url], options)[url]
    if not result.status.alive or not result.content:
        raise DocumentError(
            f"{url} did not answer with the document: {result.status} ({result.reason})",
            hint="check the URL in a browser; or save the page and give the file instead",
        )
    if result.truncated:
        raise DocumentError(
            f"{url} is larger than {_size(options.max_bytes)} (--max-bytes)",
            hint="save the document and give the file instead",
        )
    final = result.final_url or url
    name = final.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None
    document = read_isolated(
        result.content, name, content_type=result.content_type, base_url=final, limits=limits
    )
    drafted = draft_sources(document, origin=url)
    return replace(drafted, digest=hashlib.sha256(result.content).hexdigest())
