"""Benchmark `citeaudit draft` on a 100-page PDF report.

Run: uv run python bench/bench_draft.py [--pages 100] [--runs 3] [--keep DIR]

A public-policy report of PAGES pages is written with fpdf2: a title page, chapters of body
text in which about one sentence in four cites a numbered reference ([N], [N, M] or [N-M]),
some with a quotation, and a reference list of one entry per two pages of body, in the
Vancouver style of UK reports (title, publisher, "[Internet]", "Available from:" a long URL
that wraps across lines, "[accessed ...]"), each URL with a link annotation as word
processors write them. Then `python -m citeaudit draft REPORT --output FILE --force` runs
RUNS times in a fresh process: its wall time, CPU time (user + system) and peak RSS are
printed (medians), next to the time pypdfium2 alone takes to extract the text of every page
(the floor: what any tool reading the PDF pays). The draft must validate.
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
from typing import Any

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_TOPICS = (
    "community mental health services",
    "integrated care boards",
    "local authority public health grants",
    "waiting times for talking therapies",
    "crisis care for adults",
    "the workforce plan for nursing",
)
#: After each block, the next starts on the next line at the left margin.
_NEXT: dict[str, Any] = {"new_x": "LMARGIN", "new_y": "NEXT"}
_VERBS = ("reported", "found", "estimated", "noted", "concluded", "recorded")


def _sentence(n: int, refs: int) -> tuple[str, bool]:
    """A body sentence; one in four cites one or more references."""
    topic = _TOPICS[n % len(_TOPICS)]
    verb = _VERBS[n % len(_VERBS)]
    text = (
        f"In {2015 + n % 9} the review of {topic} {verb} that {40 + n % 50}% of areas had met "
        f"the standard, against {20 + n % 30}% the year before"
    )
    if n % 4:
        return text + ".", False
    ref = 1 + (n // 4) % refs
    if n % 12 == 0:
        marker = f"[{ref}, {1 + (ref + 7) % refs}]"
    elif n % 20 == 4:
        marker = f"[{ref}-{min(refs, ref + 2)}]"
    else:
        marker = f"[{ref}]"
    if n % 8 == 0:
        text += f", describing progress as “uneven across {n % 97 + 3} areas of {topic}”"
    return text + marker + ".", True


def write_report(path: Path, pages: int) -> tuple[int, int]:
    """Write the report; return (references, citing sentences)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_font("body", "", str(FONT))
    pdf.set_font("body", size=11)
    body_pages = max(1, pages * 3 // 4)
    refs = max(10, body_pages // 2 * 2)
    pdf.add_page()
    pdf.set_font("body", size=20)
    pdf.multi_cell(0, 10, "The State of Community Care: an annual report", **_NEXT)
    pdf.set_font("body", size=11)
    n = cited = 0
    while pdf.page_no() < body_pages:
        if n % 60 == 0:
            pdf.add_page()
            pdf.set_font("body", size=14)
            pdf.multi_cell(
                0, 8, f"Chapter {n // 60 + 1}: {_TOPICS[n // 60 % len(_TOPICS)]}", **_NEXT
            )
            pdf.set_font("body", size=11)
        paragraph = []
        for _ in range(5):
            text, cites = _sentence(n, refs)
            paragraph.append(text)
            cited += cites
            n += 1
        pdf.multi_cell(0, 6, " ".join(paragraph), **_NEXT)
        pdf.ln(3)
    pdf.add_page()
    pdf.set_font("body", size=14)
    pdf.multi_cell(0, 8, "References", **_NEXT)
    pdf.set_font("body", size=10)
    for ref in range(1, refs + 1):
        url = (
            f"https://www.example-health-observatory.org.uk/publications/2023/{ref:04d}/"
            f"community-care-indicators-quarterly-release-{ref}.pdf"
        )
        text = (
            f"{ref}. Community care indicators, release {ref}. Health Observatory [Internet]. "
            f"2023. p. {1 + ref % 40}. Available from: "
        )
        pdf.multi_cell(
            0, 5, text + url + f" [accessed {1 + ref % 28} May 2024].", link=url, **_NEXT
        )
        pdf.ln(1)
    while pdf.page_no() < pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, "Annex: data tables. " * 40, **_NEXT)
    pdf.output(str(path))
    return refs, cited


def run(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of a command in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert process.stderr is not None
        raise SystemExit(f"{command} failed:\n{process.stderr.read().decode()}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


_TEXT_ONLY = (
    "import sys, pypdfium2\n"
    "pdf = pypdfium2.PdfDocument(sys.argv[1])\n"
    "chars = sum(len(page.get_textpage().get_text_range()) for page in pdf)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="write the report and draft here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-draft-"))
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.pdf"
    refs, cited = write_report(report, args.pages)
    drafted = folder / "drafted.yaml"
    print(
        f"report: {args.pages} pages, {refs} references, {cited} citing sentences, "
        f"{report.stat().st_size / 1e6:.1f} MB"
    )
    rows: list[tuple[str, float, float, float]] = []
    for label, command in (
        ("pypdfium2 text of every page", [sys.executable, "-c", _TEXT_ONLY, str(report)]),
        (
            "citeaudit draft",
            [sys.executable, "-m", "citeaudit", "draft", str(report), "-o", str(drafted)]
            + ["--force"],
        ),
    ):
        runs = [run(command) for _ in range(args.runs)]
        wall, cpu, rss = (statistics.median(r[i] for r in runs) for i in range(3))
        rows.append((label, wall, cpu, rss))
    check = [sys.executable, "-m", "citeaudit", "validate", str(drafted)]
    run(check)
    text = drafted.read_text(encoding="utf-8")
    print(
        f"draft: {text.count(chr(10) + '  - id: ')} entries (sources and claims), "
        f"{text.count('quote: ')} quotes; it validates"
    )
    print("| what | wall s | CPU s | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for label, wall, cpu, rss in rows:
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {rss:.0f} |")


if __name__ == "__main__":
    main()
