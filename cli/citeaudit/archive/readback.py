"""Read a source's archived copy back from its WARC record, without going online.

A :class:`~citeaudit.archive.snapshot.Snapshot` names one record's gzip member; exactly
that member is read (and, for a revisit, the original's), checked to be the record the
store names with its WARC digests holding, and its Content-Encoding undone by the same
capped decoder the fetch used, so what comes back is what was judged when it was fetched.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

from citeaudit.archive.snapshot import Snapshot, payload_digest
from citeaudit.errors import StoreError
from citeaudit.net import ContentDecodingError, Exchange, decode_content

#: Largest decoded payload :func:`read_payload` returns: a guard against decompression bombs.
DEFAULT_PAYLOAD_LIMIT = 256 * 1024 * 1024


def _decode(data: bytes, encoding: str, limit: int, where: str) -> bytes:
    """Undo a Content-Encoding with the fetch's own decoder, capped at ``limit`` bytes; a
    cut-off stream (a truncated capture) yields what it holds."""
    try:
        content, cut = decode_content(data, encoding, limit)
    except ContentDecodingError as exc:
        if exc.detail is None:
            raise StoreError(
                f"the archived copy {where} is encoded as {exc.coding!r}, "
                "which citeaudit cannot decode"
            ) from exc
        raise StoreError(
            f"the archived copy {where} does not decode as {exc.coding}: {exc.detail}"
        ) from exc
    if cut:
        raise StoreError(f"the archived copy {where} decodes to more than {limit} bytes")
    return content


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


@dataclass(frozen=True)
class _Loaded:
    """One record read back and checked: its WARC headers, HTTP headers and raw payload."""

    rec_type: str
    rec_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    raw: bytes


def _load(
    store_dir: Path, warc: str, offset: int, length: int, record_id: str, limit: int
) -> _Loaded:
    """Read exactly one record's gzip member, check it is ``record_id`` and its digests hold."""
    path = Path(store_dir) / warc
    where = f"{record_id} in {path}"
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            member = fh.read(length)
    except OSError as exc:
        raise StoreError(f"cannot read the archive file {path}: {exc.strerror}") from exc
    if len(member) != length:
        raise StoreError(f"the archived copy {where} is cut short: the file is incomplete")
    try:
        iterator = ArchiveIterator(io.BytesIO(member), check_digests=True)
        record = next(iter(iterator), None)
        if record is None:
            raise StoreError(f"no WARC record at offset {offset} of {path}")
        if record.rec_headers.get_header("WARC-Record-ID") != record_id:
            raise StoreError(f"the record at offset {offset} of {path} is not {record_id}")
        raw = _read_all(record.raw_stream, limit, where)
        if record.digest_checker.passed is False:
            problems = "; ".join(record.digest_checker.problems)
            raise StoreError(f"the archived copy {where} is damaged ({problems})")
        if record.rec_type == "revisit":
            _check_revisit_block(member, record.rec_headers, where)
        http_headers = record.http_headers if record.rec_type != "resource" else None
        return _Loaded(str(record.rec_type), record.rec_headers, http_headers, raw)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        raise StoreError(f"the archived copy {where} cannot be read: {exc}") from exc


def _check_revisit_block(member: bytes, headers: StatusAndHeaders, where: str) -> None:
    """Check a revisit's block digest, which warcio leaves unchecked."""
    expected = headers.get_header("WARC-Block-Digest")
    if not expected:
        return
    text = gzip.decompress(member)
    block = text.split(b"\r\n\r\n", 1)[1][: int(headers.get_header("Content-Length") or 0)]
    if payload_digest(block) != expected:
        raise StoreError(f"the archived copy {where} is damaged (revisit block digest failed)")


def _payload_record(store_dir: Path, snapshot: Snapshot, limit: int) -> tuple[_Loaded, _Loaded]:
    """The snapshot's own record, and the record holding its payload (the same, or the
    original a revisit refers to, checked to hold the payload the revisit names)."""
    own = _load(
        store_dir, snapshot.warc, snapshot.offset, snapshot.length, snapshot.record_id, limit
    )
    if own.rec_type != "revisit":
        return own, own
    ref = snapshot.refers_to
    if ref is None:
        raise StoreError(
            f"the archived copy {snapshot.record_id} is a revisit, "
            "but the store does not say which record holds its payload"
        )
    original = _load(store_dir, ref.warc, ref.offset, ref.length, ref.record_id, limit)
    wanted = own.rec_headers.get_header("WARC-Payload-Digest")
    if wanted and payload_digest(original.raw) != wanted:
        raise StoreError(
            f"the record {ref.record_id} that {snapshot.record_id} revisits "
            "does not hold the same payload"
        )
    return own, original


def read_payload(
    store_dir: Path, snapshot: Snapshot, *, limit: int = DEFAULT_PAYLOAD_LIMIT
) -> bytes:
    """The decoded body of a snapshot's record, read from the WARC without going online.

    Reads exactly the snapshot's gzip member (and, for a revisit, the original's), checks
    each is the record the store names and that its WARC digests hold, then undoes any
    Content-Encoding as the fetch did (gzip, deflate, br), capped at ``limit`` bytes, since
    a small compressed body can expand without bound.
    """
    _own, holder = _payload_record(store_dir, snapshot, limit)
    encoding = holder.http_headers.get_header("Content-Encoding") if holder.http_headers else None
    if not encoding:
        return holder.raw
    where = f"{snapshot.record_id} in {Path(store_dir) / snapshot.warc}"
    return _decode(holder.raw, str(encoding), limit, where)


def read_exchange(
    store_dir: Path, snapshot: Snapshot, *, limit: int = DEFAULT_PAYLOAD_LIMIT
) -> Exchange:
    """The final answer of a capture as archived: status, headers and payload as sent.

    Used when an interrupted run resumes, so a source already captured is not fetched again.
    The request headers are not read back (they are in the request record).
    """
    own, holder = _payload_record(store_dir, snapshot, limit)
    headers = own.http_headers
    if headers is None:
        raise StoreError(f"the archived copy {snapshot.record_id} is not an HTTP answer")
    code, _, reason = str(headers.statusline).partition(" ")
    return Exchange(
        method="GET",
        url=snapshot.url,
        request_headers=(),
        http_version=str(headers.protocol or "HTTP/1.1"),
        status=int(code) if code.isdigit() else (snapshot.http_status or 0),
        reason=reason,
        response_headers=tuple((str(k), str(v)) for k, v in headers.headers),
        body=holder.raw,
        date=snapshot.date,
        truncated=bool(own.rec_headers.get_header("WARC-Truncated")),
    )
