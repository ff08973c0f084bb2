"""Reading archived copies back offline: the record the store names, digests checked, and
the Content-Encoding undone by the same capped decoder the fetch uses."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import brotli  # type: ignore[import-untyped]
import pytest
from warcio.archiveiterator import ArchiveIterator

from citeaudit.archive.readback import read_exchange, read_payload
from citeaudit.archive.snapshot import Snapshot
from citeaudit.archive.writer import WarcArchive
from citeaudit.errors import StoreError
from citeaudit.fetch import FetchResult
from citeaudit.net import BROTLI, decode_content
from warcfiles import (
    BIG,
    GZ_TEXT,
    HTML,
    T0,
    Earlier,
    Written,
    exchange,
    fixed_clock,
    gzip_result,
    parse_records,
    result_for,
    sha1_b32,
    warcio_check,
    write_sample,
)

MIB = 1024 * 1024
#: br is decoded, by the fetch and so here, only with a brotli that can cap its output.
needs_brotli = pytest.mark.skipif(not BROTLI, reason="no capped brotli decoder is installed")


@pytest.fixture
def written(tmp_path: Path) -> Iterator[Written]:
    yield write_sample(tmp_path)


def test_read_payload_returns_the_decoded_body(written: Written, tmp_path: Path) -> None:
    store = tmp_path / ".citeaudit"
    assert read_payload(store, written.redirect) == HTML
    assert read_payload(store, written.gzipped) == GZ_TEXT
    assert read_payload(store, written.truncated) == BIG[:4096]
    assert read_payload(store, written.file) == written.source_file.read_bytes()


def test_read_payload_caps_decompression(written: Written, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="more than 100 bytes"):
        read_payload(tmp_path / ".citeaudit", written.gzipped, limit=100)


def test_read_payload_refuses_a_wrong_place(written: Written, tmp_path: Path) -> None:
    wrong = Snapshot(**{**written.gzipped.__dict__, "record_id": "<urn:uuid:nope>"})
    with pytest.raises(StoreError, match="is not <urn:uuid:nope>"):
        read_payload(tmp_path / ".citeaudit", wrong)
    missing = Snapshot(**{**written.gzipped.__dict__, "warc": "archive/gone.warc.gz"})
    with pytest.raises(StoreError, match="cannot read the archive file"):
        read_payload(tmp_path / ".citeaudit", missing)


def test_read_payload_notices_damage(tmp_path: Path) -> None:
    """A record whose body no longer matches its digest is reported, not returned."""
    store = tmp_path / "store"
    with WarcArchive(store, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(gzip_result())
    assert snap is not None
    data = bytearray(archive.path.read_bytes())
    member = gzip.decompress(bytes(data[snap.offset : snap.offset + snap.length]))
    damaged = member.replace(b"Vary: Accept-Encoding", b"Vary: Accept-Language")
    data[snap.offset : snap.offset + snap.length] = gzip.compress(damaged)
    archive.path.write_bytes(bytes(data))
    bad = Snapshot(**{**snap.__dict__, "length": len(gzip.compress(damaged))})
    with pytest.raises(StoreError, match="damaged .*block digest failed"):
        read_payload(store, bad)


def test_truncated_gzip_body_decodes_as_far_as_it_goes(tmp_path: Path) -> None:
    text = b"".join(b"line %d of the report\n" % n for n in range(5000))
    body = gzip.compress(text, mtime=0)
    cut = body[: len(body) // 2]
    ex = exchange(
        "https://example.org/long.txt",
        200,
        "OK",
        (("Content-Type", "text/plain"), ("Content-Encoding", "gzip")),
        cut,
        truncated=True,
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), b""))
    assert snap is not None
    decoded = read_payload(tmp_path, snap)
    assert len(decoded) > 1000 and text.startswith(decoded)


def test_deflate_with_and_without_zlib_wrapper(tmp_path: Path) -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(GZ_TEXT) + raw.flush()
    snaps = []
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        for n, body in enumerate((zlib.compress(GZ_TEXT), raw_deflate)):
            ex = exchange(
                f"https://example.org/{n}",
                200,
                "OK",
                (("Content-Encoding", "deflate"),),
                body,
            )
            snaps.append(archive.write_fetch(result_for((ex,), GZ_TEXT)))
    for snap in snaps:
        assert snap is not None
        assert read_payload(tmp_path, snap) == GZ_TEXT


def test_revisit_reads_back_through_the_original(tmp_path: Path) -> None:
    earlier = Earlier()
    body = gzip.compress(GZ_TEXT, mtime=0)
    headers = (("Content-Type", "text/plain"), ("Content-Encoding", "gzip"))

    def fetched(at: datetime) -> FetchResult:
        ex = exchange("https://data.example.net/figures.txt", 200, "OK", headers, body, at=at)
        return result_for((ex,), GZ_TEXT)

    with WarcArchive(tmp_path, "run-1", {}, now=fixed_clock()) as first:
        original = first.write_fetch(fetched(T0), earlier=earlier)
    assert original is not None
    earlier.add(original)
    with WarcArchive(tmp_path, "run-2", {}, now=fixed_clock(T0 + timedelta(days=1))) as second:
        again = second.write_fetch(fetched(T0 + timedelta(days=1)), earlier=earlier)
    assert again is not None and again.record_type == "revisit"
    assert read_payload(tmp_path, again) == GZ_TEXT
    replayed = read_exchange(tmp_path, again)
    assert (replayed.status, replayed.reason, replayed.body) == (200, "OK", body)
    assert ("Content-Encoding", "gzip") in replayed.response_headers
    for path in (first.path, second.path):
        done = warcio_check(path)
        assert done.returncode == 0, done.stdout
    # every record, read back with warcio, checked as warcio check does (revisits by hand)
    for path in (first.path, second.path):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=True):
                record.content_stream().read()
                assert record.digest_checker.passed is not False
    raw = parse_records(second.path)
    assert raw[2].type == "revisit"
    assert raw[2].headers["WARC-Block-Digest"] == sha1_b32(raw[2].block)
    head, payload = raw[2].block.split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK\r\n") and payload == b""

    # the original gone: the revisit says so instead of returning something else
    moved = Snapshot(**{**again.__dict__, "refers_to": None})
    with pytest.raises(StoreError, match="does not say which record holds its payload"):
        read_payload(tmp_path, moved)
    first.path.unlink()
    with pytest.raises(StoreError, match="cannot read the archive file"):
        read_payload(tmp_path, again)


# -- Content-Encoding: the fetch's own decoder ----------------------------------------------


def encoded_capture(tmp_path: Path, coding: str, body: bytes) -> tuple[Snapshot, bytes]:
    """Write with the real writer an answer sent with ``Content-Encoding: coding``, as the
    fetch records it (its content decoded by the fetch's decoder); the snapshot and content."""
    content, cut = decode_content(body, coding, MIB * 64)
    assert not cut
    ex = exchange(
        f"https://example.org/{coding.replace(', ', '-')}",
        200,
        "OK",
        (("Content-Type", "text/plain"), ("Content-Encoding", coding)),
        body,
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), content))
    assert snap is not None
    return snap, content


