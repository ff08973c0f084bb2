"""Benchmark quote finding: 1,000 quotes against a 1,000-page document, through the verdicts.

Run: uv run python bench/bench_quotes.py [--pages 1000] [--quotes 1000] [--seed 1]

A document of PAGES pages (about 350 words each, drawn from a Zipf-like vocabulary, so
common words are common and rare ones rare, as in prose) is built in memory, with a running
header and footer on every page. QUOTES quotes are drawn from it in three equal kinds:
exact stretches (10 to 40 words, some cut with an ellipsis, some crossing a page boundary),
misquoted stretches (a word changed, added or left out, or a number changed), and quotes
that are not in the document at all. Each is judged with :func:`citeaudit.verify.judge.judge`
with a page locator, as the audit does. Nothing is fetched; the figures are CPU time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter

from citeaudit.catalog.entries import Evidence
from citeaudit.extract import Extraction, Page
from citeaudit.extract.pdf import running_margins
from citeaudit.verify import SourceCopy
from citeaudit.verify.judge import judge
from citeaudit.vocab import JudgedOn, Verdict

SYLLABLES = "ka lo mi ne ru sa te vi do ga pe li mo nu ra se ti vo".split()


def vocabulary(size: int, rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4))))
    return sorted(words)


def document(pages: int, rng: random.Random) -> tuple[Extraction, list[list[str]]]:
    words = vocabulary(8000, rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]
    page_words: list[list[str]] = []
    texts: list[str] = []
    for number in range(1, pages + 1):
        drawn = rng.choices(words, weights, k=350)
        for at in range(0, 350, 37):
            drawn[at] = str(rng.randint(1, 2025))
        page_words.append(drawn)
        lines = [" ".join(drawn[i : i + 12]) for i in range(0, len(drawn), 12)]
        texts.append("Annual report of the example trust\n" + "\n".join(lines) + f"\n{number}")
    margins = running_margins(texts)
    extraction = Extraction(
        kind="pdf",
        pages=tuple(
            Page(number=i + 1, label=str(i + 1), text=t, margins=m)
            for i, (t, m) in enumerate(zip(texts, margins, strict=True))
        ),
        paged=True,
        page_basis="printed",
    )
    return extraction, page_words


def quotes(
    page_words: list[list[str]], count: int, rng: random.Random
) -> list[tuple[str, str, str]]:
    """(kind, quote, locator) triples."""
    out: list[tuple[str, str, str]] = []
    flat = [(w, p) for p, words in enumerate(page_words) for w in words]
    vocab = sorted({w for w, _ in flat})
    for n in range(count):
        kind = ("exact", "misquoted", "absent")[n % 3]
        length = rng.randint(10, 40)
        if kind == "absent":
            text = " ".join(rng.choice(vocab) for _ in range(length))
            out.append((kind, text, f"p. {rng.randint(1, len(page_words))}"))
            continue
        start = rng.randrange(0, len(flat) - length)
        stretch = [w for w, _ in flat[start : start + length]]
        locator = f"p. {flat[start][1] + 1}"
        if kind == "exact" and n % 5 == 0:
            cut = length // 2
            stretch = [*stretch[: cut - 2], "…", *stretch[cut + 2 :]]
        if kind == "misquoted":
            at = rng.randrange(2, length - 2)
            change = rng.choice(("replace", "insert", "delete", "number"))
            if change == "replace":
                stretch[at] = rng.choice(vocab)
            elif change == "insert":
                stretch.insert(at, "not")
            elif change == "delete":
                del stretch[at]
            else:
                stretch[at] = str(rng.randint(3000, 9999))
        out.append((kind, " ".join(stretch), locator))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--quotes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    began = time.perf_counter()
    extraction, page_words = document(args.pages, rng)
    built = time.perf_counter() - began
    cases = quotes(page_words, args.quotes, rng)
    copy = SourceCopy("doc", extraction, JudgedOn.LIVE, None, "https://example.test/doc.pdf")

    times: list[float] = []
    outcomes: Counter[tuple[str, str]] = Counter()
    first = 0.0
    began = time.perf_counter()
    for index, (kind, quote, locator) in enumerate(cases):
        start = time.perf_counter()
        result = judge(Evidence(source="doc", quote=quote, locator=locator), copy)
        elapsed = time.perf_counter() - start
        if index == 0:
            first = elapsed  # includes the normal form of the whole document
        else:
            times.append(elapsed)
        outcomes[(kind, str(result.verdict))] += 1
    total = time.perf_counter() - began

    chars = len(extraction.body_layout.text)
    print(f"document: {args.pages} pages, {chars / 1e6:.2f} M characters (built in {built:.2f} s)")
    print(f"{len(cases)} quotes judged in {total:.2f} s ({len(cases) / total:.0f} quotes/s)")
    print(f"  first quote (normal form of the document): {first * 1000:.0f} ms")
    ordered = sorted(times)
    print(
        f"  then per quote: mean {statistics.mean(times) * 1000:.2f} ms, "
        f"median {statistics.median(times) * 1000:.2f} ms, "
        f"95th percentile {ordered[int(len(ordered) * 0.95)] * 1000:.2f} ms, "
        f"max {ordered[-1] * 1000:.1f} ms"
    )
    for kind in ("exact", "misquoted", "absent"):
        got = ", ".join(f"{v} {n}" for (k, v), n in sorted(outcomes.items()) if k == kind)
        print(f"  {kind:>9}: {got}")
    wrong = sum(n for (k, v), n in outcomes.items() if k == "absent" and v != Verdict.NOT_IN_SOURCE)
    print(f"absent quotes reported as found: {wrong}")


if __name__ == "__main__":
    main()
