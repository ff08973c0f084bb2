"""Runs and their WARC files: when each run began and ended, which one to resume, and which
WARC files are complete or were repaired after a run was killed.

A run without ``finished`` was interrupted; the next run of the same command on the very
same sources file resumes it within :data:`RESUME_WINDOW`. A WARC file is recorded as being
written until it is closed, so the next run knows which files to check for a cut-off end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from citeaudit import __version__
from citeaudit.archive import utc
from citeaudit.errors import StoreError
from citeaudit.store.connection import StoreConnection, parse_time, time_text

#: An interrupted run started longer ago than this is not resumed: a new run starts.
RESUME_WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class KeptRun:
    """A run whose report is kept in the store: what ``citeaudit report --run`` can render."""

    id: str
    started: datetime
    command: str
    sources_file: str
    finished: datetime | None


class RunRecords(StoreConnection):
    """The store's runs and WARC files."""

    def begin_run(
        self,
        run_id: str,
        started: datetime,
        sources_file: Path | str,
        sources_sha256: str,
        command: str = "audit",
    ) -> None:
        """Record that a run started, before anything it finds is recorded."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO runs (id, started, sources_file, sources_sha256, tool_version,"
                " command) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    time_text(started),
                    str(sources_file),
                    sources_sha256,
                    __version__,
                    command,
                ),
            )

    def resumable_run(
        self,
        command: str,
        sources_sha256: str,
        now: datetime,
        window: timedelta = RESUME_WINDOW,
    ) -> str | None:
        """The run to resume: the latest run of ``command`` on this very sources file, if it
        was interrupted (never finished) and started within ``window`` of ``now``."""
        with self._errors():
            row = self._db.execute(
                "SELECT id, started, finished FROM runs WHERE command = ? AND sources_sha256 = ?"
                " ORDER BY started DESC, id DESC LIMIT 1",
                (command, sources_sha256),
            ).fetchone()
        if row is None or row[2] is not None:
            return None
        if parse_time(str(row[1])) < utc(now) - window:
            return None
        return str(row[0])

    def kept_runs(self) -> list[KeptRun]:
        """The runs whose report is kept in the store, oldest first."""
        with self._errors():
            rows = self._db.execute(
                "SELECT runs.id, runs.started, runs.command, runs.sources_file, runs.finished"
                " FROM reports JOIN runs ON runs.id = reports.run_id"
                " ORDER BY runs.started, runs.id"
            ).fetchall()
        return [
            KeptRun(
                id=str(run_id),
                started=parse_time(str(started)),
                command=str(command),
                sources_file=str(sources_file),
                finished=None if finished is None else parse_time(str(finished)),
            )
            for run_id, started, command, sources_file, finished in rows
        ]

    def mark_resumed(self, run_id: str) -> int:
        """Count one more resumption of an interrupted run; how many there have been."""
        with self._transaction():
            self._db.execute("UPDATE runs SET resumed = resumed + 1 WHERE id = ?", (run_id,))
            row = self._db.execute("SELECT resumed FROM runs WHERE id = ?", (run_id,)).fetchone()
        return int(row[0]) if row else 0

    def run_started(self, run_id: str) -> datetime:
        """When a run began."""
        with self._errors():
            row = self._db.execute("SELECT started FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise StoreError(f"no run {run_id} in the store at {self.dir}")
        return parse_time(str(row[0]))

    def sources_sha256(self, run_id: str) -> str | None:
        """The SHA-256 of the sources file as run ``run_id`` read it (None for no such run):
        for reports kept before the report itself recorded it."""
        with self._errors():
            row = self._db.execute(
                "SELECT sources_sha256 FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def finish_run(self, run_id: str, finished: datetime, network: str) -> None:
        """Record that a run ended; a run without ``finished`` was interrupted."""
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET finished = ?, network = ? WHERE id = ?",
                (time_text(finished), str(network), run_id),
            )

    def record_warc_opened(self, name: str, run_id: str, opened: datetime) -> None:
        """Record that a WARC file is being written (until :meth:`record_warc_closed`)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO warc_files (name, run_id, opened) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET closed = NULL, bytes = NULL",
                (name, run_id, time_text(opened)),
            )

    def record_warc_closed(self, name: str, closed: datetime, size: int) -> None:
        """Record that a WARC file is complete: closed, or checked after its run was killed."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO warc_files (name, opened, closed, bytes) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET closed = excluded.closed,"
                " bytes = excluded.bytes",
                (name, time_text(closed), time_text(closed), size),
            )

    def closed_warcs(self) -> dict[str, int]:
        """The WARC files known to be complete, with their size when last checked."""
        with self._errors():
            rows = self._db.execute(
                "SELECT name, bytes FROM warc_files WHERE closed IS NOT NULL"
            ).fetchall()
        return {str(name): int(size or 0) for name, size in rows}

    def record_repair(
        self, warc: str, repaired: datetime, kept: int, cut: int, moved_to: str | None
    ) -> None:
        """Record that the unfinished end of a WARC file was cut off (and kept aside)."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO warc_repairs (warc, repaired, kept_bytes, cut_bytes, moved_to)"
                " VALUES (?, ?, ?, ?, ?)",
                (warc, time_text(repaired), kept, cut, moved_to),
            )
