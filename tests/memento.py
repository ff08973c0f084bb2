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


class Pywb:
    """pywb's `wayback` serving one collection from a folder; use as a context manager."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self._added = 0
        self._server: subprocess.Popen[bytes] | None = None

    @property
    def timegate(self) -> str:
        return f"http://127.0.0.1:{self.port}/{COLLECTION}/"

    def add(self, captures: Sequence[Capture]) -> None:
        """Record the captures in a new WARC and add it to the collection."""
        self._added += 1
        warc = write_warc(self.root / f"captures-{self._added}.warc.gz", captures)
        self.add_warcs([warc])

    def add_warcs(self, warcs: Sequence[Path]) -> None:
        subprocess.run(
            [BIN / "wb-manager", "add", COLLECTION, *map(str, warcs)],
            cwd=self.root,
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def __enter__(self) -> Pywb:
        self.root.mkdir(parents=True, exist_ok=True)
        (self.root / "config.yaml").write_text(CONFIG, encoding="utf-8")
        subprocess.run(
            [BIN / "wb-manager", "init", COLLECTION],
            cwd=self.root,
            check=True,
            timeout=60,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
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
                time.sleep(0.2)
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
