"""Time the built-in judge on 1,000 claim-page pairs (the labelled items, cycled).

Claims on one source are judged against one reading of it, as verify does when a document
cites the same source many times; the first claim on each source pays for reading it. The
figure is wall time with the pairs shared between two processes (source by source), best of
three cold runs; ``--workers 1`` gives one process.

    uv run python bench/meaning/bench_speed.py [--pairs 1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibrate import call, load  # noqa: E402

from citeaudit.meaning.evidence import forget  # noqa: E402
from citeaudit.meaning.judging import judge_claim  # noqa: E402

Call = tuple[str, str, list[tuple[int, int]]]


def judge_all(calls: Sequence[Call]) -> int:
    """Judge every call from a cold start; the number judged."""
    forget()
    for claim, text, ranges in calls:
        judge_claim(claim, text, ranges)
    return len(calls)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2, help="processes (sources split)")
    args = parser.parse_args(argv)
    items = load()
    calls: list[Call] = []
    for i in range(args.pairs):
        item = items[i % len(items)]
        calls.append((item["claim"], *call(item)))
    # each worker takes whole sources, as a run would hand out documents
    by_source: dict[str, list[Call]] = {}
    for one in calls:
        by_source.setdefault(one[1], []).append(one)
    shares: list[list[Call]] = [[] for _ in range(args.workers)]
    for group in sorted(by_source.values(), key=len, reverse=True):
        min(shares, key=len).extend(group)
    best = float("inf")
    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(judge_all, [[c] for c in calls[: args.workers]]))  # start the workers
        for _ in range(3):
            started = time.perf_counter()
            done = sum(pool.map(judge_all, shares))
            best = min(best, time.perf_counter() - started)
    print(
        f"{done} claim-page pairs in {best:.2f} s with {args.workers} processes "
        f"({best / done * 1000:.2f} ms a pair)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
