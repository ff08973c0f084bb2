"""Read a source's archived copy back from its WARC record, without going online; and check
every record of a WARC file.

A :class:`~citeaudit.archive.snapshot.Snapshot` names one record's gzip member; exactly
that member is read (and, for a revisit, the original's), checked to be the record the
store names, with its WARC digests and the store's own digest of its payload holding, and
its Content-Encoding undone by the same capped decoder the fetch used, so what comes back
is what was judged when it was fetched. A record that fails a check raises
:class:`~citeaudit.errors.DamagedRecord` (which file, where, what did not match), so a
damaged copy is reported as damage, never taken for a copy that was not kept.
:func:`check_warc` walks a whole file member by member, for ``verify-store`` and export.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders

from citeaudit.archive.snapshot import Snapshot, payload_digest
from citeaudit.errors import DamagedRecord, StoreError
from citeaudit.net import ContentDecodingError, Exchange, decode_content

#: Largest decoded payload :func:`read_payload` returns: a guard against decompression bombs.
DEFAULT_PAYLOAD_LIMIT = 256 * 1024 * 1024
_CHUNK = 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"
#: What warcio raises on bytes that are no WARC record (a mangled header trips it anywhere).
_UNREADABLE = (ArchiveLoadFailed, ValueError, OSError, AttributeError, IndexError, KeyError)
_RECORD_ID = re.compile(rb"\r\nWARC-Record-ID:[ \t]*(<[\x21-\x7e]{1,200}>)", re.IGNORECASE)


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
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise StoreError(f"the archived copy {where} is larger than {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _digest_problem(problems: Sequence[str]) -> str:
    """warcio's digest failures in plain words (its own text carries the digests)."""
    kinds = [kind for kind in ("block", "payload") if any(p.startswith(kind) for p in problems)]
    if len(kinds) == 2:
        return "its block and payload digests do not match"
    return f"its {kinds[0] if kinds else 'WARC'} digest does not match"


@dataclass(frozen=True)
class _Loaded:
    """One record read back and checked: its WARC headers, HTTP headers and raw payload."""

    rec_type: str
    rec_headers: StatusAndHeaders
    http_headers: StatusAndHeaders | None
    raw: bytes


def _parse(
    data: bytes, limit: int, where: str
) -> tuple[str, StatusAndHeaders, StatusAndHeaders | None, bytes, str | None]:
    """The first WARC record in ``data`` (gzip member or plain): its type, headers, raw
    payload, and what is wrong with it (None when its digests hold). Raises ValueError (and
    warcio's and zlib's errors) when it is no record at all."""
    record = next(iter(ArchiveIterator(io.BytesIO(data), check_digests=True)), None)
    if record is None:
        raise ValueError("no WARC record")
    raw = _read_all(record.raw_stream, limit, where)
    problem = None
    if record.digest_checker.passed is False:
        problem = _digest_problem(record.digest_checker.problems)
    elif record.rec_type == "revisit" and not _revisit_block_holds(data, record.rec_headers):
        problem = "its block digest does not match"
    http_headers = record.http_headers if record.rec_type != "resource" else None
    return str(record.rec_type), record.rec_headers, http_headers, raw, problem


def _load(
    store_dir: Path, warc: str, offset: int, length: int, record_id: str, limit: int
) -> _Loaded:
    """Read exactly one record's gzip member, check it is ``record_id`` and its digests hold."""
    path = Path(store_dir) / warc
    where = f"{record_id} in {path}"

    def damaged(problem: str) -> DamagedRecord:
        return DamagedRecord(str(path), offset, problem, record_id=record_id)

    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            member = fh.read(length)
    except OSError as exc:
        raise damaged(f"its WARC file cannot be read ({exc.strerror})") from exc
    if len(member) != length:
        raise damaged("it is cut short: the WARC file ends before the record does")
    try:
        rec_type, headers, http_headers, raw, problem = _parse(member, limit, where)
    except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise damaged("its compressed bytes do not decode") from exc
    except _UNREADABLE as exc:
        # warcio's message quotes the bytes it met: never shown, they may be anything
        if member.startswith(_GZIP_MAGIC) and not _inflates(member):
            raise damaged("its compressed bytes do not decode") from exc
        raise damaged("it is not a readable WARC record") from exc
    found = headers.get_header("WARC-Record-ID")
    if found != record_id:
        shown = "".join(c for c in str(found)[:100] if c.isprintable())  # as read from disk
        raise damaged(f"the record there is {shown}, not the one the store names")
    if problem is not None:
        raise damaged(problem)
    return _Loaded(rec_type, headers, http_headers, raw)


