"""Keep every source as WARC 1.1 records, so a cited page can be shown as it was when checked.

One WARC file per run, under ``<store>/archive/``. Each HTTP exchange (every redirect hop)
becomes a ``request`` record and a ``response`` record; a local file becomes a ``resource``
record. Every record is its own gzip member and is flushed as soon as it is written, so a run
that is killed leaves a file that standard tools (``warcio check``, pywb, replayweb.page)
still read up to the last complete record. A :class:`Snapshot` says where the record of a
source's final answer is, so later stages read it back with :func:`read_payload` instead of
downloading again.
"""

from __future__ import annotations

import hashlib
import http
import io
import os
import re
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import urldefrag, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from citeaudit import __version__
from citeaudit.errors import StoreError
from citeaudit.fetch import Exchange, FetchResult, Headers

ARCHIVE_DIR = "archive"
WARC_VERSION = "WARC/1.1"
WARC_FORMAT = "WARC File Format 1.1"
WARC_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"

#: Largest decoded payload :func:`read_payload` returns: a guard against decompression bombs.
DEFAULT_PAYLOAD_LIMIT = 256 * 1024 * 1024

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Headers that describe the wire framing of a body we no longer hold in that framing.
_DECHUNKED = "transfer-encoding"
_RENAMED_PREFIX = "X-Archive-Orig-"


@dataclass(frozen=True)
class Snapshot:
    """Where the archived copy of one source is, and what it holds.

    ``offset`` and ``length`` delimit the record's gzip member inside ``warc`` (a path
    relative to the store directory), so the record can be read without scanning the file.
    ``sha256`` is of the decoded payload, the same bytes as :attr:`FetchResult.content`.
    """

    url: str
    warc: str
    offset: int
    length: int
    record_id: str
    date: datetime
    sha256: str
    content_type: str | None
    http_status: int | None


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already (as httpx dates are)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def warc_date(moment: datetime) -> str:
    """A WARC-Date: W3C-DTF in UTC, with microseconds when there are any (WARC 1.1)."""
    return str(datetime_to_iso_date(utc(moment).replace(tzinfo=None), use_micros=True))


class _HttpHeaders(StatusAndHeaders):
    """HTTP headers serialised byte for byte as received.

    warcio percent-encodes any non-ASCII header value; header values decoded as Latin-1
    (the lossless reading of raw header bytes) are written back as the same bytes instead, so
    the archived block, and its digest, are what the server sent.
    """

    def to_ascii_bytes(self, filter_func: object = None) -> bytes:
        text = self.to_str(filter_func)
        for encoding in ("ascii", "latin-1", "utf-8"):
            try:
                return bytes(text.encode(encoding)) + b"\r\n"
            except UnicodeEncodeError:
                continue
        raise AssertionError("utf-8 encodes every str")  # pragma: no cover


def _clean(value: str) -> str:
    """A header value on one line: a CR or LF inside it would forge headers in the record."""
    return value.replace("\r", " ").replace("\n", " ")


