"""Repairing a WARC file a killed run left: cut back to its last whole record, the cut bytes
kept aside, a file that needs nothing left alone."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

from citeaudit.archive.readback import read_payload
from citeaudit.archive.recovery import REPAIRED_DIR, repair_warc, scan_warc
from citeaudit.archive.writer import WarcArchive
from damaged_store import flip_bytes
from warcfiles import GZ_TEXT, fixed_clock, gzip_result, parse_records, warcio_check


def unfinished_member(size: int) -> bytes:
    """The first ``size`` bytes of a record's gzip member: what a kill mid-write leaves."""
    member = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    record = b"WARC/1.1\r\nWARC-Type: response\r\n" + os.urandom(5000)
    return (member.compress(record) + member.flush())[:size]


def test_scan_counts_whole_members(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        archive.write_fetch(gzip_result())
    scan = scan_warc(archive.path)
    assert (scan.members, scan.partial) == (3, 0)  # warcinfo, request, response
    assert scan.complete == scan.size == archive.path.stat().st_size


def test_a_partial_last_member_is_cut_off_and_kept_aside(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        snap = archive.write_fetch(gzip_result())
    assert snap is not None
    whole = archive.path.read_bytes()
    tail = unfinished_member(119)
    with open(archive.path, "ab") as fh:
        fh.write(tail)
    scan = scan_warc(archive.path)
    assert (scan.complete, scan.partial, scan.members) == (len(whole), len(tail), 3)

    repair = repair_warc(tmp_path, archive.relative_path)
    assert repair is not None
    assert (repair.kept, repair.cut) == (len(whole), len(tail))
    aside = f"{REPAIRED_DIR}/{archive.path.name}.{len(whole)}.partial"
    assert repair.moved_to == aside
    assert (tmp_path / aside).read_bytes() == tail
    assert archive.path.read_bytes() == whole
    assert warcio_check(archive.path).returncode == 0
    assert read_payload(tmp_path, snap) == GZ_TEXT  # what the store points at is untouched
    assert repair.describe() == (
        f"repaired {archive.relative_path}: an interrupted run left {len(tail)} bytes of an "
        f"unfinished record at its end, cut off after {len(whole)} bytes; they are kept in "
        f"{aside}"
    )
    assert repair_warc(tmp_path, archive.relative_path) is None  # now it needs nothing


def test_a_file_without_one_whole_record_is_moved_aside_whole(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    path = tmp_path / "archive" / "killed.warc.gz"
    tail = unfinished_member(40)
    path.write_bytes(tail)
    repair = repair_warc(tmp_path, "archive/killed.warc.gz")
    assert repair is not None and (repair.kept, repair.cut) == (0, 40)
    assert not path.exists()
    assert (tmp_path / REPAIRED_DIR / "killed.warc.gz.0.partial").read_bytes() == tail


def test_an_empty_file_is_left_to_the_caller(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "empty.warc.gz").write_bytes(b"")
    assert repair_warc(tmp_path, "archive/empty.warc.gz") is None
    assert not (tmp_path / REPAIRED_DIR).exists()


def test_garbage_after_the_last_record_is_cut(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        archive.write_fetch(gzip_result())
    whole = archive.path.read_bytes()
    archive.path.write_bytes(whole + b"\0" * 64)
    repair = repair_warc(tmp_path, archive.relative_path)
    assert repair is not None and repair.cut == 64
    assert [r.type for r in parse_records(archive.path)] == ["warcinfo", "request", "response"]


def test_damage_inside_a_file_is_not_cut_nor_what_follows_it(tmp_path: Path) -> None:
    """A record damaged after it was written (bytes flipped) is not an unfinished end:
    cutting there would cut the whole records after it too. Only the end is cut."""
    with WarcArchive(tmp_path, "r1", {}, now=fixed_clock()) as archive:
        first = archive.write_fetch(gzip_result())
        second = archive.write_fetch(gzip_result())
    assert first is not None and second is not None
    flip_bytes(archive.path, first.offset, first.length)
    damaged = archive.path.read_bytes()
    assert scan_warc(archive.path).complete < first.offset + first.length  # the scan stops
    assert repair_warc(tmp_path, archive.relative_path) is None
    assert archive.path.read_bytes() == damaged
    assert not (tmp_path / REPAIRED_DIR).exists()
    assert read_payload(tmp_path, second) == GZ_TEXT  # the record after it is kept

    tail = unfinished_member(77)
    with open(archive.path, "ab") as fh:
        fh.write(tail)
    repair = repair_warc(tmp_path, archive.relative_path)
    assert repair is not None and (repair.kept, repair.cut) == (len(damaged), len(tail))
    assert archive.path.read_bytes() == damaged
    assert read_payload(tmp_path, second) == GZ_TEXT