def _inflates(member: bytes) -> bool:
    """Whether a gzip member decodes to its end, its checksum holding."""
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        data = member
        while data and not decompressor.eof:
            decompressor.decompress(data, _CHUNK)
            data = decompressor.unconsumed_tail
    except zlib.error:
        return False
    return decompressor.eof


def _revisit_block_holds(data: bytes, headers: StatusAndHeaders) -> bool:
    """Whether a revisit's block digest holds, which warcio leaves unchecked."""
    expected = headers.get_header("WARC-Block-Digest")
    if not expected:
        return True
    text = gzip.decompress(data) if data.startswith(_GZIP_MAGIC) else data
    _head, found, rest = text.partition(b"\r\n\r\n")
    block = rest[: int(headers.get_header("Content-Length") or 0)]
    return bool(found) and payload_digest(block) == expected


def _payload_record(store_dir: Path, snapshot: Snapshot, limit: int) -> tuple[_Loaded, _Loaded]:
    """The snapshot's own record, and the record holding its payload (the same, or the
    original a revisit refers to, checked to hold the payload the revisit names); the
    payload is checked against the digest the store recorded when it was written."""
    own = _load(
        store_dir, snapshot.warc, snapshot.offset, snapshot.length, snapshot.record_id, limit
    )
    holder = own
    if own.rec_type == "revisit":
        ref = snapshot.refers_to
        if ref is None:
            raise DamagedRecord(
                str(Path(store_dir) / snapshot.warc),
                snapshot.offset,
                "it is a revisit, but the store does not say which record holds its payload",
                record_id=snapshot.record_id,
            )
        holder = _load(store_dir, ref.warc, ref.offset, ref.length, ref.record_id, limit)
        wanted = own.rec_headers.get_header("WARC-Payload-Digest")
        if wanted and payload_digest(holder.raw) != wanted:
            raise DamagedRecord(
                str(Path(store_dir) / ref.warc),
                ref.offset,
                f"it does not hold the payload that {snapshot.record_id} revisits",
                record_id=ref.record_id,
            )
    if snapshot.payload_digest and payload_digest(holder.raw) != snapshot.payload_digest:
        raise DamagedRecord(
            str(Path(store_dir) / snapshot.warc),
            snapshot.offset,
            "its payload is not the one the store recorded (the digests differ)",
            record_id=snapshot.record_id,
        )
    return own, holder


def _check_sha256(
    store_dir: Path, snapshot: Snapshot, own: _Loaded, raw: bytes, content: bytes
) -> None:
    """Check the payload against the store's SHA-256 when the store has no digest of the
    raw payload (a public archive's copy, a row from an early store). The fetch kept the
    decoded body, or the raw one when it could not be decoded: either may match. A capture
    cut short (WARC-Truncated) may have been decoded differently, so is not held to it."""
    if snapshot.payload_digest or own.rec_headers.get_header("WARC-Truncated"):
        return
    expected = snapshot.sha256
    if expected in (hashlib.sha256(content).hexdigest(), hashlib.sha256(raw).hexdigest()):
        return
    raise DamagedRecord(
        str(Path(store_dir) / snapshot.warc),
        snapshot.offset,
        "its payload's SHA-256 does not match the store's",
        record_id=snapshot.record_id,
    )


