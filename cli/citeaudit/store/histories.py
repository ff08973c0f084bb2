"""What the store remembers of each source: every capture and status, and when it broke.

A source that answers today may be gone next month; the store keeps every run's fetch, so
the history shows when a link first failed (the start of its current run of failures) and
when it last answered, which is what a reader of an old document needs to know.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from citeaudit.errors import UsageError
from citeaudit.net import shown_url, strip_fragment
from citeaudit.store.captures import Capture
from citeaudit.store.database import Store


@dataclass(frozen=True)
class SourceHistory:
    """Every capture of one source, oldest first."""

    source_id: str
    captures: tuple[Capture, ...]

    @property
    def url(self) -> str:
        """The URL as cited most recently."""
        return self.captures[-1].url

    @property
    def latest(self) -> Capture:
        return self.captures[-1]

    @property
    def last_answered(self) -> Capture | None:
        """The most recent capture in which the source answered."""
        return next((c for c in reversed(self.captures) if c.answered), None)

    @property
    def first_failed(self) -> Capture | None:
        """When the current run of failures began; None if the latest look did not fail."""
        first: Capture | None = None
        for capture in reversed(self.captures):
            if not capture.failed:
                break
            first = capture
        return first

    @property
    def ever_failed(self) -> Capture | None:
        """The first failure ever recorded, even if the source answered again since."""
        return next((c for c in self.captures if c.failed), None)

    @property
    def copies(self) -> int:
        """How many captures kept a copy (new or unchanged)."""
        return sum(1 for c in self.captures if c.record_type is not None)


def all_histories(store_dir: Path) -> list[SourceHistory]:
    """Every source the store has seen, each with its captures, in order of source id."""
    with Store.read(store_dir) as store:
        return source_histories(store)


def source_histories(store: Store) -> list[SourceHistory]:
    """:func:`all_histories` of a store already open (a run keeping its report)."""
    by_source: dict[str, list[Capture]] = {}
    for capture in store.captures():
        by_source.setdefault(capture.source_id, []).append(capture)
    return [SourceHistory(sid, tuple(caps)) for sid, caps in sorted(by_source.items())]


def history(store_dir: Path, key: str) -> list[SourceHistory]:
    """The history of the source with id ``key``, or of every source cited at URL ``key``
    (as cited, or where its redirects ended; a #fragment is ignored)."""
    everything = all_histories(store_dir)
    exact = [h for h in everything if h.source_id == key]
    if exact:
        return exact
    wanted = strip_fragment(shown_url(key))  # the store keeps URLs without credentials
    found = [
        h
        for h in everything
        if any(
            strip_fragment(c.url) == wanted
            or (c.final_url and strip_fragment(c.final_url) == wanted)
            for c in h.captures
        )
    ]
    if not found:
        raise UsageError(
            f"no source with the id or URL {key!r} in the store at {store_dir}",
            hint="run 'citeaudit history' with no argument to list every source in the store",
        )
    return found
