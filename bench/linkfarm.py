"""A link farm for benchmarks: many hosts, one port, fixed latency, a known share of dead links.

Run: uv run python bench/linkfarm.py [--hosts 50] [--port 0] [--latency 0.1]

Each host is its own loopback address (127.0.0.1, 127.0.0.2, ... all on one port): link
checkers count every port of one address as one host, so ports would not do. Linux routes the
whole of 127.0.0.0/8 to loopback, so binding 127.0.0.2..50 needs no set-up.

``/p/N`` answers after ``--latency`` seconds: 404 when ``N % 20 == 13`` (exactly 5% of any 20
consecutive pages, chosen without randomness), else 200 with a small HTML page (about 1.5 KB,
a title, a heading and some paragraphs, like a real article's start). HEAD gets the headers
alone. ``/_bench/...`` paths answer at once and are not counted: ``links.html?n=N&hosts=H``
is a page linking the benchmark's N URLs, ``stats`` the request counts as JSON and ``reset``
zeroes them. The server is a bare asyncio protocol with keep-alive and no framework, so
that it costs the machine far less than any client (about 50,000 requests/s on one core).

It prints ``READY <port>`` on stdout once every address is bound, and stops on SIGTERM,
SIGINT or, when its standard input is a pipe, when that pipe closes (so it never outlives
the harness that started it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import stat
import sys
from collections import Counter
from typing import cast
from urllib.parse import parse_qs, urlsplit

DEAD_EVERY = 20
DEAD_AT = 13
FILLER = (
    "This report sets out what was found, how it was measured and what follows from it. "
    "The figures were gathered over the year and checked against the published accounts. "
)


def farm_urls(count: int, hosts: int, port: int) -> list[str]:
    """The benchmark's URLs: page i on host ``127.0.0.(i % hosts + 1)``, hosts interleaved so
    that a checker working down the list meets every host at once."""
    return [f"http://127.0.0.{i % hosts + 1}:{port}/p/{i}" for i in range(count)]


def is_dead(index: int) -> bool:
    """Whether page ``index`` is a 404: exactly one in every 20."""
    return index % DEAD_EVERY == DEAD_AT


def page(index: int) -> bytes:
    paragraphs = "".join(f"<p>{FILLER}Section {n} of report {index}.</p>" for n in range(1, 6))
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>Annual report {index}</title></head><body><nav><a href=/>Home</a></nav>"
        f"<main><h1>Annual report {index}</h1>{paragraphs}</main></body></html>"
    ).encode()


NOT_FOUND = (
    b"<!doctype html><html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>"
)


def response(status: str, body: bytes, head: bool, close: bool, kind: str = "text/html") -> bytes:
    headers = (
        f"HTTP/1.1 {status}\r\nContent-Type: {kind}; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n"
        f"Connection: {'close' if close else 'keep-alive'}\r\n"
        # LinkChecker waits 0.1 to 0.6 s between two requests to one host unless the
        # server sends this header: then it keeps to its maxrequestspersecond setting.
        "LinkChecker: welcome\r\n\r\n"
    ).encode()
    return headers if head else headers + body


class Farm:
    """What every connection shares: the settings and the request counts."""

    def __init__(self, latency: float, port: int) -> None:
        self.latency = latency
        self.port = port
        self.requests: Counter[str] = Counter()  # by method
        self.paths: Counter[str] = Counter()  # by host and path
        self.pages: dict[int, bytes] = {}  # built on first request

    def body(self, index: int) -> bytes:
        found = self.pages.get(index)
        if found is None:
            found = self.pages[index] = page(index)
        return found

    def control(self, target: str) -> tuple[str, bytes, str]:
        """Answer a ``/_bench/`` request: (status, body, content type)."""
        parts = urlsplit(target)
        if parts.path == "/_bench/stats":
            data = {
                "requests": dict(self.requests),
                "total": sum(self.requests.values()),
                "distinct": len(self.paths),
                "repeated": sum(1 for n in self.paths.values() if n > 1),
            }
            return "200 OK", json.dumps(data).encode(), "application/json"
        if parts.path == "/_bench/reset":
            self.requests.clear()
            self.paths.clear()
            return "200 OK", b"{}", "application/json"
        if parts.path == "/_bench/links.html":
            query = parse_qs(parts.query)
            count = int(query.get("n", ["2000"])[0])
            hosts = int(query.get("hosts", ["50"])[0])
            links = "".join(
                f'<li><a href="{url}">{url}</a></li>\n'
                for url in farm_urls(count, hosts, self.port)
            )
            html = f"<!doctype html><title>links</title><ul>\n{links}</ul>"
            return "200 OK", html.encode(), "text/html"
        return "404 Not Found", NOT_FOUND, "text/html"


class Connection(asyncio.Protocol):
    """One keep-alive connection: requests are answered in order, each after the latency."""

    def __init__(self, farm: Farm) -> None:
        self.farm = farm
        self.buffer = b""
        self.transport: asyncio.Transport | None = None
        self.closing = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while not self.closing:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > 65536 and self.transport is not None:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            self.handle(head)

    def handle(self, head: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            self.send(response("400 Bad Request", b"", False, True))
            return
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip().lower()
        close = fields.get("connection") == "close" or version == "HTTP/1.0"
        head_only = method == "HEAD"
        farm = self.farm
        if target.startswith("/_bench/"):
            status, body, kind = farm.control(target)
            self.send(response(status, body, head_only, close, kind))
            return
        farm.requests[method] += 1
        farm.paths[f"{fields.get('host', '')}{target}"] += 1
        path = urlsplit(target).path
        if method not in ("GET", "HEAD"):
            data = response("405 Method Not Allowed", b"", head_only, close)
        elif path.startswith("/p/") and path[3:].isdigit() and not is_dead(int(path[3:])):
            data = response("200 OK", farm.body(int(path[3:])), head_only, close)
        else:
            data = response("404 Not Found", NOT_FOUND, head_only, close)
        if close:
            self.closing = True
        if farm.latency > 0:
            asyncio.get_running_loop().call_later(farm.latency, self.send, data, close)
        else:
            self.send(data, close)

    def send(self, data: bytes, close: bool = False) -> None:
        if self.transport is None:
            return
        self.transport.write(data)
        if close:
            self.transport.close()


def bind_all(hosts: int, port: int) -> tuple[list[socket.socket], int]:
    """Listening sockets on 127.0.0.1..hosts, all on one port (a free one when port is 0)."""
    for _ in range(20):
        sockets: list[socket.socket] = []
        try:
            chosen = port
            for h in range(1, hosts + 1):
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sockets.append(sock)
                sock.bind((f"127.0.0.{h}", chosen))
                sock.listen(4096)
                sock.setblocking(False)
                chosen = sock.getsockname()[1]
            return sockets, chosen
        except OSError:
            for sock in sockets:
                sock.close()
            if port:
                raise
    raise OSError("no port free on every address")


async def serve(hosts: int, port: int, latency: float) -> None:
    sockets, port = bind_all(hosts, port)
    farm = Farm(latency, port)
    loop = asyncio.get_running_loop()
    servers = [await loop.create_server(lambda: Connection(farm), sock=s) for s in sockets]
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if stat.S_ISFIFO(os.fstat(sys.stdin.fileno()).st_mode):
        # Stop when the parent closes the pipe on our stdin (or dies): no orphaned servers.
        def on_stdin() -> None:
            if not os.read(sys.stdin.fileno(), 1):
                stop.set()

        loop.add_reader(sys.stdin.fileno(), on_stdin)
    print(f"READY {port}", flush=True)
    await stop.wait()
    for server in servers:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=50, help="addresses 127.0.0.1..N")
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds before each answer")
    args = parser.parse_args()
    if not 1 <= args.hosts <= 254:
        parser.error("--hosts must be between 1 and 254")
    asyncio.run(serve(args.hosts, args.port, args.latency))


if __name__ == "__main__":
    main()