def read_payload(
    store_dir: Path, snapshot: Snapshot, *, limit: int = DEFAULT_PAYLOAD_LIMIT
) -> bytes:
    """The decoded body of a snapshot's record, read from the WARC without going online.

    Reads exactly the snapshot's gzip member (and, for a revisit, the original's), checks
    each is the record the store names and that its WARC digests and the store's digest
    hold (:class:`~citeaudit.errors.DamagedRecord` when not), then undoes any
    Content-Encoding as the fetch did (gzip, deflate, br), capped at ``limit`` bytes, since
    a small compressed body can expand without bound.
    """
    own, holder = _payload_record(store_dir, snapshot, limit)
    encoding = holder.http_headers.get_header("Content-Encoding") if holder.http_headers else None
    content = holder.raw
    if encoding:
        where = f"{snapshot.record_id} in {Path(store_dir) / snapshot.warc}"
        content = _decode(holder.raw, str(encoding), limit, where)
    _check_sha256(store_dir, snapshot, own, holder.raw, content)
    return content


def check_snapshot(
    store_dir: Path, snapshot: Snapshot, *, limit: int = DEFAULT_PAYLOAD_LIMIT
) -> None:
    """Check a snapshot's record (and a revisit's original) as :func:`read_payload` does,
    raising :class:`~citeaudit.errors.DamagedRecord`. A body its server sent in an encoding
    that does not decode was kept as sent, which is not damage."""
    own, holder = _payload_record(store_dir, snapshot, limit)
    encoding = holder.http_headers.get_header("Content-Encoding") if holder.http_headers else None
    content = holder.raw
    if encoding:
        try:
            content, cut = decode_content(holder.raw, str(encoding), limit)
        except ContentDecodingError:
            content, cut = holder.raw, False  # the fetch kept, and hashed, the raw bytes
        if cut:
            where = f"{snapshot.record_id} in {Path(store_dir) / snapshot.warc}"
            raise StoreError(f"the archived copy {where} decodes to more than {limit} bytes")
    _check_sha256(store_dir, snapshot, own, holder.raw, content)


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


# ---------------------------------------------------------------------------------------------
# Every record of a WARC file


@dataclass(frozen=True)
class RecordCheck:
    """One gzip member of a WARC file, checked: where it is, which record it holds, and what
    is wrong with it (None when it decodes and its digests hold)."""

    offset: int
    length: int
    record_id: str | None
    rec_type: str | None
    problem: str | None = None


@dataclass(frozen=True)
class WarcCheck:
    """A WARC file walked member by member."""

    path: Path
    size: int
    records: tuple[RecordCheck, ...]
    #: Bytes of an unfinished last record, as a run killed mid-write leaves (0 when none).
    unfinished: int = 0

    @property
    def damaged(self) -> tuple[RecordCheck, ...]:
        return tuple(r for r in self.records if r.problem is not None)

    @property
    def whole(self) -> bool:
        """Whether every member decodes, every digest holds and nothing follows the last."""
        return not self.damaged and not self.unfinished


@dataclass(frozen=True)
class _Member:
    """One gzip member decoded from an offset: where it ends (None when the file ends
    inside it), what it decodes to (None past the cap), and whether it failed to decode."""

    end: int | None
    text: bytes | None
    head: bytes
    failed: bool = False


def _member(fh: BinaryIO, start: int, cap: int) -> _Member:
    """Decode the gzip member at ``start`` in bounded steps (a member may expand enormously),
    keeping its text up to ``cap`` bytes and its first bytes always."""
    fh.seek(start)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    pieces: list[bytes] | None = []
    head = b""
    kept = 0
    position = start
    while data := fh.read(_CHUNK):
        try:
            piece = decompressor.decompress(data, _CHUNK)
            while True:
                if len(head) < _CHUNK:
                    head += piece[: _CHUNK - len(head)]
                kept += len(piece)
                if pieces is not None and kept <= cap:
                    pieces.append(piece)
                else:
                    pieces = None
                if decompressor.eof or not decompressor.unconsumed_tail:
                    break
                piece = decompressor.decompress(decompressor.unconsumed_tail, _CHUNK)
        except zlib.error:
            return _Member(None, None, head, failed=True)
        if decompressor.eof:
            end = position + len(data) - len(decompressor.unused_data)
            return _Member(end, None if pieces is None else b"".join(pieces), head)
        position += len(data)
    return _Member(None, None, head)