def _header_list(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """HTTP/1.x-framable headers: HTTP/2 pseudo-headers dropped, framing headers renamed.

    The body is stored de-chunked, so a ``Transfer-Encoding`` left in place would make
    replay tools try to de-chunk it again; renamed, it still says what the server sent.
    """
    out: list[tuple[str, str]] = []
    for name, value in headers:
        if name.startswith(":"):
            continue
        if name.lower() == _DECHUNKED:
            name = _RENAMED_PREFIX + name
        out.append((_clean(name), _clean(value)))
    return out


def _http1(version: str) -> str:
    """The protocol for the status line: WARC readers and replay tools expect HTTP/1.x."""
    return version if version in ("HTTP/1.0", "HTTP/1.1") else "HTTP/1.1"


def _protocol_id(version: str) -> str:
    """The ALPN name of an HTTP version ("HTTP/2" is "h2"), as WARC-Protocol proposes."""
    major = version.upper().removeprefix("HTTP/").split(".")[0]
    return f"h{major}" if major.isdigit() and major != "1" else version.lower()


def _reason(status: int, reason: str) -> str:
    """The reason phrase as sent, or the standard one (HTTP/2 sends none)."""
    if reason:
        return _clean(reason)
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_target(url: str) -> str:
    """The origin-form request target (path and query) of ``url``."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


def _target_uri(url: str) -> str:
    """The URI a record is filed under: a #fragment is never sent, so it is not part of it."""
    return urldefrag(url).url


def _header(headers: Headers, name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


class WarcArchive:
    """One run's WARC file: open it, write fetches and files into it, close it.

    ``now`` and ``make_id`` (a UUID string per call) are there so tests can write
    byte-identical files; by default they are the UTC clock and :func:`uuid.uuid4`.
    """

    def __init__(
        self,
        store_dir: Path,
        run_id: str,
        info: Mapping[str, str],
        *,
        now: Callable[[], datetime] | None = None,
        make_id: Callable[[], str] | None = None,
    ) -> None:
        if not _RUN_ID.match(run_id):
            raise ValueError(f"a run id must be a plain file-name part, not {run_id!r}")
        self.store_dir = Path(store_dir)
        self.run_id = run_id
        self._now = now or (lambda: datetime.now(UTC))
        self._make_id = make_id or (lambda: str(uuid.uuid4()))
        self._lock = threading.Lock()
        opened = utc(self._now())
        name = f"{opened:%Y%m%d%H%M%S}-{run_id}.warc.gz"
        self.relative_path = f"{ARCHIVE_DIR}/{name}"
        self.path = self.store_dir / ARCHIVE_DIR / name
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh: BinaryIO = open(self.path, "xb")
        except FileExistsError:
            raise StoreError(
                f"the archive file {self.path} already exists; "
                "each run writes a new one, so this run id was used twice"
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot create the archive file {self.path}: {exc.strerror}") from exc
        self._writer = WARCWriter(self._fh, gzip=True, warc_version=WARC_VERSION)
        self._closed = False
        try:
            self._write_warcinfo(name, opened, info)
        except BaseException:
            self._fh.close()
            raise

    # -- context manager -------------------------------------------------------------------

    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Flush the file to disk and close it; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        try:
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise StoreError(f"cannot finish writing {self.path}: {exc.strerror}") from exc
        finally:
            self._fh.close()

    # -- writing ---------------------------------------------------------------------------

    def _record_id(self) -> str:
        return f"<urn:uuid:{self._make_id()}>"

    def _warc_headers(self, record_type: str, record_id: str, date: str) -> StatusAndHeaders:
        headers = [("WARC-Type", record_type), ("WARC-Record-ID", record_id), ("WARC-Date", date)]
        return StatusAndHeaders("", headers, protocol=WARC_VERSION)

    def _write(self, record: object) -> tuple[int, int]:
        """Write one record as one flushed gzip member; return its offset and length.

        On a failed write (disk full) the partial member is cut off again, so the file
        stays readable up to its last whole record.
        """
        if self._closed:
            raise StoreError(f"the archive file {self.path} is already closed")
        start = self._fh.tell()
        try:
            self._writer.write_record(record)
            self._fh.flush()
        except OSError as exc:
            try:
                self._fh.truncate(start)
                self._fh.seek(start)
            except OSError:
                pass
            raise StoreError(
                f"cannot write to the archive file {self.path}: {exc.strerror}"
            ) from exc
        return start, self._fh.tell() - start

    def _write_warcinfo(self, filename: str, opened: datetime, info: Mapping[str, str]) -> None:
        fields: dict[str, str] = {
            "software": f"citeaudit/{__version__}",
            "format": WARC_FORMAT,
            "conformsTo": WARC_CONFORMS_TO,
            "citeaudit-run-id": self.run_id,
        }
        fields.update(info)
        body = "".join(f"{_clean(k)}: {_clean(v)}\r\n" for k, v in fields.items() if v)
        data = body.encode("utf-8")
        headers = self._warc_headers("warcinfo", self._record_id(), warc_date(opened))
        headers.add_header("WARC-Filename", filename)
        record = self._writer.create_warc_record(
            "",
            "warcinfo",
            payload=io.BytesIO(data),
            length=len(data),
            warc_headers=headers,
            warc_content_type="application/warc-fields",
        )
        self._write(record)

    def write_fetch(self, result: FetchResult) -> Snapshot | None:
        """Archive every exchange of ``result``; the snapshot of its final response.

        None when nothing came back to archive (DNS failure, refused connection, bad URL).
        """
        if not result.exchanges:
            return None
        with self._lock:
            last: tuple[Exchange, str, int, int] | None = None
            for exchange in result.exchanges:
                last = self._write_exchange(exchange)
        assert last is not None
        exchange, record_id, offset, length = last
        content_type = result.content_type or _header(exchange.response_headers, "content-type")
        return Snapshot(
            url=_target_uri(exchange.url),
            warc=self.relative_path,
            offset=offset,
            length=length,
            record_id=record_id,
            date=utc(exchange.date),
            sha256=hashlib.sha256(result.content).hexdigest(),
            content_type=content_type,
            http_status=exchange.status,
        )

    def _write_exchange(self, exchange: Exchange) -> tuple[Exchange, str, int, int]:
        """Write a request record and then its response record; the response's place."""
        date = warc_date(exchange.date)
        uri = _target_uri(exchange.url)
        request_id = self._record_id()
        response_id = self._record_id()

        request_line = f"{exchange.method} {_request_target(exchange.url)} HTTP/1.1"
        request_http = _HttpHeaders(
            request_line, _header_list(exchange.request_headers), is_http_request=True
        )
        request_warc = self._warc_headers("request", request_id, date)
        request_warc.add_header("WARC-Target-URI", uri)
        request_warc.add_header("WARC-Concurrent-To", response_id)
        request = self._writer.create_warc_record(
            uri,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            warc_headers=request_warc,
            http_headers=request_http,
        )

        status_line = f"{exchange.status} {_reason(exchange.status, exchange.reason)}".rstrip()
        response_http = _HttpHeaders(
            status_line,
            _header_list(exchange.response_headers),
            protocol=_http1(exchange.http_version),
        )
        response_warc = self._warc_headers("response", response_id, date)
        response_warc.add_header("WARC-Target-URI", uri)
        if not exchange.http_version.startswith("HTTP/1."):
            # Proposed WARC field: the status line says HTTP/1.1, this says what it really was.
            response_warc.add_header("WARC-Protocol", _protocol_id(exchange.http_version))
        if exchange.truncated:
            response_warc.add_header("WARC-Truncated", "length")
        response = self._writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            warc_headers=response_warc,
            http_headers=response_http,
        )

        self._write(request)
        offset, length = self._write(response)
        return exchange, response_id, offset, length

    def write_file(self, path: Path, data: bytes, content_type: str) -> Snapshot:
        """Archive a local file source as a ``resource`` record with a ``file://`` URI."""
        uri = Path(path).resolve().as_uri()
        captured = utc(self._now())
        record_id = self._record_id()
        headers = self._warc_headers("resource", record_id, warc_date(captured))
        headers.add_header("WARC-Target-URI", uri)
        record = self._writer.create_warc_record(
            uri,
            "resource",
            payload=io.BytesIO(data),
            length=len(data),
            warc_headers=headers,
            warc_content_type=content_type,
        )
        with self._lock:
            offset, length = self._write(record)
        return Snapshot(
            url=uri,
            warc=self.relative_path,
            offset=offset,
            length=length,
            record_id=record_id,
            date=captured,
            sha256=hashlib.sha256(data).hexdigest(),
            content_type=content_type,
            http_status=None,
        )


# -- reading -------------------------------------------------------------------------------


def _inflate(data: bytes, wbits: int, limit: int, where: str) -> bytes:
    """Decompress with a cap; a cut-off stream (a truncated capture) yields what it holds."""
    decompressor = zlib.decompressobj(wbits)
    out = decompressor.decompress(data, limit + 1)
    if len(out) > limit:
        raise StoreError(f"the archived copy {where} decodes to more than {limit} bytes")
    return out


def _decode(data: bytes, encoding: str, limit: int, where: str) -> bytes:
    """Undo a Content-Encoding (applied in the order listed, so undone in reverse)."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        try:
            if coding in ("gzip", "x-gzip"):
                data = _inflate(data, zlib.MAX_WBITS | 16, limit, where)
            elif coding == "deflate":
                try:
                    data = _inflate(data, zlib.MAX_WBITS, limit, where)
                except zlib.error:  # servers often send raw deflate without the zlib wrapper
                    data = _inflate(data, -zlib.MAX_WBITS, limit, where)
            elif coding != "identity":
                raise StoreError(
                    f"the archived copy {where} is encoded as {coding!r}, "
                    "which citeaudit cannot decode"
                )
        except zlib.error as exc:
            raise StoreError(
                f"the archived copy {where} does not decode as {coding}: {exc}"
            ) from exc
    return data


def _read_all(stream: BinaryIO, limit: int, where: str) -> bytes:
    """The rest of a record's block (warcio's readers return short reads), at most ``limit``.

    Reading to the end is also what completes warcio's digest check.
    """
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
        if size > limit:
            raise StoreError(f"the archived copy {where} is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def read_payload(
    store_dir: Path, snapshot: Snapshot, *, limit: int = DEFAULT_PAYLOAD_LIMIT
) -> bytes:
    """The decoded body of a snapshot's record, read from the WARC without going online.

    Reads exactly the snapshot's gzip member, checks it is the record the snapshot names
    and that its WARC digests hold, then undoes any gzip/deflate Content-Encoding (capped at
    ``limit`` bytes, since a small compressed body can expand without bound).
    """
    path = Path(store_dir) / snapshot.warc
    where = f"{snapshot.record_id} in {path}"
    try:
        with open(path, "rb") as fh:
            fh.seek(snapshot.offset)
            member = fh.read(snapshot.length)
    except OSError as exc:
        raise StoreError(f"cannot read the archive file {path}: {exc.strerror}") from exc
    if len(member) != snapshot.length:
        raise StoreError(f"the archived copy {where} is cut short: the file is incomplete")
    try:
        iterator = ArchiveIterator(io.BytesIO(member), check_digests=True)
        record = next(iter(iterator), None)
        if record is None:
            raise StoreError(f"no WARC record at offset {snapshot.offset} of {path}")
        if record.rec_headers.get_header("WARC-Record-ID") != snapshot.record_id:
            raise StoreError(
                f"the record at offset {snapshot.offset} of {path} is not {snapshot.record_id}"
            )
        raw = _read_all(record.raw_stream, limit, where)
        if record.digest_checker.passed is False:
            problems = "; ".join(record.digest_checker.problems)
            raise StoreError(f"the archived copy {where} is damaged ({problems})")
        http_headers = record.http_headers if record.rec_type != "resource" else None
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        raise StoreError(f"the archived copy {where} cannot be read: {exc}") from exc
    encoding = http_headers.get_header("Content-Encoding") if http_headers else None
    if not encoding:
        return raw
    return _decode(raw, str(encoding), limit, where)
