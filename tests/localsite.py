"""A small local web site for the store's tests: fixed pages, an optional delay per request,
and a count of the requests each path received (to prove what was, or was not, fetched)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

LOCALHOST = "127.0.0.1"


class LocalSite:
    """Serve ``pages`` (path -> (content type, body)) on 127.0.0.1; anything else is a 404."""

    def __init__(
        self,
        pages: Mapping[str, tuple[str, bytes]],
        delay: float = 0.0,
        hold_after: int | None = None,
        moved: Mapping[str, str] | None = None,
    ) -> None:
        """``hold_after``: answer that many requests, then hold the rest until :meth:`release`
        (so a client is certain to be mid-run while a test looks at it); ``moved``: paths
        answered with a 301 to another path."""
        self.pages = dict(pages)
        self.moved = dict(moved or {})
        self.delay = delay
        self.hold_after = hold_after
        self._gate = threading.Event()
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with site._lock:
                    site.requests[self.path] += 1
                    seen = sum(site.requests.values())
                if site.hold_after is not None and seen > site.hold_after:
                    site._gate.wait(timeout=120)
                if site.delay:
                    time.sleep(site.delay)
                if self.path in site.moved:
                    self.send_response(301)
                    self.send_header("Location", site.moved[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                found = site.pages.get(self.path)
                status, (kind, body) = (200, found) if found else (404, ("text/plain", b"gone"))
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def release(self) -> None:
        """Answer the held requests, and every later one at once."""
        self._gate.set()

    def url(self, path: str) -> str:
        return f"http://{LOCALHOST}:{self.port}{path}"

    def fetched(self) -> dict[str, int]:
        with self._lock:
            return dict(self.requests)

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._gate.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=2)


def html(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>{text}</p></body></html>"
    ).encode()


def write_sources(path: Path, site: LocalSite, paths: list[str], claims: str = "") -> Path:
    """A sources file citing each path as source ``p<N>``, plus ``claims`` YAML as given."""
    lines = ["sources:"]
    for n, page in enumerate(paths):
        lines += [f"  - id: p{n}", f"    url: {site.url(page)}"]
    lines.append(claims or "claims: []")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
