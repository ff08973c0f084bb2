"""Benchmark reading a large sources file: `citeaudit validate` on plain link lists.

Run: uv run python bench/bench_yaml.py [--sources 10000 100000] [--runs 3] [--keep DIR]

A research group's link list can hold 100,000 sources written out plainly (no aliases):
each source here has an id, a title, a publisher on one in three, a URL and an accessed
date, as such lists do, and a claim cites every hundredth source. For each size the file is
written once, then `python -m citeaudit validate FILE` runs RUNS times in a fresh process;
its wall time, CPU time (user + system: less disturbed by other work on the machine) and
peak RSS (``wait4``'s ``ru_maxrss``) are printed, the median of each. The command must
accept the file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_WORDS = "annual report survey data trends review water health cities energy study".split()


def sources_file(count: int) -> str:
    """A plain sources file of ``count`` sources, as a person or a script writes one."""
    lines = ["document:", "  title: Links of the group", "sources:"]
    for n in range(count):
        title = " ".join(_WORDS[(n * k) % len(_WORDS)] for k in (1, 3, 7)).capitalize()
        lines += [
            f"  - id: src-{n:06d}",
            f"    title: {title} {n}",
            *([f"    publisher: Institute {n % 97}"] if n % 3 == 0 else []),
            f"    url: https://host{n % 500}.example.org/reports/{n // 500}/page-{n}.html",
            f"    accessed: 2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        ]
    lines.append("claims:")
    for n in range(0, count, 100):
        lines += [
            f"  - id: claim-{n}",
            f"    text: Claim {n} rests on a source.",
            "    evidence:",
            f"      - source: src-{n:06d}",
            "        locator: p. 3",
        ]
    return "\n".join(lines) + "\n"


def run(path: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS in MB of one `validate` of ``path``, in a
    fresh process."""
    command = [sys.executable, "-m", "citeaudit", "validate", str(path)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    out = process.stdout.read().decode() if process.stdout else ""
    err = process.stderr.read().decode() if process.stderr else ""
    if process.returncode != 0 or "valid:" not in out:
        raise SystemExit(f"validate refused {path} (exit {process.returncode}):\n{err[:2000]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # KB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the files here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print("sources   file MB   wall s   CPU s   peak RSS MB   runs (wall s)")
        for count in args.sources:
            path = folder / f"sources-{count}.yaml"
            path.write_text(sources_file(count), encoding="utf-8")
            results = [run(path) for _ in range(args.runs)]
            wall, cpu, rss = (statistics.median(r[i] for r in results) for i in range(3))
            size = path.stat().st_size / 1e6
            spread = ", ".join(f"{r[0]:.2f}" for r in results)
            print(f"{count:>7,}   {size:7.1f}   {wall:6.2f}   {cpu:5.2f}   {rss:11.0f}   {spread}")


if __name__ == "__main__":
    main()
