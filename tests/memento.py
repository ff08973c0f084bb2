"""A real Memento server for tests: pywb's `wayback` on 127.0.0.1, loaded with WARCs that
the test itself records at chosen dates (pywb is a dev dependency).

pywb serves Memento in its collection routes: the TimeGate of a URL is
``http://127.0.0.1:PORT/web/<url>`` (with ``Accept-Datetime``), its TimeMap
``/web/timemap/link/<url>``, and each memento ``/web/<timestamp>/<url>`` (``id_`` after the
timestamp for the archived bytes). WARCs added while it runs are served at once.
"""

from __future__ import annotations

import io
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import httpx
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

BIN = Path(sys.executable).parent
COLLECTION = "web"
CONFIG = "redirect_to_exact: true\nframed_replay: false\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Capture:
    """One archived answer for ``url`` captured at ``date`` (``2020-01-01T00:00:00Z``)."""

    url: str
    date: str
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def write_warc(path: Path, captures: Iterable[Capture]) -> Path:
    """A WARC file holding each capture as a response record dated as it says."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for capture in captures:
            reason = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}
            http = StatusAndHeaders(
                f"{capture.status} {reason.get(capture.status, 'Status')}",
                [
                    ("Content-Type", capture.content_type),
                    ("Content-Length", str(len(capture.body))),
                    *capture.headers,
                ],
                protocol="HTTP/1.1",
            )
            record = writer.create_warc_record(
                capture.url,
                "response",
                payload=io.BytesIO(capture.body),
                length=len(capture.body),
                http_headers=http,
                warc_headers_dict={"WARC-Date": capture.date},
            )
            writer.write_record(record)
    return path


class PywbServer:
    """pywb's `wayback` serving every collection of a folder; use as a context manager.

    Started once for the whole test session (it takes a second or two); each test module
    asks for a collection of its own (:meth:`collection`), so their captures never mix.
    Collections made while it runs are served at once.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self._server: subprocess.Popen[bytes] | None = None

    def collection(self, name: str) -> Pywb:
        """A new, empty collection ``name`` of this server."""
        subprocess.run(
            [BIN / "wb-manager", "init", name],
            cwd=self.root,
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return Pywb(self, name)

    def __enter__(self) -> PywbServer:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "config.yaml").write_text(CONFIG, encoding="utf-8")
        self.collection(COLLECTION)  # pywb wants one collection to start with
        self._server = subprocess.Popen(
            [BIN / "wayback", "-b", "127.0.0.1", "-p", str(self.port)],
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/", timeout=1)
                return self
            except httpx.TransportError:
                if self._server.poll() is not None:
                    raise AssertionError("pywb's wayback exited at start") from None
                time.sleep(0.05)
        self._server.kill()
        raise AssertionError("pywb's wayback did not start")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.terminate()
            try:
                self._server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._server.kill()
                self._server.wait(timeout=10)


class Pywb:
    """One collection of a running pywb: its TimeGate, and WARCs added to it."""

    def __init__(self, server: PywbServer, name: str) -> None:
        self.server = server
        self.name = name
        self._added = 0

    @property
    def root(self) -> Path:
        return self.server.root

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def timegate(self) -> str:
        return f"http://127.0.0.1:{self.port}/{self.name}/"

    def add(self, captures: Sequence[Capture]) -> None:
        """Record the captures in a new WARC and add it to the collection."""
        self._added += 1
        folder = self.root / "captures" / self.name
        folder.mkdir(parents=True, exist_ok=True)
        warc = write_warc(folder / f"captures-{self._added}.warc.gz", captures)
        self.add_warcs([warc])

    def add_warcs(self, warcs: Sequence[Path]) -> None:
        subprocess.run(
            [BIN / "wb-manager", "add", self.name, *map(str, warcs)],
            cwd=self.root,
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
