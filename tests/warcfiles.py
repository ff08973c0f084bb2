"""WARC files written for tests: sample fetches (a redirect chain, a gzip body, a truncated
body, a local file), a hand parser of records independent of warcio, and warcio's check."""

from __future__ import annotations

import base64
import gzip
import hashlib
import itertools
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from citeaudit import __version__
from citeaudit.archive import RecordRef, Snapshot, WarcArchive
from citeaudit.fetch import Exchange, FetchResult, Headers, Hop
from citeaudit.vocab import LinkStatus

T0 = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)
UA = f"citeaudit/{__version__} (+https://github.com/citeaudit/citeaudit)"
HTML = (
    b"<!doctype html>\n<html><head><title>Annual report</title></head>\n"
    b"<body><p>Emissions fell by 12 per cent in 2023.</p></body></html>\n"
)


def fixed_clock(start: datetime = T0) -> Callable[[], datetime]:
    ticks = itertools.count()
    return lambda: start + timedelta(seconds=next(ticks))


def fixed_ids() -> Callable[[], str]:
    numbers = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(numbers):012d}"


def request_headers(host: str, accept_encoding: str = "gzip, deflate") -> Headers:
    return (
        ("Host", host),
        ("Accept", "*/*"),
        ("Accept-Encoding", accept_encoding),
        ("Connection", "keep-alive"),
        ("User-Agent", UA),
    )


def exchange(
    url: str,
    status: int,
    reason: str,
    headers: Headers,
    body: bytes = b"",
    *,
    at: datetime = T0,
    http_version: str = "HTTP/1.1",
    truncated: bool = False,
) -> Exchange:
    host = httpx.URL(url).host
    return Exchange(
        method="GET",
        url=url,
        request_headers=request_headers(host),
        http_version=http_version,
        status=status,
        reason=reason,
        response_headers=headers,
        body=body,
        date=at,
        truncated=truncated,
    )


def result_for(
    exchanges: tuple[Exchange, ...], content: bytes, status: LinkStatus = LinkStatus.OK
) -> FetchResult:
    final = exchanges[-1]
    return FetchResult(
        url=exchanges[0].url,
        status=status,
        reason="answered",
        started=exchanges[0].date,
        http_status=final.status,
        final_url=final.url,
        redirects=tuple(Hop(e.url, e.status) for e in exchanges[:-1]),
        content_type={k.lower(): v for k, v in final.response_headers}.get("content-type"),
        content=content,
        truncated=final.truncated,
        exchanges=exchanges,
        elapsed=0.25,
    )


def redirect_result() -> FetchResult:
    """http -> https (301), then an old path -> new path (302), then the page, chunked."""
    at = T0
    hops = (
        exchange(
            "http://example.org/report",
            301,
            "Moved Permanently",
            (
                ("Location", "https://example.org/report"),
                ("Content-Length", "0"),
                ("Date", "Wed, 01 May 2024 12:00:00 GMT"),
            ),
            at=at,
        ),
        exchange(
            "https://example.org/report",
            302,
            "Found",
            (
                ("Location", "/reports/2023"),
                ("Content-Type", "text/html"),
                ("Content-Length", "22"),
            ),
            b"<a href=/reports/2023>",
            at=at + timedelta(milliseconds=120),
        ),
        exchange(
            "https://example.org/reports/2023",
            200,
            "OK",
            (
                ("Content-Type", "text/html; charset=utf-8"),
                ("Transfer-Encoding", "chunked"),
                ("Cache-Control", "max-age=600"),
            ),
            HTML,
            at=at + timedelta(milliseconds=250),
        ),
    )
    return result_for(hops, HTML, status=LinkStatus.REDIRECTED)


GZ_TEXT = b"Quarterly figures\n" * 40


def gzip_result() -> FetchResult:
    body = gzip.compress(GZ_TEXT, mtime=0)
    ex = exchange(
        "https://data.example.net/figures.txt",
        200,
        "OK",
        (
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(body))),
            ("Vary", "Accept-Encoding"),
        ),
        body,
        at=T0 + timedelta(seconds=2),
    )
    return result_for((ex,), GZ_TEXT)


BIG = b"0123456789abcdef" * 1024


