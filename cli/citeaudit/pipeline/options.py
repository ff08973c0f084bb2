"""What a run does beyond fetching, as the caller chooses it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from citeaudit.extract import ExtractLimits
from citeaudit.fetch import FetchOptions
from citeaudit.store import DEFAULT_LOCK_WAIT
from citeaudit.verify import Judging
from citeaudit.vocab import ArchivedMode
from citeaudit.webarchive import (
    MementoOptions,
    SaveOptions,
)

OnNote = Callable[[str], None]


@dataclass(frozen=True)
class AuditOptions:
    """What a run does beyond fetching: where it keeps evidence, whether it verifies.

    ``resume``: continue the latest run on the same sources file if it was interrupted
    (see :meth:`Store.resumable_run`), without fetching again what it already captured.
    ``lock_wait``: seconds to wait for another run on the same store to finish.
    ``archived``: which sources are looked up in public web archives (by default those
    whose live copy is not ok or redirected); ``memento``: which archives (None: the
    TimeGates in ``CITEAUDIT_TIMEGATE``, else the Wayback Machine's); ``save``: ask Save
    Page Now to capture every live source (None, the default: never).
    ``allow_outside_files``: read local files outside the sources file's folder too (never
    a device, pipe or system file); by default a received sources file cannot make a run
    archive, and so share, the user's other files.
    ``extract``: what reading one document may take (memory, time, text kept); each is
    read in a worker process within it, so a hostile document costs only its own source.
    ``judging``: whether evidence that quotes nothing is judged on its meaning, and with
    which model judge beside the built-in one.
    """

    fetch: FetchOptions = field(default_factory=FetchOptions)
    store_dir: Path | None = None
    verify: bool = True
    resume: bool = True
    lock_wait: float = DEFAULT_LOCK_WAIT
    archived: ArchivedMode = ArchivedMode.MISSING
    memento: MementoOptions | None = None
    save: SaveOptions | None = None
    allow_outside_files: bool = False
    extract: ExtractLimits = field(default_factory=ExtractLimits)
    judging: Judging = field(default_factory=Judging)
