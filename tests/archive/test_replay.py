"""Acceptance: our WARCs replay in pywb, byte for byte as the server sent them.

pywb is a dev dependency (installed by `uv sync`); its `wb-manager` and `wayback` commands
run as real processes on 127.0.0.1. Marked `replay` so it can be picked out (`-m replay`)
or left out (`-m "not replay"`); the default run, and CI, include it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from citeaudit.catalog import load_catalog
from citeaudit.pipeline import AuditOptions, archive
from citeaudit.store import Store
from documents import make_pdf
from localsite import LocalSite, html, write_sources

pytestmark = pytest.mark.replay

BIN = Path(sys.executable).parent
PAGES = {
    "/article": ("text/html; charset=utf-8", html("Article", "Quoted words, as published.")),
    "/report.pdf": ("application/pdf", make_pdf(["Page one.", "Page two."])),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def wayback(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A pywb collection folder and the port its `wayback` server will listen on."""
    root = tmp_path / "pywb"
    root.mkdir()
    subprocess.run([BIN / "wb-manager", "init", "evidence"], cwd=root, check=True, timeout=60)
    yield root, free_port()


def start(root: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [BIN / "wayback", "-b", "127.0.0.1", "-p", str(port)],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except httpx.TransportError:
            if server.poll() is not None:
                raise AssertionError("pywb's wayback exited at start") from None
            time.sleep(0.2)
    server.kill()
    raise AssertionError("pywb's wayback did not start")


def test_captures_and_revisits_replay_byte_for_byte(
    tmp_path: Path, wayback: tuple[Path, int]
) -> None:
    root, port = wayback
    with LocalSite(PAGES) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, list(PAGES))
        catalog = load_catalog(sources)
        archive(catalog, sources, AuditOptions())
        store = tmp_path / ".citeaudit"
        with Store.open(store) as opened:
            last = max(s.date for s in (*opened.snapshots_for("p0"), *opened.snapshots_for("p1")))
        # replay addresses captures by the second: the next run's must fall in a later one
        while datetime.now(UTC).replace(microsecond=0) <= last.replace(microsecond=0):
            time.sleep(0.01)
        archive(catalog, sources, AuditOptions())  # unchanged: revisit records
    warcs = sorted((store / "archive").glob("*.warc.gz"))
    subprocess.run(
        [BIN / "wb-manager", "add", "evidence", *map(str, warcs)], cwd=root, check=True, timeout=60
    )
    with Store.open(store) as opened:
        captures = [(s, opened.snapshots_for(s)) for s in ("p0", "p1")]
    server = start(root, port)
    try:
        for (source_id, snapshots), (path, (kind, served)) in zip(
            captures, PAGES.items(), strict=True
        ):
            assert [s.record_type for s in snapshots] == ["response", "revisit"], source_id
            for snap in snapshots:
                stamp = f"{snap.date:%Y%m%d%H%M%S}"
                url = f"http://127.0.0.1:{port}/evidence/{stamp}id_/{site.url(path)}"
                replay = httpx.get(url, timeout=30)
                assert replay.status_code == 200, (snap.record_type, replay.text[:300])
                assert replay.content == served, snap.record_type
                assert replay.headers["content-type"] == kind
                assert replay.headers["memento-datetime"].startswith(f"{snap.date:%a, %d %b %Y}")
    finally:
        server.terminate()
        server.wait(timeout=10)
