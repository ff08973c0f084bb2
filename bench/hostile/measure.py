"""Run one command under a memory cap and a wall-clock timeout, and say what it cost.

Run as a fresh process per case: ``python measure.py --as-limit BYTES --timeout SECONDS
--stdout FILE --stderr FILE -- COMMAND...``; prints one JSON object. This process makes itself
the "child subreaper", so processes the command leaves behind are reparented to it and reaped
here, and ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` covers every process of the tree: the peak
resident set of its largest process. Every 0.1 s it also adds up the resident sets of the
command's process group (from /proc), for the peak of the tree as a whole.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36
_PAGE = os.sysconf("SC_PAGE_SIZE")
_POLL = 0.1


def _become_subreaper() -> bool:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _group_rss(group: int, seen: set[str]) -> int:
    """The summed resident set, in bytes, of every process in process group ``group``; the
    first words of each one's command line are added to ``seen`` (which program ran)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        # fields[0] is field 3 of proc(5): state; pgrp is field 5, rss (pages) field 24
        if int(fields[2]) == group:
            total += int(fields[21]) * _PAGE
            try:
                argv = Path(entry.path, "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            seen.add(" ".join(a.decode(errors="replace") for a in argv[:2] if a))
    return total


def _reap_all(deadline: float) -> None:
    """Wait for every process reparented here, until none is left or the deadline."""
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-limit", type=int, required=True, help="RLIMIT_AS, bytes")
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--cwd", type=Path, default=Path.cwd())
    parser.add_argument("--stdout", type=Path, required=True)
    parser.add_argument("--stderr", type=Path, required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    limit = args.as_limit

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    subreaper = _become_subreaper()
    started = time.monotonic()
    with args.stdout.open("wb") as out, args.stderr.open("wb") as err:
        child = subprocess.Popen(
            command,
            cwd=args.cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
            preexec_fn=cap,
        )
        group = child.pid
        timed_out = False
        tree_peak = 0
        seen: set[str] = set()
        while child.poll() is None:
            tree_peak = max(tree_peak, _group_rss(group, seen))
            if time.monotonic() - started > args.timeout:
                timed_out = True
                os.killpg(group, signal.SIGKILL)
                child.wait()
                break
            time.sleep(_POLL)
        wall = time.monotonic() - started
        try:
            os.killpg(group, signal.SIGKILL)  # anything the command left running
        except ProcessLookupError:
            pass
        _reap_all(time.monotonic() + 10)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    json.dump(
        {
            "returncode": child.returncode,
            "timed_out": timed_out,
            "wall_s": wall,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "maxrss_kib": usage.ru_maxrss,
            "tree_peak_kib": tree_peak // 1024,
            "subreaper": subreaper,
            "programs": sorted(seen),
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