@needs_brotli
def test_a_brotli_body_reads_back(tmp_path: Path) -> None:
    """The fetch decodes br, so an answer it judged must read back from the WARC too."""
    body = brotli.compress(GZ_TEXT)
    snap, content = encoded_capture(tmp_path, "br", body)
    assert content == GZ_TEXT
    assert read_payload(tmp_path, snap) == GZ_TEXT
    assert hashlib.sha256(read_payload(tmp_path, snap)).hexdigest() == snap.sha256
    assert read_exchange(tmp_path, snap).body == body  # the payload as sent stays encoded


@needs_brotli
def test_stacked_codings_read_back(tmp_path: Path) -> None:
    body = brotli.compress(gzip.compress(GZ_TEXT))
    snap, _ = encoded_capture(tmp_path, "gzip, br", body)
    assert read_payload(tmp_path, snap) == GZ_TEXT


def test_a_gzip_body_reads_back_as_the_fetch_decoded_it(tmp_path: Path) -> None:
    """A gzip body of several members (as concatenated gzip files are) is decoded whole by
    the fetch; reading it back gives the same bytes, whose SHA-256 the snapshot holds."""
    body = gzip.compress(b"first part\n" * 30) + gzip.compress(b"second part\n" * 30)
    snap, content = encoded_capture(tmp_path, "gzip", body)
    assert content == b"first part\n" * 30 + b"second part\n" * 30
    assert read_payload(tmp_path, snap) == content
    assert hashlib.sha256(read_payload(tmp_path, snap)).hexdigest() == snap.sha256


@needs_brotli
def test_a_brotli_bomb_is_capped(tmp_path: Path) -> None:
    bomb = brotli.compress(b"\0" * (16 * MIB))
    assert len(bomb) < 1024
    ex = exchange(
        "https://example.org/bomb",
        200,
        "OK",
        (("Content-Type", "text/plain"), ("Content-Encoding", "br")),
        bomb,
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), b""))
    assert snap is not None
    with pytest.raises(StoreError, match=f"decodes to more than {MIB} bytes"):
        read_payload(tmp_path, snap, limit=MIB)
    assert len(read_payload(tmp_path, snap, limit=16 * MIB)) == 16 * MIB


def test_a_coding_nobody_decodes_is_refused(tmp_path: Path) -> None:
    ex = exchange(
        "https://example.org/zstd",
        200,
        "OK",
        (("Content-Type", "text/plain"), ("Content-Encoding", "zstd")),
        b"\x28\xb5\x2f\xfd",
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), b""))
    assert snap is not None
    with pytest.raises(StoreError, match="is encoded as 'zstd', which citeaudit cannot decode"):
        read_payload(tmp_path, snap)


def test_a_corrupt_body_is_refused(tmp_path: Path) -> None:
    ex = exchange(
        "https://example.org/corrupt",
        200,
        "OK",
        (("Content-Type", "text/plain"), ("Content-Encoding", "gzip")),
        b"\x1f\x8b\x08\x00" + b"not deflate at all" * 4,
    )
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), b""))
    assert snap is not None
    with pytest.raises(StoreError, match="does not decode as gzip"):
        read_payload(tmp_path, snap)
