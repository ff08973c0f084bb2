"""One writer per store at a time, for the whole of a run.

SQLite serialises single writes, but two runs that interleave their fetches, WARC files and
resumptions would leave a confusing store. A run therefore holds an exclusive ``flock`` on
``<store>/lock`` from start to finish. The kernel releases it when the process ends however
it ends (even SIGKILL), so a killed run never leaves a stale lock behind. A second run waits
up to a few seconds, then says which process holds the store.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from citeaudit.errors import StoreError

LOCK_NAME = "lock"
#: How long a run waits for another run on the same store to finish, by default (seconds).
DEFAULT_LOCK_WAIT = 5.0
_POLL = 0.05


class StoreLock:
    """Hold ``<store>/lock`` exclusively; use as a context manager."""

    def __init__(self, store_dir: Path, command: str, *, wait: float = DEFAULT_LOCK_WAIT) -> None:
        self.store_dir = Path(store_dir)
        self.path = self.store_dir / LOCK_NAME
        self.command = command
        self.wait = max(0.0, wait)
        self._fd: int | None = None

    def __enter__(self) -> StoreLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, waiting up to ``wait`` seconds; StoreError if another run keeps it."""
        try:
            self.store_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(
                f"cannot create the store at {self.store_dir}: {exc.strerror}"
            ) from exc
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _describe_holder(fd)
                    os.close(fd)
                    raise StoreError(
                        f"the store at {self.store_dir} is busy: another citeaudit run"
                        f"{holder} is using it; wait for it to finish",
                        hint="or give this run another --store folder",
                    ) from None
                time.sleep(_POLL)
        self._fd = fd
        note = {
            "pid": os.getpid(),
            "command": self.command,
            "since": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(note).encode("utf-8") + b"\n", 0)

    def release(self) -> None:
        """Let the next run in; releasing twice is harmless."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        except OSError:
            pass
        os.close(fd)  # closing the descriptor drops the flock


def _describe_holder(fd: int) -> str:
    """`` (archive, process 123, since ...)`` from what the holder wrote, if readable."""
    try:
        note = json.loads(os.pread(fd, 4096, 0).decode("utf-8") or "{}")
    except (OSError, ValueError):
        return ""
    if not isinstance(note, dict) or "pid" not in note:
        return ""
    return f" ({note.get('command', '?')}, process {note['pid']}, since {note.get('since', '?')})"


class ReadLock:
    """A reader's hold on ``<store>/lock``: shared, so readers do not exclude each other,
    and while it is held no run writes the store (nor starts to: it waits as for a run).

    A reader writes nothing: the lock file is opened read-only and never created, so a
    store on read-only media or in a folder shared read-only reads the same. After
    :meth:`acquire`, ``held`` says no run is writing; ``busy`` that one is (and ``holder``
    which, when it says); neither, that there is no lock file (no run has the store now).
    """

    def __init__(self, store_dir: Path, *, wait: float = 0.0) -> None:
        self.path = Path(store_dir) / LOCK_NAME
        self.wait = max(0.0, wait)
        self.held = False
        self.busy = False
        self.holder = ""
        self._fd: int | None = None

    def acquire(self) -> ReadLock:
        """Take the shared lock if there is a lock file, waiting up to ``wait`` seconds for
        a run that holds it; never raises for a lock that cannot be had."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError:
            return self  # no lock file (or none we may read): nothing to hold
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(_POLL)
                    continue
                self.busy, self.holder = True, _describe_holder(fd)
                os.close(fd)
                return self
            except OSError:
                os.close(fd)  # a file system without locks: read as if no run were writing
                return self
            self._fd, self.held = fd, True
            return self

    def release(self) -> None:
        """Let runs write again; releasing twice is harmless."""
        if self._fd is not None:
            fd, self._fd = self._fd, None
            self.held = False
            os.close(fd)
