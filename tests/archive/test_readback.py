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

from citeaudit.archive.readback import check_snapshot, check_warc, read_exchange, read_payload
from citeaudit.archive.snapshot import Snapshot
from citeaudit.archive.writer import WarcArchive
from citeaudit.errors import DamagedRecord, StoreError
from citeaudit.fetch import FetchResult
from citeaudit.net import BROTLI, decode_content
from damaged_store import change_content, flip_bytes
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
    with pytest.raises(DamagedRecord, match="not the one the store names") as caught:
        read_payload(tmp_path / ".citeaudit", wrong)
    assert caught.value.offset == written.gzipped.offset
    assert caught.value.warc.endswith(written.gzipped.warc)
    missing = Snapshot(**{**written.gzipped.__dict__, "warc": "archive/gone.warc.gz"})
    with pytest.raises(DamagedRecord, match="its WARC file cannot be read"):
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
    with pytest.raises(DamagedRecord, match="is damaged: its block digest does not match"):
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
    with pytest.raises(DamagedRecord, match="does not say which record holds its payload"):
        read_payload(tmp_path, moved)
    first.path.unlink()
    with pytest.raises(DamagedRecord, match="its WARC file cannot be read") as caught:
        read_payload(tmp_path, again)
    assert caught.value.warc == str(first.path)


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


# -- damage: reported as damage, with where it is and what did not match ---------------------


def test_flipped_bytes_are_a_damaged_record_never_the_bytes(
    written: Written, tmp_path: Path
) -> None:
    store = tmp_path / ".citeaudit"
    snap = written.gzipped
    flip_bytes(store / snap.warc, snap.offset, snap.length)
    with pytest.raises(DamagedRecord) as caught:
        read_payload(store, snap)
    damage = caught.value
    assert (damage.warc, damage.offset, damage.record_id) == (
        str(store / snap.warc),
        snap.offset,
        snap.record_id,
    )
    assert damage.problem == "its compressed bytes do not decode"
    assert damage.message == (
        f"the WARC record {snap.record_id} at offset {snap.offset} of {store / snap.warc} "
        "is damaged: its compressed bytes do not decode"
    )
    assert damage.hint and "citeaudit verify-store" in damage.hint
    assert damage.exit_code == 2
    with pytest.raises(DamagedRecord):
        check_snapshot(store, snap)
    # the records around it are whole, and read back as ever
    assert read_payload(store, written.redirect) == HTML
    assert read_payload(store, written.file) == written.source_file.read_bytes()


def test_content_changed_under_its_digests_is_damage(written: Written, tmp_path: Path) -> None:
    store = tmp_path / ".citeaudit"
    snap = written.redirect
    change_content(store / snap.warc, snap.offset, snap.length, b"fell by 12", b"x" * 10)
    with pytest.raises(DamagedRecord, match="its block and payload digests do not match"):
        read_payload(store, snap)


def test_a_payload_other_than_the_store_recorded_is_damage(
    written: Written, tmp_path: Path
) -> None:
    """A whole record whose own digests hold, but not the payload the store recorded."""
    store = tmp_path / ".citeaudit"
    other = Snapshot(**{**written.gzipped.__dict__, "payload_digest": "sha1:" + "A" * 32})
    with pytest.raises(DamagedRecord, match="not the one the store recorded"):
        read_payload(store, other)


def test_without_a_recorded_digest_the_stores_sha256_is_held_to(
    written: Written, tmp_path: Path
) -> None:
    """A copy the store knows only by the SHA-256 of its body (a public archive's copy, a
    row of an early store): the body read back, decoded or as kept, must match it."""
    store = tmp_path / ".citeaudit"
    known = Snapshot(**{**written.gzipped.__dict__, "payload_digest": None})
    assert read_payload(store, known) == GZ_TEXT
    check_snapshot(store, known)
    wrong = Snapshot(**{**known.__dict__, "sha256": hashlib.sha256(b"other").hexdigest()})
    with pytest.raises(DamagedRecord, match="SHA-256 does not match the store's"):
        read_payload(store, wrong)
    with pytest.raises(DamagedRecord, match="SHA-256 does not match the store's"):
        check_snapshot(store, wrong)


def test_a_body_sent_undecodable_is_not_damage(tmp_path: Path) -> None:
    """Kept as the server sent it: reading it as text fails, but no record is damaged."""
    raw = b"\x1f\x8b\x08\x00" + b"not deflate at all" * 4
    headers = (("Content-Type", "text/plain"), ("Content-Encoding", "gzip"))
    ex = exchange("https://example.org/corrupt", 200, "OK", headers, raw)
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(result_for((ex,), raw))  # the fetch kept it as it came
    assert snap is not None
    with pytest.raises(StoreError, match="does not decode as gzip") as caught:
        read_payload(tmp_path, snap)
    assert not isinstance(caught.value, DamagedRecord)
    check_snapshot(tmp_path, snap)
    check_snapshot(tmp_path, Snapshot(**{**snap.__dict__, "payload_digest": None}))


def test_check_warc_walks_past_damage(written: Written, tmp_path: Path) -> None:
    store = tmp_path / ".citeaudit"
    clean = check_warc(written.path)
    assert clean.whole and clean.unfinished == 0 and clean.size == written.path.stat().st_size
    ids = [r.record_id for r in clean.records]
    assert written.gzipped.record_id in ids and written.file.record_id in ids
    assert [r.rec_type for r in clean.records][0] == "warcinfo"
    assert sum(r.length for r in clean.records) == clean.size

    snap = written.gzipped
    flip_bytes(store / snap.warc, snap.offset, snap.length)
    walked = check_warc(written.path)
    (damaged,) = walked.damaged
    assert (damaged.offset, damaged.length, damaged.record_id) == (
        snap.offset,
        snap.length,
        snap.record_id,  # read from what decodes before the damage
    )
    assert damaged.problem == "its compressed bytes do not decode"
    # every other record is still found, whole, where it was
    assert [r.record_id for r in walked.records] == ids
    assert not walked.whole and walked.unfinished == 0

    other = written.redirect
    change_content(store / other.warc, other.offset, other.length, b"fell by 12", b"x" * 10)
    problems = {r.record_id: r.problem for r in check_warc(written.path).damaged}
    assert problems == {
        snap.record_id: "its compressed bytes do not decode",
        other.record_id: "its block and payload digests do not match",
    }


def test_check_warc_tells_an_unfinished_end_from_damage(written: Written) -> None:
    size = written.path.stat().st_size
    with open(written.path, "ab") as fh:
        fh.write(gzip.compress(b"WARC/1.1\r\nWARC-Type: response\r\n" * 40)[:50])
    walked = check_warc(written.path)
    assert (walked.unfinished, walked.damaged) == (50, ())
    with open(written.path, "r+b") as fh:  # what a crash can leave: zeros past the end
        fh.truncate(size)
        fh.seek(size)
        fh.write(b"\0" * 64)
    assert (check_warc(written.path).unfinished, check_warc(written.path).damaged) == (64, ())
