"""The one exception hierarchy.

Every error a user can cause or meet derives from :class:`CiteauditError`. The CLI catches
it once, at the top, prints ``message`` (and ``hint`` when there is one) and exits with
``exit_code``; no traceback reaches the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class CiteauditError(Exception):
    """Base of every error citeaudit reports to a user."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CiteauditError):
    """A command was called with options that cannot work together."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class CatalogError(CiteauditError):
    """A sources file could not be read or is not valid; carries every problem found."""

    def __init__(self, problems: Sequence[Problem], *, hint: str | None = None) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} {noun} found; nothing was checked or written.")
        super().__init__("\n".join(lines), hint=hint)


class StoreError(CiteauditError):
    """The evidence store cannot be opened or written (busy, unreadable, no space)."""


class ModelError(CiteauditError):
    """A model judge cannot be had: its folder lacks a file, its ONNX file does not load or
    does not fit, it cannot be downloaded (offline, or the hub out of reach), or the optional
    runtime is not installed. The caller says so once and judges without it."""


class DamagedRecord(StoreError):
    """A WARC record the store points at is not as it was written: its bytes do not decode,
    a digest does not match, or it is not there. Reported as damage so a run can skip the
    copy and say so, rather than take it for a copy that never existed."""

    def __init__(
        self,
        warc: str,
        offset: int,
        problem: str,
        *,
        record_id: str | None = None,
        hint: str | None = "run 'citeaudit verify-store' to check every record of the store",
    ) -> None:
        self.warc = warc
        self.offset = offset
        self.problem = problem
        self.record_id = record_id
        what = f"the WARC record {record_id}" if record_id else "the WARC record"
        super().__init__(f"{what} at offset {offset} of {warc} is damaged: {problem}", hint=hint)


class DocumentError(CiteauditError):
    """A document given to draft from cannot be read: not a document at all (an image, a
    zip that is no .docx), encrypted, a scan with no text, damaged, or too large."""
