"""Write every source as WARC 1.1 records, so a cited page can be shown as it was when checked.

One WARC file per run, under ``<store>/archive/``. Each HTTP exchange (every redirect hop)
becomes a ``request`` record and a ``response`` record; a local file becomes a ``resource``
record. An answer whose payload is byte for byte one we already keep under the same URL is
written as a ``revisit`` record (identical-payload-digest profile) pointing at the original,
so the store does not grow with every run yet every capture still replays. What citeaudit
knows about a capture (which sources and claims cite it, its link status) goes in a
``metadata`` record filed under a ``urn:citeaudit:capture:`` URI that refers to the capture,
never under the page's own URL, so replay tools never show it in place of the page.

Every record is its own gzip member and is flushed as soon as it is written, so a run that
is killed leaves a file that standard tools still read up to the last complete record (and
:mod:`citeaudit.archive.recovery` cuts off a partial last member). Each write returns the
:class:`~citeaudit.archive.snapshot.Snapshot` that says where the record is, for
:mod:`citeaudit.archive.readback` to read it back.
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
from datetime import UTC, datetime
from pathlib import Path, PurePath
from types import TracebackType
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import quote, urldefrag, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from citeaudit import __version__
from citeaudit.archive.snapshot import (
    ARCHIVE_DIR,
    Facts,
    FindEarlier,
    RecordRef,
    Snapshot,
    payload_digest,
    utc,
    warc_date,
)
from citeaudit.errors import StoreError
from citeaudit.net import header, redacted_headers, shown_url

if TYPE_CHECKING:
    from citeaudit.fetch import FetchResult
    from citeaudit.net import Exchange

WARC_VERSION = "WARC/1.1"
WARC_FORMAT = "WARC File Format 1.1"
WARC_CONFORMS_TO = "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
#: zlib level of each record's gzip member: 6 is zlib's default, near level 9's size, faster.
GZIP_LEVEL = 6
#: Metadata records are filed under this URI prefix and the capture's record UUID.
CAPTURE_URN = "urn:citeaudit:capture:"
#: A local file is filed under this URI prefix and its name relative to the sources file's
#: folder (:func:`file_uri`): an absolute path would tell where the user keeps their files.
FILE_URN = "urn:citeaudit:file:"

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# Headers that describe the wire framing of a body we no longer hold in that framing.
_DECHUNKED = "transfer-encoding"
_RENAMED_PREFIX = "X-Archive-Orig-"


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


def file_uri(name: str | PurePath) -> str:
    """The URI a local file is filed under: :data:`FILE_URN` and its name relative to the
    sources file's folder, percent-encoded (``urn:citeaudit:file:minutes/notes.txt``).

    A ``urn:`` because pywb replays such a URI as written, where it takes a relative
    ``file:`` URI for a host name. The slash after each leading ``..`` (a file outside the
    folder, when allowed) is encoded: a browser would otherwise fold those segments away in
    the replay address. An absolute name is refused.
    """
    text = PurePath(name).as_posix() if isinstance(name, PurePath) else name
    if not text or text.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:[/\\]", text):
        raise ValueError(
            "a local file is archived under its name relative to the sources file's "
            f"folder, not {text!r}"
        )
    quoted = quote(text, safe="/")
    up = re.match(r"(?:\.\./)*", quoted)
    ups = up.group(0) if up else ""
    return FILE_URN + ups.replace("/", "%2F") + quoted[len(ups) :]


def _target_uri(url: str) -> str:
    """The URI a record is filed under: a #fragment is never sent, so it is not part of it;
    nor is a user name or password kept, though they were sent."""
    return shown_url(urldefrag(url).url)


class WarcArchive:
    """One run's WARC file: open it, write fetches and files into it, close it.

    ``now`` and ``make_id`` (a UUID string per call) are there so tests can write
    byte-identical files; by default they are the UTC clock and :func:`uuid.uuid4`.
    ``part`` numbers the files of a run that was interrupted and resumed (0 for the first).
    With ``durable`` (the default) each capture is synced to disk before its write returns,
    so a power cut cannot lose a record the database already points at.
    """

    def __init__(
        self,
        store_dir: Path,
        run_id: str,
        info: Mapping[str, str],
        *,
        now: Callable[[], datetime] | None = None,
        make_id: Callable[[], str] | None = None,
        part: int = 0,
        durable: bool = True,
    ) -> None:
        if not _RUN_ID.match(run_id):
            raise ValueError(f"a run id must be a plain file-name part, not {run_id!r}")
        self.store_dir = Path(store_dir)
        self.run_id = run_id
        self._now = now or (lambda: datetime.now(UTC))
        self._make_id = make_id or (lambda: str(uuid.uuid4()))
        self._lock = threading.Lock()
        self._durable = durable
        opened = utc(self._now())
        self.opened = opened
        suffix = f"-part{part + 1}" if part else ""
        name = f"{opened:%Y%m%d%H%M%S}-{run_id}{suffix}.warc.gz"
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
        # Records are serialised uncompressed into a buffer, then written as one gzip member
        # in a single write: faster than warcio's level-9 streaming, and a kill is less
        # likely to land inside a member.
        self._buffer = io.BytesIO()
        self._writer = WARCWriter(self._buffer, gzip=False, warc_version=WARC_VERSION)
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

    @property
    def size(self) -> int:
        """Bytes written so far: every one of them belongs to a complete record."""
        return self._fh.tell() if not self._closed else self.path.stat().st_size

    def _sync(self) -> None:
        """Make the records written so far durable before anything points at them."""
        if not self._durable:
            return
        try:
            os.fsync(self._fh.fileno())
        except OSError as exc:
            raise StoreError(
                f"cannot write to the archive file {self.path}: {exc.strerror}"
            ) from exc

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
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        member = compressor.compress(self._buffer.getbuffer()) + compressor.flush()
        self._buffer.seek(0)
        self._buffer.truncate()
        try:
            self._fh.write(member)
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

    def write_fetch(
        self,
        result: FetchResult,
        *,
        earlier: FindEarlier | None = None,
        facts: Facts | None = None,
    ) -> Snapshot | None:
        """Archive every exchange of ``result``; the snapshot of its final response.

        ``earlier`` finds an original record with the same URL and payload digest: when one
        is still on disk, the final answer is written as a revisit of it. ``facts`` are
        written after it in a metadata record. None when nothing came back to archive (DNS
        failure, refused connection, bad URL).
        """
        if not result.exchanges:
            return None
        with self._lock:
            final = result.exchanges[-1]
            for exchange in result.exchanges[:-1]:
                self._write_exchange(exchange)
            digest = payload_digest(final.body)
            original = None
            if earlier is not None and _dedupable(final):
                original = earlier(_target_uri(final.url), digest)
                if original is not None and not original.on_disk(self.store_dir):
                    original = None
            record_id, offset, length = self._write_exchange(final, original, digest)
            metadata_id = self._finish_capture(record_id, final.date, facts)
        content_type = result.content_type or header(final, "content-type")
        return Snapshot(
            url=_target_uri(final.url),
            warc=self.relative_path,
            offset=offset,
            length=length,
            record_id=record_id,
            date=utc(final.date),
            sha256=hashlib.sha256(result.content).hexdigest(),
            content_type=content_type,
            http_status=final.status,
            record_type="revisit" if original else "response",
            payload_digest=digest,
            refers_to=original,
            metadata_id=metadata_id,
        )

    def _describe(self, facts: Facts) -> list[tuple[str, str]]:
        return [("software", f"citeaudit/{__version__}"), *facts]

    def _finish_capture(self, record_id: str, date: datetime, facts: Facts | None) -> str | None:
        """After a capture's record: its metadata record (when there are facts), then a sync,
        so nothing points at the capture before it is on disk. The metadata record's id."""
        metadata_id = None
        if facts is not None:
            metadata_id = self._write_metadata(record_id, date, self._describe(facts))
        self._sync()
        return metadata_id

    def _write_metadata(self, about: str, date: datetime, facts: Facts) -> str:
        """A metadata record about the record ``about``, under a ``urn:`` of its own."""
        record_id = self._record_id()
        uri = CAPTURE_URN + about.strip("<>").removeprefix("urn:uuid:")
        data = "".join(f"{_clean(k)}: {_clean(v)}\r\n" for k, v in facts).encode("utf-8")
        headers = self._warc_headers("metadata", record_id, warc_date(date))
        headers.add_header("WARC-Target-URI", uri)
        headers.add_header("WARC-Refers-To", about)
        record = self._writer.create_warc_record(
            uri,
            "metadata",
            payload=io.BytesIO(data),
            length=len(data),
            warc_headers=headers,
            warc_content_type="application/warc-fields",
        )
        self._write(record)
        return record_id

    def _write_exchange(
        self, exchange: Exchange, original: RecordRef | None = None, digest: str | None = None
    ) -> tuple[str, int, int]:
        """Write a request record and then its response (or revisit) record; its place."""
        date = warc_date(exchange.date)
        uri = _target_uri(exchange.url)
        request_id = self._record_id()
        response_id = self._record_id()

        request_line = f"{exchange.method} {_request_target(exchange.url)} HTTP/1.1"
        request_http = _HttpHeaders(
            request_line,
            # Credentials as kept: redacted (the block digest is of these very bytes).
            _header_list(redacted_headers(exchange.request_headers)),
            is_http_request=True,
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
        kind = "revisit" if original else "response"
        response_warc = self._warc_headers(kind, response_id, date)
        response_warc.add_header("WARC-Target-URI", uri)
        if not exchange.http_version.startswith("HTTP/1."):
            # Proposed WARC field: the status line says HTTP/1.1, this says what it really was.
            response_warc.add_header("WARC-Protocol", _protocol_id(exchange.http_version))
        if exchange.truncated:
            response_warc.add_header("WARC-Truncated", "length")
        body = exchange.body
        if original is not None:
            # Same payload as an earlier capture: keep the headers (so it replays with
            # them), point at the record that holds the payload, and store no payload.
            assert digest is not None
            response_warc.add_header("WARC-Profile", REVISIT_PROFILE)
            response_warc.add_header("WARC-Refers-To", original.record_id)
            response_warc.add_header("WARC-Refers-To-Target-URI", original.url)
            response_warc.add_header("WARC-Refers-To-Date", warc_date(original.date))
            response_warc.add_header("WARC-Payload-Digest", digest)
            body = b""
        response = self._writer.create_warc_record(
            uri,
            kind,
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers=response_warc,
            http_headers=response_http,
        )

        self._write(request)
        offset, length = self._write(response)
        return response_id, offset, length

    def write_memento(
        self,
        exchange: Exchange,
        *,
        original: str,
        archived: datetime,
        content: bytes,
        facts: Facts | None = None,
    ) -> Snapshot:
        """Keep a public web archive's copy of ``original`` (a memento fetched raw).

        As pywb records a memento it loads from another archive: a ``response`` record
        filed under the original URL and dated when the archive captured it (WARC-Date:
        its Memento-Datetime), with ``WARC-Source-URI`` the memento it was fetched from and
        ``WARC-Creation-Date`` when. So it replays as the page was then, under the address
        the citation gives, and says where it came from; the HTTP headers are the
        archive's, as received (its Memento-Datetime and Link among them). ``content`` is
        the decoded body; ``facts`` go in a metadata record after it.
        """
        created = utc(self._now())
        uri = _target_uri(original)
        record_id = self._record_id()
        status_line = f"{exchange.status} {_reason(exchange.status, exchange.reason)}".rstrip()
        http_headers = _HttpHeaders(
            status_line,
            _header_list(exchange.response_headers),
            protocol=_http1(exchange.http_version),
        )
        headers = self._warc_headers("response", record_id, warc_date(archived))
        headers.add_header("WARC-Target-URI", uri)
        headers.add_header("WARC-Source-URI", _clean(shown_url(exchange.url)))
        headers.add_header("WARC-Creation-Date", warc_date(created))
        if exchange.truncated:
            headers.add_header("WARC-Truncated", "length")
        record = self._writer.create_warc_record(
            uri,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            warc_headers=headers,
            http_headers=http_headers,
        )
        with self._lock:
            offset, length = self._write(record)
            metadata_id = self._finish_capture(record_id, created, facts)
        return Snapshot(
            url=uri,
            warc=self.relative_path,
            offset=offset,
            length=length,
            record_id=record_id,
            date=utc(archived),
            sha256=hashlib.sha256(content).hexdigest(),
            content_type=header(exchange, "content-type"),
            http_status=exchange.status,
            payload_digest=payload_digest(exchange.body),
            metadata_id=metadata_id,
        )

    def write_file(
        self, name: str | PurePath, data: bytes, content_type: str, *, facts: Facts | None = None
    ) -> Snapshot:
        """Archive a local file source as a ``resource`` record filed under :func:`file_uri`.

        ``name``: the file's name relative to the sources file's folder, never an absolute
        path (the WARC is shared). ``facts`` are written after it in a metadata record, as
        for :meth:`write_fetch`.
        """
        uri = file_uri(name)
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
            metadata_id = self._finish_capture(record_id, captured, facts)
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
            record_type="resource",
            payload_digest=payload_digest(data),
            metadata_id=metadata_id,
        )


def _dedupable(exchange: Exchange) -> bool:
    """Whether an answer may be written as a revisit: a whole, successful, non-empty body."""
    return 200 <= exchange.status < 300 and bool(exchange.body) and not exchange.truncated