def truncated_result() -> FetchResult:
    kept = BIG[:4096]
    ex = exchange(
        "https://files.example.com/big.csv",
        200,
        "OK",
        (("Content-Type", "text/csv"), ("Content-Length", str(len(BIG)))),
        kept,
        at=T0 + timedelta(seconds=3),
        truncated=True,
    )
    return result_for((ex,), kept)


@dataclass
class RawRecord:
    """A record parsed by hand from the decompressed file, independently of warcio."""

    headers: dict[str, str]
    block: bytes

    @property
    def type(self) -> str:
        return self.headers["WARC-Type"]

    @property
    def payload(self) -> bytes:
        if self.type in ("request", "response"):
            return self.block.split(b"\r\n\r\n", 1)[1]
        return self.block

    @property
    def http_head(self) -> str:
        return self.block.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def gzip_members(data: bytes) -> list[bytes]:
    """Each gzip member's decompressed bytes: one per record is what makes offsets work."""
    members = []
    while data:
        d = zlib.decompressobj(zlib.MAX_WBITS | 16)
        members.append(d.decompress(data))
        assert d.eof, "a gzip member was cut off"
        data = d.unused_data
    return members


def parse_records(path: Path) -> list[RawRecord]:
    records = []
    for member in gzip_members(path.read_bytes()):
        head, rest = member.split(b"\r\n\r\n", 1)
        lines = head.decode("utf-8").split("\r\n")
        assert lines[0] == "WARC/1.1"
        headers = dict(line.split(": ", 1) for line in lines[1:])
        length = int(headers["Content-Length"])
        assert rest[length:] == b"\r\n\r\n", "one record per member, ended by two CRLFs"
        records.append(RawRecord(headers, rest[:length]))
    return records


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warcio_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )


@dataclass
class Written:
    path: Path
    redirect: Snapshot
    gzipped: Snapshot
    truncated: Snapshot
    file: Snapshot
    source_file: Path


def write_sample(tmp_path: Path) -> Written:
    """One run's WARC in ``tmp_path/.citeaudit``: a redirect chain, a gzip body, a truncated
    body and a local file (whose name has a space)."""
    store = tmp_path / ".citeaudit"
    source_file = tmp_path / "letters" / "minister reply.txt"
    source_file.parent.mkdir()
    source_file.write_bytes(b"Dear editor,\nThe figure is correct.\n")
    info = {"sources-file": "sources.yaml", "sources-sha256": "ab" * 32}
    with WarcArchive(store, "20240501T120000Z-abc123", info, now=fixed_clock()) as archive:
        redirect = archive.write_fetch(redirect_result())
        gzipped = archive.write_fetch(gzip_result())
        truncated = archive.write_fetch(truncated_result())
        # named, as a run names it, relative to the sources file's folder (tmp_path)
        name = source_file.relative_to(tmp_path).as_posix()
        file = archive.write_file(name, source_file.read_bytes(), "text/plain")
        path = archive.path
    assert redirect and gzipped and truncated
    return Written(path, redirect, gzipped, truncated, file, source_file)


PAGE = b"<p>The council approved the plan on 3 May.</p>\n"


def page_exchange(at: datetime, body: bytes = PAGE) -> Exchange:
    return Exchange(
        method="GET",
        url="https://example.org/minutes#item-4",
        request_headers=(("Host", "example.org"), ("User-Agent", UA)),
        http_version="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=(("Content-Type", "text/html"), ("Content-Length", str(len(body)))),
        body=body,
        date=at,
    )


def page_result(at: datetime, body: bytes = PAGE) -> FetchResult:
    return result_for((page_exchange(at, body),), body)


class Earlier:
    """The lookup a run gives write_fetch: here, the one original the test wrote."""

    def __init__(self) -> None:
        self.known: dict[tuple[str, str], RecordRef] = {}
        self.asked: list[tuple[str, str]] = []

    def add(self, snap: Snapshot) -> None:
        assert snap.payload_digest is not None
        self.known[(snap.url, snap.payload_digest)] = RecordRef(
            snap.url, snap.date, snap.warc, snap.offset, snap.length, snap.record_id
        )

    def __call__(self, url: str, digest: str) -> RecordRef | None:
        self.asked.append((url, digest))
        return self.known.get((url, digest))
