"""The benchmark's web servers: one on 127.0.0.1 for every case, one on 127.0.0.2 standing in
for a private address. Each answer is a route (a fixed body, a file, or a body streamed from
one repeated block, never held whole), and every request is logged with its headers."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass(frozen=True)
class Route:
    """One answer: ``data`` whole, or the file ``path``, or ``block`` repeated to ``length``."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    data: bytes = b""
    path: Path | None = None
    block: bytes = b""
    length: int = 0


@dataclass(frozen=True)
class Hit:
    """A request as the server saw it."""

    host: str
    method: str
    path: str
    authorization: str | None


@dataclass
class Site:
    """Routes by (server address, path), and the log of every request."""

    routes: dict[tuple[str, str], Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, hit: Hit) -> None:
        with self.lock:
            self.hits.append(hit)

    def count(self, path: str, size: int) -> None:
        with self.lock:
            self.sent[path] += size

    def take_hits(self) -> list[Hit]:
        """The requests since the last call (and the bytes sent are counted from zero)."""
        with self.lock:
            hits, self.hits = self.hits, []
            self.sent = Counter()
        return hits

    def bytes_sent(self) -> dict[str, int]:
        """Body bytes written (to the socket's buffer) for each path since take_hits."""
        with self.lock:
            return dict(self.sent)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    site: Site


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        address = str(self.server.server_address[0])
        path = self.path.split("?", 1)[0]
        site = self.server.site
        site.log(Hit(address, self.command, path, self.headers.get("Authorization")))
        route = site.routes.get((address, path))
        if route is None:
            route = Route(404, (("Content-Type", "text/plain"),), b"not found\n")
        if route.path is not None:
            length = route.path.stat().st_size
        elif route.block:
            length = route.length
        else:
            length = len(route.data)
        self.send_response(route.status)
        for name, value in route.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if not body:
            return
        try:
            if route.path is not None:
                with route.path.open("rb") as stream:
                    while chunk := stream.read(1 << 20):
                        self.wfile.write(chunk)
                        site.count(path, len(chunk))
            elif route.block:
                left = route.length
                while left > 0:
                    part = route.block[:left]
                    self.wfile.write(part)
                    site.count(path, len(part))
                    left -= len(part)
            else:
                self.wfile.write(route.data)
                site.count(path, len(route.data))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped reading: a cut body

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class Servers:
    """Both servers, started on free ports; ``site`` holds their routes and log."""

    def __init__(self) -> None:
        self.site = Site()
        self._servers: list[_Server] = []
        for address in ("127.0.0.1", "127.0.0.2"):
            server = _Server((address, 0), _Handler)
            server.site = self.site
            self._servers.append(server)
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def public(self) -> str:
        """The base URL of the server every ordinary case uses."""
        return f"http://127.0.0.1:{self._servers[0].server_address[1]}"

    @property
    def private(self) -> str:
        """The base URL of the server on 127.0.0.2 (standing in for a private address)."""
        return f"http://127.0.0.2:{self._servers[1].server_address[1]}"

    def add(self, base: str, path: str, route: Route) -> None:
        host = base.split("//", 1)[1].split(":", 1)[0]
        self.site.routes[(host, path)] = route

    def close(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