def _next_member(fh: BinaryIO, start: int, size: int) -> int | None:
    """Where the next whole gzip member begins at or after ``start``: past damage, the walk
    goes on from there."""
    position = start
    while position < size:
        fh.seek(position)
        block = fh.read(_CHUNK + len(_GZIP_MAGIC) - 1)
        at = block.find(_GZIP_MAGIC)
        while at != -1:
            trial = _member(fh, position + at, 0)
            if trial.end is not None and not trial.failed:
                return position + at
            at = block.find(_GZIP_MAGIC, at + 1)
        position += _CHUNK
    return None


def _starts_member(fh: BinaryIO, start: int) -> bool:
    fh.seek(start)
    return fh.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC


def _record_id(text: bytes) -> str | None:
    found = _RECORD_ID.search(text[:65536])
    return found.group(1).decode("ascii") if found else None


def _salvaged_id(fh: BinaryIO, start: int) -> str | None:
    """The id of a damaged member's record, from what decodes before the damage: fed in
    small steps, since zlib drops the output of the step that fails."""
    fh.seek(start)
    data = fh.read(65536)
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    text = b""
    for at in range(0, len(data), 64):
        try:
            text += decompressor.decompress(data[at : at + 64], 65536 - len(text))
        except zlib.error:
            break
        if decompressor.eof or len(text) >= 65536:
            break
    return _record_id(text)


def _checked(start: int, member: _Member, limit: int, where: str) -> RecordCheck:
    """A whole member's record, with its digests checked (a record too large to hold in
    memory is checked as far as its gzip data goes)."""
    assert member.end is not None
    length = member.end - start
    if member.text is None:
        return RecordCheck(start, length, _record_id(member.head), None)
    try:
        rec_type, headers, _http, _raw, problem = _parse(member.text, limit, where)
    except StoreError:
        return RecordCheck(start, length, _record_id(member.head), None)
    except (*_UNREADABLE, EOFError, zlib.error):
        problem = "it is not a readable WARC record"
        return RecordCheck(start, length, _record_id(member.head), None, problem)
    return RecordCheck(start, length, headers.get_header("WARC-Record-ID"), rec_type, problem)


def check_warc(path: Path, *, limit: int = DEFAULT_PAYLOAD_LIMIT) -> WarcCheck:
    """Walk every gzip member of the WARC file ``path``: each must decode to its end and hold
    a record whose digests hold. A member that does not is reported, and the walk goes on
    at the next whole member. What follows the last whole member and is not a damaged one
    (a member cut off, or bytes that do not begin one) is counted apart as unfinished: it is
    what a run killed mid-write, or a crash, leaves, and the next run cuts it off."""
    records: list[RecordCheck] = []
    unfinished = 0
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, 2)
            start = 0
            while start < size:
                member = _member(fh, start, limit)
                if member.end is not None and not member.failed:
                    records.append(_checked(start, member, limit, f"at {start} in {path}"))
                    start = member.end
                    continue
                following = _next_member(fh, start + 1, size)
                if following is None and not (member.failed and _starts_member(fh, start)):
                    unfinished = size - start  # a write cut off, or what a crash left after it
                    break
                end = size if following is None else following
                problem = "its compressed bytes do not decode"
                found = _record_id(member.head) or _salvaged_id(fh, start)
                records.append(RecordCheck(start, end - start, found, None, problem))
                start = end
    except OSError as exc:
        raise StoreError(f"cannot read the archive file {path}: {exc.strerror}") from exc
    return WarcCheck(Path(path), size, tuple(records), unfinished)
