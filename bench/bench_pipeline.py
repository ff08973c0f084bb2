"""Benchmark `check` and `audit` against a local site: URLs per second, MB/s, peak memory.

Run: uv run python bench/bench_pipeline.py [--pages 500] [--size-kb 64]

A threaded HTTP server on 127.0.0.1 serves PAGES HTML pages of about SIZE-KB each, spread
over several host names (127.0.0.1, 127.0.0.2, ...) so the per-host limit applies; a sources
file cites each page with a quote that is on it. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from citeaudit.catalog import load_catalog
from citeaudit.fetch import FetchOptions
from citeaudit.pipeline import AuditOptions, audit, check_links
from citeaudit.vocab import ClaimVerdict

FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20


def page(index: int, size: int) -> bytes:
    body = [f"<p>Paragraph {n} of page {index}. {FILLER}</p>" for n in range(size // 1200 + 1)]
    body.insert(len(body) // 2, f"<p>The quoted sentence number {index} is here.</p>")
    html = f"<!doctype html><title>Page {index}</title><body>{''.join(body)}</body>"
    return html.encode()


class Server(ThreadingHTTPServer):
    """The site's server, with a listen backlog a real server would have.

    socketserver's default backlog is 5: when a run opens its 16 connections (4 hosts x 4)
    at once, the kernel drops the SYNs beyond it and the client sends them again 1 s later,
    so each run measured a second of TCP retransmission timer instead of citeaudit.
    """

    daemon_threads = True
    request_queue_size = 128


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    size = 64 * 1024

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        index = int(self.path.rsplit("/", 1)[-1])
        data = page(index, self.size)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--size-kb", type=int, default=64)
    parser.add_argument("--hosts", type=int, default=4)
    args = parser.parse_args()
    Handler.size = args.size_kb * 1024

    server = Server(("0.0.0.0", 0), Handler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sources.yaml"
        lines = ["sources:"]
        for i in range(args.pages):
            host = f"127.0.0.{i % args.hosts + 1}"
            lines.append(f"  - id: p{i}\n    url: http://{host}:{port}/page/{i}")
        lines.append("claims:")
        lines.extend(
            f"  - id: c{i}\n    text: t\n    evidence:\n      - source: p{i}\n"
            f"        quote: the quoted sentence number {i} is here"
            for i in range(args.pages)
        )
        path.write_text("\n".join(lines) + "\n")
        catalog = load_catalog(path)
        total_bytes = sum(len(page(i, Handler.size)) for i in range(args.pages))
        options = FetchOptions()

        start = time.perf_counter()
        checked = check_links(catalog, path, options)
        check_s = time.perf_counter() - start
        assert all(s.status and s.status.alive for s in checked.sources)

        start = time.perf_counter()
        result = audit(catalog, path, AuditOptions(fetch=options))
        audit_s = time.perf_counter() - start
        supported = sum(c.verdict is ClaimVerdict.SUPPORTED for c in result.claims)
        store = sum(f.stat().st_size for f in (Path(tmp) / ".citeaudit").rglob("*") if f.is_file())

    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    mb = total_bytes / 1e6
    print(f"pages: {args.pages} x ~{args.size_kb} KB on {args.hosts} hosts ({mb:.1f} MB)")
    print(f"check: {check_s:.2f} s, {args.pages / check_s:.0f} URLs/s, {mb / check_s:.1f} MB/s")
    print(
        f"audit: {audit_s:.2f} s, {args.pages / audit_s:.0f} URLs/s, {mb / audit_s:.1f} MB/s, "
        f"{supported}/{args.pages} claims supported, store {store / 1e6:.1f} MB"
    )
    print(f"peak RSS: {peak_mb:.0f} MB")
    server.shutdown()


if __name__ == "__main__":
    main()
