"""What a run does beyond fetching: verifying, resuming and asking archives only when asked."""

from __future__ import annotations

from citeaudit.fetch import FetchOptions
from citeaudit.pipeline import AuditOptions
from citeaudit.vocab import ArchivedMode


def test_defaults_verify_resume_and_save_nothing() -> None:
    options = AuditOptions()
    assert options.verify and options.resume
    assert options.archived is ArchivedMode.MISSING  # archives only for sources that failed
    assert options.save is None  # Save Page Now is opt-in
    assert options.memento is None  # the TimeGates of the environment, else the Wayback's
    assert options.store_dir is None and options.fetch == FetchOptions()
