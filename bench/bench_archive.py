"""Benchmark `citeaudit archive` next to `wget --warc-file` on the same local site, and the
store's size after two runs.

Run: uv run python bench/bench_archive.py [--pages 200] [--size-kb 256] [--sources 17]

Part 1: a threaded HTTP server on 127.0.0.1 serves PAGES pages of SIZE-KB each (text that
compresses like prose, not zeros); both tools fetch every page and write a gzipped WARC. The
figure is payload megabytes per second of wall time, process start-up included for both.

Part 2: a store after two `archive` runs of a site shaped like the bundled sources.yaml
(SOURCES sources: HTML pages of 60-120 KB, PDFs of about 1 MB, a .docx) whose pages do not
change between the runs, so the second run writes revisit records. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS = (
    "the board commissioned a review of the programme and its evidence base across "
    "several trusts while clinicians raised concerns about police involvement in care"
).split()


def prose(size: int, seed: int) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))) + ". "
        out.append(sentence)
        length += len(sentence)
    return "".join(out)[:size]


def html_page(size: int, seed: int) -> bytes:
    return f"<!doctype html><title>Page {seed}</title><p>{prose(size, seed)}</p>".encode()


def pdf_like(size: int, seed: int) -> bytes:
    # A stand-in for a PDF of that size: a header, then data that compresses as PDFs do
    # (their streams are already deflated), so mostly incompressible bytes.
    rng = random.Random(seed)
    return b"%PDF-1.7\n" + rng.randbytes(size * 3 // 4) + prose(size // 4, seed).encode()


def serve(pages: dict[str, tuple[str, bytes]]) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            kind, body = pages.get(self.path, ("text/plain", b"not found"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def sources_file(folder: Path, port: int, paths: list[str]) -> Path:
    lines = ["sources:"]
    for n, path in enumerate(paths):
        lines += [f"  - id: s{n}", f"    url: http://127.0.0.1:{port}{path}"]
    lines.append("claims: []")
    out = folder / "sources.yaml"
    out.write_text("\n".join(lines) + "\n")
    return out


def timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(*args: str, cwd: Path | None = None) -> None:
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    subprocess.run(args, cwd=cwd, check=True, env=env, capture_output=True)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def throughput(pages: int, size_kb: int) -> None:
    site = {f"/p/{n}": ("text/html", html_page(size_kb * 1024, n)) for n in range(pages)}
    total = sum(len(body) for _, body in site.values())
    server, port = serve(site)
    citeaudit = [sys.executable, "-m", "citeaudit"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            sources = sources_file(folder, port, list(site))
            urls = folder / "urls.txt"
            urls.write_text("".join(f"http://127.0.0.1:{port}{p}\n" for p in site))
            ours = timed(lambda: run(*citeaudit, "archive", str(sources), "--per-host", "16"))
            wget_dir = folder / "wget"
            wget_dir.mkdir()
            wget = timed(
                lambda: run(
                    "wget",
                    "-q",
                    "-i",
                    str(urls),
                    "--warc-file=site",
                    "--no-warc-keep-log",
                    "--delete-after",
                    "--no-verbose",
                    cwd=wget_dir,
                )
            )
            ours_warc = folder_size(folder / ".citeaudit" / "archive")
            wget_warc = (wget_dir / "site.warc.gz").stat().st_size
    finally:
        server.shutdown()
    mb = total / 1e6
    print(f"site: {pages} pages of {size_kb} KiB, {mb:.1f} MB of payload")
    print(
        f"citeaudit archive: {ours:6.2f} s  {mb / ours:6.1f} MB/s  "
        f"(WARC {ours_warc / 1e6:.1f} MB; page texts extracted and indexed too)"
    )
    print(
        f"wget --warc-file:  {wget:6.2f} s  {mb / wget:6.1f} MB/s  (WARC {wget_warc / 1e6:.1f} MB)"
    )


def store_size(sources: int) -> None:
    rng = random.Random(7)
    site: dict[str, tuple[str, bytes]] = {}
    for n in range(sources):
        if n % 4 == 3:
            site[f"/doc/{n}.pdf"] = ("application/pdf", pdf_like(rng.randint(800, 1300) * 1024, n))
        elif n == 5:
            site[f"/doc/{n}.docx"] = ("application/octet-stream", pdf_like(200 * 1024, n))
        else:
            site[f"/page/{n}"] = ("text/html", html_page(rng.randint(60, 120) * 1024, n))
    total = sum(len(body) for _, body in site.values())
    server, port = serve(site)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            sources_path = sources_file(folder, port, list(site))
            store = folder / ".citeaudit"
            sizes = []
            for _ in range(2):
                run(sys.executable, "-m", "citeaudit", "archive", str(sources_path))
                sizes.append(
                    (
                        folder_size(store / "archive"),
                        (store / "citeaudit.sqlite").stat().st_size,
                        folder_size(store),
                    )
                )
                time.sleep(1.1)
            shutil.rmtree(store)
    finally:
        server.shutdown()
    print(f"\nstore after two runs of {sources} sources ({total / 1e6:.1f} MB of payload):")
    for n, (warcs, db, whole) in enumerate(sizes, 1):
        print(
            f"  after run {n}: WARCs {warcs / 1e6:6.2f} MB, database {db / 1e6:5.2f} MB, "
            f"store {whole / 1e6:6.2f} MB"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--size-kb", type=int, default=256)
    parser.add_argument("--sources", type=int, default=17)
    args = parser.parse_args()
    if shutil.which("wget") is None:
        sys.exit("wget is not installed (apt-get install wget)")
    throughput(args.pages, args.size_kb)
    store_size(args.sources)


if __name__ == "__main__":
    main()
