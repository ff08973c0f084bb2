"""`citeaudit audit` of the bundled statement, with and without judging claims on meaning.

Run: uv run python bench/meaning/bench_audit.py [--runs 5]

The bundled sources.yaml is audited against the local stand-ins of its sources
(tests/fixtures/bundled/, served on 127.0.0.1; the URLs are rewritten to them, as the tests
do), in a fresh process and a fresh store each run, with `--archived never` so no public
archive is asked. `--no-meaning` is the audit as it was before judging on meaning (bare
links left link_only, with a suggested passage); the default judges the 17 pieces of
evidence that quote nothing. Medians of wall and CPU seconds are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        """No line per request."""


ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "bundled"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@Request.application
def _serve(request: Request) -> Response:
    path = FIXTURES / request.path.lstrip("/")
    if path.suffix in TYPES and path.is_file():
        return Response(path.read_bytes(), content_type=TYPES[path.suffix])
    return Response("not found", status=404)


def local_sources(folder: Path, base: str) -> Path:
    """The bundled sources file with each URL pointing at its stand-in."""
    data = yaml.safe_load((ROOT / "sources.yaml").read_text(encoding="utf-8"))
    for source in data["sources"]:
        if source.get("url"):
            found = [p for p in FIXTURES.iterdir() if p.stem == source["id"] and p.suffix in TYPES]
            fragment = source["url"].partition("#")[2]
            source["url"] = f"{base}/{found[0].name}" + (f"#{fragment}" if fragment else "")
    path = folder / "sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def run(sources: Path, *options: str) -> tuple[float, float]:
    """Wall and CPU seconds of one audit in a fresh process and store."""
    store = Path(tempfile.mkdtemp(prefix="store-", dir=sources.parent))
    command = [sys.executable, "-m", "citeaudit", "audit", str(sources), "--format", "json"]
    command += ["--store", str(store), "--archived", "never", *options]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"audit failed: {command}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    server = make_server("127.0.0.1", 0, _serve, request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as folder:
        sources = local_sources(Path(folder), f"http://127.0.0.1:{server.server_port}")
        print("| audit of the bundled statement | wall s | CPU s |")
        print("|---|---:|---:|")
        for label, options in (
            ("--no-meaning (as before)", ["--no-meaning"]),
            ("judged on meaning", []),
        ):
            runs = [run(sources, *options) for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            cpu = statistics.median(r[1] for r in runs)
            print(f"| {label} | {wall:.2f} | {cpu:.2f} |")
    server.shutdown()


if __name__ == "__main__":
    main()
