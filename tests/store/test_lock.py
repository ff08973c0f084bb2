"""One writer per store: the lock says who holds it, lets the next run in when released, and
is never left stale by a holder that dies."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from citeaudit.errors import StoreError
from citeaudit.store.lock import LOCK_NAME, ReadLock, StoreLock


def test_a_busy_store_names_its_holder(tmp_path: Path) -> None:
    with StoreLock(tmp_path, "archive"):
        note = json.loads((tmp_path / LOCK_NAME).read_text())
        assert (note["pid"], note["command"]) == (os.getpid(), "archive")
        with pytest.raises(StoreError) as caught:
            StoreLock(tmp_path, "audit", wait=0).acquire()
    assert caught.value.message == (
        f"the store at {tmp_path} is busy: another citeaudit run (archive, process "
        f"{os.getpid()}, since {note['since']}) is using it; wait for it to finish"
    )
    assert caught.value.hint == "or give this run another --store folder"
    assert (tmp_path / LOCK_NAME).read_text() == ""  # released: the note is cleared


def test_a_waiting_run_gets_the_lock_once_it_is_released(tmp_path: Path) -> None:
    first = StoreLock(tmp_path, "archive")
    first.acquire()
    got = threading.Event()
    failed: list[BaseException] = []

    def wait_for_it() -> None:
        try:
            with StoreLock(tmp_path, "audit", wait=60):
                got.set()
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    waiter = threading.Thread(target=wait_for_it)
    waiter.start()
    try:
        assert not got.is_set()  # it cannot have it while the first run holds it
    finally:
        first.release()
    waiter.join(timeout=60)
    assert got.is_set() and not failed


def test_releasing_twice_is_harmless(tmp_path: Path) -> None:
    lock = StoreLock(tmp_path / "new-store", "archive")
    lock.acquire()
    assert (tmp_path / "new-store" / LOCK_NAME).is_file()  # the store folder is made
    lock.release()
    lock.release()
    with StoreLock(tmp_path / "new-store", "audit", wait=0):
        pass


def test_a_store_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot create the store"):
        StoreLock(tmp_path / "file" / ".citeaudit", "archive").acquire()


def test_lock_is_released_when_its_holder_dies(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path;"
            "from citeaudit.store.lock import StoreLock;"
            "lock = StoreLock(Path(sys.argv[1]), 'archive'); lock.acquire();"
            "print('held', flush=True); sys.stdin.read()",
            str(tmp_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        with pytest.raises(StoreError, match=f"process {holder.pid}"):
            StoreLock(tmp_path, "audit", wait=0.1).acquire()
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
    with StoreLock(tmp_path, "audit", wait=5):
        pass


# -- readers: a shared hold that keeps runs out, and writes nothing ---------------------------


def test_readers_share_the_lock_and_keep_runs_out(tmp_path: Path) -> None:
    with StoreLock(tmp_path, "archive"):
        pass  # a run has used the store: the lock file is there
    first = ReadLock(tmp_path).acquire()
    second = ReadLock(tmp_path).acquire()
    try:
        assert first.held and second.held and not first.busy
        with pytest.raises(StoreError, match="is busy"):
            StoreLock(tmp_path, "audit", wait=0.1).acquire()
    finally:
        first.release()
        second.release()
        second.release()  # twice is harmless
    with StoreLock(tmp_path, "audit", wait=0):
        pass


def test_a_reader_sees_a_run_writing_and_can_wait_for_it(tmp_path: Path) -> None:
    run = StoreLock(tmp_path, "archive")
    run.acquire()
    try:
        reader = ReadLock(tmp_path).acquire()
        assert (reader.held, reader.busy) == (False, True)
        assert reader.holder.startswith(f" (archive, process {os.getpid()}, since ")
        threading.Timer(0.2, run.release).start()
        waited = ReadLock(tmp_path, wait=5).acquire()
        assert waited.held and not waited.busy
        waited.release()
    finally:
        run.release()


def test_a_reader_never_creates_the_lock_file(tmp_path: Path) -> None:
    reader = ReadLock(tmp_path / "store").acquire()
    assert (reader.held, reader.busy) == (False, False)
    assert not (tmp_path / "store").exists()
    reader.release()
