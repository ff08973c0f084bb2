"""Hostile sources: what each costs `citeaudit audit` in memory and time, and what it says.

Run (from the project whose citeaudit is measured, or name it with --project):

    uv run python bench/hostile/bench_hostile.py --project DIR --json out.json > out.md

Each case is a sources file with one hostile source (a compression bomb, a huge PDF, a FIFO,
a path out of the folder, a password in a URL...) and one ordinary page with a quote, so the
report shows whether the rest of the audit survived. Web sources are served by servers on
127.0.0.1 and 127.0.0.2 started here; nothing is sent beyond the loopback network (no proxy,
no public web archive is asked, uv stays offline).

Each case runs in a fresh wrapper process (measure.py) under an address-space cap
(RLIMIT_AS) and a wall-clock timeout, one case at a time. Peak memory is the wrapper's
getrusage(RUSAGE_CHILDREN).ru_maxrss (the largest process of the tree) and the peak of the
tree's summed RSS polled from /proc every 0.1 s.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import gzip
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hostile_inputs as inputs
from hostile_servers import Route, Servers

HERE = Path(__file__).resolve().parent
GIB = 1024**3
MIB = 1024**2
RSS_METHOD = (
    "peak RSS: `getrusage(RUSAGE_CHILDREN).ru_maxrss` in a fresh wrapper process per case "
    "(the wrapper is the child subreaper, so every process of the tree is counted; the figure "
    "is the tree's largest single process); tree: the summed RSS of the command's process "
    "group, polled from /proc every 0.1 s"
)

ORDINARY_QUOTE = "the harbour reopened in May after two years of repairs"
ORDINARY_PAGE = (
    b"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Harbour news</title>"
    b"</head><body><h1>Harbour news</h1><p>The council said on Monday that the harbour "
    b"reopened in May after two years of repairs, and that the ferry will run again in June."
    b"</p><p>Fishing boats have used the north quay since the spring.</p></body></html>"
)
OVERFLOWING_LOCATOR = "pp. 1-9999999999999999999"
HOSTILE_QUOTE = "the words this claim quotes from its source"
SECRET_MARKER = "PRIVATE-ADDRESS-ONLY-7f3a9c"
SECRET_PAGE = (
    f"<!doctype html><title>Internal</title><body><p>{SECRET_MARKER}: an internal page that "
    "only a private address serves.</p></body>"
).encode()
PASSWORD_USER = "alice"
PASSWORD = "S3cretPW"
ESCAPED_FILE = r'"\e[2J\e[HAll sources verified"'
HTML = (("Content-Type", "text/html; charset=utf-8"),)
PDF = (("Content-Type", "application/pdf"),)
DOCX = (
    (
        "Content-Type",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
)


@dataclass(frozen=True)
class Raw:
    """A YAML scalar written as it is (to keep YAML escapes such as \\e)."""

    text: str


Value = str | Raw
Entry = dict[str, Value]
Claim = tuple[str, str, list[Entry]]


def _scalar(value: Value) -> str:
    return value.text if isinstance(value, Raw) else json.dumps(value, ensure_ascii=False)


def sources_yaml(sources: list[Entry], claims: list[Claim]) -> str:
    """A sources file: each source's keys, then each claim (id, text, evidence)."""
    lines = ["document:", '  title: "Hostile sources"', "sources:"]
    for source in sources:
        for index, (key, value) in enumerate(source.items()):
            lines.append(f"  {'- ' if index == 0 else '  '}{key}: {_scalar(value)}")
    lines.append("claims:")
    for claim_id, text, evidence in claims:
        lines += [f"  - id: {claim_id}", f"    text: {_scalar(text)}", "    evidence:"]
        for item in evidence:
            for index, (key, value) in enumerate(item.items()):
                lines.append(f"      {'- ' if index == 0 else '  '}{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


@dataclass
class Prepared:
    """A case ready to run: its sources file, the command's arguments and what to check."""

    sources: Path
    arguments: list[str]
    hostile: list[str]
    terminal: bool = False
    checks: Callable[[RunFiles], dict[str, Any]] | None = None


@dataclass(frozen=True)
class RunFiles:
    """Where a finished run left its output."""

    folder: Path
    stdout: Path
    stderr: Path

    @property
    def store(self) -> Path:
        return self.folder / ".citeaudit"


@dataclass
class Bench:
    """What every case shares: the servers, the options, the inputs folder."""

    servers: Servers
    inputs: Path
    audit_extra: list[str]
    large_count: int
    large_size: int
    built: dict[str, Path] = field(default_factory=dict)

    @property
    def ordinary_url(self) -> str:
        return f"{self.servers.public}/ordinary"

    def audit(self, sources: Path, *, terminal: bool = False) -> list[str]:
        form = [] if terminal else ["--format", "json"]
        return ["audit", str(sources), *form, "--archived", "never", *self.audit_extra]

    def standard(
        self,
        folder: Path,
        hostile: Entry,
        *,
        terminal: bool = False,
        checks: Callable[[RunFiles], dict[str, Any]] | None = None,
    ) -> Prepared:
        """A sources file with the hostile source (id ``hostile``) and the ordinary page,
        each cited by a claim of its own."""
        sources: list[Entry] = [
            {"id": "hostile", **hostile},
            {"id": "ordinary", "url": self.ordinary_url},
        ]
        claims: list[Claim] = [
            (
                "hostile-claim",
                "A claim resting on the hostile source.",
                [{"source": "hostile", "quote": HOSTILE_QUOTE}],
            ),
            (
                "ordinary-claim",
                "The harbour is open again.",
                [{"source": "ordinary", "quote": ORDINARY_QUOTE}],
            ),
        ]
        path = folder / "sources.yaml"
        path.write_text(sources_yaml(sources, claims), encoding="utf-8")
        return Prepared(path, self.audit(path, terminal=terminal), ["hostile"], terminal, checks)

    def served(self, name: str, route: Route) -> str:
        path = f"/{name}"
        self.servers.add(self.servers.public, path, route)
        return f"{self.servers.public}{path}"

    def file(self, name: str, make: Callable[[Path], object]) -> Path:
        """An input file built once, in the inputs folder."""
        if name not in self.built:
            path = self.inputs / name
            make(path)
            self.built[name] = path
        return self.built[name]


# --- what a store, a report or a stream holds -------------------------------------------


def _chunks(path: Path) -> Iterator[bytes]:
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as stream:
            while chunk := stream.read(MIB):
                yield chunk
    except (OSError, EOFError):
        return


def find_in(paths: list[Path], needles: list[bytes]) -> set[bytes]:
    """Which of ``needles`` occur in any of ``paths`` (gzip files read decompressed)."""
    found: set[bytes] = set()
    overlap = max(len(n) for n in needles) - 1
    for path in paths:
        tail = b""
        for chunk in _chunks(path):
            window = tail + chunk
            found.update(n for n in needles if n in window)
            tail = window[-overlap:] if overlap else b""
    return found


def store_files(store: Path) -> dict[str, list[Path]]:
    """The store's files: its WARC files, its SQLite files (with -wal and -shm), the rest."""
    kinds: dict[str, list[Path]] = {"WARC": [], "SQLite": [], "other": []}
    if store.is_dir():
        for path in sorted(p for p in store.rglob("*") if p.is_file()):
            if ".warc" in path.name:
                kinds["WARC"].append(path)
            elif ".sqlite" in path.name:
                kinds["SQLite"].append(path)
            else:
                kinds["other"].append(path)
    return kinds


def where(run: RunFiles, needles: dict[str, bytes]) -> dict[str, dict[str, bool]]:
    """For each named needle, whether the WARC files, the SQLite files, the report (stdout)
    and stderr hold it."""
    places = store_files(run.store)
    places_found = {
        "WARC": find_in(places["WARC"], list(needles.values())),
        "SQLite": find_in(places["SQLite"], list(needles.values())),
        "report": find_in([run.stdout], list(needles.values())),
        "stderr": find_in([run.stderr], list(needles.values())),
    }
    return {
        name: {place: needle in hits for place, hits in places_found.items()}
        for name, needle in needles.items()
    }


def _report_source(run: RunFiles, source_id: str) -> dict[str, Any] | None:
    """The source ``source_id`` as the JSON report on stdout has it, if there is one."""
    try:
        report = json.loads(run.stdout.read_bytes())
    except (ValueError, OSError):
        return None
    found = [s for s in report.get("sources", []) if s.get("id") == source_id]
    return found[0] if found else None


def _yes_no(found: dict[str, bool]) -> str:
    hits = [place for place, hit in found.items() if hit]
    return ", ".join(hits) if hits else "nowhere"


# --- the cases ------------------------------------------------------------------------


def case_nul_gzip(bench: Bench, folder: Path) -> Prepared:
    body = inputs.nul_gzip()
    headers = (("Content-Type", "text/html"), ("Content-Encoding", "gzip"))  # no charset
    url = bench.served("nul.html", Route(headers=headers, data=body))
    return bench.standard(folder, {"url": url})


def case_pdf_stream_bomb(bench: Bench, folder: Path) -> Prepared:
    path = bench.file("stream-bomb.pdf", lambda p: p.write_bytes(inputs.pdf_stream_bomb()))
    url = bench.served("stream-bomb.pdf", Route(headers=PDF, path=path))
    return bench.standard(folder, {"url": url})


def case_pdf_text_bomb(bench: Bench, folder: Path) -> Prepared:
    path = bench.file("text-bomb.pdf", lambda p: p.write_bytes(inputs.pdf_text_bomb()))
    url = bench.served("text-bomb.pdf", Route(headers=PDF, path=path))
    return bench.standard(folder, {"url": url})


def case_docx_bomb(bench: Bench, folder: Path) -> Prepared:
    path = bench.file("bomb.docx", inputs.docx_bomb)
    url = bench.served("bomb.docx", Route(headers=DOCX, path=path))
    return bench.standard(folder, {"url": url})


def case_docx_truncated(bench: Bench, folder: Path) -> Prepared:
    path = bench.file("truncated.docx", inputs.docx_truncated)
    url = bench.served("truncated.docx", Route(headers=DOCX, path=path))
    return bench.standard(folder, {"url": url})


def case_many_large(bench: Bench, folder: Path) -> Prepared:
    block = inputs.large_html_chunk()
    sources: list[Entry] = []
    evidence: list[Entry] = []
    for index in range(1, bench.large_count + 1):
        route = Route(headers=HTML, block=block, length=bench.large_size)
        url = bench.served(f"large-{index:02d}.html", route)
        sources.append({"id": f"large-{index:02d}", "url": url})
        evidence.append({"source": f"large-{index:02d}", "quote": HOSTILE_QUOTE})
    sources.append({"id": "ordinary", "url": bench.ordinary_url})
    claims: list[Claim] = [
        ("large-claim", "A claim resting on the large pages.", evidence),
        (
            "ordinary-claim",
            "The harbour is open again.",
            [{"source": "ordinary", "quote": ORDINARY_QUOTE}],
        ),
    ]
    path = folder / "sources.yaml"
    path.write_text(sources_yaml(sources, claims), encoding="utf-8")

    def checks(run: RunFiles) -> dict[str, Any]:
        warc = sum(p.stat().st_size for p in store_files(run.store)["WARC"])
        sent = bench.servers.site.bytes_sent()
        large = sorted(v for k, v in sent.items() if k.startswith("/large-"))
        spread = f"{large[0] / MIB:,.0f}-{large[-1] / MIB:,.0f}" if large else "0"
        return {
            "warc_bytes": warc,
            "served_bytes": large,
            "text": f"served {sum(large) / MIB:,.0f} MiB in all ({spread} MiB a source, "
            f"{len(large)} sources asked); WARC files {warc / MIB:.1f} MiB",
        }

    hostile = [str(s["id"]) for s in sources[:-1]]
    return Prepared(path, bench.audit(path), hostile, checks=checks)


def case_dev_zero(bench: Bench, folder: Path) -> Prepared:
    return bench.standard(folder, {"file": "/dev/zero"})


def case_fifo(bench: Bench, folder: Path) -> Prepared:
    os.mkfifo(folder / "letter.html")
    return bench.standard(folder, {"file": "letter.html"})


def _locator_case(folder: Path, cited: Entry, ordinary_url: str) -> Prepared:
    """The ordinary page cited plainly, and ``cited`` cited at an overflowing page range."""
    sources: list[Entry] = [{"id": "ordinary", "url": ordinary_url}]
    if cited["source"] != "ordinary":
        sources.append({"id": cited["source"], "url": cited.pop("url")})
    claims: list[Claim] = [
        (
            "hostile-claim",
            "The harbour is open again (cited at an enormous page range).",
            [{**cited, "locator": OVERFLOWING_LOCATOR}],
        ),
        (
            "ordinary-claim",
            "The harbour is open again.",
            [{"source": "ordinary", "quote": ORDINARY_QUOTE}],
        ),
    ]
    path = folder / "sources.yaml"
    path.write_text(sources_yaml(sources, claims), encoding="utf-8")
    return Prepared(path, [], [])


def case_locator_overflow(bench: Bench, folder: Path) -> Prepared:
    cited: Entry = {"source": "ordinary", "quote": ORDINARY_QUOTE}
    prepared = _locator_case(folder, cited, bench.ordinary_url)
    prepared.arguments = bench.audit(prepared.sources)
    return prepared


def case_locator_overflow_pdf(bench: Bench, folder: Path) -> Prepared:
    pdf = inputs.pdf_text(f"The council said that {ORDINARY_QUOTE}.", title="Harbour news")
    url = bench.served("harbour.pdf", Route(headers=PDF, data=pdf))
    cited: Entry = {"source": "hostile", "url": url, "quote": HOSTILE_QUOTE}
    prepared = _locator_case(folder, cited, bench.ordinary_url)
    prepared.arguments = bench.audit(prepared.sources)
    prepared.hostile = ["hostile"]
    return prepared


def _passwd_line() -> bytes:
    lines = Path("/etc/passwd").read_bytes().splitlines()
    root = [line for line in lines if line.startswith(b"root:")]
    return (root or lines or [b"root:x:0:0:"])[0]


def case_outside_file(bench: Bench, folder: Path) -> Prepared:
    ups = len(folder.resolve().parts) + 1  # one more than reaches the root
    relative = "../" * ups + "etc/passwd"
    needle = _passwd_line()

    def checks(run: RunFiles) -> dict[str, Any]:
        found = where(run, {"passwd": needle})["passwd"]
        source = _report_source(run, "hostile") or {}
        read = bool(source.get("sha256") or source.get("snapshot"))
        return {
            "file": relative,
            "read": read,
            "passwd_line_in": found,
            "text": f"`{relative[:12]}...etc/passwd` read: {'yes' if read else 'no'} "
            f"(a SHA-256 and a snapshot in the report); its first line is in: {_yes_no(found)}",
        }

    return bench.standard(folder, {"file": relative}, checks=checks)


def case_redirect_to_private(bench: Bench, folder: Path) -> Prepared:
    private = bench.servers.private
    bench.servers.add(private, "/secret", Route(headers=HTML, data=SECRET_PAGE))
    location = (("Location", f"{private}/secret"), *HTML)
    url = bench.served("moved", Route(status=302, headers=location, data=b"moved\n"))

    def checks(run: RunFiles) -> dict[str, Any]:
        hits = [h for h in bench.servers.site.take_hits() if h.host == "127.0.0.2"]
        fetched = sum(1 for h in hits if h.path == "/secret")
        found = where(run, {"secret": SECRET_MARKER.encode()})["secret"]
        return {
            "secret_requests": fetched,
            "secret_body_in": found,
            "text": f"/secret on 127.0.0.2 requested {fetched} time(s); "
            f"its body is in: {_yes_no(found)}",
        }

    return bench.standard(folder, {"url": url}, checks=checks)


def case_password_url(bench: Bench, folder: Path) -> Prepared:
    bench.served("account", Route(headers=HTML, data=ORDINARY_PAGE))
    base = bench.servers.public.replace("http://", f"http://{PASSWORD_USER}:{PASSWORD}@")
    url = f"{base}/account"
    basic = base64.b64encode(f"{PASSWORD_USER}:{PASSWORD}".encode())

    def checks(run: RunFiles) -> dict[str, Any]:
        hits = [h for h in bench.servers.site.take_hits() if h.path == "/account"]
        sent = any(h.authorization for h in hits)
        found = where(run, {"password": PASSWORD.encode(), "basic": basic})
        return {
            "authorization_sent": sent,
            "password_in": found["password"],
            "base64_in": found["basic"],
            "text": f"Authorization sent: {'yes' if sent else 'no'}; "
            f"{PASSWORD} in: {_yes_no(found['password'])}; "
            f"its base64 in: {_yes_no(found['basic'])}",
        }

    return bench.standard(folder, {"url": url}, checks=checks)


def case_escapes(bench: Bench, folder: Path) -> Prepared:
    def checks(run: RunFiles) -> dict[str, Any]:
        out = run.stdout.read_bytes().count(b"\x1b")
        err = run.stderr.read_bytes().count(b"\x1b")
        return {
            "esc_stdout": out,
            "esc_stderr": err,
            "text": f"ESC bytes: {out} on stdout, {err} on stderr (terminal format, NO_COLOR)",
        }

    return bench.standard(folder, {"file": Raw(ESCAPED_FILE)}, terminal=True, checks=checks)


YAML_SOURCES = 100_000
LARGE_TIMEOUT = 1800.0
"""Twenty pages cut at 100 MiB are 2 GiB of HTML to read: some 500 CPU seconds before the fix."""


def case_yaml_100k(bench: Bench, folder: Path) -> Prepared:
    path = folder / "sources.yaml"
    base = bench.servers.public
    with path.open("w", encoding="utf-8") as stream:
        stream.write("sources:\n")
        for index in range(1, YAML_SOURCES + 1):
            stream.write(f"  - id: source-{index:06d}\n    url: {base}/page/{index}\n")
    return Prepared(path, ["validate", str(path)], [], terminal=True)


@dataclass(frozen=True)
class Case:
    name: str
    what: str
    build: Callable[[Bench, Path], Prepared]
    timeout: float | None = None


CASES = [
    Case(
        "nul-gzip",
        "HTML page served with Content-Encoding: gzip, ~100 KB inflating to 100 MB of NUL bytes",
        case_nul_gzip,
    ),
    Case(
        "pdf-stream-bomb",
        "~2 MB one-page PDF whose FlateDecode content stream inflates to 2 GiB (white space)",
        case_pdf_stream_bomb,
    ),
    Case(
        "pdf-text-bomb",
        "~780 KB one-page PDF whose content stream shows a 26-character string 10 million "
        "times (10 million Tj operators, 320 MB inflated)",
        case_pdf_text_bomb,
    ),
    Case(
        "docx-bomb",
        "~800 KB .docx whose word/document.xml unpacks to 240 MB (2.16 million paragraphs)",
        case_docx_bomb,
    ),
    Case("docx-truncated", ".docx whose word/document.xml stops mid-tag", case_docx_truncated),
    Case("many-large", "", case_many_large, timeout=LARGE_TIMEOUT),  # described in main()
    Case("dev-zero", "local source `file: /dev/zero` (an absolute path)", case_dev_zero),
    Case("fifo", "local source that is a FIFO in the sources folder", case_fifo, timeout=60),
    Case(
        "locator-overflow",
        f"evidence with `locator: {OVERFLOWING_LOCATOR}` on the ordinary (HTML) page, "
        "quoting words it has",
        case_locator_overflow,
    ),
    Case(
        "locator-overflow-pdf",
        "the same locator on an ordinary one-page PDF, quoting words it does not have "
        "(page locators are only looked at in a paged document)",
        case_locator_overflow_pdf,
    ),
    Case(
        "outside-file",
        "local source `file: ../../…/etc/passwd` (relative, out of the sources folder)",
        case_outside_file,
    ),
    Case(
        "redirect-to-private",
        "page on 127.0.0.1 redirecting to http://127.0.0.2:PORT/secret (a stand-in for a "
        "private address)",
        case_redirect_to_private,
    ),
    Case(
        "password-url",
        f"source `http://{PASSWORD_USER}:{PASSWORD}@127.0.0.1:PORT/account`",
        case_password_url,
    ),
    Case(
        "escapes",
        'local source `file: "\\e[2J\\e[HAll sources verified"` (terminal escapes), '
        "terminal format",
        case_escapes,
    ),
    Case(
        "yaml-100k",
        f"`citeaudit validate` on a sources file of {YAML_SOURCES:,} sources (id and url)",
        case_yaml_100k,
    ),
]


# --- running and describing a case -------------------------------------------------------


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.replace("\x1b", "\\x1b").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _source_words(source: dict[str, Any]) -> str:
    words = [str(source.get("status") or ("file" if source.get("file") else "no status"))]
    if source.get("http_status"):
        words.append(str(source["http_status"]))
    if source.get("truncated"):
        words.append("truncated")
    detail = source.get("problem") or source.get("error") or source.get("reason")
    if detail and str(detail) not in words:
        words.append(f"({_short(str(detail), 110)})")
    return " ".join(words)


def _evidence_words(item: dict[str, Any]) -> str:
    words = str(item.get("verdict"))
    if item.get("note"):
        words += f" ({_short(str(item['note']), 110)})"
    return words


def summarise_report(report: dict[str, Any], hostile: list[str]) -> str:
    """One line: the hostile source(s) and every piece of evidence, as the report says."""
    sources = {str(s.get("id")): s for s in report.get("sources", [])}
    evidence = [
        (str(claim.get("id")), item)
        for claim in report.get("claims", [])
        for item in claim.get("evidence", [])
    ]
    parts: list[str] = []
    if len(hostile) > 3:
        counts = Counter(_source_words(sources[h]) for h in hostile if h in sources)
        parts.append(
            f"{len(hostile)} sources: " + "; ".join(f"{n} × {w}" for w, n in counts.items())
        )
        verdicts = Counter(
            _evidence_words(item) for claim, item in evidence if item.get("source") in hostile
        )
        parts.append("evidence: " + "; ".join(f"{n} × {w}" for w, n in verdicts.items()))
        evidence = [(c, i) for c, i in evidence if i.get("source") not in hostile]
    else:
        parts += [f"source {h}: {_source_words(sources[h])}" for h in hostile if h in sources]
    several = Counter(claim for claim, _ in evidence)
    parts += [
        f"{claim}{'/' + str(item.get('source')) if several[claim] > 1 else ''}: "
        + _evidence_words(item)
        for claim, item in evidence
    ]
    return " · ".join(parts)


def _last_lines(path: Path, count: int = 1) -> list[str]:
    try:
        with path.open("rb") as stream:
            stream.seek(max(0, path.stat().st_size - 64 * 1024))
            text = stream.read().decode("utf-8", "replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip() and not _chatter(line)][-count:]


def _chatter(line: str) -> bool:
    """A line on stderr that is not the command's own: uv's, or a hint after an error."""
    return line.startswith(("Bytecode compiled", "hint: ", "warning: `VIRTUAL_ENV"))


def _stderr_words(path: Path) -> str:
    """The error a run ended on: its last line on stderr, and the one before it when the
    last only counts problems ("1 problem found; ...")."""
    lines = _last_lines(path, 2)
    if len(lines) == 2 and "problem" not in lines[1].split(";")[0]:
        lines = lines[1:]
    return " · ".join(_short(line) for line in lines)


def summarise_terminal(run: RunFiles) -> str:
    """One line from a run in the terminal format: what stderr said about the hostile
    source, and its closing summary line."""
    err = _last_lines(run.stderr, 40)
    about = [line for line in err if "hostile" in line or "file " in line][:1]
    return " · ".join(_short(line) for line in [*about, *err[-1:]]) or "(no output on stderr)"


_CAP_SIGNALS = {signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS}
_CAP_WORDS = ("MemoryError", "Cannot allocate memory", "bad_alloc", "Out of memory")


def outcome(measured: dict[str, Any], stderr: Path) -> tuple[str, int | None, str | None]:
    """(outcome, exit code, signal name): `uv run` reports a child killed by a signal as
    exit 128 + the signal."""
    code = int(measured["returncode"])
    number = -code if code < 0 else code - 128 if code > 128 else None
    name = signal.Signals(number).name if number and number in signal.valid_signals() else None
    if measured["timed_out"]:
        return "timeout", None, None
    tail = "\n".join(_last_lines(stderr, 30))
    memory = next((w for w in _CAP_WORDS if w in tail), None)
    if name is not None and signal.Signals[name] in _CAP_SIGNALS:
        return f"capped ({name})", code, name
    if memory:
        return f"capped ({memory}, exit {code})", code, name
    if name is not None:
        return f"killed ({name})", code, name
    words = {0: "finished", 1: "finished (findings)", 2: "refused (exit 2)", 3: "internal error"}
    return words.get(code, f"exit {code}"), code, None


def mem_available() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) * 1024
    return 0


def run_case(
    case: Case,
    bench: Bench,
    root: Path,
    args: argparse.Namespace,
    command: list[str],
    env: dict[str, str],
) -> dict[str, Any]:
    folder = root / case.name
    folder.mkdir()
    bench.servers.site.take_hits()
    prepared = case.build(bench, folder)
    timeout = case.timeout if case.timeout is not None else args.timeout
    cap = int(args.mem_cap_gib * GIB)
    cap_note = None
    safe = mem_available() - int(args.keep_free_gib * GIB)
    if safe < cap:
        cap = max(safe, 2 * GIB)
        cap_note = f"memory cap lowered to {cap / GIB:.1f} GiB (memory in use elsewhere)"
    files = RunFiles(folder, folder / "stdout.txt", folder / "stderr.txt")
    wrapper = [
        sys.executable,
        str(HERE / "measure.py"),
        "--as-limit",
        str(cap),
        "--timeout",
        str(timeout),
        "--cwd",
        str(args.project),
        "--stdout",
        str(files.stdout),
        "--stderr",
        str(files.stderr),
        "--",
        *command,
        *prepared.arguments,
    ]
    done = subprocess.run(wrapper, env=env, capture_output=True, text=True, check=True)
    measured: dict[str, Any] = json.loads(done.stdout)
    result, code, signame = outcome(measured, files.stderr)
    summary = ""
    if not prepared.terminal and files.stdout.stat().st_size:
        try:
            with files.stdout.open("rb") as stream:
                report = json.loads(stream.read(512 * MIB))
            summary = summarise_report(report, prepared.hostile)
        except (ValueError, OSError) as exc:
            summary = f"(report unreadable: {_short(str(exc), 80)})"
    if not summary:
        summary = (
            summarise_terminal(files)
            if prepared.terminal
            else "stderr: " + (_stderr_words(files.stderr) or "(nothing)")
        )
    if result == "timeout":
        summary = f"(killed after {timeout:.0f} s) " + summary
    checks = prepared.checks(files) if prepared.checks else {}
    summary = summary.replace(str(root), "$TMP")
    record = {
        "case": case.name,
        "what": case.what,
        "outcome": result,
        "exit_code": code,
        "signal": signame,
        "timeout_s": timeout,
        "memory_cap_bytes": cap,
        "memory_cap_note": cap_note,
        "wall_s": round(measured["wall_s"], 2),
        "cpu_s": round(measured["cpu_s"], 2),
        "peak_rss_mib": round(measured["maxrss_kib"] / 1024, 1),
        "tree_peak_rss_mib": round(measured["tree_peak_kib"] / 1024, 1),
        "summary": summary,
        "checks": checks,
        "stderr_tail": [
            _short(line, 400).replace(str(root), "$TMP") for line in _last_lines(files.stderr, 8)
        ],
        "command": [a.replace(str(root), "$TMP") for a in [*command, *prepared.arguments]],
        "programs": measured.get("programs", []),
    }
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return record


def child_env(extra: list[str]) -> dict[str, str]:
    """The environment of every run: no proxy, no public web archive, uv offline, no
    colour, and nothing of the virtual environment this script runs in (so that the command
    cannot fall back on its citeaudit); plus --env settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
        and key != "VIRTUAL_ENV"
    }
    own = os.environ.get("VIRTUAL_ENV")
    if own:
        bin_dir = str(Path(own) / "bin")
        env["PATH"] = os.pathsep.join(
            d for d in env.get("PATH", "").split(os.pathsep) if d.rstrip("/") != bin_dir
        )
    env.update(
        {
            "NO_PROXY": "*",
            "CITEAUDIT_TIMEGATE": "none",
            "UV_OFFLINE": "1",
            "NO_COLOR": "1",
            "COLUMNS": "200",
            "PYTHONUNBUFFERED": "1",
        }
    )
    for setting in extra:
        key, _, value = setting.partition("=")
        env[key] = value
    return env


def parse_size(text: str) -> int:
    units = {"k": 1000, "m": 1000**2, "g": 1000**3, "ki": 1024, "mi": MIB, "gi": GIB}
    lowered = text.strip().lower().removesuffix("b")
    for unit in sorted(units, key=len, reverse=True):
        if lowered.endswith(unit):
            return int(float(lowered[: -len(unit)]) * units[unit])
    return int(lowered)


def check_inputs(bench: Bench) -> list[str]:
    """Open the generated documents with the readers a run uses, when they are installed:
    the bombs only as far as opening (their pages are the bomb), small twins fully."""
    notes: list[str] = []
    try:
        import docx  # type: ignore[import-not-found, unused-ignore]
        import pypdfium2 as pdfium
    except ImportError:
        return ["inputs not checked here (pypdfium2 and python-docx are not installed)"]
    for name, make in (
        ("stream-bomb.pdf", lambda p: p.write_bytes(inputs.pdf_stream_bomb())),
        ("text-bomb.pdf", lambda p: p.write_bytes(inputs.pdf_text_bomb())),
    ):
        path = bench.file(name, make)
        pdf = pdfium.PdfDocument(str(path))
        notes.append(f"pypdfium2 opens {name} ({path.stat().st_size:,} bytes): {len(pdf)} page")
        pdf.close()
    small = inputs.pdf_text_bomb(1000)
    pdf = pdfium.PdfDocument(small)
    page = pdf[0]
    textpage = page.get_textpage()
    notes.append(
        f"a 1,000-Tj twin of the text bomb: pypdfium2 finds {textpage.count_chars():,} "
        "characters on its page"
    )
    textpage.close()
    page.close()
    pdf.close()
    bomb = bench.file("bomb.docx", inputs.docx_bomb)
    notes.append(f"bomb.docx is {bomb.stat().st_size:,} bytes")
    twin = bench.inputs / "small.docx"
    inputs.docx_small(twin)
    paragraphs = len(docx.Document(str(twin)).paragraphs)
    notes.append(f"python-docx reads a 3-paragraph twin of the .docx writer: {paragraphs}")
    return notes


def _figure(value: float | None, form: str) -> str:
    return "–" if value is None else format(value, form)


def markdown(meta: dict[str, Any], records: list[dict[str, Any]]) -> str:
    timeouts = ", ".join(
        f"{r['case']}: {r['timeout_s']:.0f} s"
        for r in records
        if r["timeout_s"] != meta["timeout_s"]
    )
    programs = "; ".join(
        sorted({f"`{p}`" for r in records for p in r.get("programs", []) if "citeaudit" in p})
    )
    lines = [
        f"# Hostile sources: {meta['label']}",
        "",
        *([f"**Warning: {meta['warning']}**", ""] if meta.get("warning") else []),
        f"- date: {meta['date']}",
        f"- measured: `{meta['citeaudit']}` in `{meta['project']}` ({meta['version']})",
        f"- machine: {meta['cores']} cores, {meta['memory_gib']:.1f} GiB of memory",
        f"- every case: address-space cap {meta['memory_cap_gib']} GiB (RLIMIT_AS), timeout "
        f"{meta['timeout_s']:.0f} s ({timeouts}), one case at a time",
        *(
            [
                f"- load average (1 min) before the first case and after the last: "
                f"{meta['load_before']:.1f}, {meta['load_after']:.1f} (CPU time is the "
                "steadier figure on a shared machine)"
            ]
            if "load_before" in meta
            else []
        ),
        f"- {meta['rss_method']}",
        f"- many-large: {meta['large_count']} sources of {meta['large_size']:,} bytes each",
        f"- programs seen running: {programs or '(not recorded)'}",
        "",
        "| case | outcome | exit | wall (s) | CPU (s) | peak RSS (MiB) | tree RSS (MiB) "
        "| what the run said | checks |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        cells = [
            r["case"],
            r["outcome"],
            "" if r["exit_code"] is None else str(r["exit_code"]),
            _figure(r["wall_s"], ".1f"),
            _figure(r["cpu_s"], ".1f"),
            _figure(r["peak_rss_mib"], ",.0f"),
            _figure(r["tree_peak_rss_mib"], ",.0f"),
            r["summary"],
            str(r["checks"].get("text", ""))
            + (f" ({r['memory_cap_note']})" if r["memory_cap_note"] else ""),
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if meta.get("notes"):
        lines += ["", "Notes:", ""]
        lines += [f"- {note}" for note in meta["notes"]]
    lines += ["", "Cases:", ""]
    lines += [f"- **{r['case']}**: {r['what']}" for r in records]
    if meta["input_checks"]:
        lines += ["", "Inputs:", ""]
        lines += [f"- {note}" for note in meta["input_checks"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citeaudit", default="uv run citeaudit", help="the command to run")
    parser.add_argument(
        "--project", type=Path, default=Path.cwd(), help="folder the command runs from"
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    parser.add_argument("--label", default="", help="what is measured, for the title")
    parser.add_argument("--cases", default="", help="comma-separated case names (all)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per case")
    parser.add_argument("--mem-cap-gib", type=float, default=12.0, help="RLIMIT_AS per case")
    parser.add_argument(
        "--keep-free-gib",
        type=float,
        default=3.0,
        help="lower a case's cap so that this much memory stays available to the machine",
    )
    parser.add_argument("--large-count", type=int, default=20)
    parser.add_argument("--large-size", type=parse_size, default=parse_size("1G"))
    parser.add_argument(
        "--large-timeout", type=float, default=LARGE_TIMEOUT, help="seconds for many-large"
    )
    parser.add_argument(
        "--audit-arg", action="append", default=[], help="an extra argument for every audit"
    )
    parser.add_argument(
        "--env", action="append", default=[], help="NAME=VALUE for every run's environment"
    )
    parser.add_argument("--keep", action="store_true", help="keep the cases' folders")
    args = parser.parse_args()
    args.project = args.project.resolve()
    chosen = [c for c in args.cases.split(",") if c]
    unknown = set(chosen) - {c.name for c in CASES}
    if unknown:
        parser.error(f"unknown case(s): {', '.join(sorted(unknown))}")
    cases = [c for c in CASES if not chosen or c.name in chosen]
    command = shlex.split(args.citeaudit)
    uv_run = command[:2] == ["uv", "run"]
    if uv_run and not (args.project / "pyproject.toml").is_file():
        parser.error(
            f"{args.project} has no pyproject.toml: `uv run` there would not run that "
            "project's citeaudit"
        )
    env = child_env(args.env)
    version = subprocess.run(
        [*command, "--version"], cwd=args.project, env=env, capture_output=True, text=True
    )
    memory_total = int(Path("/proc/meminfo").read_text().split()[1]) * 1024
    load_before = os.getloadavg()[0]

    servers = Servers()
    servers.add(servers.public, "/ordinary", Route(headers=HTML, data=ORDINARY_PAGE))
    records: list[dict[str, Any]] = []
    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        (root / "inputs").mkdir()
        bench = Bench(servers, root / "inputs", args.audit_arg, args.large_count, args.large_size)
        print("building and checking the inputs...", file=sys.stderr)
        input_checks = check_inputs(bench)
        for number, case in enumerate(cases, start=1):
            if case.name == "many-large":
                case = dataclasses.replace(
                    case,
                    what=f"{args.large_count} pages each served with a {args.large_size:,}-byte "
                    "body (streamed, never held by the server), all cited by one claim",
                    timeout=args.large_timeout,
                )
            print(f"[{number}/{len(cases)}] {case.name}...", file=sys.stderr, end=" ", flush=True)
            started = time.monotonic()
            record = run_case(case, bench, root, args, command, env)
            records.append(record)
            print(
                f"{record['outcome']}, {record['wall_s']:.1f} s, {record['peak_rss_mib']:,.0f} "
                f"MiB ({time.monotonic() - started:.0f} s with checks)",
                file=sys.stderr,
            )
    finally:
        servers.close()
        if args.keep:
            print(f"the cases' folders are kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    meta = {
        "label": args.label or f"`{args.citeaudit}` in {args.project.name}",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "citeaudit": args.citeaudit,
        "project": str(args.project),
        "version": (version.stdout.strip() or version.stderr.strip() or "version unknown"),
        "cores": os.cpu_count(),
        "memory_gib": memory_total / GIB,
        "memory_cap_gib": args.mem_cap_gib,
        "timeout_s": args.timeout,
        "rss_method": RSS_METHOD,
        "large_count": args.large_count,
        "large_size": args.large_size,
        "input_checks": input_checks,
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
    }
    if uv_run and not (args.project / "pyproject.toml").is_file():
        meta["warning"] = (
            f"{args.project} lost its pyproject.toml during the run: the figures may not be "
            "of that project's citeaudit (see each case's `programs` in the JSON)"
        )
    sys.stdout.write(markdown(meta, records))
    if args.json:
        args.json.write_text(json.dumps({**meta, "cases": records}, indent=2) + "\n")


if __name__ == "__main__":
    main()
